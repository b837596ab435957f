"""The people of `bench_kill.py`, acting on the fake Telegram while the bot is killed: the
patients follow their scripts (each waits for an answer, or gives up waiting after a
while, before writing again), answer their check-ins, and answer staff; the staff press
"I'm on it" on some alerts and reply to some. Everything they cause the bot to owe goes
into the shadow's ledger at the moment they act.
"""

from __future__ import annotations

import functools
import heapq
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fake_bot_api import ApiCall, FakeBotApi, Json, Outcome
from kill_expect import Kind, Shadow
from kill_scenario import Patient, Zones, checkin_time

from bot.conversation.events import ButtonPress, Sender, read_message
from bot.conversation.wording import staff_alert_text, who
from bot.core.model import KnowledgeBase

STAFF = 42
STAFF_NAME = "Sam"
REPLY_PATIENCE = 25.0
"""A patient who got no answer for this long writes the next message anyway."""
THINK = (0.8, 5.0)
CHECKIN_DAY = 1
_ALERT_OF = re.compile(r"id (\d+)\)")


@dataclass
class Actor:
    """A patient and where they are in their script."""

    patient: Patient
    next_at: float
    step: int = 0
    waiting_above: int | None = None
    wait_until: float = 0.0
    pressing: bool = False
    answered_checkin: bool = False
    talking_to_staff: bool = False
    answered_staff: bool = False
    """Answers staff once: the token it carries names the patient, and a second answer
    would read as the first one sent twice."""

    @property
    def done(self) -> bool:
        return self.step >= len(self.patient.steps) and self.waiting_above is None


@dataclass
class Observer:
    """The messages the bot put in each chat, read from the fake's calls as they come
    (a hung call is looked at again until its fate is known)."""

    api: FakeBotApi
    by_chat: dict[int, list[ApiCall]] = field(default_factory=dict)
    _cursor: int = 0
    _open: list[ApiCall] = field(default_factory=list)

    def ingest(self) -> list[ApiCall]:
        """The sendMessage calls that reached a chat since the last look."""
        calls = self.api.calls[self._cursor :]
        self._cursor += len(calls)
        arrived: list[ApiCall] = []
        still_open: list[ApiCall] = []
        for call in [*self._open, *calls]:
            if call.method != "sendMessage" or call.chat_id is None:
                continue
            if call.reached:
                self.by_chat.setdefault(call.chat_id, []).append(call)
                arrived.append(call)
            elif call.outcome is Outcome.PENDING:
                still_open.append(call)
        self._open = still_open
        return arrived

    def count(self, chat_id: int) -> int:
        return len(self.by_chat.get(chat_id, ()))


class People:
    """The patients and the staff, driven by `tick`."""

    def __init__(
        self,
        api: FakeBotApi,
        shadow: Shadow,
        patients: list[Patient],
        zones: Zones,
        rng: random.Random,
        staff_chat: int,
    ) -> None:
        self.api = api
        self.shadow = shadow
        self.rng = rng
        self.zones = zones
        self.staff_chat = staff_chat
        self.observer = Observer(api)
        self.started = time.perf_counter()
        self.actors = {p.id: Actor(p, self.started + p.starts_after) for p in patients}
        self._later: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = 0
        self._alerts_seen: set[str] = set()
        self._replies_wanted: list[tuple[int, int]] = []
        self._staff_replied: set[int] = set()
        step = shadow.knowledge.plan.step(CHECKIN_DAY)
        if step is None:
            raise SystemExit(f"the check-in plan has no day-{CHECKIN_DAY} check-in")
        self.checkin_text = step.message.strip()
        self.counts: dict[str, int] = dict.fromkeys(
            ("messages", "presses", "takes", "staff replies", "check-in answers", "relays"), 0
        )

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.shadow.knowledge

    def busy(self, now: float) -> bool:
        """Whether anyone still has something to do (or a check-in is still to fall due)."""
        if self._later or self._replies_wanted:
            return True
        if any(not actor.done for actor in self.actors.values()):
            return True
        due = [a.patient.checkin_due_at for a in self.actors.values() if a.patient.checkin_due_at]
        return bool(due) and max(due).timestamp() + 15 > time.time()

    def active_chat(self) -> int | None:
        """A patient chat with something going on, for a 429."""
        chats = [pid for pid, actor in self.actors.items() if not actor.done]
        return self.rng.choice(chats) if chats else None

    def tick(self, now: float) -> None:
        for call in self.observer.ingest():
            self._arrived(call, now)
        while self._later and self._later[0][0] <= now:
            heapq.heappop(self._later)[2]()
        for actor in self.actors.values():
            self._advance(actor, now)
        self._staff_replies(now)

    # --- patients -----------------------------------------------------------------------

    def _advance(self, actor: Actor, now: float) -> None:
        if actor.waiting_above is not None:
            answered = self.observer.count(actor.patient.id) > actor.waiting_above
            if answered or now > actor.wait_until:
                actor.waiting_above = None
                actor.next_at = now + self.rng.uniform(*THINK)
            return
        if actor.step >= len(actor.patient.steps) or now < actor.next_at:
            return
        step = actor.patient.steps[actor.step]
        actor.step += 1
        actor.waiting_above = self.observer.count(actor.patient.id)
        actor.wait_until = now + REPLY_PATIENCE
        patient = actor.patient
        if step.kind == "press":
            self._press(patient, step.value)
            return
        text = step.value
        if step.kind == "time":
            clock, patient.checkin_due_at = checkin_time(
                self.zones.ahead, datetime.now(UTC), self.rng
            )
            text = f"/time {clock}"
        self._write(patient, text)
        if text.startswith("/timezone"):
            self.shadow.ledger.owe(patient.id, Kind.CHECKIN, self.checkin_text, now)

    def _sender(self, patient: Patient) -> Sender:
        return Sender(patient.id, patient.id, patient.first_name, patient.username)

    def _write(self, patient: Patient, text: str) -> None:
        self.api.send_text(
            patient.id, text, first_name=patient.first_name, username=patient.username
        )
        self.shadow.handle(self._sender(patient), read_message(text), datetime.now(UTC))
        self.counts["messages"] += 1

    def _press(self, patient: Patient, data: str, message_id: int | None = None) -> None:
        """A press on a button of the patient's chat (the newest with buttons unless
        `message_id` says which); the shadow decides only for script steps, which are
        pressed on the newest."""
        self.api.press_button(
            patient.id,
            data,
            message_id=message_id,
            first_name=patient.first_name,
            username=patient.username,
        )
        if message_id is None:
            self.shadow.handle(self._sender(patient), ButtonPress(data), datetime.now(UTC))
        self.counts["presses"] += 1

    def _arrived(self, call: ApiCall, now: float) -> None:
        if call.chat_id == self.staff_chat:
            self._staff_saw(call.params, now)
            return
        actor = self.actors.get(call.chat_id or 0)
        if actor is None:
            return
        text = str(call.params.get("text", ""))
        if text.strip() == self.checkin_text and not actor.answered_checkin:
            actor.answered_checkin = True
            if self.rng.random() < 0.5:
                actor.pressing = True
                self._at(
                    now + self.rng.uniform(1, 6), lambda: self._answer_checkin(actor, call.params)
                )
        token = f"ref S{actor.patient.id}"
        if token in text and not actor.answered_staff and self.rng.random() < 0.7:
            actor.answered_staff = True
            self._at(now + self.rng.uniform(1, 5), lambda: self._relay(actor))

    def _answer_checkin(self, actor: Actor, message: Json) -> None:
        """Press "All good" (mostly) or "I'm worried" under the check-in."""
        actor.pressing = False
        if actor.talking_to_staff:
            return
        step = self.knowledge.plan.step(CHECKIN_DAY)
        assert step is not None
        worried = next(i for i, reply in enumerate(step.replies) if reply.worrying)
        index = worried if self.rng.random() < 0.15 else 0
        rows = message["reply_markup"]["inline_keyboard"]
        data = rows[index][0]["callback_data"]
        patient = actor.patient
        self._press(patient, data, int(message["message_id"]))
        self.counts["check-in answers"] += 1
        ledger, since = self.shadow.ledger, time.perf_counter()
        chosen = step.replies[index]
        if not chosen.worrying:
            ledger.owe(patient.id, Kind.REPLY, chosen.answer or "", since)
            return
        wording = self.knowledge.wording
        ledger.owe(patient.id, Kind.URGENT, wording["red_flag_answer"], since)
        ledger.owe(patient.id, Kind.REPLY, wording["photo_offer"], since)
        alert = staff_alert_text(
            self.knowledge, patient.first_name, patient.username, patient.id, 1, chosen.label
        )
        ledger.owe(self.staff_chat, Kind.ALERT, alert, since, patient_id=patient.id)

    def _relay(self, actor: Actor) -> None:
        patient = actor.patient
        token = f"ref P{patient.id}"
        self.api.send_text(
            patient.id,
            f"Thank you, I will send one soon ({token})",
            first_name=patient.first_name,
            username=patient.username,
        )
        self.shadow.ledger.owe(
            self.staff_chat, Kind.RELAY_TO_STAFF, token, time.perf_counter(), contains=True
        )
        self.counts["relays"] += 1

    # --- staff --------------------------------------------------------------------------

    def _staff_saw(self, message: Json, now: float) -> None:
        buttons = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        take = [b["callback_data"] for row in buttons for b in row if "take" in b["callback_data"]]
        found = _ALERT_OF.search(str(message.get("text", "")))
        if not take or found is None or take[0] in self._alerts_seen:
            return
        self._alerts_seen.add(take[0])
        patient_id, message_id = int(found.group(1)), int(message["message_id"])
        if self.rng.random() < 0.6:
            self._at(
                now + self.rng.uniform(1, 8), lambda: self._take(take[0], message_id, patient_id)
            )
        if self.rng.random() < 0.45 and patient_id not in self._staff_replied:
            self._staff_replied.add(patient_id)
            self._replies_wanted.append((patient_id, message_id))

    def _take(self, data: str, message_id: int, patient_id: int) -> None:
        self.api.press_button(
            STAFF, data, message_id=message_id, chat_id=self.staff_chat, first_name=STAFF_NAME
        )
        wording = self.knowledge.wording
        since = time.perf_counter()
        self.shadow.ledger.owe(
            patient_id, Kind.STAFF_TO_PATIENT, wording["alert_taken_patient"], since
        )
        self.counts["takes"] += 1

    def _staff_replies(self, now: float) -> None:
        """Staff write to a patient once the patient has finished their own script (so
        the shadow, which knows nothing of staff conversations, stays right)."""
        waiting: list[tuple[int, int]] = []
        for patient_id, message_id in self._replies_wanted:
            actor = self.actors.get(patient_id)
            if actor is None or not actor.done or actor.pressing:
                waiting.append((patient_id, message_id))
                continue
            actor.talking_to_staff = True
            self._at(
                now + self.rng.uniform(1, 6), functools.partial(self._reply, actor, message_id)
            )
        self._replies_wanted = waiting

    def _reply(self, actor: Actor, message_id: int) -> None:
        patient = actor.patient
        token = f"ref S{patient.id}"
        self.api.send_text(
            STAFF,
            f"Hello from the clinic team, could you send us a photo? ({token})",
            chat_id=self.staff_chat,
            reply_to=message_id,
            first_name=STAFF_NAME,
        )
        ledger, since = self.shadow.ledger, time.perf_counter()
        ledger.owe(patient.id, Kind.STAFF_TO_PATIENT, token, since, contains=True)
        person = who(patient.first_name, patient.username, patient.id)
        opened = self.knowledge.wording["handoff_opened"].format(who=person)
        ledger.owe(self.staff_chat, Kind.STAFF_NOTE, opened, since)
        self.counts["staff replies"] += 1

    def _at(self, when: float, action: Callable[[], None]) -> None:
        self._sequence += 1
        heapq.heappush(self._later, (when, self._sequence, action))
