"""The bot's settings, read once from the environment and an optional `.env` file.

Every variable of the contract (see the README) is parsed and checked here, so a typo
stops `aftercare` at start-up with one message that names each bad variable, the value it
had and how to fix it, instead of failing later in front of a patient.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from datetime import time
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from bot.core.clock_input import parse_clock_time, parse_timezone
from bot.knowledge.files import DEFAULT_KNOWLEDGE_DIR

DateOrder = Literal["DMY", "MDY"]

_T = TypeVar("_T")
_SECRET = "telegram_bot_token"
_UTC = ZoneInfo("UTC")


class ConfigError(Exception):
    """One or more settings are missing or malformed; the message says how to fix each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(NamedTuple):
    """Everything `aftercare` can be configured with; the defaults are the contract's.

    A named tuple (copied with changes by `_replace`), not a dataclass: `aftercare ask`
    reads the settings at every start, and a dataclass costs that start the compiling of
    its generated methods and the import of `dataclasses` (see `bot.core.model`).
    """

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    db_path: Path = Path("aftercare.db")
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    timezone: ZoneInfo = _UTC
    checkin_time: time = time(10, 0)
    dispatch_seconds: float = 60.0
    staff_ids: frozenset[int] = frozenset()
    staff_chat_id: int | None = None
    date_order: DateOrder = "DMY"
    alert_escalate_minutes: float = 15.0
    escalation_chat_id: int | None = None
    handoff_idle_hours: float = 24.0

    def __repr__(self) -> str:
        # Never the token: settings end up in logs and tracebacks.
        shown = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items() if k != _SECRET)
        return f"Settings({shown})"

    def require_token(self) -> str:
        """The bot token, or a `ConfigError` that says how to get one."""
        if not self.telegram_bot_token:
            raise ConfigError(
                [
                    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put "
                    "TELEGRAM_BOT_TOKEN=... in the environment or a .env file"
                ]
            )
        return self.telegram_bot_token


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Settings from `environ` (default: the process environment) over `env_file`.

    A variable set in the environment wins over the same one in the file, even when it
    is set to an empty value (which means "use the default"). Raises `ConfigError`
    listing every malformed variable at once.
    """
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        # Imported here: python-dotenv brings logging, tempfile and more, which a command
        # run without a .env file (most of them) would pay for at every start.
        from dotenv import dotenv_values

        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    reader = _Reader(values)
    default = Settings()
    settings = Settings(
        telegram_bot_token=reader.read("TELEGRAM_BOT_TOKEN", str, None),
        telegram_api_base_url=reader.read(
            "TELEGRAM_API_BASE_URL", _base_url, default.telegram_api_base_url
        ),
        db_path=reader.read("AFTERCARE_DB", _path, default.db_path),
        knowledge_dir=reader.read("AFTERCARE_KNOWLEDGE_DIR", _path, default.knowledge_dir),
        timezone=reader.read("AFTERCARE_TIMEZONE", parse_timezone, default.timezone),
        checkin_time=reader.read("AFTERCARE_CHECKIN_TIME", parse_clock_time, default.checkin_time),
        dispatch_seconds=reader.read(
            "AFTERCARE_DISPATCH_SECONDS", _positive_seconds, default.dispatch_seconds
        ),
        staff_ids=reader.read("AFTERCARE_STAFF_IDS", _user_ids, default.staff_ids),
        staff_chat_id=reader.read("AFTERCARE_STAFF_CHAT_ID", _chat_id, None),
        date_order=reader.read("AFTERCARE_DATE_ORDER", _date_order, default.date_order),
        alert_escalate_minutes=reader.read(
            "AFTERCARE_ALERT_ESCALATE_MINUTES", _positive_minutes, default.alert_escalate_minutes
        ),
        escalation_chat_id=reader.read("AFTERCARE_ESCALATION_CHAT_ID", _chat_id, None),
        handoff_idle_hours=reader.read(
            "AFTERCARE_HANDOFF_IDLE_HOURS", _positive_hours, default.handoff_idle_hours
        ),
    )
    if reader.problems:
        raise ConfigError(reader.problems)
    return settings


class _Reader:
    """Reads variables one by one, collecting every problem instead of stopping at the first."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: list[str] = []

    def read(self, name: str, parse: Callable[[str], _T], default: _T) -> _T:
        raw = self.values.get(name, "").strip()
        if not raw:
            return default
        try:
            return parse(raw)
        except ValueError as error:
            self.problems.append(f'{name}="{raw}" {error}')
            return default


def _base_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError(
            "is not a web address; use the Bot API address the token is appended to, "
            "such as https://api.telegram.org/bot"
        )
    return text


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _positive_seconds(text: str) -> float:
    return _positive_number(text, "seconds", "60")


def _positive_number(text: str, unit: str, example: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"is not a positive number of {unit}; use a number such as {example}")
    return value


def _positive_minutes(text: str) -> float:
    return _positive_number(text, "minutes", "15")


def _positive_hours(text: str) -> float:
    return _positive_number(text, "hours", "24")


def _user_ids(text: str) -> frozenset[int]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    bad = [item for item in items if not re.fullmatch(r"\d+", item)]
    if bad:
        raise ValueError(
            f"has {', '.join(repr(item) for item in bad)}, which "
            f"{'is not a Telegram user id' if len(bad) == 1 else 'are not Telegram user ids'}; "
            "use numeric ids separated by commas, such as 123456789,987654321 "
            "(a user can see theirs by messaging @userinfobot)"
        )
    return frozenset(int(item) for item in items)


def _chat_id(text: str) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(
            "is not a Telegram chat id; use the numeric id of the staff chat, such as "
            "-1001234567890 for a group"
        )
    return int(text)


def _date_order(text: str) -> DateOrder:
    order = text.upper()
    if order == "DMY":
        return "DMY"
    if order == "MDY":
        return "MDY"
    raise ValueError("is not a date order; use DMY (20/11 is 20 November) or MDY (11/20)")
