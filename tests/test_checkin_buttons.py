"""The buttons under a check-in: what `StoredCheckIns.check_in_button` records and means,
and what the conversation then says (`bot.conversation.checkins.button`).

Anna is in London (on GMT in November, so local time is UTC), treated on Monday 23
November 2026, met at 09:00 and checked in on at 10:00, with the test knowledge's
wording; her day-1 check-in offers an answer, a topic (makeup, whose answer changes on
day 2) and a worrying reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import (
    ANNA,
    BEN,
    MAKEUP_DAY_0_1,
    MAKEUP_DAY_2_ON,
    enrol_patient,
    write_small_knowledge,
)

from bot.config import Settings
from bot.conversation.checkin_hooks import CheckInAnswer
from bot.conversation.checkins import StoredCheckIns, paused, queue_due
from bot.conversation.events import (
    ButtonPress,
    CheckInsDue,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffAlert,
    Toast,
)
from bot.conversation.router import Conversation
from bot.core.model import Wording
from bot.knowledge.holder import KnowledgeHolder
from bot.storage import patients
from bot.storage.store import Store
from scheduler.messages import PAUSE, RESUME, reply_data

CHECKINS = """\
quiet_hours: "21:00-08:00"
checkins:
  - day: 0
    message: Day 0 note.
  - day: 1
    message: Day 1 note. How is your skin today?
    replies:
      - label: All good
        answer: Great to hear!
      - label: Makeup?
        topic: makeup
      - label: I'm worried
        worrying: true
  - day: 3
    message: Day 3 note.
"""
ALL_GOOD, MAKEUP, WORRIED = 0, 1, 2
TREATED_ON = date(2026, 11, 23)  # a Monday
ONBOARDED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY_1 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
DAY_3 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
STAFF_CHAT = -100
SENDERS = {ANNA: Sender(ANNA, ANNA, "Anna", "anna_k"), BEN: Sender(BEN, BEN, "Ben", None)}


@dataclass
class CheckIns:
    """Anna's database, the knowledge, the check-in hooks over them and the conversation."""

    store: Store
    knowledge: KnowledgeHolder
    hooks: StoredCheckIns
    conversation: Conversation

    @property
    def wording(self) -> Wording:
        return self.knowledge.current.base.wording

    def enrol(self, patient_id: int = ANNA) -> None:
        plan = self.knowledge.current.base.plan
        enrol_patient(self.store, patient_id, TREATED_ON, ONBOARDED, plan)

    def reply(self, index: int, day: int = 1) -> str:
        """The callback data of reply button `index` under Anna's check-in of `day`."""
        query = "SELECT id FROM checkins WHERE patient_id = ? AND day = ?"
        rows = self.store.run_sync(lambda db: db.execute(query, [ANNA, day]).fetchall())
        return reply_data(rows[0][0], index)

    def button(self, data: str, now: datetime = DAY_1, patient_id: int = ANNA) -> CheckInAnswer:
        """The hook on its own, as the conversation calls it."""
        return self.store.run_sync(self.hooks.check_in_button, patient_id, data, now)

    def press(self, data: str, now: datetime = DAY_1, patient_id: int = ANNA) -> list[Outgoing]:
        """A press through the whole conversation."""
        event = ButtonPress(data)
        return self.store.run_sync(self.conversation.handle, SENDERS[patient_id], event, now)

    def stored_reply(self, day: int = 1) -> str | None:
        query = "SELECT reply FROM checkins WHERE patient_id = ? AND day = ?"
        rows = self.store.run_sync(lambda db: db.execute(query, [ANNA, day]).fetchall())
        return rows[0][0]

    def pending_days(self) -> list[int]:
        query = "SELECT day FROM checkins WHERE patient_id = ? AND status = 'pending' ORDER BY day"
        rows = self.store.run_sync(lambda db: db.execute(query, [ANNA]).fetchall())
        return [day for (day,) in rows]

    def queued(self, now: datetime) -> int:
        """One periodic look at the due check-ins; how many it queued."""
        return self.store.run_sync(queue_due, self.knowledge.current.base, now).queued


@pytest.fixture
def check_ins(tmp_path: Path, store: Store) -> CheckIns:
    folder = write_small_knowledge(tmp_path / "knowledge")
    (folder / "checkins.yaml").write_text(CHECKINS)
    holder = KnowledgeHolder(folder)
    hooks = StoredCheckIns(lambda: holder.current.base)
    settings = Settings(
        db_path=tmp_path / "aftercare.db", knowledge_dir=folder, staff_chat_id=STAFF_CHAT
    )
    found = CheckIns(store, holder, hooks, Conversation(holder, settings, hooks))
    found.enrol()
    return found


# --- what a press means (the hook) --------------------------------------------------------


def test_the_pause_button_turns_check_ins_off_and_offers_to_resume(check_ins: CheckIns) -> None:
    answer = check_ins.button(PAUSE, ONBOARDED)
    assert answer == CheckInAnswer(replies=(paused(check_ins.knowledge.current.base),))
    patient = check_ins.store.run_sync(patients.get_patient, ANNA)
    assert patient is not None and not patient.checkins_enabled
    assert check_ins.pending_days() == []


def test_the_resume_button_plans_what_is_ahead_and_has_a_due_one_sent_now(
    check_ins: CheckIns,
) -> None:
    check_ins.button(PAUSE, ONBOARDED)
    answer = check_ins.button(RESUME, DAY_1)
    assert answer.replies == (Reply(check_ins.wording["checkin_resumed"]),)
    assert answer.due_now
    assert check_ins.pending_days() == [1, 3]


def test_resuming_with_nothing_left_to_send_says_so(check_ins: CheckIns) -> None:
    check_ins.button(PAUSE, ONBOARDED)
    answer = check_ins.button(RESUME, DAY_3 + timedelta(days=7))
    assert answer.replies == (Reply(check_ins.wording["checkin_resumed_nothing_left"]),)
    assert not answer.due_now


def test_a_reply_with_an_answer_is_answered_with_it(check_ins: CheckIns) -> None:
    answer = check_ins.button(check_ins.reply(ALL_GOOD))
    assert answer == CheckInAnswer(replies=(Reply("Great to hear!"),))


def test_a_topic_reply_leaves_the_topics_answer_to_the_conversation(check_ins: CheckIns) -> None:
    assert check_ins.button(check_ins.reply(MAKEUP)) == CheckInAnswer(topic="makeup")


def test_a_worrying_reply_asks_for_the_warning_sign_path_quoting_its_label(
    check_ins: CheckIns,
) -> None:
    answer = check_ins.button(check_ins.reply(WORRIED))
    assert answer == CheckInAnswer(worrying=True, quote="I'm worried")


def test_nobody_can_answer_another_patients_check_in(check_ins: CheckIns) -> None:
    check_ins.enrol(BEN)
    answer = check_ins.button(check_ins.reply(WORRIED), patient_id=BEN)
    assert answer.replies == (Reply(check_ins.wording["checkin_already_answered"]),)
    assert not answer.worrying
    assert check_ins.stored_reply() is None


def test_callback_data_that_is_not_a_check_ins_is_left_alone(check_ins: CheckIns) -> None:
    assert check_ins.button("topic:makeup") == CheckInAnswer(remove_buttons=False)


@pytest.mark.parametrize(
    "forged",
    ["ci:²:0", "ci:1:٣", f"ci:{'9' * 23}:0", "ci:-1:0", "ci:1", "ci:1:0:0", "ci:x:1", "ci:"],
)
def test_forged_check_in_data_is_not_a_check_in(check_ins: CheckIns, forged: str) -> None:
    assert check_ins.button(forged) == CheckInAnswer(remove_buttons=False)


# --- what the conversation says -----------------------------------------------------------


def test_pausing_takes_the_buttons_away_and_stops_every_later_check_in(
    check_ins: CheckIns,
) -> None:
    check_ins.queued(ONBOARDED)
    sent = check_ins.press(PAUSE, ONBOARDED)
    assert sent == [RemoveButtons(), paused(check_ins.knowledge.current.base)]
    assert (check_ins.queued(DAY_1), check_ins.queued(DAY_3)) == (0, 0)


def test_resuming_has_the_check_in_due_now_sent_at_once(check_ins: CheckIns) -> None:
    check_ins.press(PAUSE, ONBOARDED)
    sent = check_ins.press(RESUME, DAY_1)
    assert sent == [RemoveButtons(), Reply(check_ins.wording["checkin_resumed"]), CheckInsDue()]
    assert check_ins.queued(DAY_1) == 1


def test_a_reply_is_stored_and_answered_once(check_ins: CheckIns) -> None:
    first = check_ins.press(check_ins.reply(ALL_GOOD))
    second = check_ins.press(check_ins.reply(ALL_GOOD), DAY_1 + timedelta(minutes=1))
    assert first == [RemoveButtons(), Reply("Great to hear!")]
    assert second == [RemoveButtons(), Reply(check_ins.wording["checkin_already_answered"])]
    assert check_ins.stored_reply() == "All good"


def test_a_topic_reply_gets_the_topics_answer_for_the_patients_day(check_ins: CheckIns) -> None:
    assert check_ins.press(check_ins.reply(MAKEUP)) == [RemoveButtons(), Reply(MAKEUP_DAY_0_1)]


def test_a_topic_reply_pressed_days_later_gets_the_answer_for_that_day(
    check_ins: CheckIns,
) -> None:
    sent = check_ins.press(check_ins.reply(MAKEUP), DAY_3)
    assert sent == [RemoveButtons(), Reply(MAKEUP_DAY_2_ON)]


def test_a_worrying_reply_gets_the_urgent_answer_and_alerts_staff(check_ins: CheckIns) -> None:
    sent = check_ins.press(check_ins.reply(WORRIED))
    alert = f'Warning sign: Anna (@anna_k, id {ANNA}), day 1: "I\'m worried"'
    urgent = check_ins.wording["red_flag_answer"]
    assert sent[:2] == [RemoveButtons(), Reply(urgent)]
    assert isinstance(sent[2], StaffAlert) and sent[2].text == alert


def test_a_worrying_reply_is_recorded_as_a_warning_sign_staff_were_alerted_to(
    check_ins: CheckIns,
) -> None:
    check_ins.press(check_ins.reply(WORRIED))
    flags = check_ins.store.run_sync(lambda db: list(db["red_flags"].rows))
    assert [(f["patient_id"], f["day"], f["sign"], f["alerted"]) for f in flags] == [
        (ANNA, 1, "check-in", 1)
    ]


def test_a_worrying_reply_pressed_twice_alerts_staff_once(check_ins: CheckIns) -> None:
    check_ins.press(check_ins.reply(WORRIED))
    again = check_ins.press(check_ins.reply(WORRIED), DAY_1 + timedelta(seconds=2))
    assert again == [RemoveButtons(), Reply(check_ins.wording["checkin_already_answered"])]


def test_a_press_of_forged_check_in_data_gets_the_expired_note_and_stores_nothing(
    check_ins: CheckIns,
) -> None:
    assert check_ins.press("ci:²:0") == [Toast(check_ins.wording["button_expired"])]
    assert check_ins.stored_reply() is None
