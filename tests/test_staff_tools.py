"""Staff tools: the unanswered inbox, drafts, the knowledge diff and the figures."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.storage.alerts import record_red_flag, take
from bot.storage.patients import greet_patient
from bot.storage.questions import record_question, record_unanswered
from bot.storage.store import Store

NOW = datetime.now(UTC)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database the CLI finds through AFTERCARE_DB, with a few stored questions."""
    path = tmp_path / "aftercare.db"
    monkeypatch.setenv("AFTERCARE_DB", str(path))
    monkeypatch.chdir(tmp_path)
    asked = [
        ("how much is it", 3),
        ("how much does it cost??", 1),
        ("HOW MUCH IS IT", 1),
        ("do you sell gift cards", 2),
        ("are dogs allowed in your clinic", 1),
    ]
    with Store(path) as store:
        for text, times in asked:
            for _ in range(times):
                store.run_sync(record_unanswered, text, "fallback", None, 0.0, NOW)
        store.run_sync(
            record_unanswered, "an old question", "fallback", None, 0.0, NOW - timedelta(days=40)
        )
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_unanswered_groups_near_duplicates_most_frequent_first(database: Path) -> None:
    code, out, _ = invoke("unanswered", "--json")
    assert code == 0
    groups = json.loads(out)
    assert groups[0]["count"] == 5
    assert set(groups[0]["variants"]) == {
        "how much is it",
        "how much does it cost??",
        "HOW MUCH IS IT",
    }
    assert groups[0]["closest_rule"] == "price-payment"
    counts = [g["count"] for g in groups]
    assert counts == sorted(counts, reverse=True)


def test_unanswered_since_leaves_out_older_questions(database: Path) -> None:
    _, everything, _ = invoke("unanswered", "--json")
    _, recent, _ = invoke("unanswered", "--json", "--since", "30")
    assert "an old question" in everything
    assert "an old question" not in recent


def test_a_draft_passes_kb_check_once_its_answer_is_filled_in(
    database: Path, tmp_path: Path
) -> None:
    code, _, _ = invoke("unanswered", "--draft", "2", "--to", str(tmp_path / "drafts"))
    assert code == 0
    draft = next((tmp_path / "drafts").glob("*.yaml"))
    assert "gift" in draft.read_text()
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    shutil.copy(draft, folder / "topics" / draft.name)
    code, _, err = invoke("kb", "check", "--knowledge", str(folder))
    assert code == 1
    assert "answer must be non-empty text" in err
    target = folder / "topics" / draft.name
    target.write_text(target.read_text().replace("answer: ''", "answer: Yes, ask at reception."))
    code, _, err = invoke("kb", "check", "--knowledge", str(folder))
    assert code == 0, err


@pytest.fixture
def edited_knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "new"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    return folder


def labelled(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_kb_diff_lists_questions_an_added_topic_now_answers(
    database: Path, edited_knowledge: Path
) -> None:
    (edited_knowledge / "topics" / "dogs-at-clinic.yaml").write_text(
        "id: dogs-at-clinic\ntitle: Dogs at the clinic\nexamples:\n"
        "  - can i bring my dog\n  - are dogs allowed in the clinic\n"
        "  - is the clinic dog friendly\nanswer: Assistance dogs only, sorry.\n"
    )
    code, out, _ = invoke("kb", "diff", str(DEFAULT_KNOWLEDGE_DIR), str(edited_knowledge), "--json")
    assert code == 0
    changes = json.loads(out)["changes"]
    dog = [c for c in changes if c["question"] == "are dogs allowed in your clinic"]
    assert dog and dog[0]["after"]["rule"] == "dogs-at-clinic"
    assert dog[0]["before"]["rule"] != "dogs-at-clinic"


def diff_with_foundation_question(edited: Path, tmp_path: Path) -> tuple[int, str]:
    """`kb diff` of the default knowledge against `edited`, with one labelled makeup question."""
    questions = labelled(
        tmp_path,
        [{"question": "can i wear foundation tomorrow", "expected": ["makeup"], "red_flag": False}],
    )
    code, out, _ = invoke(
        "kb", "diff", str(DEFAULT_KNOWLEDGE_DIR), str(edited), "--questions", str(questions)
    )
    return code, out


def test_kb_diff_exits_1_when_a_right_answer_becomes_wrong(
    database: Path, edited_knowledge: Path, tmp_path: Path
) -> None:
    (edited_knowledge / "topics" / "makeup.yaml").write_text(
        "id: makeup\ntitle: Makeup\nexamples:\n  - lipstick colours\n  - lip liner\n"
        "  - nail varnish\nanswer: Ask the clinic.\n"
    )
    code, out = diff_with_foundation_question(edited_knowledge, tmp_path)
    assert code == 1
    assert "REGRESSION 'can i wear foundation tomorrow'" in out
    assert "Labelled accuracy: 100.0% before, 0.0% after." in out


def test_kb_diff_lists_a_reworded_answer_with_the_words_that_changed(
    database: Path, edited_knowledge: Path, tmp_path: Path
) -> None:
    path = edited_knowledge / "topics" / "makeup.yaml"
    path.write_text(path.read_text().replace("mineral makeup", "mineral make-up"))
    code, out = diff_with_foundation_question(edited_knowledge, tmp_path)
    assert code == 0
    assert "makeup answer reworded, for 'can i wear foundation tomorrow':" in out
    assert "light mineral [-makeup-] [+make-up+] is fine now. Use ... (days 2-6)" in out
    assert "0 question(s) change topic or decision, 1 get other words" in out


def test_kb_diff_shows_an_edit_made_only_in_one_day_variant(
    database: Path, edited_knowledge: Path, tmp_path: Path
) -> None:
    path = edited_knowledge / "topics" / "makeup.yaml"
    text = path.read_text()
    assert text.count("Yes, light mineral makeup is fine now.") == 1
    path.write_text(text.replace("Yes, light mineral makeup is fine now.", "Yes, go ahead."))
    _, out = diff_with_foundation_question(edited_knowledge, tmp_path)
    changed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert changed == [
        "Yes, [-light mineral makeup is fine now.-] [+go ahead.+] Use freshly washed brushes "
        "... (days 2-6)"
    ]


def test_kb_diff_says_where_the_stored_questions_came_from(
    database: Path, edited_knowledge: Path
) -> None:
    code, out, _ = invoke("kb", "diff", str(DEFAULT_KNOWLEDGE_DIR), str(edited_knowledge))
    assert code == 0
    assert f"Stored questions: 9 from {database.resolve()}." in out


def test_kb_diff_says_when_there_is_no_database_to_replay(
    tmp_path: Path, edited_knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFTERCARE_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("kb", "diff", str(DEFAULT_KNOWLEDGE_DIR), str(edited_knowledge))
    assert code == 0
    assert f"Stored questions: none, there is no database at {tmp_path / 'aftercare.db'}" in out
    assert not (tmp_path / "aftercare.db").exists()


def test_a_word_diff_shows_the_changed_words_with_a_few_around_them() -> None:
    from bot.tools.knowledge_diff import word_diff

    before = "Give your skin 48 hours to settle before you put any makeup on at all."
    after = "Give your skin two days to settle before you put any makeup on at all."
    assert word_diff(before, after) == (
        "Give your skin [-48 hours-] [+two days+] to settle before you ..."
    )


def add_patients(store: Store, *ids: int) -> None:
    for patient in ids:
        store.run_sync(
            lambda db, p=patient: (
                greet_patient(
                    db,
                    p,
                    chat_id=p,
                    first_name="A",
                    username=None,
                    timezone=ZoneInfo("Europe/London"),
                    checkin_time=time(10),
                    now=NOW,
                ).patient
            )
        )


def test_stats_counts_what_the_database_holds(database: Path) -> None:
    with Store(database) as store:
        add_patients(store, 1, 2)
        store.run_sync(record_question, 1, "answer", "makeup", False, NOW)
        store.run_sync(record_question, 2, "fallback", None, False, NOW - timedelta(days=10))
        store.run_sync(record_red_flag, 1, 3, "discharge", True, NOW)
    code, out, _ = invoke("stats", "--json")
    assert code == 0
    figures = json.loads(out)
    assert figures["patients"] == 2
    assert figures["last_7_days"]["questions_answered"] == 1
    assert figures["last_7_days"]["questions_fallen_back"] == 0
    assert figures["last_30_days"]["questions_fallen_back"] == 1
    assert figures["last_7_days"]["red_flags"] == 1


def test_stats_on_a_new_install_prints_zeros_without_creating_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "aftercare.db"
    monkeypatch.setenv("AFTERCARE_DB", str(path))
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("stats", "--json")
    assert code == 0
    figures = json.loads(out)
    assert figures["patients"] == 0
    assert set(figures["last_30_days"].values()) == {0}
    assert f"No database at {path} yet" in err
    assert not path.exists()


def test_version_prints_the_installed_package_version() -> None:
    from importlib.metadata import version

    code, out, _ = invoke("--version")
    assert code == 0
    assert out == f"aftercare {version('aftercare')}\n"


def test_the_draft_id_does_not_clash_with_an_existing_topic(tmp_path: Path) -> None:
    from bot.tools.unanswered import QuestionGroup, draft_topic

    group = QuestionGroup(("makeup tips?",), 1, "makeup", 50.0, NOW)
    taken = {r.id for r in load_knowledge(DEFAULT_KNOWLEDGE_DIR).rules}
    path = draft_topic(group, tmp_path, taken | {"makeup-tips"})
    assert path.stem == "makeup-tips-2"


def test_stats_in_words_show_how_long_alerts_waited_and_those_nobody_took(
    database: Path,
) -> None:
    with Store(database) as store:
        add_patients(store, 1, 2)
        taken = store.run_sync(
            record_red_flag, 1, 3, "discharge", True, NOW - timedelta(minutes=30), "alert"
        )
        store.run_sync(take, taken, "Sam", 42, NOW - timedelta(minutes=18))
        store.run_sync(record_red_flag, 2, 1, "fever-unwell", True, NOW - timedelta(minutes=9), "a")
    code, out, _ = invoke("stats")
    assert code == 0
    assert "Alerts nobody has taken: 1" in out
    assert "12 min" in out
    assert "<b>" not in out


def test_unanswered_shows_the_biggest_groups_and_says_how_many_it_leaves_out(
    database: Path,
) -> None:
    code, out, _ = invoke("unanswered", "--top", "2")
    assert code == 0
    assert out.startswith("1. [5x]")
    assert "3. [" not in out
    assert "Showing the top 2 of 4 groups" in out
