"""`aftercare chat`: the conversation in the terminal, driven through standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import WORDING

from bot.cli import main
from bot.storage import patients
from bot.storage.store import Store
from bot.terminal import LOCAL_USER_ID

AFTERCARE = str(Path(sys.executable).parent / "aftercare")


@pytest.fixture
def environment(
    tmp_path: Path, small_knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "AFTERCARE_")):
            monkeypatch.delenv(name)
    return {
        "AFTERCARE_DB": str(tmp_path / "chat.db"),
        "AFTERCARE_KNOWLEDGE_DIR": str(small_knowledge),
        "USER": "Anna",
    }


def chat(environment: dict[str, str], typed: str) -> str:
    result = CliRunner().invoke(main, ["chat"], input=typed, env=environment)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_newcomer_is_welcomed_and_asked_the_date_without_typing_anything(
    environment: dict[str, str],
) -> None:
    output = chat(environment, "")
    assert "Chatting with the aftercare bot as Anna" in output
    assert "aftercare assistant of Test Clinic" in output
    assert "[1] Today  [2] Yesterday" in output


def test_typing_a_buttons_number_presses_it(environment: dict[str, str]) -> None:
    output = chat(environment, "1\n1\n")
    assert "so today is day 0." in output
    assert "[1] Yes please  [2] No thanks" in output
    assert "Done. I'll write at 10:00 your time." in output


def test_a_question_gets_the_answer_as_plain_text(environment: dict[str, str]) -> None:
    output = chat(environment, "3 days ago\n2\ncan i wear makeup tomorrow\n")
    assert "Makeup: yes, light mineral makeup is fine now." in output


def test_a_warning_sign_prints_the_urgent_answer_and_the_staff_alert(
    environment: dict[str, str],
) -> None:
    typed = "today\n2\ntheres yellow crust on my chin and it feels hot\n"
    result = CliRunner().invoke(main, ["chat", "--staff"], input=typed, env=environment)
    output = result.output
    assert "This needs a look today." in output
    assert "<b>" not in output
    assert '[staff chat #1] Warning sign: Anna (id 1), day 0: "theres yellow crust' in output
    assert output.index("This needs a look today.") < output.index("[staff chat #1]")


def test_without_a_staff_chat_the_urgent_answer_never_says_the_team_was_told(
    environment: dict[str, str],
) -> None:
    output = chat(environment, "today\n2\ntheres yellow crust on my chin and it feels hot\n")
    assert "This needs a look today." in output
    assert "told the clinic team" not in output
    assert "Warning sign:" not in output


def test_quit_ends_the_chat_and_nothing_after_it_is_read(environment: dict[str, str]) -> None:
    output = chat(environment, "/quit\n/topics\n")
    assert "Tap a topic" not in output


def test_the_chat_keeps_the_patient_in_the_database_file(
    environment: dict[str, str], tmp_path: Path
) -> None:
    chat(environment, "yesterday\n1\n")
    second_visit = chat(environment, "/status\n")
    assert WORDING["welcome"].split("{")[0] not in second_visit
    assert "so today is day 1" in second_visit
    with Store(tmp_path / "chat.db") as store:
        patient = store.run_sync(patients.get_patient, LOCAL_USER_ID)
    assert patient is not None and patient.checkins_enabled


def test_the_chat_plans_check_ins_for_status_but_leaves_sending_to_the_telegram_bot(
    environment: dict[str, str],
) -> None:
    output = chat(environment, "today\n1\n/status\n")
    assert "only the Telegram bot (aftercare run) sends them" in output
    assert "Next check-in: " in output


def test_an_empty_line_gets_a_gentle_prompt(environment: dict[str, str]) -> None:
    output = chat(environment, "today\n2\n   \n")
    assert "That message looks empty." in output


def test_a_broken_knowledge_folder_stops_the_chat_with_file_and_line(
    environment: dict[str, str], small_knowledge: Path
) -> None:
    path = small_knowledge / "topics" / "makeup.yaml"
    path.write_text(path.read_text().replace("title:", "titel:"))
    result = CliRunner().invoke(main, ["chat"], input="", env=environment)
    assert result.exit_code == 1
    assert "makeup.yaml:2: unknown field 'titel'" in result.output


def test_the_installed_command_chats_over_stdin_without_a_token(
    environment: dict[str, str], tmp_path: Path
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "AFTERCARE_"))}
    result = subprocess.run(
        [AFTERCARE, "chat"],
        input="2\n2\n/topics\n",
        env={**clean, **environment},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "so today is day 1." in result.stdout
    assert "OK, no check-ins." in result.stdout
    assert "Tap a topic to read about it:" in result.stdout
    assert "Traceback" not in result.stderr
