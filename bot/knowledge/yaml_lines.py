"""YAML read with line numbers, so every problem in a knowledge file says `file:line`;
and the day ranges ("0-2", "7+") that several files use."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.core.model import Problem
from bot.knowledge.yaml_errors import explain_yaml_error

_DAYS_PATTERN = re.compile(r"^\s*(\d+)\s*(?:(\+)|-\s*(\d+))?\s*$")


class Node(dict[str, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int
    lines: dict[str, int]


class Seq(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    line: int
    lines: list[int]


_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it: ten times faster on the warning-sign examples."""


class LineLoader(_FastSafeLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that keeps line numbers for error messages."""


class PlainLineLoader(yaml.SafeLoader):
    """The pure-Python twin of `LineLoader`, read again only to explain a mistake: its
    errors are the ones `explain_yaml_error` knows, with the same line numbers."""


def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Node:
    loader.flatten_mapping(node)
    mapping = Node()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in mapping:
            raise yaml.MarkedYAMLError(
                problem=f'"{key}" appears twice (first on line {mapping.lines[key]})',
                problem_mark=key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
    return mapping


def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Seq:
    seq = Seq(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1
    seq.lines = [child.start_mark.line + 1 for child in node.value]
    return seq


for _loader in (LineLoader, PlainLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)


class Collector:
    """Gathers problems (and warnings) for one file so every check can report and move on."""

    def __init__(
        self,
        name: str,
        problems: list[Problem],
        path: Path | None = None,
        warnings: list[Problem] | None = None,
    ) -> None:
        self.name = name
        self.problems = problems
        self.path = path
        self.warnings = warnings
        self._source: list[str] | None = None

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def unknown_keys(
        self, node: Any, allowed: Iterable[str], kind: str = "field", where: str = ""
    ) -> None:
        """One problem for each key of `node` not `allowed`, on its line, naming what is
        ("unknown field 'titel' in a reply (allowed: answer, label, topic)")."""
        known = sorted(allowed)
        for key in sorted(set(node) - set(known), key=str):
            message = f"unknown {kind} '{key}'{where} (allowed: {', '.join(known)})"
            self.add(line_of(node, key), message)

    def warn(self, line: int, message: str) -> None:
        if self.warnings is not None:
            self.warnings.append(Problem(self.name, line, f"warning: {message}"))

    def locate(self, line: int, text: str, offset: int) -> int:
        """The file line of `text[offset]`, a value that starts at `line` or just below it.

        A folded or quoted value may be joined from several file lines, so the words
        around the place are looked for in the file, from the longest piece down."""
        if self.path is None:
            return line
        if self._source is None:
            try:
                self._source = self.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._source = []
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        for before in (20, 8, 0):
            piece = text[max(start, offset - before) : min(end, offset + 12)].strip()
            if not piece:
                continue
            for number in range(line, min(len(self._source), line + 300) + 1):
                if piece in self._source[number - 1]:
                    return number
        return line


def read_yaml(path: Path, name: str, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except PermissionError:
        problems.append(Problem(name, 1, "cannot read the file: permission denied"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(name, 1, "the file is not plain text: save it again as UTF-8 text"))
        return None
    except OSError as error:
        problems.append(Problem(name, 1, f"cannot read the file: {error.strerror or error}"))
        return None
    try:
        return yaml.load(text, Loader=LineLoader)
    except yaml.YAMLError as fast_error:
        found: yaml.YAMLError = fast_error
    try:
        yaml.load(text, Loader=PlainLineLoader)
    except yaml.YAMLError as plain_error:
        found = plain_error
    mistake = explain_yaml_error(found, text)
    problems.append(Problem(name, mistake.line, mistake.message))
    return None


def line_of(node: Any, key: str | None = None) -> int:
    if isinstance(node, Node) and key is not None and key in node.lines:
        return node.lines[key]
    return getattr(node, "line", 1)


def parse_days(text: str) -> tuple[int, int | None] | None:
    """`"3"` -> (3, 3), `"0-1"` -> (0, 1), `"2+"` -> (2, None); None when malformed."""
    match = _DAYS_PATTERN.match(text)
    if not match:
        return None
    first = int(match.group(1))
    if match.group(2):
        return first, None
    last = int(match.group(3)) if match.group(3) else first
    return (first, last) if last >= first else None


def items(node: Node, key: str, where: Collector) -> list[tuple[int, Any]]:
    """The entries of the list at `key` with the line of each (empty when absent)."""
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        where.add(line_of(node, key), f"{key} must be a list (one '- ' line per entry)")
        return []
    lines = value.lines if isinstance(value, Seq) else [line_of(node, key)] * len(value)
    return list(zip(lines, value, strict=True))
