"""Every decision the bot makes on the sets we may read, to prove a speed change changes none.

    python bench/decisions_snapshot.py record OUT.jsonl
    python bench/decisions_snapshot.py compare BEFORE.jsonl AFTER.jsonl

`record` writes one line per message: the whole match as `aftercare ask --json` shows it
(red flag, sign, its words, what was ruled out, topics, decision, buttons, answer) and the
warning-sign check's own result. The messages are every line of tests/data/*.jsonl,
tests/data/tuning/*.jsonl and ../shared/eval/dev.jsonl (with the line's day, if any), every
warning-sign example of the knowledge, and long stories built from them with fixed seeds:
up to 4,096 characters and past it, with line breaks, accents and emoji, other alphabets
and clauses in other languages, and the sign in the first or last sentence. Each long
story is decided with no day and on days 1 and 5. `compare` prints every difference and
exits non-zero when there is one. The frozen sets are never read.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
DEV = Path("/work/shared/eval/dev.jsonl")
"""The shared dev set (../shared/eval/dev.jsonl from the main checkout); skipped if absent."""
LABELLED = [
    *sorted((ROOT / "tests" / "data").glob("*.jsonl")),
    *sorted((ROOT / "tests" / "data" / "tuning").glob("*.jsonl")),
    DEV,
]
EXAMPLES = DEFAULT_KNOWLEDGE_DIR / "warning-signs" / "examples"
FOREIGN = [
    "tengo pus en la cara y fiebre desde ayer",
    "ich habe seit gestern Eiter im Gesicht und Fieber",
    "j'ai du pus sur la joue et de la fièvre",
    "mi mejilla está dura y caliente",
    "У меня гной на щеке и температура 38, что делать?",
    "顔が腫れて熱があります",
]
DECORATIONS = ["\n", "\n\n", " 😭 ", " — ", "!! ", " ... ", " café ", " lol ", " x "]
STORY_DAYS = (None, 1, 5)


def labelled() -> Iterator[tuple[str, str, int | None]]:
    """(where, message, day) of every line of the readable sets."""
    for path in LABELLED:
        if not path.exists():
            continue
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if raw.strip():
                row = json.loads(raw)
                yield f"{path.name}:{number}", row["question"], row.get("day")


def examples() -> Iterator[tuple[str, str, bool]]:
    """(where, message, is a report) of every warning-sign example."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        node = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for part in ("reports", "look_alikes"):
            for label, texts in (node.get(part) or {}).items():
                for index, text in enumerate(texts or []):
                    yield f"{path.name}:{part}:{label}:{index}", str(text), part == "reports"


def story(rng: random.Random, middle: list[str], ending: str, length: int, kind: str) -> str:
    """One long message: lines of `middle` run together to `length`, `ending` placed by
    `kind` (last, first or nowhere), decorated like real chat."""
    pieces: list[str] = [ending] if kind == "first" else []
    tail = [ending] if kind == "last" else []
    size = sum(len(p) + 1 for p in pieces + tail)
    while size < length:
        piece = rng.choice(middle)
        if rng.random() < 0.3:
            piece += rng.choice(DECORATIONS)
        if rng.random() < 0.04:
            piece = rng.choice(FOREIGN)
        pieces.append(piece)
        size += len(piece) + 1
    text = " ".join(pieces)
    if tail:
        text = text[: max(0, length - len(ending) - 1)] + " " + ending
    return text[: length + 200]


def stories() -> Iterator[tuple[str, str]]:
    """(name, message) of long stories with fixed seeds."""
    lines = [text for _, text, _ in labelled()]
    calm = [text for _, text, report in examples() if not report]
    reports = [text for _, text, report in examples() if report]
    rng = random.Random(14)
    kinds = ("last", "first", "none")
    for index in range(600):
        length = rng.choice((1200, 2500, 4000, 4096, 4096, 4096, 5000))
        middle = rng.choice((calm, lines, calm + lines))
        ending = rng.choice(reports + lines + FOREIGN)
        kind = kinds[index % 3]
        yield f"story {index} ({kind}, {length})", story(rng, middle, ending, length, kind)
    for index in range(60):
        # Run-on stories: no sentence or clause ends anywhere.
        text = " ".join(rng.choice(lines) for _ in range(80))
        for mark in ".,;!?:\n":
            text = text.replace(mark, " ")
        yield f"run-on {index}", text[:4096]


def decided(matcher: Matcher, text: str, day: int | None) -> dict[str, object]:
    check = matcher.signs.check(text, day)
    return {
        "match": matcher.match(text, day).as_json(),
        "check": {
            "sign": check.sign,
            "alert": check.alert,
            "triggers": list(check.triggers),
            "ruled_out": list(check.ruled_out),
            "asked_about": check.asked_about,
            "probability": check.probability,
        },
    }


def record(out: Path) -> None:
    matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
    count = 0
    with out.open("w", encoding="utf-8") as file:

        def write(where: str, text: str, day: int | None) -> None:
            nonlocal count
            row = {"where": where, "day": day, "text": text, **decided(matcher, text, day)}
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1

        for where, text, day in labelled():
            write(where, text, day)
        for where, text, _ in examples():
            write(where, text, None)
        for name, text in stories():
            for day in STORY_DAYS:
                write(name, text, day)
    print(f"{count} decisions written to {out}")


def compare(before: Path, after: Path) -> int:
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    if len(old) != len(new):
        print(f"{len(old)} lines before, {len(new)} after: not the same messages")
        return 1
    differences = 0
    for was, now in zip(old, new, strict=True):
        if was != now:
            differences += 1
            a, b = json.loads(was), json.loads(now)
            print(f"- {a['where']} (day {a['day']}): {a['text'][:80]!r}")
            for part in ("match", "check"):
                for key in a[part]:
                    if a[part][key] != b[part][key]:
                        print(f"    {part}.{key}: {a[part][key]!r} -> {b[part][key]!r}")
    print(f"{differences} of {len(old)} decisions differ")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("record").add_argument("out", type=Path)
    both = commands.add_parser("compare")
    both.add_argument("before", type=Path)
    both.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.out)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
