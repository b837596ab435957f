"""Live reload: edits reach patients without a restart, broken ones never do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MAKEUP_DAY_2_ON, STAFF_CHAT, settings_for, start_bot
from fake_bot_api import FakeBotApi

from bot.knowledge import watcher as watcher_module
from bot.knowledge.files import knowledge_files
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.watcher import KnowledgeWatcher, broken_knowledge_message


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def makeup_answer(holder: KnowledgeHolder) -> str:
    return holder.current.base.rule("makeup").answer


def edit_makeup(knowledge_copy: Path, old: str, new: str) -> None:
    path = knowledge_copy / "topics" / "makeup.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


async def settle(watcher: KnowledgeWatcher, clock: FakeClock) -> None:
    """Poll as the bot's job does: once to notice, then again after the folder is quiet."""
    await watcher.poll()
    clock.now += watcher.settle_seconds + 0.1


async def test_an_edit_is_picked_up_once_the_folder_has_settled(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    watcher = KnowledgeWatcher(holder, clock)
    edit_makeup(knowledge_copy, "answer: >", "answer: >\n  EDITED.")
    assert await watcher.poll() is None
    assert "EDITED" not in makeup_answer(holder)
    clock.now += watcher.settle_seconds + 0.1
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert makeup_answer(holder).startswith("EDITED.")


async def test_nothing_is_reloaded_when_nothing_changed(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    before = holder.current
    watcher = KnowledgeWatcher(holder, clock)
    for _ in range(3):
        clock.now += 10
        assert await watcher.poll() is None
    assert holder.current is before


async def test_a_broken_edit_keeps_the_last_good_knowledge_and_alerts_staff_once(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    good = makeup_answer(holder)
    alerts: list[list[str]] = []

    async def tell_staff(problems: list[str]) -> None:
        alerts.append(problems)

    watcher = KnowledgeWatcher(holder, clock, on_broken=tell_staff)
    edit_makeup(knowledge_copy, "title: Makeup", "title: [Makeup")
    await settle(watcher, clock)
    outcome = await watcher.poll()
    assert outcome is not None and not outcome.loaded
    assert makeup_answer(holder) == good
    assert len(alerts) == 1
    assert any(p.startswith("knowledge/topics/makeup.yaml:") for p in alerts[0])
    # Touching the same broken file again is the same broken version: no second alert.
    path = knowledge_copy / "topics" / "makeup.yaml"
    path.write_text(path.read_text() + "\n")
    path.write_text(path.read_text()[:-1])
    await settle(watcher, clock)
    await watcher.poll()
    assert len(alerts) == 1


async def test_the_fix_of_a_broken_edit_is_picked_up_the_same_way(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    watcher = KnowledgeWatcher(holder, clock)
    edit_makeup(knowledge_copy, "title: Makeup", "title: [Makeup")
    await settle(watcher, clock)
    assert (await watcher.poll()) is not None
    edit_makeup(knowledge_copy, "title: [Makeup", "title: Make-up")
    await settle(watcher, clock)
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert holder.current.base.rule("makeup").title == "Make-up"


async def test_a_file_saved_in_two_steps_raises_no_false_alarm(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    alerts: list[list[str]] = []

    async def tell_staff(problems: list[str]) -> None:
        alerts.append(problems)

    watcher = KnowledgeWatcher(holder, clock, on_broken=tell_staff)
    path = knowledge_copy / "topics" / "makeup.yaml"
    full = path.read_text().replace("title: Makeup", "title: Makeup and lipstick")
    path.write_text(full[: len(full) // 2])  # the editor's first write: half a file
    await watcher.poll()
    clock.now += 0.5
    path.write_text(full)  # the second write, well inside the settle time
    await watcher.poll()
    clock.now += watcher.settle_seconds + 0.1
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert alerts == []
    assert holder.current.base.rule("makeup").title == "Makeup and lipstick"


def watcher_telling_staff(
    knowledge_copy: Path, clock: FakeClock
) -> tuple[KnowledgeWatcher, list[str]]:
    """A watcher over `folder` whose news for the staff chat lands in the list."""
    news: list[str] = []

    async def tell_staff(summary: str) -> None:
        news.append(summary)

    return KnowledgeWatcher(KnowledgeHolder(knowledge_copy), clock, on_reloaded=tell_staff), news


async def test_a_good_edit_tells_staff_what_changed_in_one_sentence(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    watcher, news = watcher_telling_staff(knowledge_copy, clock)
    edit_makeup(knowledge_copy, "answer: >", "answer: >\n  EDITED.")
    price = knowledge_copy / "topics" / "price-payment.yaml"
    parking = price.read_text().replace("id: price-payment", "id: parking", 1)
    (knowledge_copy / "topics" / "parking.yaml").write_text(parking)
    price.unlink()
    await settle(watcher, clock)
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert news == [
        "reloaded: makeup answer changed; topic parking added; topic price-payment removed"
    ]


async def test_an_edit_nobody_would_notice_is_not_announced(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    watcher, news = watcher_telling_staff(knowledge_copy, clock)
    path = knowledge_copy / "topics" / "makeup.yaml"
    path.write_text(path.read_text() + "\n# a comment\n")
    await settle(watcher, clock)
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert news == []


async def test_an_answer_cut_off_mid_sentence_goes_live_with_a_warning_to_staff(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    watcher, news = watcher_telling_staff(knowledge_copy, clock)
    path = knowledge_copy / "topics" / "makeup.yaml"
    text = path.read_text()
    start = text.index("answer: >")
    path.write_text(text[:start] + "answer: >\n  Wait 48 hours because the tiny\n")
    await settle(watcher, clock)
    await watcher.poll()
    (summary,) = news
    assert summary.startswith("reloaded: makeup answer changed\n")
    assert "knowledge/topics/makeup.yaml:" in summary and "stop mid-sentence" in summary


async def test_an_unreadable_folder_is_one_message_once_not_an_error_at_every_poll(
    knowledge_copy: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    alerts: list[list[str]] = []

    async def tell_staff(problems: list[str]) -> None:
        alerts.append(problems)

    watcher = KnowledgeWatcher(holder, clock, on_broken=tell_staff)

    def unreadable(directory: Path) -> object:
        raise PermissionError(13, "Permission denied", str(directory))

    monkeypatch.setattr(watcher_module, "folder_state", unreadable)
    for _ in range(5):
        clock.now += 1
        await watcher.poll()
    assert alerts == [
        [
            f"{knowledge_copy}: cannot read the knowledge folder (Permission denied); check "
            "that it is there and that the bot's user may read it"
        ]
    ]
    assert holder.current.base.has_rule("makeup")


async def test_a_folder_readable_again_goes_live_and_staff_hear_it_is_fine(
    knowledge_copy: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher, news = watcher_telling_staff(knowledge_copy, clock)
    readable = watcher_module.folder_state

    def unreadable(directory: Path) -> object:
        raise PermissionError(13, "Permission denied", str(directory))

    monkeypatch.setattr(watcher_module, "folder_state", unreadable)
    await settle(watcher, clock)
    monkeypatch.setattr(watcher_module, "folder_state", readable)
    await settle(watcher, clock)
    outcome = await watcher.poll()
    assert outcome is not None and outcome.loaded
    assert news == ["reloaded, the knowledge is fine again: nothing patients see has changed"]


async def test_a_deleted_folder_is_one_message_once_and_the_last_version_keeps_serving(
    knowledge_copy: Path, clock: FakeClock
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    alerts: list[list[str]] = []

    async def tell_staff(problems: list[str]) -> None:
        alerts.append(problems)

    watcher = KnowledgeWatcher(holder, clock, on_broken=tell_staff)
    shutil.rmtree(knowledge_copy)
    for _ in range(5):
        await settle(watcher, clock)
    assert len(alerts) == 1
    assert "the knowledge folder is not there (moved or deleted?)" in alerts[0][0]
    assert holder.current.base.has_rule("makeup")


def test_the_staff_message_says_what_is_wrong_and_what_to_do() -> None:
    message = broken_knowledge_message(["knowledge/topics/a.yaml:3: answer must be <text>"])
    assert "knowledge/topics/a.yaml:3: answer must be &lt;text&gt;" in message
    assert "last good version" in message
    assert "aftercare kb check" in message


# --- in the running bot ------------------------------------------------------------------


async def test_the_running_bot_serves_an_edit_and_tells_staff_once_about_a_broken_one(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api, watch_knowledge=True)
    watcher = bot.telegram.watcher
    assert watcher is not None
    watcher.settle_seconds = 0

    async def ask(text: str) -> str:
        return (await bot.text(text, 7))[0]

    async def poll_twice() -> None:
        await watcher.poll()
        await watcher.poll()
        await bot.settle()

    try:
        await ask("/start")
        await ask("3 days ago")
        assert await ask("can i wear makeup") == MAKEUP_DAY_2_ON
        makeup = small_knowledge / "topics" / "makeup.yaml"
        makeup.write_text(makeup.read_text().replace(MAKEUP_DAY_2_ON, "Makeup: EDITED."))
        await poll_twice()
        assert await ask("can i wear makeup") == "Makeup: EDITED."
        makeup.write_text(makeup.read_text().replace("title:", "title: [", 1))
        await poll_twice()
        assert await ask("can i wear makeup") == "Makeup: EDITED."
        to_staff = api.texts(STAFF_CHAT)
        assert to_staff[0] == "reloaded: makeup answer changed"
        assert len(to_staff) == 2
        assert "makeup.yaml" in to_staff[1]
        await poll_twice()
        assert len(api.texts(STAFF_CHAT)) == 2
    finally:
        await bot.stop()


def test_staff_notes_quoting_html_problems_are_themselves_valid_telegram_html() -> None:
    from bot.knowledge.telegram_html import html_problems
    from bot.knowledge.watcher import reloaded_message

    problem = (
        "knowledge/topics/makeup.yaml:8: answer: '<24-48 hours>' is not a tag Telegram "
        "knows: write &lt; and &gt; for the brackets & more"
    )
    assert html_problems(broken_knowledge_message([problem])) == []
    assert html_problems(reloaded_message(f"reloaded: makeup answer changed\n{problem}")) == []


# --- the look at the folder ----------------------------------------------------------------


def test_the_watcher_looks_at_exactly_the_files_the_knowledge_is_read_from(
    knowledge_copy: Path,
) -> None:
    (knowledge_copy / "topics" / "notes.txt").write_text("not knowledge")
    (knowledge_copy / "topics" / ".draft.yaml").write_text("title: draft")
    examples = knowledge_copy / "warning-signs" / "examples"
    examples.mkdir(parents=True, exist_ok=True)
    (examples / "extra.yaml").write_text("reports: []")
    named = [str(path.relative_to(knowledge_copy)) for path in knowledge_files(knowledge_copy)]
    assert [name for name, _, _ in watcher_module.folder_state(knowledge_copy)] == named


def test_a_change_of_size_or_time_in_any_knowledge_file_changes_what_the_watcher_sees(
    knowledge_copy: Path,
) -> None:
    before = watcher_module.folder_state(knowledge_copy)
    last = knowledge_copy / before[-1][0]
    last.write_text(last.read_text() + "\n")
    after = watcher_module.folder_state(knowledge_copy)
    assert [entry[0] for entry in after] == [entry[0] for entry in before]
    assert after[-1] != before[-1] and after[:-1] == before[:-1]
