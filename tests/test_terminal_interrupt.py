"""Ctrl+C ends `aftercare chat` at once: the installed command, run in a pseudo-terminal
as a person runs it, interrupted at its prompt."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

AFTERCARE = str(Path(sys.executable).parent / "aftercare")
PROMPT = b"you: "
PROMPT_WAIT = 90.0
"""Seconds the chat may take to read the knowledge and greet (slow on a busy machine)."""
EXIT_WAIT = 10.0
"""Seconds it may take to end after Ctrl+C: "at once", with room for a busy machine."""


def read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    """What the terminal shows until `wanted` appears, or `seconds` pass, or it closes."""
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed: the chat has ended
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_ctrl_c_at_the_prompt_ends_the_chat_at_once_without_a_traceback(
    tmp_path: Path, small_knowledge: Path
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "AFTERCARE_"))}
    environment = {
        **clean,
        "AFTERCARE_DB": str(tmp_path / "chat.db"),
        "AFTERCARE_KNOWLEDGE_DIR": str(small_knowledge),
        "USER": "Anna",
    }
    terminal, own_end = pty.openpty()
    chat = subprocess.Popen(
        [AFTERCARE, "chat"],
        stdin=own_end,
        stdout=own_end,
        stderr=own_end,
        env=environment,
        cwd=tmp_path,
    )
    os.close(own_end)
    try:
        greeted = read_until(terminal, PROMPT, PROMPT_WAIT)
        assert PROMPT in greeted, greeted.decode(errors="replace")
        asked_at = time.monotonic()
        chat.send_signal(signal.SIGINT)
        code = chat.wait(timeout=EXIT_WAIT)
        took = time.monotonic() - asked_at
        shown = read_until(terminal, b"\0", 1.0).decode(errors="replace")
    finally:
        if chat.poll() is None:
            chat.kill()
            chat.wait()
        os.close(terminal)
    assert code == 0
    assert took < EXIT_WAIT
    assert "Traceback" not in shown
    assert "KeyboardInterrupt" not in shown
