"""Checked text in the knowledge files: every answer, sentence and button label staff
write passes here, so each is non-empty, uses only known {placeholders}, fits one Telegram
message and is valid Telegram HTML; the clinic's details are filled in afterwards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.knowledge.telegram_html import ends_mid_sentence, html_problems
from bot.knowledge.yaml_lines import Collector

TELEGRAM_MESSAGE_LIMIT = 4096
TITLE_LIMIT = 40
PLACEHOLDERS = (
    "clinic_name",
    "clinic_phone",
    "emergency_number",
    "opening_hours",
    "out_of_hours_phone",
)
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def checked_text(
    value: Any,
    where: Collector,
    line: int,
    what: str,
    fields: tuple[str, ...] = (),
    *,
    html: bool = True,
    sentence: bool = False,
) -> str | None:
    """Checked text: non-empty, known placeholders, Telegram-sized and (unless `html` is
    False, for button labels) valid Telegram HTML; a `sentence` warns when cut short."""
    if not isinstance(value, str) or not value.strip():
        where.add(line, f"{what} must be non-empty text")
        return None
    unknown = [n for n in _PLACEHOLDER.findall(value) if n not in (*PLACEHOLDERS, *fields)]
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in (*fields, *PLACEHOLDERS))
        where.add(line, f"{what}: unknown placeholder {{{unknown[0]}}} (use {allowed})")
        return None
    if len(value) > TELEGRAM_MESSAGE_LIMIT:
        where.add(
            line,
            f"{what} is {len(value)} characters; Telegram allows {TELEGRAM_MESSAGE_LIMIT}",
        )
        return None
    if html and not _telegram_html_ok(value, where, line, what):
        return None
    if sentence and ends_mid_sentence(value.strip()):
        tail = " ".join(value.split()[-4:])
        where.warn(
            where.locate(line, value, len(value.rstrip()) - 1),
            f"{what} seems to stop mid-sentence ('...{tail}'): finish the sentence, or end "
            "it with a full stop",
        )
    return value.strip()


def _telegram_html_ok(value: str, where: Collector, line: int, what: str) -> bool:
    """Report every piece of `value` that Telegram would refuse; True when there is none."""
    problems = html_problems(value)
    for problem in problems:
        where.add(where.locate(line, value, problem.offset), f"{what}: {problem.message}")
    return not problems


def fill_placeholders(text: str, details: Mapping[str, str]) -> str:
    """Put the clinic's details where staff wrote {clinic_phone} and the like."""
    return _PLACEHOLDER.sub(lambda m: details.get(m[1], m[0]), text)
