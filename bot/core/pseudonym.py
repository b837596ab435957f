"""What the logs call a patient: a short keyed hash of their Telegram id, never the id.

The key is per installation (kept in the database, `bot.storage.store`), so one patient's
log lines can be followed within a clinic's logs, but the lines name nobody to anyone
without the database, and two clinics' logs cannot be joined.
"""

from __future__ import annotations

import hashlib
import hmac

_key = b"aftercare: no installation key yet"


def use_key(key: bytes) -> None:
    """Set the installation's key (done once when the database is opened)."""
    global _key
    _key = key


def pseudonym(user_id: int) -> str:
    """ "p-" and 8 hex digits, the same for one id within an installation."""
    digest = hmac.new(_key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:8]}"
