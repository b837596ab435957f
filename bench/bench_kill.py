"""Kill `aftercare run` with SIGKILL at random moments while patients onboard, ask questions,
receive check-ins and report warning signs, and staff take and answer the alerts; restart it
on the same database each time; then, after a clean run drains what is left, compare what
the fake Telegram saw with what the bot owed (issue 9).

Run: .venv/bin/python bench/bench_kill.py [--patients 300] [--kills 30] [--seed N]

Kills come at random, or armed for a chosen moment (`kill_chaos.KillMoment`): after a
fetch before processing, during processing, after a send before its record, during
check-in dispatch, during a relay. It prints, per kind of message, how many were owed,
lost and sent more than once (a duplicate is allowed, and only counted, for the kinds
sent at least once; "unavoidable" ones followed a copy Telegram took that the bot could
not record), check-ins lost, duplicated and settled "unknown", the delay from a warning
sign to its alert, and a summary table with the kills by moment. The exit code is 1 when
a guarantee broke: an alert or an urgent answer lost, a reply lost, a check-in sent twice.

The bot is the real console script in a subprocess (`tests/bot_process.py`) against the
fake Bot API over HTTP (`tests/fake_bot_api/`); the database, the bot's logs (one per
run) and the knowledge it used stay in the work folder, printed at the end.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bot_process import BotProcess, bot_environment  # noqa: E402
from fake_bot_api import FakeBotApi  # noqa: E402
from kill_chaos import UPTIME, Chaos  # noqa: E402
from kill_driver import CHECKIN_DAY, STAFF, People  # noqa: E402
from kill_expect import Shadow  # noqa: E402
from kill_report import compare, print_report, read_database  # noqa: E402
from kill_scenario import Zones, labelled_messages, make_patients, zones_for_checkins  # noqa: E402

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge  # noqa: E402

STAFF_CHAT = -1001234
TICK = 0.02
START_SECONDS = 3.5
"""About how long `aftercare run` takes to poll again after a start."""
DRAIN_LIMIT = 240.0
QUIET_FOR = 3.0
"""The drain ends once nothing was sent for this long and nothing waits."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--kills", type=int, default=30, help="at least this many SIGKILLs")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one, printed")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temp folder")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="cap on the chaos")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-kill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    zones = zones_for_checkins(datetime.now(UTC), load_knowledge().plan.quiet)
    knowledge = _knowledge_for(zones, workdir)
    print(f"bench_kill: seed {seed}, {args.patients} patients, at least {args.kills} kills")
    print(f"clinic zone {zones.clinic}, check-ins moved to {zones.ahead} ({knowledge})")
    questions, signs = labelled_messages(ROOT / "tests" / "data" / "patients.jsonl")
    cycle = sum(UPTIME) / 2 + START_SECONDS
    patients = make_patients(rng, args.patients, zones, questions, signs, 0.6 * args.kills * cycle)
    api = FakeBotApi()
    api.chat(STAFF_CHAT, "supergroup", "Clinic staff")
    with api.serve_http() as base_url:
        environment = bot_environment(
            base_url,
            workdir / "aftercare.db",
            knowledge,
            AFTERCARE_STAFF_CHAT_ID=str(STAFF_CHAT),
            AFTERCARE_STAFF_IDS=str(STAFF),
            AFTERCARE_TIMEZONE=zones.clinic,
            AFTERCARE_DISPATCH_SECONDS="2",
        )
        shadow = Shadow(environment)
        bot = BotProcess(api, workdir, environment)
        bot.start()
        people = People(api, shadow, patients, zones, rng, STAFF_CHAT)
        chaos = Chaos(api, bot, rng, STAFF_CHAT, people.active_chat, people.checkin_text)
        began = time.perf_counter()
        while chaos.kill_count < args.kills or people.busy(time.perf_counter()):
            if time.perf_counter() - began > args.max_seconds:
                print(f"stopped the chaos after {args.max_seconds:.0f} s (--max-seconds)")
                break
            now = time.perf_counter()
            people.tick(now)
            chaos.tick(now, killing=True, faulting=True)
            time.sleep(TICK)
        chaos_seconds = time.perf_counter() - began
        chaos.calm()
        drained = _drain(api, people, chaos, workdir / "aftercare.db")
        stopped = bot.stop()
        shadow.close()
    drain_seconds = time.perf_counter() - began - chaos_seconds
    print(
        f"chaos {chaos_seconds:.0f} s, then a clean run: "
        f"{'drained' if drained else 'NOT drained'} in {drain_seconds:.0f} s, "
        f"stopped with exit code {stopped}"
    )
    _print_run(people, chaos, workdir)
    _save_calls(api, workdir / "calls.tsv")
    hoppers = [p.id for p in patients if p.hops]
    result = compare(shadow.ledger, api.calls, chaos.kill_times)
    settled = read_database(workdir / "aftercare.db", CHECKIN_DAY)
    kills = {moment.value: count for moment, count in chaos.kills.items()}
    broken = print_report(result, settled, hoppers, kills)
    print(f"\nwork folder (database, one log per run): {workdir}")
    if broken or chaos.crashes:
        print("BROKEN: " + "; ".join([*broken, *(["the bot crashed"] if chaos.crashes else [])]))
        return 1
    print("guarantees held: no alert, urgent answer or reply lost; no check-in twice")
    return 0


def _knowledge_for(zones: Zones, workdir: Path) -> Path:
    """The built-in knowledge; a copy without quiet hours when the hour of the day leaves
    no daytime zone a day ahead of another (see `zones_for_checkins`)."""
    if not zones.quiet_hours_off:
        return DEFAULT_KNOWLEDGE_DIR
    copy = workdir / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, copy, dirs_exist_ok=True)
    plan = copy / "checkins.yaml"
    lines = plan.read_text().splitlines(keepends=True)
    plan.write_text(
        "".join(
            'quiet_hours: "00:00-00:00"\n' if line.startswith("quiet_hours:") else line
            for line in lines
        )
    )
    return copy


def _drain(api: FakeBotApi, people: People, chaos: Chaos, database: Path) -> bool:
    """Let the bot run without faults until nothing is left to send (or the limit)."""
    began = time.perf_counter()
    while time.perf_counter() - began < DRAIN_LIMIT:
        now = time.perf_counter()
        people.tick(now)
        chaos.tick(now, killing=False, faulting=False)
        last_send = max((c.at for c in api.calls_to("sendMessage")), default=0.0)
        if (
            chaos.bot.running
            and now - last_send > QUIET_FOR
            and not people.busy(now)
            and api.pending_updates == 0
            and _nothing_waiting(database)
        ):
            return True
        time.sleep(0.2)
    return False


def _nothing_waiting(database: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            outbox = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            inbox = db.execute("SELECT COUNT(*) FROM inbox WHERE status = 'pending'").fetchone()[0]
    except sqlite3.Error:
        return False
    return outbox == 0 and inbox == 0


def _save_calls(api: FakeBotApi, path: Path) -> None:
    """Every call the fake saw, one a line, for a look at what happened when."""
    with path.open("w") as out:
        out.write("wall\tmethod\tchat\toutcome\treached\tfault\ttext\n")
        for call in api.calls:
            wall = time.time() - (time.perf_counter() - call.at)
            text = str(call.params.get("text", call.params.get("offset", "")))[:60]
            fields = [f"{wall:.3f}", call.method, str(call.chat_id), call.outcome.value]
            fields += [str(call.reached), str(call.fault or ""), text.replace("\n", " ")]
            out.write("\t".join(fields) + "\n")


def _print_run(people: People, chaos: Chaos, workdir: Path) -> None:
    print(
        f"kills: {chaos.kill_count} ("
        + ", ".join(f"{n} {m.value}" for m, n in chaos.kills.items())
        + ")"
    )
    print("faults injected: " + ", ".join(f"{n}x {what}" for what, n in chaos.faults.most_common()))
    print("people: " + ", ".join(f"{n} {what}" for what, n in people.counts.items()))
    if chaos.crashes:
        print(f"the bot died on its own {len(chaos.crashes)} time(s); the last output:")
        print(chaos.crashes[-1])
    errors = [
        line.split(" ERROR ", 1)[1][:110]
        for log in sorted(workdir.glob("aftercare-run-*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if " ERROR " in line
    ]
    if errors:
        print(f"ERROR lines in the bot's logs: {len(errors)}, e.g. {errors[0]!r}")


if __name__ == "__main__":
    sys.exit(main())
