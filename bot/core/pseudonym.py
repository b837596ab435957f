"""What the logs call a patient: a short keyed hash of their Telegram id, never the id.

The key is per installation (kept in the database, `bot.storage.store`), so one patient's
log lines can be followed within a clinic's logs, but the lines name nobody to anyone
without the database, and two clinics' logs cannot be joined.
"""

from __future__ import annotations

import hashlib
import hmac

_key = b"aftercare: no installation key yet"
_known: dict[int, str] = {}
"""Pseudonyms made with the current key: every update logs one, and a keyed hash costs
tens of microseconds on the database thread, where a lookup costs well under one."""
KNOWN_LIMIT = 100_000
"""More patients than this and the remembered pseudonyms start again: a bound on memory."""


def use_key(key: bytes) -> None:
    """Set the installation's key (done once when the database is opened)."""
    global _key
    _key = key
    _known.clear()


def pseudonym(user_id: int) -> str:
    """ "p-" and 8 hex digits, the same for one id within an installation."""
    known = _known.get(user_id)
    if known is not None:
        return known
    digest = hmac.new(_key, str(user_id).encode(), hashlib.sha256).hexdigest()
    made = f"p-{digest[:8]}"
    if len(_known) >= KNOWN_LIMIT:
        _known.clear()
    _known[user_id] = made
    return made
