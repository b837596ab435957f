"""What the HTTP benchmarks share: bots in processes of their own, each with its own fake
Telegram (tests/fake_bot_api, served over HTTP from this process), and patients who ask,
wait for the answer and ask again.

A contender is `aftercare run` (the console script, as an operator starts it, on a
database where the patients are already enrolled) or the bare python-telegram-bot bot of
`bench/bare_bot.py`, over HTTP/1.1 or HTTP/2 (bot and fake alike; HTTP/2 needs the `h2`
package, which the `test` extra installs). Latency is measured by the fake: from the
moment an update is offered to getUpdates to the moment the reply reaches the fake. CPU is
the bot process's own (user + system, from /proc), divided by the updates of the burst.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bot_process import AFTERCARE, bot_environment  # noqa: E402
from fake_bot_api import ApiCall, FakeBotApi, HttpVersion  # noqa: E402
from sqlite_utils import Database  # noqa: E402

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR  # noqa: E402
from bot.storage import patients  # noqa: E402
from bot.storage.store import Store  # noqa: E402

QUESTIONS = [
    "can i wear makeup tomorrow",
    "when can i wash my face",
    "is it normal that my skin is red",
    "can i go to the gym",
    "which sunscreen should i use",
]
"""Ordinary questions (no warning sign): each gets exactly one reply."""
FIRST_PATIENT = 7_000_001
READY_TIMEOUT = 120.0
SETTLE_SECONDS = 0.3
"""After the last reply: time for a duplicate to show up."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def patient_ids(count: int, first: int = FIRST_PATIENT) -> list[int]:
    return list(range(first, first + count))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def enrol(db: Path, ids: list[int]) -> None:
    """Patients who have been through onboarding (treated three days ago, no check-ins),
    stored with the product's own storage functions."""
    now = datetime.now(UTC)

    def unit(database: Database) -> None:
        for patient_id in ids:
            patients.greet_patient(
                database,
                patient_id,
                chat_id=patient_id,
                first_name="Anna",
                username=None,
                timezone=ZoneInfo("Europe/London"),
                checkin_time=clock_time(10, 0),
                now=now,
            )
            patients.add_treatment(
                database,
                patient_id,
                (now - timedelta(days=3)).date(),
                now,
            )

    with Store(db) as store:
        store.run_sync(unit)


@dataclass
class Contender:
    """One bot in a process of its own, talking to a fake Telegram of its own."""

    name: str
    latency: float
    command: list[str]
    workdir: Path
    http_version: HttpVersion = "1.1"
    api: FakeBotApi = field(default_factory=FakeBotApi)
    extra_env: dict[str, str] = field(default_factory=dict)
    knowledge: Path = DEFAULT_KNOWLEDGE_DIR
    """Another checkout's bot reads that checkout's knowledge: this one's may use wording
    its code does not know yet."""
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self, base_url: str) -> None:
        """Start the bot; return once it polls."""
        environment = bot_environment(
            base_url, self.workdir / "aftercare.db", self.knowledge, **self.extra_env
        )
        self._log = (self.workdir / "bot.log").open("wb")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.workdir,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self.api.wait_for_call_sync("getUpdates", timeout=READY_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(f"{self.name} never polled:\n{self.output()}") from None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()

    def cpu(self) -> float:
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    def output(self) -> str:
        path = self.workdir / "bot.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def running(
    contenders: list[Contender], enrolled: list[int], progress: Callable[[str], None]
) -> Iterator[list[Contender]]:
    """Every contender started (ours on a database with `enrolled` patients), stopped at
    the end."""
    with contextlib.ExitStack() as stack:
        for contender in contenders:
            if contender.name != "bare":
                enrol(contender.workdir / "aftercare.db", enrolled)
            served = contender.api.serve_http(contender.latency, contender.http_version)
            base_url = stack.enter_context(served)
            stack.callback(contender.stop)
            progress(f"starting {contender.name} ...")
            contender.start(base_url)
        yield contenders


def contenders(
    latencies: list[float],
    workroot: Path,
    bare_concurrent: bool,
    without_limits: bool,
    http_versions: Sequence[HttpVersion] = ("1.1",),
    bare_rate_limited: bool = False,
    against: Path | None = None,
) -> list[Contender]:
    """Ours and the bare bot at each simulated round trip and HTTP version; with
    `without_limits`, ours also with Telegram's send limits lifted (a diagnostic); with
    `bare_rate_limited`, the bare bot keeps to Telegram's limits too; with `against`,
    also `aftercare run` of that checkout (its own .venv), named "against"."""
    made: list[Contender] = []
    for latency in latencies:
        for http_version in http_versions:
            kinds = _commands(http_version, bare_concurrent, without_limits, bare_rate_limited)
            if against is not None:
                kinds.append(("against", [str(against / ".venv" / "bin" / "aftercare"), "run"]))
            for name, command in kinds:
                workdir = workroot / f"{name}-{int(latency * 1000)}ms-http{http_version}"
                workdir.mkdir(parents=True)
                contender = Contender(name, latency, command, workdir, http_version)
                if name == "against" and against is not None:
                    contender.knowledge = against / "knowledge"
                made.append(contender)
    return made


def _commands(
    http_version: HttpVersion, bare_concurrent: bool, without_limits: bool, bare_rate_limited: bool
) -> list[tuple[str, list[str]]]:
    """Each contender's name and command: ours over HTTP/1.1 is the console script as an
    operator starts it; the variants go through `bench/run_variant.py`."""
    bench = ROOT / "bench"
    variant = [sys.executable, str(bench / "run_variant.py"), "--http-version", http_version]
    ours = [AFTERCARE, "run"] if http_version == "1.1" else variant
    bare = [sys.executable, str(bench / "bare_bot.py"), "--http-version", http_version]
    if bare_concurrent:
        bare.append("--concurrent")
    if bare_rate_limited:
        bare.append("--rate-limited")
    kinds = [("ours", ours), ("bare", bare)]
    if without_limits:
        kinds.append(("ours-unlimited", [*variant, "--without-limits"]))
    return kinds


@contextlib.contextmanager
def workroot() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="aftercare-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class BurstResult:
    """One burst against one contender."""

    latencies: list[float]
    lost: int
    duplicated: int
    cpu_per_update: float
    seconds: float

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95) if self.latencies else float("nan")


class Burst:
    """Patients who each ask their questions one by one: a patient asks the next as soon
    as the reply to the last has reached Telegram."""

    def __init__(self, api: FakeBotApi, questions: dict[int, list[str]]) -> None:
        self.api = api
        self.questions = questions
        self.latencies: list[float] = []
        self._asked = dict.fromkeys(questions, 0)
        self._offered_at: dict[int, float] = {}
        self._lock = threading.Lock()
        self._done = threading.Event()

    def run(
        self, contender: Contender, timeout: float, prelude: Callable[[], None] | None = None
    ) -> BurstResult:
        """Ask everyone's first question at once (after `prelude`, e.g. a flood), wait
        for every answer, then count what was lost and what came twice."""
        before = {chat: len(self.api.texts(chat)) for chat in self.questions}
        stop_watching = self.api.on_call("sendMessage", self._on_send)
        cpu_before, started = contender.cpu(), time.perf_counter()
        if prelude is not None:
            prelude()
        with self._lock:
            for chat in self.questions:
                self._ask(chat)
        self._done.wait(timeout)
        seconds = time.perf_counter() - started
        time.sleep(SETTLE_SECONDS)
        cpu = contender.cpu() - cpu_before
        stop_watching()
        lost = duplicated = 0
        for chat, asked in self._asked.items():
            got = len(self.api.texts(chat)) - before[chat]
            lost += max(0, asked - got)
            duplicated += max(0, got - asked)
        asked_in_all = sum(len(texts) for texts in self.questions.values())
        return BurstResult(self.latencies, lost, duplicated, cpu / asked_in_all, seconds)

    def _on_send(self, call: ApiCall) -> None:
        """A message reached Telegram (the fake's server thread)."""
        arrived = time.perf_counter()
        chat = call.chat_id
        if not call.reached or chat not in self._asked:
            return
        with self._lock:
            offered = self._offered_at.pop(chat, None)
            if offered is None:
                return  # a second reply to one question: counted at the end
            self.latencies.append(arrived - offered)
            if self._asked[chat] < len(self.questions[chat]):
                self._ask(chat)
            elif not self._offered_at:
                self._done.set()

    def _ask(self, chat: int) -> None:
        text = self.questions[chat][self._asked[chat]]
        self._asked[chat] += 1
        self._offered_at[chat] = time.perf_counter()
        self.api.send_text(chat, text)
