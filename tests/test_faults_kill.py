"""`aftercare run` killed with SIGKILL at chosen moments, then started again on the same
database: nothing is lost (alerts, urgent answers, replies), no check-in arrives twice, and
a start over a broken knowledge folder still serves patients."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bot_process import bot_environment, bot_process
from conftest import ANNA, STAFF, STAFF_CHAT, WORDING, a_zone_at_midday
from fake_bot_api import ApiCall, FakeBotApi, Outcome
from sqlite_utils import Database

from bot.storage.store import Store
from scheduler.clock import utc_iso

RED_FLAG = "theres yellow crust on my chin and it feels hot"
URGENT = WORDING["red_flag_answer"]


@pytest.fixture
def base_url(api: FakeBotApi) -> Iterator[str]:
    with api.serve_http() as url:
        yield url


def environment(base_url: str, tmp_path: Path, knowledge: Path, **more: str) -> dict[str, str]:
    return bot_environment(
        base_url,
        tmp_path / "aftercare.db",
        knowledge,
        AFTERCARE_STAFF_CHAT_ID=str(STAFF_CHAT),
        **more,
    )


def alerts(api: FakeBotApi) -> list[str]:
    return [text for text in api.texts(STAFF_CHAT) if text.startswith("Warning sign")]


@pytest.mark.parametrize("kill_at", ["getUpdates", "sendMessage"])
def test_a_kill_right_after_a_warning_sign_is_fetched_loses_neither_answer_nor_alert(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str, kill_at: str
) -> None:
    with bot_process(api, tmp_path, environment(base_url, tmp_path, small_knowledge)) as bot:
        before = len(api.calls)
        # The next getUpdates would confirm the update; the first send is the urgent answer.
        hold = api.hold(kill_at, delivered=False, times=1)
        api.send_text(ANNA, RED_FLAG)
        hold.wait_sync(timeout=20)
        assert len(api.calls) > before
        bot.kill()
        hold.release()
        api.heal()
        bot.start()
        api.wait_for_messages_sync(ANNA, 1, timeout=30)
        api.wait_for_messages_sync(STAFF_CHAT, 1, timeout=30)
        assert bot.stop() == 0, bot.output
    assert api.texts(ANNA).count(URGENT) >= 1
    assert len(alerts(api)) >= 1


def test_a_kill_while_a_message_is_handled_before_anything_of_it_is_stored_loses_nothing(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    database = tmp_path / "aftercare.db"
    with bot_process(api, tmp_path, environment(base_url, tmp_path, small_knowledge)) as bot:
        # The test holds the database's write lock: the bot fetches the message and
        # decides, and its transaction (the message's first write) waits.
        locker = sqlite3.connect(database, isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")
            polls = [
                c for c in api.calls if c.method == "getUpdates" and c.outcome is Outcome.PENDING
            ]
            after = len(api.calls)
            update_id = api.send_text(ANNA, RED_FLAG)["update_id"]
            # A getUpdates open at the send, or the next one, hands the message over.
            _wait_until(
                lambda: any(
                    call.outcome is Outcome.ANSWERED
                    for call in [*polls, *api.calls[after:]]
                    if call.method == "getUpdates"
                )
            )
            time.sleep(0.5)
            told = [
                call.params["offset"]
                for call in api.calls
                if call.method == "getUpdates" and (call.params.get("offset") or 0) > update_id
            ]
            bot.kill()
        finally:
            locker.close()
        bot.start()
        api.wait_for_messages_sync(ANNA, 1, timeout=30)
        api.wait_for_messages_sync(STAFF_CHAT, 1, timeout=30)
        assert bot.stop() == 0, bot.output
    assert told == []
    assert api.texts(ANNA).count(URGENT) == 1
    assert len(alerts(api)) == 1


def test_an_urgent_answer_telegram_took_before_the_kill_is_sent_again_with_its_alert(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    with bot_process(api, tmp_path, environment(base_url, tmp_path, small_knowledge)) as bot:
        killed = threading.Event()

        def kill_once(call: ApiCall) -> None:
            if not killed.is_set():
                killed.set()
                bot.kill()

        api.on_call("sendMessage", kill_once, chat_id=ANNA)
        api.send_text(ANNA, RED_FLAG)
        assert killed.wait(20)
        while bot.running:
            time.sleep(0.05)
        bot.start()
        api.wait_for_messages_sync(STAFF_CHAT, 1, timeout=30)
        assert bot.stop() == 0, bot.output
    # At least once: the urgent answer and the alert (sent side by side, so the alert too
    # may have been on its way at the kill) may arrive twice, never not at all.
    assert 1 <= api.texts(ANNA).count(URGENT) <= 2
    assert 1 <= len(alerts(api)) <= 2


def test_a_staff_reply_to_an_alert_telegram_took_before_the_kill_reaches_the_patient(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    settings = environment(base_url, tmp_path, small_knowledge, AFTERCARE_STAFF_IDS=str(STAFF))
    with bot_process(api, tmp_path, settings) as bot:
        # Telegram puts the alert in the staff chat; the bot dies before it hears its id.
        hold = api.hold("sendMessage", delivered=True, chat_id=STAFF_CHAT, times=1)
        api.send_text(ANNA, RED_FLAG)
        hold.wait_sync(timeout=20)
        bot.kill()
        hold.release()
        bot.start()
        api.wait_for_messages_sync(STAFF_CHAT, 2, timeout=30)
        first_copy = int(api.sent(STAFF_CHAT)[0]["message_id"])
        api.send_text(
            STAFF,
            "Please send us a photo",
            chat_id=STAFF_CHAT,
            reply_to=first_copy,
            first_name="Sam",
        )
        reached = _wait_for_text(api, ANNA, "Please send us a photo")
        assert bot.stop() == 0, bot.output
    assert reached, api.texts(ANNA)


def test_a_check_in_telegram_took_before_the_kill_is_never_sent_again(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    database = tmp_path / "aftercare.db"
    with Store(database) as store:
        store.run_sync(_onboarded_with_a_check_in_due_now)
    with bot_process(api, tmp_path, environment(base_url, tmp_path, small_knowledge)) as bot:
        pass_on = api.hold("sendMessage", delivered=True, chat_id=ANNA, times=1)
        try:
            pass_on.wait_sync(timeout=30)
        except TimeoutError:
            raise AssertionError(bot.output) from None
        bot.kill()
        pass_on.release()
        bot.start()
        bot.stop()
    with Store(database) as store:
        status = store.run_sync(
            lambda db: db.execute("SELECT status FROM checkins WHERE day = 1").fetchone()[0]
        )
    assert status == "unknown"
    assert api.texts(ANNA).count("Day 1 note. How is your skin today?") == 1


def test_a_restart_over_a_broken_knowledge_folder_serves_the_last_good_one_and_tells_staff(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    settings = environment(base_url, tmp_path, small_knowledge)
    with bot_process(api, tmp_path, settings) as bot:
        assert bot.stop() == 0
        makeup = small_knowledge / "topics" / "makeup.yaml"
        makeup.write_text(makeup.read_text().replace("title:", "title: [", 1))
        bot.start()
        api.wait_for_messages_sync(STAFF_CHAT, 1, timeout=30)
        api.send_text(ANNA, "/start")
        api.wait_for_messages_sync(ANNA, 2, timeout=30)
        assert bot.stop() == 0, bot.output
        output = bot.output
    assert "makeup.yaml" in output and "last good version" in output
    assert "makeup.yaml" in api.texts(STAFF_CHAT)[0]
    assert "not a doctor" in api.texts(ANNA)[0]


def _wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition never held")
        time.sleep(0.01)


def _wait_for_text(api: FakeBotApi, chat_id: int, words: str, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(words in text for text in api.texts(chat_id)):
            return True
        time.sleep(0.05)
    return False


def _onboarded_with_a_check_in_due_now(db: Database) -> None:
    """Anna, treated two days ago, opted in, with day 1's check-in due a minute ago and
    the next one days away (so the late rule still wants it sent)."""
    now = datetime.now(UTC)
    treated_on = (now - timedelta(days=2)).date()
    db.execute(
        "INSERT INTO patients (id, chat_id, first_name, timezone, checkin_time, "
        "checkins_enabled, reachable, created_at, last_seen_at, channel) "
        "VALUES (?, ?, 'Anna', ?, '10:00', 1, 1, ?, ?, 'telegram')",
        [ANNA, ANNA, a_zone_at_midday(now), utc_iso(now), utc_iso(now)],
    )
    db.execute(
        "INSERT INTO treatments (id, patient_id, treated_on, created_at) VALUES (1, ?, ?, ?)",
        [ANNA, treated_on.isoformat(), utc_iso(now)],
    )
    for day, due in ((1, now - timedelta(minutes=1)), (3, now + timedelta(days=1))):
        db.execute(
            "INSERT INTO checkins (patient_id, treatment_id, day, due_at, status, attempts) "
            "VALUES (?, 1, ?, ?, 'pending', 0)",
            [ANNA, day, utc_iso(due)],
        )
