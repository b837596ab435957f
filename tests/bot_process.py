"""`aftercare run` in a subprocess, talking to the fake Bot API over HTTP: started as an
operator starts it (the console script, in a folder of its own), then killed with SIGKILL
or stopped with SIGTERM at the moment a test chooses, and started again on the same
database.

    with api.serve_http() as base_url:
        environment = bot_environment(base_url, tmp_path / "aftercare.db", knowledge)
        with bot_process(api, tmp_path, environment) as bot:
            hold = api.hold("sendMessage", times=1)  # Telegram takes the reply...
            api.send_text(ANNA, "/start")
            hold.wait_sync()
            bot.kill()          # ...and the bot dies before it hears back
            hold.release()
            bot.start()         # same database, same fake Telegram
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from fake_bot_api import FakeBotApi

AFTERCARE = str(Path(sys.executable).parent / "aftercare")
TOKEN = "123456:SECRET-TEST-TOKEN"


def bot_environment(base_url: str, db: Path, knowledge: Path, **more: str) -> dict[str, str]:
    """This process's environment plus what `aftercare run` needs to reach the fake:
    the token, the fake's base URL, the database and the knowledge folder; `more` adds
    or overrides variables (e.g. AFTERCARE_STAFF_CHAT_ID="-100")."""
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "AFTERCARE_DB": str(db),
        "AFTERCARE_KNOWLEDGE_DIR": str(knowledge),
        **more,
    }


class BotProcess:
    """One `aftercare run` at a time, restartable; its output goes to a log file per run
    (a pipe nobody reads could fill up and stall the bot)."""

    def __init__(self, api: FakeBotApi, workdir: Path, environment: Mapping[str, str]) -> None:
        self.api = api
        self.workdir = workdir
        self.environment = dict(environment)
        self.runs = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_path = workdir / "aftercare-run-0.log"

    def start(self, wait: bool = True, timeout: float = 30.0) -> None:
        """Start `aftercare run`; with `wait`, return once it polls Telegram for updates."""
        if self.running:
            raise RuntimeError("aftercare run is already running")
        self.runs += 1
        self._close_log()
        self._log_path = self.workdir / f"aftercare-run-{self.runs}.log"
        self._log = self._log_path.open("wb")
        first_call = len(self.api.calls)
        self._process = subprocess.Popen(
            [AFTERCARE, "run"],
            cwd=self.workdir,
            env=self.environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_until_polling(first_call, timeout)

    def wait_until_polling(self, after: int = 0, timeout: float = 30.0) -> None:
        """Wait for a getUpdates among the fake's calls from `after` on."""
        try:
            self.api.wait_for_call_sync("getUpdates", timeout=timeout, after=after)
        except TimeoutError:
            code = self._process.poll() if self._process else None
            message = f"aftercare run never polled (exit code {code}):\n{self.output}"
            raise TimeoutError(message) from None

    def kill(self) -> int:
        """SIGKILL, as a crash or an out-of-memory kill; returns once the process is gone
        (its exit code, -9)."""
        return self._end(signal.SIGKILL, timeout=10.0)

    def stop(self, stop: signal.Signals = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Ask the bot to stop (SIGTERM or SIGINT); its exit code once it has."""
        return self._end(stop, timeout)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def output(self) -> str:
        """What the current (or last) run printed."""
        if self._log is not None:
            self._log.flush()
        if not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")

    def _end(self, stop: signal.Signals, timeout: float) -> int:
        if self._process is None:
            raise RuntimeError("aftercare run was never started")
        if self._process.poll() is None:
            self._process.send_signal(stop)
        try:
            return self._process.wait(timeout)
        finally:
            self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


@contextmanager
def bot_process(
    api: FakeBotApi, workdir: Path, environment: Mapping[str, str]
) -> Iterator[BotProcess]:
    """A started `aftercare run` (polling), killed at the end if the test left it running;
    `environment` as `bot_environment` makes it."""
    bot = BotProcess(api, workdir, environment)
    bot.start()
    try:
        yield bot
    finally:
        if bot.running:
            bot.kill()
