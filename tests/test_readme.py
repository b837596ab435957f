"""The README is the operator's manual: every command and variable must be in it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRACT_VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "AFTERCARE_DB",
    "AFTERCARE_KNOWLEDGE_DIR",
    "AFTERCARE_TIMEZONE",
    "AFTERCARE_CHECKIN_TIME",
    "AFTERCARE_DISPATCH_SECONDS",
    "AFTERCARE_STAFF_IDS",
    "AFTERCARE_STAFF_CHAT_ID",
    "AFTERCARE_DATE_ORDER",
)


def test_every_aftercare_command_is_documented_in_the_readme() -> None:
    from bot.cli.reference import commands

    paths = [context.command_path for context, _ in commands()]
    assert "aftercare kb check" in paths
    for path in paths:
        assert f"`{path}" in README, path


def test_every_environment_variable_the_code_reads_is_documented_in_the_readme() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "bot").rglob("*.py"))
    read_by_code = set(re.findall(r"""["']((?:TELEGRAM|AFTERCARE)_[A-Z_]+)["']""", source))
    assert set(CONTRACT_VARIABLES) <= read_by_code
    for variable in read_by_code:
        assert f"`{variable}`" in README, variable


def test_the_readme_gives_the_install_and_test_commands_that_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -e '.[test]'" in README and "pip install -e '.[test]'" in ci
    assert ".venv/bin/pytest" in README and ".venv/bin/pytest" in ci
    assert "aftercare chat" in README


def test_ci_runs_the_suite_in_a_fresh_clone_with_nothing_beside_it() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "mktemp -d" in ci and "git clone" in ci
    clone_at = ci.index("git clone")
    assert ci.index(".venv/bin/pip install -e '.[test]'") > clone_at
    assert ci.index(".venv/bin/pytest") > clone_at


def test_the_generated_command_reference_says_what_the_commands_help_says() -> None:
    # The same check as CI's `cog --check`: regenerate with `.venv/bin/cog -r README.md
    # docs/cli.md` after changing a command.
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md", "docs/cli.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_command_table_shows_every_command_with_its_options() -> None:
    from bot.cli.reference import command_table

    table = command_table()
    assert "| `aftercare --version` | Show the version and exit. |" in table
    assert "`aftercare kb diff OLD_FOLDER NEW_FOLDER [--questions FILE.jsonl] [--json]`" in table
    assert table in README


def test_no_command_help_shows_programmers_notation() -> None:
    from bot.cli.reference import commands

    for context, command in commands():
        text = command.get_help(context)
        for notation in ("x>=", "TEXT", "PATH", "INTEGER"):
            assert notation not in text, (context.command_path, notation)
