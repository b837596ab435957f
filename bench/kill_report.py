"""What the fake Telegram saw against what the bot owed (`kill_expect.Ledger`), for
`bench_kill.py`: per kind of message, how many were owed, lost and sent more than once;
check-ins as the database settled them; the delay from a warning sign to its alert.

A message is matched by chat and text (an owed text that appears in its chat fewer times
than owed is lost; more times, duplicated); staff replies and relayed patient messages by
a token they carry. Anything the bot sent that nobody owed is listed as unexpected.
"""

from __future__ import annotations

import bisect
import itertools
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fake_bot_api import ApiCall, Outcome
from kill_expect import AT_MOST_ONCE, Kind, Ledger, Owed


@dataclass
class Tally:
    owed: int = 0
    lost: int = 0
    duplicated: int = 0
    unavoidable: int = 0
    """Of `duplicated`, copies sent again after a copy Telegram took but the bot never
    recorded: killed (or left without an answer) between the send and its record."""


@dataclass
class Comparison:
    """The counts per kind, the examples behind them, and the alert delays (seconds)."""

    tallies: dict[Kind, Tally] = field(default_factory=lambda: {k: Tally() for k in Kind})
    lost: list[Owed] = field(default_factory=list)
    duplicated: list[tuple[Owed, int]] = field(default_factory=list)
    unexpected: Counter[tuple[int, str]] = field(default_factory=Counter)
    alert_delays: list[float] = field(default_factory=list)
    checkins_received: dict[int, int] = field(default_factory=dict)

    def lost_of(self, *kinds: Kind) -> int:
        return sum(self.tallies[kind].lost for kind in kinds)


def compare(ledger: Ledger, calls: list[ApiCall], kill_times: list[float]) -> Comparison:
    """Match every delivered sendMessage against what was owed; `kill_times` (when the bot
    was killed) tell an unavoidable duplicate from one the bot could have spared."""
    result = Comparison()
    kills = sorted(kill_times)
    received: dict[int, list[ApiCall]] = defaultdict(list)
    for call in calls:
        if call.method == "sendMessage" and call.reached and call.chat_id is not None:
            received[call.chat_id].append(call)
    consumed: set[int] = set()
    for owed in (o for o in ledger.owed if o.contains):
        found = [c for c in received[owed.chat_id] if owed.text in str(c.params.get("text", ""))]
        consumed.update(id(c) for c in found)
        _settle(result, owed.kind, [owed], found, [owed], kills)
    exact: dict[tuple[int, str], list[Owed]] = defaultdict(list)
    for owed in (o for o in ledger.owed if not o.contains):
        exact[(owed.chat_id, owed.text)].append(owed)
    arrivals: dict[tuple[int, str], list[ApiCall]] = defaultdict(list)
    for chat_id, chat_calls in received.items():
        for call in chat_calls:
            if id(call) not in consumed:
                text = ledger.normal(str(call.params.get("text", "")))
                arrivals[(chat_id, text)].append(call)
    for key, owed_here in exact.items():
        arrived = sorted(arrivals.pop(key, []), key=lambda c: c.at)
        times = [c.at for c in arrived]
        kind = owed_here[0].kind
        _settle(result, kind, owed_here, arrived, owed_here, kills)
        if kind is Kind.CHECKIN:
            result.checkins_received[key[0]] = len(times)
        if kind is Kind.ALERT:
            starts = sorted(o.since for o in owed_here)
            result.alert_delays += [max(0.0, t - s) for s, t in zip(starts, times, strict=False)]
    for (chat_id, text), extra in arrivals.items():
        result.unexpected[(chat_id, text[:90])] += len(extra)
    return result


def _settle(
    result: Comparison,
    kind: Kind,
    owed: list[Owed],
    arrived: list[ApiCall],
    examples: list[Owed],
    kills: list[float],
) -> None:
    tally = result.tallies[kind]
    tally.owed += len(owed)
    got = len(arrived)
    if got < len(owed):
        tally.lost += len(owed) - got
        result.lost.extend(examples[got:])
    elif got > len(owed):
        extra = got - len(owed)
        tally.duplicated += extra
        if kind not in AT_MOST_ONCE:
            tally.unavoidable += min(extra, _resent_after_unrecorded(arrived, kills))
        result.duplicated.append((examples[0], extra))


def _resent_after_unrecorded(arrived: list[ApiCall], kills: list[float]) -> int:
    """How many copies followed one the bot could not have recorded: it never heard
    Telegram's answer, or it was killed before the next copy (the send and its record
    are two steps; a kill between them means sending again)."""
    count = 0
    ordered = sorted(arrived, key=lambda c: c.at)
    for before, after in itertools.pairwise(ordered):
        unheard = before.outcome is not Outcome.ANSWERED or before.status != 200
        killed = bisect.bisect_right(kills, after.at) > bisect.bisect_right(kills, before.at)
        count += unheard or killed
    return count


@dataclass(frozen=True)
class Settled:
    """How the database settled the run: check-ins by status (for the patients who should
    have had one) and anything still waiting."""

    checkins: dict[int, str]
    outbox_left: int
    inbox_left: int


def read_database(path: Path, day: int) -> Settled:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT patient_id, status FROM checkins WHERE day = ?", [day]).fetchall()
        outbox = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        inbox = db.execute("SELECT COUNT(*) FROM inbox WHERE status = 'pending'").fetchone()[0]
    return Settled({int(p): str(s) for p, s in rows}, int(outbox), int(inbox))


def print_report(
    result: Comparison, settled: Settled, hoppers: list[int], kills: Mapping[str, int]
) -> list[str]:
    """Print the figures, then the summary table; returns the guarantees broken (empty
    when all held)."""
    print(f"\n{'':36} {'owed':>6} {'lost':>6} {'twice+':>7} {'unavoid.':>9}  semantics")
    for kind in Kind:
        tally = result.tallies[kind]
        semantics = "at most once" if kind in AT_MOST_ONCE else "at least once"
        counts = f"{tally.owed:6} {tally.lost:6} {tally.duplicated:7} {tally.unavoidable:9}"
        print(f"{kind.value:36} {counts}  {semantics}")
    unknown = [p for p in hoppers if settled.checkins.get(p) == "unknown"]
    arrived_unknown = sum(1 for p in unknown if result.checkins_received.get(p, 0) > 0)
    lost_checkins = [p for p in hoppers if result.checkins_received.get(p, 0) == 0]
    why = Counter(settled.checkins.get(p, "no row") for p in lost_checkins)
    print(
        f"\ncheck-ins: {len(hoppers)} owed, "
        f"{sum(1 for p in hoppers if result.checkins_received.get(p, 0) == 1)} arrived once, "
        f"{sum(1 for p in hoppers if result.checkins_received.get(p, 0) > 1)} duplicated, "
        f"{len(lost_checkins)} lost ({_listed(why)})"
    )
    print(
        f"check-ins settled 'unknown' (killed or timed out mid-send): {len(unknown)} "
        f"({arrived_unknown} had in fact arrived, {len(unknown) - arrived_unknown} had not)"
    )
    if result.alert_delays:
        delays = result.alert_delays
        print(
            f"alert delay (warning sign sent -> alert in the staff chat): mean "
            f"{statistics.mean(delays):.2f} s, median {statistics.median(delays):.2f} s, "
            f"worst {max(delays):.2f} s over {len(delays)} alerts"
        )
    print(f"left in the database: {settled.outbox_left} outbox rows, {settled.inbox_left} updates")
    _examples(result)
    replies = (Kind.REPLY, Kind.STAFF_TO_PATIENT, Kind.RELAY_TO_STAFF, Kind.STAFF_NOTE)
    broken = {
        "alerts lost": result.lost_of(Kind.ALERT),
        "urgent answers lost": result.lost_of(Kind.URGENT),
        "check-ins duplicated": result.tallies[Kind.CHECKIN].duplicated,
        "replies lost": result.lost_of(*replies),
    }
    twice = sum(t.duplicated for t in result.tallies.values())
    unavoidable = sum(t.unavoidable for t in result.tallies.values())
    rows = [
        ("kills", f"{sum(kills.values())}"),
        *((f"  {moment}", f"{count}") for moment, count in kills.items()),
        ("alerts lost", f"{broken['alerts lost']}"),
        ("urgent replies lost", f"{broken['urgent answers lost']}"),
        ("replies lost", f"{broken['replies lost']}"),
        ("check-ins duplicated / lost", f"{broken['check-ins duplicated']} / {len(lost_checkins)}"),
        ("messages sent twice", f"{twice}"),
        ("  of them unavoidable (at least once)", f"{unavoidable}"),
        ("left in the outbox (counted lost)", f"{settled.outbox_left}"),
    ]
    print("\n" + "\n".join(f"| {name:<38} | {value:>7} |" for name, value in rows))
    return [f"{name}: {count}" for name, count in broken.items() if count]


def _examples(result: Comparison) -> None:
    for owed in result.lost[:12]:
        print(f"  lost ({owed.kind.value}) in chat {owed.chat_id}: {owed.text[:100]!r}")
    for owed, extra in result.duplicated[:8]:
        print(f"  {extra + 1}x ({owed.kind.value}) in chat {owed.chat_id}: {owed.text[:80]!r}")
    if result.unexpected:
        total = sum(result.unexpected.values())
        print(f"unexpected messages (nobody owed them): {total}")
        by_text = Counter[str]()
        for (_chat, text), count in result.unexpected.items():
            by_text[text] += count
        for text, count in by_text.most_common(6):
            print(f"  {count}x {text!r}")


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.most_common()) or "none"
