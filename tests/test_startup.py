"""Starting fast: the compiled knowledge read back from the cache, commands that import only
what they use, and the garbage collector kept away from the knowledge in use."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.quick import answered_quickly
from bot.knowledge import compiled, loader
from bot.knowledge.compiled import compile_knowledge
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR

QUESTIONS = (
    "can i wear makeup tomorrow",
    "my face is swollen and hot and i have a fever",
    "when can i go swimming",
    "thanks so much!",
    "redness going down but still pink day 4 ok?",
)
WATCHED = ("telegram", "httpx", "yaml", "sklearn", "sqlite3")


def loaded_modules(arguments: list[str], typed: str, tmp_path: Path) -> list[str]:
    """Which of `WATCHED` a fresh `aftercare` process has imported when its command ends."""
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        f"    main({arguments!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json\n"
        f"print(json.dumps([m for m in {WATCHED!r} if m in sys.modules]), file=sys.stderr)\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    environment["AFTERCARE_DB"] = str(tmp_path / "aftercare.db")
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=typed,
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=True,
    )
    return list(json.loads(result.stderr.strip().splitlines()[-1]))


def test_a_second_start_reads_the_knowledge_back_instead_of_loading_the_files(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = compile_knowledge(knowledge_copy).base

    def no_loading(directory: Path) -> None:
        raise AssertionError(f"{directory} was loaded again")

    monkeypatch.setattr(loader, "read_knowledge", no_loading)
    again = compile_knowledge(knowledge_copy).base
    assert (again.rules, again.wording, again.plan) == (first.rules, first.wording, first.plan)


def test_the_knowledge_read_back_answers_exactly_as_the_loaded_one(knowledge_copy: Path) -> None:
    loaded = compile_knowledge(knowledge_copy)
    again = compile_knowledge(knowledge_copy)
    assert again.matcher is not loaded.matcher
    for question in QUESTIONS:
        assert again.matcher.match(question).as_json() == loaded.matcher.match(question).as_json()


def test_an_edited_file_is_loaded_afresh(knowledge_copy: Path) -> None:
    compile_knowledge(knowledge_copy)
    makeup = knowledge_copy / "topics" / "makeup.yaml"
    makeup.write_text(makeup.read_text().replace("answer: >", "answer: >\n  EDITED.", 1))
    assert compile_knowledge(knowledge_copy).base.rule("makeup").answer.startswith("EDITED.")


def test_a_damaged_cache_entry_is_loaded_afresh(knowledge_copy: Path, model_cache: Path) -> None:
    expected = compile_knowledge(knowledge_copy).base.rule("makeup").answer
    for entry in (model_cache / "aftercare").glob(f"{compiled.KIND}-*"):
        entry.write_bytes(entry.read_bytes()[:-20])
    assert compile_knowledge(knowledge_copy).base.rule("makeup").answer == expected


def test_asking_imports_neither_telegram_nor_yaml_nor_the_database(tmp_path: Path) -> None:
    # The first run fills the cache; the second is what staff meet every time after.
    loaded_modules(["ask", QUESTIONS[0], "--json"], "", tmp_path)
    assert loaded_modules(["ask", QUESTIONS[0], "--json"], "", tmp_path) == []


def test_chatting_in_the_terminal_imports_neither_telegram_nor_httpx(tmp_path: Path) -> None:
    found = loaded_modules(["chat"], "/quit\n", tmp_path)
    assert "sqlite3" in found
    assert [m for m in found if m in ("telegram", "httpx")] == []


def test_a_reload_moves_the_knowledge_out_of_the_collectors_reach(knowledge_copy: Path) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    gc.unfreeze()
    assert holder.reload() == []
    assert gc.get_freeze_count() > 0


def test_the_version_a_reload_replaced_is_freed_though_an_earlier_reload_froze_it(
    knowledge_copy: Path,
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    assert holder.reload() == []
    replaced = weakref.ref(holder.current.matcher)
    assert holder.reload() == []
    assert replaced() is None


def console_script(
    arguments: list[str], tmp_path: Path, before: str = ""
) -> subprocess.CompletedProcess[str]:
    """`aftercare ARGUMENTS` as staff run it: the console script's `run`, a fresh process
    (that runs the code `before` first)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    return subprocess.run(
        [sys.executable, "-c", f"{before}\nfrom bot.cli import run; run()", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=False,
    )


def test_the_console_script_prints_the_whole_answer_before_it_ends(tmp_path: Path) -> None:
    done = console_script(["ask", QUESTIONS[0], "--json"], tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["rule"] == "makeup"


def test_the_console_script_keeps_the_exit_code_and_message_of_a_mistake(
    tmp_path: Path,
) -> None:
    done = console_script(["ask", QUESTIONS[0], "--day", "-1"], tmp_path)
    assert done.returncode == 2
    assert "must be 0 or more" in done.stderr


def test_a_cached_question_is_answered_without_importing_click(tmp_path: Path) -> None:
    said_at_exit = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('click' in sys.modules, file=sys.stderr))"
    )
    console_script(["ask", QUESTIONS[0], "--json"], tmp_path)
    done = console_script(["ask", QUESTIONS[0], "--json"], tmp_path, said_at_exit)
    assert json.loads(done.stdout)["rule"] == "makeup"
    assert done.stderr.split() == ["False"]


def test_a_cached_question_defines_no_dataclass_and_loads_no_openssl(tmp_path: Path) -> None:
    # Both cost a cached ask more than its decision: `dataclasses` brings `inspect` and
    # compiles each class's methods, `hashlib` loads OpenSSL.
    said_at_exit = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(*(m in sys.modules for m in ('dataclasses', "
        "'_hashlib')), file=sys.stderr))"
    )
    console_script(["ask", QUESTIONS[1], "--json"], tmp_path)
    done = console_script(["ask", QUESTIONS[1], "--json"], tmp_path, said_at_exit)
    assert json.loads(done.stdout)["red_flag"] is True
    assert done.stderr.split() == ["False", "False"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_quick_answer_is_the_line_the_ask_command_prints(question: str, tmp_path: Path) -> None:
    arguments = ["ask", "--day=3", question, "--json", "--knowledge", str(DEFAULT_KNOWLEDGE_DIR)]
    console_script(arguments, tmp_path)
    quick = console_script(arguments, tmp_path)
    assert quick.stdout == CliRunner().invoke(main, arguments).stdout


@pytest.mark.parametrize(
    "arguments",
    [
        ["ask", QUESTIONS[0]],
        ["ask", "--json"],
        ["ask", QUESTIONS[0], "--json", "--help"],
        ["ask", QUESTIONS[0], QUESTIONS[1], "--json"],
        ["ask", QUESTIONS[0], "--json", "--day", "-1"],
        ["ask", QUESTIONS[0], "--json", "--day", "1_0"],
        ["ask", QUESTIONS[0], "--json", "--day", "1", "--day", "2"],
        ["ask", QUESTIONS[0], "--json", "--knowledge", "no-such-folder"],
        ["kb", "check"],
    ],
)
def test_arguments_the_quick_answer_does_not_read_as_click_would_are_left_to_click(
    arguments: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    compile_knowledge()
    assert answered_quickly(arguments) is False
    assert capfd.readouterr().out == ""


def test_a_question_asked_for_json_is_answered_quickly_once_cached(
    capfd: pytest.CaptureFixture[str],
) -> None:
    compile_knowledge()
    assert answered_quickly(["ask", QUESTIONS[0], "--json", "--day", "0"]) is True
    assert json.loads(capfd.readouterr().out)["rule"] == "makeup"
