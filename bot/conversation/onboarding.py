"""Getting to know a patient: /start, the treatment date (typed, or a button; or a
treatment still ahead), /treatment, and the offer of check-ins that follows the date (also
what /checkins on|off do)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.conversation import alerts, questions
from bot.conversation.events import Button, Outgoing, RemoveButtons, Reply, Toast
from bot.conversation.states import State
from bot.conversation.turn import Turn, plain_words
from bot.conversation.wording import checkin_offer, clock, date_buttons
from bot.core.date_corrections import date_correction
from bot.core.dates import (
    MAX_DAYS_AGO,
    SHORT_DATE_WORDS,
    DateProblem,
    UpcomingTreatment,
    asks_something,
    date_statement,
    days_since_treatment,
    format_treatment_date,
    only_a_day,
    read_treatment_date,
)
from bot.core.day_notes import day_note, day_note_step
from bot.core.matching import Match
from bot.storage import patients
from bot.storage.patients import Patient

YES = {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "please"}
NO = {"no", "n", "nope", "no thanks", "no thank you", "not now", "nah"}


def start(turn: Turn) -> list[Outgoing]:
    """/start: the welcome and disclaimer, then the treatment date question (a patient
    whose date we know is reminded of it instead of asked again, and one whose treatment
    is still ahead is not asked for it before then)."""
    patient = turn.meet()
    wording = turn.knowledge.base.wording
    welcome = f"{wording['welcome']}\n\n{wording['disclaimer']}"
    if patient.treated_on is None and patient.state == State.TREATMENT_AHEAD:
        return [Reply(f"{welcome}\n\n{turn.say('welcome_back_ahead')}")]
    if patient.treated_on is None:
        return [Reply(welcome), *ask_date(turn, patient)]
    when = format_treatment_date(patient.treated_on, turn.today(patient))
    back = turn.say("welcome_back", date=when, day=turn.day(patient))
    return [Reply(f"{welcome}\n\n{back}")]


def ask_date(turn: Turn, patient: Patient) -> list[Outgoing]:
    patients.set_state(turn.db, patient.id, State.AWAITING_DATE, turn.now)
    base = turn.knowledge.base
    return [Reply(base.wording["ask_treatment_date"], date_buttons(base))]


def treatment(turn: Turn, args: tuple[str, ...]) -> list[Outgoing]:
    """/treatment [DATE]: change the treatment date, asking for it if none is given."""
    patient = turn.meet()
    if not args:
        return ask_date(turn, patient)
    try:
        found = read_treatment_date(" ".join(args), turn.today(patient), turn.settings.date_order)
    except DateProblem as problem:
        patients.set_state(turn.db, patient.id, State.AWAITING_DATE, turn.now)
        return [Reply(problem.message, date_buttons(turn.knowledge.base))]
    return date_given(turn, patient, found)


def date_or_question(turn: Turn, patient: Patient, text: str, match: Match) -> list[Outgoing]:
    """While we wait for the date, a date is taken and a real question still answered,
    both when one message holds the two ("had it yesterday, can I wear makeup?"); a day
    named only by the question ("can I wash my face tonight") is not the treatment's.
    Once the patient has said the treatment is still ahead, a question is answered
    without asking for the date again."""
    a_question = match.decision != "fallback" or match.intent is not None
    told = date_statement(text) if a_question else text
    if told is None:
        return _question_not_date(turn, patient, text, match)
    try:
        found = read_treatment_date(told, turn.today(patient), turn.settings.date_order)
    except DateProblem as problem:
        if not a_question:
            if patient.state == State.TREATMENT_AHEAD:
                return questions.answer(turn, patient, text, match)
            return [Reply(problem.message, date_buttons(turn.knowledge.base))]
        return _question_not_date(turn, patient, text, match)
    if not a_question:
        return date_given(turn, patient, found)
    if isinstance(found, UpcomingTreatment) and not found.said_not_yet:
        if only_a_day(text):
            # "next monday" may read like a topic to the matcher, but it answers the
            # question we asked.
            return date_given(turn, patient, found)
        # "I want to wear makeup tomorrow" names a day ahead, but is a question.
        return _question_not_date(turn, patient, text, match)
    return _date_then_answer(turn, patient, text, found)


def _date_then_answer(
    turn: Turn, patient: Patient, text: str, found: date | UpcomingTreatment
) -> list[Outgoing]:
    """The date taken, then the question answered for the day it makes (the offer of
    check-ins, if any, after the answer)."""
    told_back = date_given(turn, patient, found)
    patient = turn.refresh()
    day = turn.day(patient)
    match = turn.knowledge.matcher.match(text, day)
    if match.red_flag:
        # Normal on an unknown day, a warning sign on this one (still swollen on day 5).
        return [*told_back, *alerts.raise_alert(turn, day, text, match.sign)]
    if not asks_something(text) and (
        match.decision != "answer" or len(text.split()) <= SHORT_DATE_WORDS
    ):
        # "last tuesday" or "monday" is a date the matcher read as a topic, not a question.
        return told_back
    return [told_back[0], *questions.answer(turn, patient, text, match), *told_back[1:]]


def _question_not_date(turn: Turn, patient: Patient, text: str, match: Match) -> list[Outgoing]:
    answered = questions.answer(turn, patient, text, match)
    if patient.state == State.TREATMENT_AHEAD:
        return answered
    still = Reply(turn.say("date_still_needed"), date_buttons(turn.knowledge.base))
    return [*answered, still]


def date_button(turn: Turn, value: str) -> list[Outgoing]:
    """ "Today" or "Yesterday" under the date question."""
    patient = turn.meet()
    if value not in ("today", "yesterday"):
        return [Toast(turn.say("button_expired"))]
    today = turn.today(patient)
    treated_on = today if value == "today" else today - timedelta(days=1)
    return [RemoveButtons(), *date_given(turn, patient, treated_on)]


def date_change(turn: Turn, patient: Patient, text: str) -> list[Outgoing] | None:
    """A patient whose date we know telling another one ("actually it was on monday"):
    asked, with buttons, whether to change it. None when `text` tells no other date."""
    if patient.treated_on is None:
        return None
    today = turn.today(patient)
    found = date_correction(text, patient.treated_on, today, turn.settings.date_order)
    if found is None:
        return None
    old = patient.treated_on.isoformat()
    day = days_since_treatment(found, turn.now, patient.timezone)
    offer = turn.say(
        "date_change_offer",
        date=format_treatment_date(found, today),
        day=day,
        old=format_treatment_date(patient.treated_on, today),
    )
    yes = Button(turn.say("date_change_yes"), f"redate:{found.isoformat()}:{old}")
    no = Button(turn.say("date_change_no"), f"redate:keep:{old}")
    return [Reply(offer, ((yes, no),))]


def date_change_button(turn: Turn, value: str) -> list[Outgoing]:
    """ "Yes, change it" or "No, keep it" under that question. It acts only while the
    date it would replace is still the stored one (not after /treatment or /forget)."""
    patient = turn.meet()
    new, _, old = value.partition(":")
    expired: list[Outgoing] = [Toast(turn.say("button_expired")), RemoveButtons()]
    if patient.treated_on is None or old != patient.treated_on.isoformat():
        return expired
    today = turn.today(patient)
    if new == "keep":
        kept = format_treatment_date(patient.treated_on, today)
        return [RemoveButtons(), Reply(turn.say("date_change_kept", date=kept))]
    try:
        treated_on = date.fromisoformat(new)
    except ValueError:
        return expired
    if not timedelta(0) <= today - treated_on <= timedelta(days=MAX_DAYS_AGO):
        return expired
    return [RemoveButtons(), *date_given(turn, patient, treated_on)]


def date_given(turn: Turn, patient: Patient, found: date | UpcomingTreatment) -> list[Outgoing]:
    """Store the new treatment date, say what day it is, and offer check-ins (unless
    none are left for that day). A treatment still ahead is not stored: the patient is
    asked to come back after it."""
    if isinstance(found, UpcomingTreatment):
        patients.set_state(turn.db, patient.id, State.TREATMENT_AHEAD, turn.now)
        return [Reply(found.message)]
    treated_on = found
    base = turn.knowledge.base
    day = days_since_treatment(treated_on, turn.now, patient.timezone)
    offer = not patient.checkins_enabled and checkins_left(turn, day)
    state = State.AWAITING_CHECKIN_CHOICE if offer else None
    patients.add_treatment(turn.db, patient.id, treated_on, turn.now)
    patients.set_state(turn.db, patient.id, state, turn.now)
    when = format_treatment_date(treated_on, turn.today(patient))
    lines = [turn.say("date_accepted", date=when, day=day)]
    note = day_note(base.plan, day)
    if note:
        lines.append(note)
    shown = day_note_step(base.plan, day)
    shown_day = shown.day if shown is not None else None
    turn.checkins_due |= bool(
        turn.tell_scheduler(
            lambda: turn.hooks.treatment_changed(turn.db, patient.id, shown_day, turn.now)
        )
    )
    if offer:
        return [Reply("\n".join(lines)), checkin_offer(base)]
    if patient.checkins_enabled:
        lines.append(turn.say("checkins_follow_date"))
    return [Reply("\n".join(lines))]


def checkins_left(turn: Turn, day: int | None) -> bool:
    """Whether the plan still has a check-in for a patient on `day` (any, if unknown); one
    due today counts unless the reply to the date has just shown its message."""
    plan = turn.knowledge.base.plan
    if day is None:
        return True
    shown = day_note_step(plan, day)
    return any(step.day > day or (step.day == day and step is not shown) for step in plan.steps)


def checkin_choice(turn: Turn, patient: Patient, text: str) -> list[Outgoing] | None:
    """A typed "yes" or "no" to the check-in offer; None when the text is something else
    (a question), which leaves the offer open."""
    words = plain_words(text)
    if words in YES:
        return checkins_on(turn, patient)
    if words in NO:
        return checkins_off(turn, patient)
    return None


def checkins_on(turn: Turn, patient: Patient) -> list[Outgoing]:
    patients.set_checkins_enabled(turn.db, patient.id, True)
    patients.set_state(turn.db, patient.id, None, turn.now)
    pending = turn.tell_scheduler(lambda: turn.hooks.opted_in(turn.db, patient.id, turn.now))
    turn.checkins_due |= bool(pending)
    done = Reply(turn.say("checkins_on", time=clock(patient.checkin_time)))
    if patient.treated_on is not None:
        day = turn.day(patient)
        if not checkins_left(turn, day):
            return [Reply(turn.say("checkins_on_none_left", day=day))]
        return [done]
    need_date = Reply(turn.say("checkins_on_need_date"))
    return [done, need_date, *ask_date(turn, patient)]


def checkins_off(turn: Turn, patient: Patient) -> list[Outgoing]:
    patients.set_checkins_enabled(turn.db, patient.id, False)
    patients.set_state(turn.db, patient.id, None, turn.now)
    turn.tell_scheduler(lambda: turn.hooks.opted_out(turn.db, patient.id, turn.now))
    return [Reply(turn.say("checkins_off"))]


def checkins_button(turn: Turn, value: str) -> list[Outgoing]:
    """ "Yes please" or "No thanks" under the check-in offer."""
    patient = turn.meet()
    chosen = checkins_on(turn, patient) if value == "yes" else checkins_off(turn, patient)
    return [RemoveButtons(), *chosen]
