"""YAML mistakes in plain words, at the line where the mistake is.

PyYAML reports what its parser expected ("expected <block end>, but found '<scalar>'")
and often where it gave up, which can be far below the mistake: an unclosed quote on
line 6 is reported at the end of the file. The nurse who edits a topic needs the line to
look at and what to type instead. `explain_yaml_error` turns one PyYAML error, with the
file's text, into that.

Pure: an error and a text in, a line and a sentence out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+)?(["'])(.*)$""")
_KEY_VALUE = re.compile(r"""^\s*(?:-\s+)?[^\s:#'"][^:#]*:\s+(\S.*)$""")
_CANNOT_START = re.compile(r"found character '(\\t|.)' that cannot start any token")

QUOTES_HINT = (
    "put text with a colon in quotes, and use the same number of spaces for lines at the same level"
)


@dataclass(frozen=True)
class YamlMistake:
    """Where a YAML file went wrong (1-based line) and what to do about it."""

    line: int
    message: str


def explain_yaml_error(error: yaml.YAMLError, text: str) -> YamlMistake:
    """The line to look at and a plain explanation of one PyYAML error in `text`."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return YamlMistake(1, f"this is not a YAML file this bot can read: {QUOTES_HINT}")
    lines = text.splitlines()
    problem = error.problem or ""
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    at = mark.line + 1 if mark else 1
    started = error.context_mark.line + 1 if error.context_mark else at

    if "appears twice" in problem:
        return YamlMistake(at, problem)
    tab_or_char = _CANNOT_START.search(problem)
    if tab_or_char and tab_or_char.group(1) == "\\t":
        return YamlMistake(
            at, "a tab character: use spaces, not tabs, at the start of a line (and in between)"
        )
    if "quoted scalar" in context and "end of stream" in problem:
        return _unclosed_quote(started, lines)
    if "double-quoted scalar" in context and "escape character" in problem:
        return YamlMistake(
            at,
            "a backslash (\\) inside double quotes must be written twice (\\\\); or use "
            "single quotes around the text",
        )
    earlier_quote = _first_unclosed_quote(lines, before=at)
    if earlier_quote is not None and not tab_or_char:
        return _unclosed_quote(earlier_quote, lines)
    if tab_or_char:
        return _needs_quotes(at, tab_or_char.group(1))
    if "alias" in context or "alias" in problem:
        return _needs_quotes(started, "*")
    if "anchor" in context:
        return _needs_quotes(started, "&")
    if isinstance(error, yaml.constructor.ConstructorError) and "tag" in problem:
        return _needs_quotes(at, "!")
    if "block scalar" in context:
        return YamlMistake(
            started,
            "after '|' or '>' nothing may follow on the same line: start the text on the "
            "next line, indented",
        )
    if "another document" in problem:
        return YamlMistake(at, "a line with only '---' splits the file in two: remove it")
    if "mapping values are not allowed" in problem:
        return _colon(at, error.problem_mark.column if error.problem_mark else 0, lines)
    if "simple key" in context and "could not find expected ':'" in problem:
        return YamlMistake(
            started,
            "this line has no colon: write it as 'field: text', or indent it under the "
            "field it belongs to",
        )
    if "flow sequence" in context or "flow mapping" in context:
        return _bracket(started, lines, "[" if "sequence" in context else "{")
    if "flow node" in context and "end of stream" in problem:
        return _bracket(started, lines, "[")
    if "document start" in problem:
        return YamlMistake(
            at,
            "a line that starts with % or --- must be indented under its field, or put in quotes",
        )
    if "found '-'" in problem or "block collection" in context:
        return YamlMistake(
            at,
            "this line is not indented like the lines around it: put the same number of "
            "spaces before every entry of a list ('- ...') and every field of an entry",
        )
    if "found '<scalar>'" in problem:
        return _text_after_closed_value(at, lines)
    return YamlMistake(at, f"this line does not fit the lines above it: {QUOTES_HINT}")


def _unclosed_quote(line: int, lines: list[str]) -> YamlMistake:
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    opened = _QUOTED_VALUE.match(source)
    quote = opened.group(1) if opened else '"'
    return YamlMistake(
        line,
        f"this quote ({quote}) is never closed: add {quote} at the end of the text, or "
        "remove the opening one",
    )


def _first_unclosed_quote(lines: list[str], before: int) -> int | None:
    """The first line above `before` whose quoted text does not end on that line."""
    for number, source in enumerate(lines[: before - 1], start=1):
        opened = _QUOTED_VALUE.match(source)
        if opened is None:
            continue
        quote, rest = opened.group(1), opened.group(2)
        rest = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
        if quote not in rest:
            return number
    return None


def _needs_quotes(line: int, first: str) -> YamlMistake:
    return YamlMistake(
        line,
        f"text cannot start with {first} in these files: put the whole text in quotes, "
        f'like answer: "{first}..."',
    )


def _colon(line: int, column: int, lines: list[str]) -> YamlMistake:
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    first_colon = source.find(":")
    if 0 <= first_colon < column:
        key, _, value = source.partition(":")
        return YamlMistake(
            line,
            f'a colon inside text needs the text in quotes: write {key.strip()}: "{value.strip()}"',
        )
    return YamlMistake(
        line,
        "this line is indented more than the line above it: start it with the same number "
        "of spaces as the other fields",
    )


def _bracket(line: int, lines: list[str], bracket: str) -> YamlMistake:
    closing = "]" if bracket == "[" else "}"
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    value = _KEY_VALUE.match(source)
    if bracket == "{" and value is not None and re.match(r"\{\w+\}", value.group(1)):
        return YamlMistake(
            line,
            "a text that starts with a {placeholder} needs the whole text in quotes, like "
            'answer: "{clinic_phone} is our number."',
        )
    return YamlMistake(
        line,
        f"this {bracket} is never closed: add {closing} at the end of the list, or put text "
        f"that starts with {bracket} in quotes",
    )


def _text_after_closed_value(line: int, lines: list[str]) -> YamlMistake:
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    value = _KEY_VALUE.match(source)
    first = value.group(1)[:1] if value else ""
    if first in {'"', "'"}:
        return YamlMistake(
            line,
            f"text that starts with a quote ({first}) must end with it: put the whole text "
            "in quotes, or do not start it with a quote",
        )
    if first == "{" and value is not None and re.match(r"\{\w+\}", value.group(1)):
        return _bracket(line, lines, first)
    if first in {"{", "["}:
        return YamlMistake(
            line,
            f"a text that starts with {first} needs the whole text in quotes (YAML reads "
            f"{first} as the start of a list)",
        )
    return YamlMistake(line, f"this line does not fit the lines above it: {QUOTES_HINT}")
