"""What each patient's update costs in logging: its pseudonym is made once per patient
and key, and log records skip the lookups the log format never shows."""

from __future__ import annotations

import logging
import re

import pytest

from bot.core import pseudonym as pseudonyms
from bot.telegram.application import LOG_FORMAT, configure_logging


@pytest.fixture
def fresh_pseudonyms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pseudonyms, "_key", b"a clinic's key")
    monkeypatch.setattr(pseudonyms, "_known", {})


@pytest.fixture
def logging_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("logThreads", "logProcesses", "logMultiprocessing", "_srcfile"):
        monkeypatch.setattr(logging, name, getattr(logging, name))


def test_a_patients_pseudonym_is_the_same_on_every_update(fresh_pseudonyms: None) -> None:
    first = pseudonyms.pseudonym(7000001)
    assert re.fullmatch(r"p-[0-9a-f]{8}", first)
    assert pseudonyms.pseudonym(7000001) == first
    assert pseudonyms.pseudonym(7000002) != first


def test_a_remembered_pseudonym_is_not_reused_under_another_installations_key(
    fresh_pseudonyms: None,
) -> None:
    before = pseudonyms.pseudonym(7000001)
    pseudonyms.use_key(b"another clinic's key")
    assert pseudonyms.pseudonym(7000001) != before


def test_remembered_pseudonyms_are_bounded(
    fresh_pseudonyms: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pseudonyms, "KNOWN_LIMIT", 3)
    made = [pseudonyms.pseudonym(user_id) for user_id in range(10)]
    assert len(pseudonyms._known) <= 3
    assert [pseudonyms.pseudonym(user_id) for user_id in range(10)] == made


def test_log_records_skip_what_the_log_format_never_shows(logging_defaults: None) -> None:
    configure_logging()
    record = logging.getLogger("bot.test").makeRecord(
        "bot.test", logging.INFO, "(unknown file)", 0, "patient %s", ("p-1",), None
    )
    shown = set(re.findall(r"%\((\w+)\)", LOG_FORMAT))
    skipped = {"thread", "threadName", "process", "processName", "pathname", "filename"}
    skipped |= {"lineno", "funcName", "module"}
    assert not shown & skipped
    assert record.thread is None and record.process is None
    assert logging._srcfile is None
