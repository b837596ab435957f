"""Settings from the environment and `.env`, and the messages for malformed ones."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR

TOKEN = "123456:ABC-secret-token"


def test_with_nothing_set_every_setting_has_the_documented_default(tmp_path: Path) -> None:
    settings = load_settings({}, env_file=tmp_path / "missing.env")
    assert settings == Settings(
        telegram_bot_token=None,
        telegram_api_base_url="https://api.telegram.org/bot",
        db_path=Path("aftercare.db"),
        knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
        timezone=ZoneInfo("UTC"),
        checkin_time=time(10, 0),
        dispatch_seconds=60.0,
        staff_ids=frozenset(),
        staff_chat_id=None,
        date_order="DMY",
    )


def test_every_variable_is_read_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://localhost:8081/bot",
            "AFTERCARE_DB": str(tmp_path / "patients.db"),
            "AFTERCARE_KNOWLEDGE_DIR": str(tmp_path / "kb"),
            "AFTERCARE_TIMEZONE": "Europe/London",
            "AFTERCARE_CHECKIN_TIME": "9:30",
            "AFTERCARE_DISPATCH_SECONDS": "2.5",
            "AFTERCARE_STAFF_IDS": "111, 222,",
            "AFTERCARE_STAFF_CHAT_ID": "-1001234567890",
            "AFTERCARE_DATE_ORDER": "mdy",
        },
        env_file=None,
    )
    assert settings.telegram_bot_token == TOKEN
    assert settings.telegram_api_base_url == "http://localhost:8081/bot"
    assert settings.db_path == tmp_path / "patients.db"
    assert settings.knowledge_dir == tmp_path / "kb"
    assert settings.timezone == ZoneInfo("Europe/London")
    assert settings.checkin_time == time(9, 30)
    assert settings.dispatch_seconds == 2.5
    assert settings.staff_ids == frozenset({111, 222})
    assert settings.staff_chat_id == -1001234567890
    assert settings.date_order == "MDY"


def test_a_dotenv_file_supplies_variables_the_environment_does_not_set(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nAFTERCARE_TIMEZONE=Asia/Tokyo\n# a comment\n",
        encoding="utf-8",
    )
    settings = load_settings({}, env_file=env_file)
    assert settings.telegram_bot_token == TOKEN
    assert settings.timezone == ZoneInfo("Asia/Tokyo")


def test_the_environment_wins_over_the_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("AFTERCARE_TIMEZONE=Asia/Tokyo\nAFTERCARE_CHECKIN_TIME=08:00\n")
    settings = load_settings({"AFTERCARE_TIMEZONE": "Europe/Paris"}, env_file=env_file)
    assert settings.timezone == ZoneInfo("Europe/Paris")
    assert settings.checkin_time == time(8, 0)


def test_an_empty_environment_variable_overrides_the_file_with_the_default(
    tmp_path: Path,
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("AFTERCARE_STAFF_CHAT_ID=-10042\n")
    assert load_settings({"AFTERCARE_STAFF_CHAT_ID": ""}, env_file=env_file).staff_chat_id is None


def test_the_dotenv_file_is_read_from_the_working_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("AFTERCARE_DATE_ORDER=MDY\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).date_order == "MDY"


def test_the_process_environment_is_read_when_no_mapping_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFTERCARE_STAFF_IDS", "7")
    assert load_settings(env_file=None).staff_ids == frozenset({7})


@pytest.mark.parametrize(
    ("name", "value", "explanation"),
    [
        (
            "AFTERCARE_TIMEZONE",
            "Europe/Londn",
            "is not a time zone; use an IANA name such as Europe/London",
        ),
        ("AFTERCARE_CHECKIN_TIME", "25:00", "is not a time; use 24-hour HH:MM"),
        ("AFTERCARE_CHECKIN_TIME", "10am", "is not a time; use 24-hour HH:MM"),
        ("AFTERCARE_DISPATCH_SECONDS", "0", "is not a positive number of seconds"),
        ("AFTERCARE_DISPATCH_SECONDS", "soon", "is not a positive number of seconds"),
        ("AFTERCARE_STAFF_IDS", "123,abc", "has 'abc', which is not a Telegram user id"),
        ("AFTERCARE_STAFF_CHAT_ID", "@staffchat", "is not a Telegram chat id"),
        ("AFTERCARE_DATE_ORDER", "YMD", "is not a date order; use DMY"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org", "is not a web address"),
    ],
)
def test_a_malformed_variable_is_named_with_its_value_and_how_to_fix_it(
    name: str, value: str, explanation: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({name: value}, env_file=None)
    assert str(error.value).startswith(f'{name}="{value}" {explanation}')


def test_every_malformed_variable_is_reported_at_once() -> None:
    bad = {
        "TELEGRAM_API_BASE_URL": "ftp://example.org",
        "AFTERCARE_TIMEZONE": "Mars/Olympus",
        "AFTERCARE_CHECKIN_TIME": "noon",
        "AFTERCARE_DISPATCH_SECONDS": "-5",
        "AFTERCARE_STAFF_IDS": "12,x",
        "AFTERCARE_STAFF_CHAT_ID": "staff",
        "AFTERCARE_DATE_ORDER": "ISO",
    }
    with pytest.raises(ConfigError) as error:
        load_settings(bad, env_file=None)
    assert len(error.value.problems) == len(bad)
    for name, value in bad.items():
        assert f'{name}="{value}"' in str(error.value)


def test_a_malformed_variable_in_the_dotenv_file_is_reported_too(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("AFTERCARE_CHECKIN_TIME=7pm\n")
    with pytest.raises(ConfigError, match='AFTERCARE_CHECKIN_TIME="7pm"'):
        load_settings({}, env_file=env_file)


def test_require_token_explains_how_to_get_a_token_when_none_is_set() -> None:
    with pytest.raises(ConfigError) as error:
        Settings().require_token()
    assert str(error.value) == (
        "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put "
        "TELEGRAM_BOT_TOKEN=... in the environment or a .env file"
    )


def test_require_token_returns_the_token_when_set() -> None:
    assert Settings(telegram_bot_token=TOKEN).require_token() == TOKEN


def test_the_token_never_appears_in_the_repr_of_the_settings() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, env_file=None)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
