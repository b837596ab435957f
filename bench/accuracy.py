"""Accuracy figures on labelled sets, as the issues define them.

    python bench/accuracy.py FILE.jsonl [FILE.jsonl ...] [--knowledge FOLDER] [--misses] [--unseen]

For topic questions: answered right at once, right at once or among the "Did you mean"
buttons, off-topic not answered, answered confidently wrong, and for lines asking several
things (`"multi": true`, topics in the order asked) how many got every answer. A multi
line is right at once when its first topic is answered; any answered topic a line does
not expect makes it confidently wrong. For warning signs: reports
caught (recall), false alarms on look-alikes (lines with a `cause`), false alarms on every
other calm line, and both by sign or cause. Lines may carry `day` (days since treatment).

`--unseen` keeps only the lines whose words (lower case, punctuation ignored) appear nowhere
in this checkout's tuning data (tests/data) or knowledge: blind writers who search the same
public pages bring back the same FAQ headings, so a frozen line can repeat a line the bot
was tuned on word for word, and on such a line a figure measures memory, not reading.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bot.core.matching import Match, Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@dataclass(frozen=True)
class Line:
    question: str
    expected: tuple[str, ...]
    red_flag: bool
    sign: str | None
    cause: str | None
    multi: bool
    day: int | None


def read(path: Path) -> list[Line]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        row = json.loads(raw)
        lines.append(
            Line(
                row["question"],
                tuple(row.get("expected", [])),
                bool(row.get("red_flag", False)),
                row.get("sign"),
                row.get("cause"),
                bool(row.get("multi", False)),
                row.get("day"),
            )
        )
    return lines


ROOT = Path(__file__).resolve().parent.parent


def words_of(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def seen_texts(root: Path) -> set[str]:
    """The words of every question in tests/data and every string in the knowledge."""
    seen: set[str] = set()
    for path in sorted((root / "tests" / "data").rglob("*.jsonl")):
        seen.update(words_of(line.question) for line in read(path))
    for path in sorted((root / "knowledge").rglob("*.yaml")):
        seen.update(words_of(text) for text in strings_in(yaml.safe_load(path.read_text())))
    return seen


def share(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "  none in this file"


Outcome = tuple[Line, Match]


def answered(match: Match) -> tuple[str, ...]:
    """The topics a reply answers (one, or several for a message asking several things)."""
    return match.rules if match.decision == "answer" else ()


def right_at_once(line: Line, match: Match) -> bool:
    """A two-question line counts when the first topic asked is answered."""
    if line.multi:
        return bool(line.expected) and line.expected[0] in answered(match)
    return match.decision == "answer" and match.rule in line.expected


def confidently_wrong(line: Line, match: Match) -> bool:
    """An answer with any topic the line does not expect (a red flag is judged apart)."""
    return not match.red_flag and any(t not in line.expected for t in answered(match))


def all_answered(line: Line, match: Match) -> bool:
    return set(line.expected) <= set(answered(match))


def in_buttons(line: Line, match: Match) -> bool:
    return right_at_once(line, match) or (
        match.decision == "suggest" and bool(set(match.suggestions) & set(line.expected))
    )


def is_miss(line: Line, match: Match) -> bool:
    if line.red_flag != match.red_flag:
        return True
    if line.red_flag:
        return False
    if line.multi:
        return not all_answered(line, match)
    return match.rule not in line.expected if line.expected else match.rule is not None


def report(path: Path, matcher: Matcher, show_misses: bool, seen: set[str] | None = None) -> None:
    lines = read(path)
    kept = [line for line in lines if seen is None or words_of(line.question) not in seen]
    outcomes: list[Outcome] = [(line, matcher.match(line.question, line.day)) for line in kept]
    topic = [(line, m) for line, m in outcomes if line.expected and not line.red_flag]
    off = [(line, m) for line, m in outcomes if not line.expected and not line.red_flag]
    wrong = [(line, m) for line, m in topic + off if confidently_wrong(line, m)]
    multi = [(line, m) for line, m in topic if line.multi]
    reports = [(line, m) for line, m in outcomes if line.red_flag]
    lookalikes = [(line, m) for line, m in outcomes if not line.red_flag and line.cause]
    calm = [(line, m) for line, m in outcomes if not line.red_flag]
    figures = [
        ("answered right at once", sum(right_at_once(*o) for o in topic), len(topic)),
        ("right at once or in the buttons", sum(in_buttons(*o) for o in topic), len(topic)),
        ("off-topic not answered", sum(m.rule is None for _, m in off), len(off)),
        ("answered confidently wrong", len(wrong), len(topic) + len(off)),
        ("several questions, all answered", sum(all_answered(*o) for o in multi), len(multi)),
        ("warning signs caught", sum(m.red_flag for _, m in reports), len(reports)),
        ("false alarms on look-alikes", sum(m.red_flag for _, m in lookalikes), len(lookalikes)),
        ("false alarms on all calm lines", sum(m.red_flag for _, m in calm), len(calm)),
    ]
    left_out = f", {len(lines) - len(kept)} seen in tuning data left out" if seen else ""
    print(f"== {path} ({len(outcomes)} lines{left_out})")
    for name, hits, total in figures:
        print(f"  {name:<34}{share(hits, total)}")
    by_sign = Counter(line.sign for line, m in reports if not m.red_flag)
    if by_sign:
        print("  missed by sign: " + ", ".join(f"{s} {n}" for s, n in by_sign.most_common()))
    by_cause = Counter(line.cause for line, m in lookalikes if m.red_flag)
    if by_cause:
        listed = ", ".join(f"{c} {n}" for c, n in by_cause.most_common())
        print(f"  false alarms by cause: {listed}")
    if show_misses:
        for line, m in outcomes:
            if is_miss(line, m):
                topics = "+".join(m.rules) or m.intent
                got = "RED FLAG" if m.red_flag else f"{m.decision}:{topics}"
                wanted = f"{list(line.expected)} red={line.red_flag}"
                print(f"    - {line.question[:140]!r} expected {wanted} got {got}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument(
        "--unseen", action="store_true", help="only lines not found word for word in tuning data"
    )
    args = parser.parse_args()
    matcher = Matcher(load_knowledge(args.knowledge))
    seen = seen_texts(ROOT) if args.unseen else None
    for path in args.files:
        report(path, matcher, args.misses, seen)


if __name__ == "__main__":
    main()
