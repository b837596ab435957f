"""/forget: delete everything stored about the patient, after they confirm (by button or by
typing "yes")."""

from __future__ import annotations

import logging

from bot.conversation import relay
from bot.conversation.events import Outgoing, RemoveButtons, Reply
from bot.conversation.states import State
from bot.conversation.turn import Turn, plain_words
from bot.conversation.wording import forget_confirmation
from bot.core.pseudonym import pseudonym
from bot.storage import patients
from bot.storage.patients import Patient
from bot.storage.store import truncate_wal_after_commit

log = logging.getLogger(__name__)

YES = {"yes", "y", "yes please", "yes delete", "delete", "yes delete everything"}
NO = {"no", "n", "nope", "no thanks", "no thank you", "not now", "nah"}


def ask(turn: Turn) -> list[Outgoing]:
    """/forget: ask to confirm (nothing to forget about someone we never met)."""
    if turn.known_patient() is None:
        return [Reply(turn.say("forget_nothing"))]
    patients.set_state(turn.db, turn.sender.user_id, State.AWAITING_FORGET_CONFIRM, turn.now)
    return [forget_confirmation(turn.knowledge.base)]


def typed(turn: Turn, patient: Patient, text: str) -> list[Outgoing] | None:
    """The typed answer to the confirmation: "yes" deletes, "no" keeps; anything else
    keeps too and is read as a message (None)."""
    words = plain_words(text)
    if words in YES:
        return forget(turn)
    patients.set_state(turn.db, patient.id, None, turn.now)
    if words in NO:
        return [Reply(turn.say("forget_kept"))]
    return None


def button(turn: Turn, value: str) -> list[Outgoing]:
    """The "Yes, delete" / "No, keep" buttons."""
    if value == "yes":
        return [RemoveButtons(), *forget(turn)]
    cancel(turn)
    return [RemoveButtons(), Reply(turn.say("forget_kept"))]


def cancel(turn: Turn) -> None:
    """Any other command or button cancels a pending confirmation: a "yes" typed later must
    not delete anything it wasn't asked about."""
    patient = turn.known_patient()
    if patient is not None and patient.state == State.AWAITING_FORGET_CONFIRM:
        patients.set_state(turn.db, patient.id, None, turn.now)


def forget(turn: Turn) -> list[Outgoing]:
    patient_id = turn.sender.user_id
    ended = relay.end_for_forget(turn, patient_id)
    patients.forget_patient(turn.db, patient_id)
    truncate_wal_after_commit(turn.db)
    log.info("patient %s: forgotten", pseudonym(patient_id))
    turn.tell_scheduler(lambda: turn.hooks.patient_forgotten(turn.db, patient_id))
    return [Reply(turn.say("forget_done")), *ended]
