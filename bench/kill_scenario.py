"""The patients of `bench_kill.py` and what each of them does: onboard, ask questions, opt in
to check-ins (some move their check-in to a few minutes from now, so it falls due while the
bot is being killed), and some report a warning sign.

There is no clock override in the product, so check-ins are brought due with the real
planning: the clinic's zone (AFTERCARE_TIMEZONE) is one where it is still *yesterday*
compared with the zone the patient then moves to. A patient treated "today" in the clinic's
zone reads day 0 in the reply to the date (day 0 is then never sent); after `/time HH:MM`
and `/timezone` into the zone a day ahead, the day-1 check-in is due at HH:MM there, a
minute or two from now. `zones_for_checkins` picks the two zones for the moment the bench
runs, out of the plan's quiet hours when the hour allows it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from scheduler.planning import QuietHours

FIRST_NAMES = ("Anna", "Ben", "Chloe", "Dev", "Emma", "Farah", "Grace", "Hana", "Ivy", "Jon")
PATIENT_IDS_FROM = 700_000_001
RUN_SPAN = timedelta(minutes=25)
"""How long the zones must keep their dates (and the hop zone its daytime): the run."""


@dataclass(frozen=True)
class Step:
    """One thing a patient does: type `value` ("text"), press the button with callback
    data `value` ("press"), or set a check-in time a minute or two ahead ("time")."""

    kind: str
    value: str = ""


@dataclass
class Patient:
    """A simulated patient and their script."""

    id: int
    first_name: str
    username: str | None
    steps: list[Step]
    starts_after: float
    """Seconds after the bench starts that they write first."""
    hops: bool = False
    """Moves into the zone a day ahead, so the day-1 check-in falls due during the run."""
    warning_sign: str | None = None
    checkin_due_at: datetime | None = None
    """When their check-in falls due (set when they choose the time)."""
    tokens: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Zones:
    """The clinic's zone and the zone a day ahead the hopping patients move into, as
    `AFTERCARE_TIMEZONE` and `/timezone` take them."""

    clinic: str
    ahead: str
    ahead_offset: int
    quiet_hours_off: bool
    """No pair exists out of the plan's quiet hours at this hour of the day: the bench
    runs with a knowledge copy whose check-ins have no quiet hours."""


def _etc(offset: int) -> str:
    # The Etc zones count the other way round: UTC+5 is Etc/GMT-5.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def zones_for_checkins(now: datetime, quiet: QuietHours) -> Zones:
    """Two whole-hour zones: the clinic's, and one a calendar day ahead of it for the whole
    run, whose clock stays out of `quiet` (when no pair allows that, out of nothing)."""
    for honour_quiet in (True, False):
        best: tuple[float, int, int] | None = None
        for ahead in range(14, -13, -1):
            for clinic in range(-12, ahead):
                margin = _margin(now, clinic, ahead, quiet if honour_quiet else None)
                if margin is not None and (best is None or margin > best[0]):
                    best = (margin, clinic, ahead)
        if best is not None:
            return Zones(_etc(best[1]), _etc(best[2]), best[2], not honour_quiet)
    raise RuntimeError("no pair of zones a day apart: cannot happen with a 26-hour span")


def _margin(now: datetime, clinic: int, ahead: int, quiet: QuietHours | None) -> float | None:
    """How far (hours) the run stays from the nearest date change or quiet hour, or None
    when the pair does not work for the whole run."""
    end = now + RUN_SPAN
    here = [moment.astimezone(ZoneInfo(_etc(clinic))) for moment in (now, end)]
    there = [moment.astimezone(ZoneInfo(_etc(ahead))) for moment in (now, end)]
    if here[0].date() != here[1].date() or there[0].date() != there[1].date():
        return None
    if (there[0].date() - here[0].date()).days != 1:
        return None
    if quiet is not None and any(quiet.contains(moment.time()) for moment in there):
        return None
    hours = [_hours(moment) for moment in (*here, *there)]
    return min(min(h, 24 - h) for h in hours)


def _hours(moment: datetime) -> float:
    return moment.hour + moment.minute / 60


def checkin_time(zone: str, now: datetime, rng: random.Random) -> tuple[str, datetime]:
    """A local HH:MM in `zone` 45 s to 2.5 min ahead (the minute after), and its instant."""
    local = (now + timedelta(seconds=rng.uniform(45, 150))).astimezone(ZoneInfo(zone))
    at = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return at.strftime("%H:%M"), at.astimezone(UTC)


def labelled_messages(path: Path) -> tuple[list[str], list[str]]:
    """(aftercare questions, warning signs) from a labelled file."""
    questions: list[str] = []
    signs: list[str] = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row["red_flag"]:
            signs.append(row["question"])
        elif row["expected"]:
            questions.append(row["question"])
    return questions, signs


def make_patients(
    rng: random.Random,
    count: int,
    zones: Zones,
    questions: list[str],
    signs: list[str],
    spread_seconds: float,
) -> list[Patient]:
    """`count` patients with their scripts, starting over `spread_seconds`."""
    made: list[Patient] = []
    for index in range(count):
        number = PATIENT_IDS_FROM + index
        name = FIRST_NAMES[index % len(FIRST_NAMES)]
        username = f"{name.lower()}{index}" if rng.random() < 0.6 else None
        patient = Patient(number, name, username, [], rng.uniform(0, spread_seconds))
        patient.steps = _script(rng, patient, zones, questions, signs)
        made.append(patient)
    return sorted(made, key=lambda p: p.starts_after)


def _script(
    rng: random.Random, patient: Patient, zones: Zones, questions: list[str], signs: list[str]
) -> list[Step]:
    steps = [Step("text", "/start")]
    steps.append(Step("press", "date:today") if rng.random() < 0.5 else Step("text", "today"))
    asked = [Step("text", q) for q in rng.sample(questions, rng.randint(1, 3))]
    if rng.random() < 0.8:
        steps.append(Step("press", "checkins:yes") if rng.random() < 0.7 else Step("text", "yes"))
        steps.append(asked.pop(0))
        if rng.random() < 0.75:
            patient.hops = True
            steps += [Step("time"), Step("text", f"/timezone {zones.ahead}")]
    else:
        steps.append(Step("press", "checkins:no"))
    steps += asked
    if rng.random() < 0.15:
        steps.append(Step("text", rng.choice(["/help", "/status", "/topics"])))
    # About one patient in ten: more alerts would outrun the staff chat's 20 messages a
    # minute (Telegram's group limit) and measure that queue instead of the kills.
    if rng.random() < 0.1:
        patient.warning_sign = rng.choice(signs)
        steps.append(Step("text", patient.warning_sign))
    return steps
