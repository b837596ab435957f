"""What a patient can set and see: check-ins on or off, their time and time zone, /status,
/help and /topics."""

from __future__ import annotations

from bot.conversation.events import Outgoing, Reply
from bot.conversation.onboarding import checkins_left, checkins_off, checkins_on
from bot.conversation.turn import Turn
from bot.conversation.wording import clock, escape, shorten, topic_buttons
from bot.core.clock_input import read_clock_time, read_timezone, zone_label
from bot.core.dates import format_treatment_date
from bot.storage import patients
from bot.storage.patients import Patient


def checkins(turn: Turn, args: tuple[str, ...]) -> list[Outgoing]:
    """/checkins on|off."""
    patient = turn.meet()
    choice = args[0].lower() if args else ""
    if choice == "on":
        return checkins_on(turn, patient)
    if choice == "off":
        return checkins_off(turn, patient)
    state = "on" if patient.checkins_enabled else "off"
    return [Reply(turn.say("checkins_usage", state=state))]


def checkin_time(turn: Turn, args: tuple[str, ...]) -> list[Outgoing]:
    """/time 18:30 (or 6:30pm, 18h30, noon): when check-ins arrive, never inside the
    plan's quiet hours."""
    patient = turn.meet()
    if not args:
        return [Reply(turn.say("time_usage", time=clock(patient.checkin_time)))]
    try:
        chosen = read_clock_time(" ".join(args))
    except ValueError:
        return [Reply(turn.say("time_bad"))]
    quiet = turn.knowledge.base.plan.quiet
    if quiet.contains(chosen):
        return [Reply(turn.say("time_quiet", start=clock(quiet.start), end=clock(quiet.end)))]
    patients.set_checkin_time(turn.db, patient.id, chosen)
    _schedule_changed(turn, patient)
    return [Reply(turn.say("time_set", time=clock(chosen)))]


def timezone(turn: Turn, args: tuple[str, ...]) -> list[Outgoing]:
    """/timezone NAME: the patient's own time zone, as they name it (Europe/Berlin,
    berlin, CET, GMT+1)."""
    patient = turn.meet()
    if not args:
        return [Reply(turn.say("timezone_usage", zone=zone_label(patient.timezone)))]
    name = " ".join(args)
    try:
        zone = read_timezone(name)
    except ValueError as error:
        example = str(error).rsplit(" ", 1)[-1]
        shown = escape(shorten(name, 40))
        bad = turn.say("timezone_bad", name=shown, example=escape(example))
        return [Reply(bad)]
    patients.set_timezone(turn.db, patient.id, zone)
    _schedule_changed(turn, patient)
    local = clock(turn.now.astimezone(zone))
    return [Reply(turn.say("timezone_set", zone=zone_label(zone), clock=local))]


def _schedule_changed(turn: Turn, patient: Patient) -> None:
    moved = turn.tell_scheduler(lambda: turn.hooks.schedule_changed(turn.db, patient.id, turn.now))
    turn.checkins_due |= bool(moved)


def status(turn: Turn) -> list[Outgoing]:
    """/status: the treatment date, the day, and when the next check-in comes."""
    patient = turn.meet()
    zone = patient.timezone
    today = turn.today(patient)
    if patient.treated_on is None:
        lines = [turn.say("status_no_treatment")]
    else:
        when = format_treatment_date(patient.treated_on, today)
        lines = [turn.say("status_treatment", date=when, day=turn.day(patient))]
    if not patient.checkins_enabled:
        return [Reply("\n".join([*lines, turn.say("status_checkins_off")]))]
    at = clock(patient.checkin_time)
    lines.append(turn.say("status_checkins_on", time=at, zone=zone_label(zone)))
    upcoming = turn.hooks.next_check_in(turn.db, patient.id, turn.now)
    if upcoming is not None:
        local = upcoming.astimezone(zone)
        when = f"{format_treatment_date(local.date(), today)}, {clock(local)}"
        lines.append(turn.say("status_next", when=when))
    elif patient.treated_on is not None and not checkins_left(turn, turn.day(patient)):
        lines.append(turn.say("status_none_left"))
    return [Reply("\n".join(lines))]


def help_text(turn: Turn) -> list[Outgoing]:
    """/help: what the bot does, on which days check-ins come (and, for staff, their
    commands)."""
    days = sorted({step.day for step in turn.knowledge.base.plan.steps})
    lines = [turn.knowledge.base.wording["help"]]
    if days:
        lines.append(turn.say("help_checkin_days", days=_listed(days)))
    if turn.is_staff:
        lines.append(turn.say("staff_help"))
    return [Reply("\n".join(lines))]


def _listed(days: list[int]) -> str:
    """[1, 3, 7] -> "1, 3 and 7"."""
    words = [str(day) for day in days]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def topics(turn: Turn) -> list[Outgoing]:
    """/topics: every aftercare topic as a button."""
    return [Reply(turn.say("topics_intro"), topic_buttons(turn.knowledge.base))]
