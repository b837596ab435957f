"""The labelled warning-sign examples staff write: knowledge/warning-signs/examples/*.yaml,
read and validated.

Each file holds reports (by sign) and look-alikes (by cause); the classifier is trained on
them at load (`bot.knowledge.trained`), `sign_words` names the likeliest sign from their
words, and their English words teach the language gate (`english_words`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.language import COMMON_WORDS
from bot.core.model import Problem, SignWords
from bot.core.tokens import tokens
from bot.knowledge.files import SIGNS_FOLDER, warning_sign_files
from bot.knowledge.yaml_lines import Collector, Node, items, line_of, read_yaml

CAUSES = (
    "denied",
    "past",
    "hypothetical",
    "general-question",
    "other-person",
    "other-body-part-or-object",
    "other-sense",
    "normal-healing",
    "everyday",
)
"""Why a look-alike is not a report: the false-alarm causes of docs/warning-signs.md."""
_CLAUSE = re.compile(r"[,.;:!?\n]+")
_WORD = re.compile(r"[a-z]+")
_APOSTROPHE = re.compile(r"[’'`´]")


@dataclass(frozen=True)
class Example:
    """One labelled message: a report of `label` (a sign id) or a look-alike of a cause."""

    text: str
    report: bool
    label: str
    source: str


def sign_words(examples: Iterable[Example]) -> SignWords:
    """The words of each sign's reports (see `SignWords`)."""
    counts: dict[str, Counter[str]] = {}
    for example in examples:
        if example.report:
            words = {t for t in tokens(example.text) if t.isalpha() and len(t) > 2}
            counts.setdefault(example.label, Counter()).update(words)
    vocabulary = {word for counter in counts.values() for word in counter}
    by_word: dict[str, dict[str, int]] = {}
    for sign, counter in counts.items():
        for word, count in counter.items():
            by_word.setdefault(word, {})[sign] = count
    return SignWords(
        tuple(counts),
        tuple(sum(counter.values()) + len(vocabulary) for counter in counts.values()),
        by_word,
    )


def read_examples(
    root: Path, name: Callable[[Path], str], problems: list[Problem], sign_ids: set[str]
) -> list[Example]:
    examples: list[Example] = []
    seen: dict[str, tuple[str, str]] = {}
    for path in warning_sign_files(root)[1:]:
        where = Collector(name(path), problems)
        node = read_yaml(path, where.name, problems)
        if not isinstance(node, Node) or not set(node) <= {"reports", "look_alikes"}:
            if node is not None:
                where.add(1, "an examples file has 'reports:' and 'look_alikes:', nothing else")
            continue
        for part, allowed in (("reports", sign_ids), ("look_alikes", set(CAUSES))):
            table = node.get(part) or Node()
            for label in table:
                if label not in allowed:
                    known = ", ".join(sorted(allowed))
                    where.add(line_of(table, label), f"'{label}' is not one of: {known}")
                    continue
                for line, text in items(table, label, where):
                    if not isinstance(text, str) or not text.strip():
                        where.add(line, f"{label}: each example must be a message")
                        continue
                    report = part == "reports"
                    key = " ".join(_WORD.findall(_APOSTROPHE.sub("", text.lower())))
                    if key in seen and seen[key][0] != part:
                        where.add(line, f"this message is also a {seen[key][0]} in {seen[key][1]}")
                    seen.setdefault(key, (part, f"{where.name}:{line}"))
                    examples.append(Example(text.strip(), report, str(label), path.stem))
    if not any(e.report for e in examples) or all(e.report for e in examples):
        folder = name(root / SIGNS_FOLDER)
        problems.append(Problem(folder, 1, "examples need reports and look-alikes"))
    return examples


def english_words(texts: list[str], known: set[str]) -> set[str]:
    """The words of the examples written in English, clause by clause: a report half in
    Spanish among the examples must not teach the language gate that Spanish is English.
    In an English clause a new word is learned between known words ("my face is gunky
    and sore"), not from a run of words in another language ("I know that tengo un bulto
    duro")."""
    found: set[str] = set()
    for text in texts:
        for clause in _CLAUSE.split(text.lower()):
            words = _WORD.findall(clause)
            read = [w in known or w in COMMON_WORDS for w in words]
            if sum(read) * 2 <= len(words):
                continue
            found.update(
                word
                for i, word in enumerate(words)
                if read[i] or ((i == 0 or read[i - 1]) and (i + 1 == len(words) or read[i + 1]))
            )
    return found
