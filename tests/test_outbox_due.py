"""What the sender asks the outbox at each wake-up (`outbox.due`): the messages to send
now and when to look again, with chats that already have a message on its way left
out of both; and how a retry records its attempts (the backoff grows with them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversation.events import StaffAlert, StaffMessage
from bot.conversation.outbound import staff_alert, staff_message, staff_note
from bot.storage import outbox
from bot.storage.store import Store

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA_CHAT = 101
BEN_CHAT = 102
CARA_CHAT = 103
STAFF_CHAT = -100200


def queue(store: Store, chat_id: int, text: str) -> int:
    return store.run_sync(outbox.enqueue, staff_message(chat_id, text), NOW)


def put_off(store: Store, message_id: int, minutes: int, attempts: int = 1) -> None:
    at = NOW + timedelta(minutes=minutes)
    store.run_sync(outbox.retry, message_id, at, "test", attempts)


def test_a_message_due_now_is_in_the_batch_and_nothing_later_waits(store: Store) -> None:
    first = queue(store, ANNA_CHAT, "hello")
    batch, next_due = store.run_sync(outbox.due, NOW, 10, frozenset())
    assert [queued.id for queued in batch] == [first]
    assert next_due is None


def test_a_message_put_off_sets_when_the_sender_looks_again(store: Store) -> None:
    later = queue(store, ANNA_CHAT, "hello")
    put_off(store, later, minutes=3)
    batch, next_due = store.run_sync(outbox.due, NOW, 10, frozenset())
    assert batch == []
    assert next_due == NOW + timedelta(minutes=3)


def test_a_chat_with_a_message_on_its_way_does_not_set_when_to_look_again(
    store: Store,
) -> None:
    later = queue(store, ANNA_CHAT, "hello")
    put_off(store, later, minutes=3)
    _, next_due = store.run_sync(outbox.due, NOW, 10, frozenset({ANNA_CHAT}))
    assert next_due is None


def test_a_message_behind_its_chats_earlier_one_does_not_set_when_to_look_again(
    store: Store,
) -> None:
    queue(store, ANNA_CHAT, "now")
    behind = queue(store, ANNA_CHAT, "after it")
    put_off(store, behind, minutes=3)
    batch, next_due = store.run_sync(outbox.due, NOW, 10, frozenset())
    assert [queued.message.params["text"] for queued in batch] == ["now"]
    assert next_due is None


def test_chats_with_a_message_on_their_way_leave_the_batch_to_other_chats(store: Store) -> None:
    queue(store, ANNA_CHAT, "anna")
    queue(store, BEN_CHAT, "ben")
    queue(store, CARA_CHAT, "cara")
    batch, _ = store.run_sync(outbox.due, NOW, 2, frozenset({ANNA_CHAT}))
    assert [queued.message.chat_id for queued in batch] == [BEN_CHAT, CARA_CHAT]


def test_a_retry_records_how_many_attempts_were_made(store: Store) -> None:
    message = queue(store, ANNA_CHAT, "hello")
    put_off(store, message, minutes=0, attempts=3)
    batch, _ = store.run_sync(outbox.due, NOW, 10, frozenset())
    assert [queued.attempts for queued in batch] == [3]


def test_an_alert_is_not_held_back_by_a_staff_note_that_is_backing_off(store: Store) -> None:
    note = store.run_sync(
        outbox.enqueue, staff_note(STAFF_CHAT, StaffMessage("You're now talking with Anna")), NOW
    )
    put_off(store, note, minutes=5, attempts=10)
    alert = store.run_sync(
        outbox.enqueue, staff_alert(STAFF_CHAT, StaffAlert("Warning sign: pus", alert_id=7)), NOW
    )
    batch, _ = store.run_sync(outbox.due, NOW, 10, frozenset())
    assert [queued.id for queued in batch] == [alert]


def test_the_batch_stops_at_the_limit_and_a_later_message_still_sets_when_to_look_again(
    store: Store,
) -> None:
    queue(store, ANNA_CHAT, "anna")
    queue(store, BEN_CHAT, "ben")
    later = queue(store, CARA_CHAT, "cara")
    put_off(store, later, minutes=4)
    batch, next_due = store.run_sync(outbox.due, NOW, 1, frozenset())
    assert [queued.message.chat_id for queued in batch] == [ANNA_CHAT]
    assert next_due == NOW + timedelta(minutes=4)


def test_a_chat_whose_only_message_was_delivered_has_nothing_waiting(store: Store) -> None:
    message = queue(store, ANNA_CHAT, "hello")
    store.run_sync(outbox.delivered, message)
    assert not store.run_sync(outbox.waits_for_chat, ANNA_CHAT)


def test_a_chat_with_a_message_put_off_still_has_something_waiting(store: Store) -> None:
    later = queue(store, ANNA_CHAT, "hello")
    put_off(store, later, minutes=3)
    assert store.run_sync(outbox.waits_for_chat, ANNA_CHAT)
