"""The last good knowledge survives restarts: kept beside the database, served when the
folder is broken at start-up, replaced as soon as the folder is good again."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SMALL_ANSWERS

from bot.knowledge import snapshots as snapshots_module
from bot.knowledge.holder import KnowledgeHolder, open_knowledge, start_knowledge
from bot.knowledge.snapshots import KnowledgeSnapshots, folder_digest, snapshot_folder
from bot.knowledge.watcher import KnowledgeWatcher, started_from_snapshot_message

GOOD_ANSWER = "Makeup: give your skin 48 hours."


class Ticking:
    """A clock for kept versions: each call is a second later, so names never collide."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def folder(small_knowledge: Path) -> Path:
    assert SMALL_ANSWERS["makeup"] == GOOD_ANSWER
    return small_knowledge


@pytest.fixture
def kept(tmp_path: Path) -> KnowledgeSnapshots:
    return KnowledgeSnapshots(snapshot_folder(tmp_path / "aftercare.db"), clock=Ticking())


def set_makeup_answer(folder: Path, answer: str) -> None:
    path = folder / "topics" / "makeup.yaml"
    text = path.read_text()
    head, _, rest = text.partition("\nanswer:")
    tail = rest[rest.index("\nby_day:") :] if "\nby_day:" in rest else ""
    path.write_text(f"{head}\nanswer: {json.dumps(answer)}{tail}")


def break_makeup(folder: Path) -> None:
    path = folder / "topics" / "makeup.yaml"
    path.write_text(path.read_text().replace("title: Makeup", 'title: "Makeup', 1))


def test_the_kept_versions_live_in_a_folder_named_after_the_database(tmp_path: Path) -> None:
    assert snapshot_folder(tmp_path / "aftercare.db") == tmp_path / "aftercare.db.knowledge"


def test_every_good_version_is_kept_with_its_folder_and_time(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    holder = KnowledgeHolder(folder, snapshots=kept)
    set_makeup_answer(folder, "Makeup: wait two days.")
    assert holder.reload() == []
    versions = kept.versions()
    assert len(versions) == 2
    newest = versions[0]
    about = json.loads((newest.path / "version.json").read_text())
    assert about["source"] == str(folder.resolve())
    assert datetime.fromisoformat(about["saved_at"]) == newest.saved_at
    assert "Makeup: wait two days." in (newest.files / "topics" / "makeup.yaml").read_text()
    assert folder_digest(newest.files) == folder_digest(folder)


def test_a_version_already_kept_is_not_kept_again(folder: Path, kept: KnowledgeSnapshots) -> None:
    KnowledgeHolder(folder, snapshots=kept)
    KnowledgeHolder(folder, snapshots=kept)
    assert len(kept.versions()) == 1


def test_a_broken_version_is_never_kept(folder: Path, kept: KnowledgeSnapshots) -> None:
    holder = KnowledgeHolder(folder, snapshots=kept)
    break_makeup(folder)
    assert holder.reload() != []
    assert len(kept.versions()) == 1


def test_files_that_changed_during_the_load_are_not_kept(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    loaded = folder_digest(folder)
    set_makeup_answer(folder, "Makeup: saved while the bot was loading.")
    assert kept.keep(folder, loaded) is None
    assert kept.versions() == []


def test_only_the_newest_versions_are_kept(
    folder: Path, kept: KnowledgeSnapshots, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshots_module, "KEEP_VERSIONS", 2)
    holder = KnowledgeHolder(folder, snapshots=kept)
    for n in range(3):
        set_makeup_answer(folder, f"Makeup: version {n}.")
        assert holder.reload() == []
    answers = [(v.files / "topics" / "makeup.yaml").read_text() for v in kept.versions()]
    assert len(answers) == 2
    assert "version 2" in answers[0] and "version 1" in answers[1]


def test_a_start_over_a_broken_folder_answers_from_the_last_good_version(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    KnowledgeHolder(folder, snapshots=kept)
    break_makeup(folder)
    start = start_knowledge(folder, kept)
    assert start.holder is not None
    assert start.snapshot == kept.versions()[0]
    assert start.holder.current.matcher.match("can i wear makeup tomorrow").answer == GOOD_ANSWER
    assert any(str(p).startswith("knowledge/topics/makeup.yaml:2: ") for p in start.problems)


def test_the_start_report_says_loudly_which_version_is_served_and_why(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    KnowledgeHolder(folder, snapshots=kept)
    break_makeup(folder)
    start = start_knowledge(folder, kept)
    report = start.report()
    assert "knowledge/topics/makeup.yaml:2: this quote" in report
    assert "serving the last good version: the version of 24 Nov 2026 10:00 UTC" in report
    staff = started_from_snapshot_message(start)
    assert "knowledge/topics/makeup.yaml:2: this quote" in staff
    assert "patients get the version of 24 Nov 2026 10:00 UTC" in staff


def test_open_knowledge_beside_a_database_falls_back_and_tells_the_operator(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "aftercare.db"
    assert open_knowledge(folder, db_path) is not None
    break_makeup(folder)
    holder = open_knowledge(folder, db_path)
    assert holder is not None and holder.serving_snapshot is not None
    assert "serving the last good version" in capsys.readouterr().err


def test_a_start_over_a_broken_folder_with_nothing_kept_does_not_start(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    break_makeup(folder)
    start = start_knowledge(folder, kept)
    assert start.holder is None
    assert "There is no good version of the knowledge to serve" in start.report()


def test_a_kept_version_this_bot_refuses_gives_way_to_an_older_one(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    holder = KnowledgeHolder(folder, snapshots=kept)
    set_makeup_answer(folder, "Makeup: newer.")
    holder.reload()
    break_makeup(kept.versions()[0].files)
    break_makeup(folder)
    start = start_knowledge(folder, kept)
    assert start.holder is not None
    assert start.holder.current.base.rule("makeup").answer == GOOD_ANSWER


async def test_the_fixed_folder_goes_live_and_staff_hear_it_is_fine_again(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    KnowledgeHolder(folder, snapshots=kept)
    break_makeup(folder)
    start = start_knowledge(folder, kept)
    assert start.holder is not None
    news: list[str] = []

    async def tell_staff(summary: str) -> None:
        news.append(summary)

    now = [0.0]
    watcher = KnowledgeWatcher(start.holder, lambda: now[0], on_reloaded=tell_staff)
    path = folder / "topics" / "makeup.yaml"
    path.write_text(path.read_text().replace('title: "Makeup', "title: Makeup", 1))
    set_makeup_answer(folder, "Makeup: fixed and rewritten.")
    await watcher.poll()
    now[0] += watcher.settle_seconds + 0.1
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert start.holder.serving_snapshot is None
    assert start.holder.current.base.rule("makeup").answer == "Makeup: fixed and rewritten."
    assert news == ["reloaded, the knowledge is fine again: makeup answer changed"]
    assert len(kept.versions()) == 2


async def test_touching_the_broken_folder_after_a_start_from_a_kept_version_is_not_told_twice(
    folder: Path, kept: KnowledgeSnapshots
) -> None:
    KnowledgeHolder(folder, snapshots=kept)
    break_makeup(folder)
    start = start_knowledge(folder, kept)
    assert start.holder is not None
    alerts: list[list[str]] = []

    async def tell_staff(problems: list[str]) -> None:
        alerts.append(problems)

    now = [0.0]
    watcher = KnowledgeWatcher(start.holder, lambda: now[0], on_broken=tell_staff)
    path = folder / "topics" / "makeup.yaml"
    path.write_text(path.read_text() + "\n")
    path.write_text(path.read_text()[:-1])
    await watcher.poll()
    now[0] += watcher.settle_seconds + 0.1
    outcome = await watcher.poll()
    assert outcome is not None and not outcome.loaded
    assert alerts == []
