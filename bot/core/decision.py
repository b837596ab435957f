"""How the bot answers a message, once the knowledge has scored it."""

from __future__ import annotations

from typing import Literal

Decision = Literal["answer", "suggest", "fallback"]
"""A confident answer, a "Did you mean" with topic buttons, or the kind fallback."""
