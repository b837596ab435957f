"""YAML read with line numbers, so every problem in a knowledge file says `file:line`;
and the day ranges ("0-2", "7+") that several files use."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import Problem

_DAYS_PATTERN = re.compile(r"^\s*(\d+)\s*(?:(\+)|-\s*(\d+))?\s*$")


class Node(dict[str, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int
    lines: dict[str, int]


class Seq(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    line: int
    lines: list[int]


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it: ten times faster on the warning-sign examples."""


class LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that keeps line numbers for error messages."""


def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> Node:
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


def construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> Seq:
    seq = Seq(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1
    seq.lines = [child.start_mark.line + 1 for child in node.value]
    return seq


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)


class Collector:
    """Gathers problems for one file so every check can report and move on."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))


def read_yaml(path: Path, name: str, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, 1, f"cannot read the file: {error}"))
        return None
    try:
        return yaml.load(text, Loader=LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem or "not valid YAML"
        problems.append(Problem(name, line, f"{what} (check indentation, colons and quotes)"))
    except yaml.YAMLError as error:
        problems.append(Problem(name, 1, f"not valid YAML: {error}"))
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
