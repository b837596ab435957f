"""Messages the bot cannot read, measured on files of labelled languages.

    python bench/language_check.py FILE.jsonl [FILE.jsonl ...] [--misses]

Each line has "question", "language" (an ISO 639 code or a name; English is "en...") and
"red_flag". Reported per file: non-English lines flagged "unreadable", non-English lines
that reach staff at all (unreadable or a warning sign), English lines not taken for
another language, and the English warning signs still caught.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.matching import Matcher
from bot.core.signs import UNREADABLE
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


def share(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "  none in this file"


def is_english(language: str) -> bool:
    return language.strip().lower().startswith("en")


def report(path: Path, matcher: Matcher, show_misses: bool) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    outcomes = [(row, matcher.match(row["question"])) for row in rows]
    foreign = [(row, m) for row, m in outcomes if not is_english(str(row["language"]))]
    english = [(row, m) for row, m in outcomes if is_english(str(row["language"]))]
    signs = [(row, m) for row, m in english if row.get("red_flag")]
    figures = [
        ("other languages flagged unreadable", [m.sign == UNREADABLE for _, m in foreign]),
        ("other languages reaching staff", [m.red_flag for _, m in foreign]),
        ("English not taken for another", [m.sign != UNREADABLE for _, m in english]),
        ("English warning signs caught", [m.red_flag for _, m in signs]),
    ]
    print(f"== {path} ({len(rows)} lines)")
    for name, results in figures:
        print(f"  {name:<36}{share(sum(results), len(results))}")
    if show_misses:
        for row, m in foreign:
            if m.sign != UNREADABLE:
                print(f"    - not flagged [{row['language']}] {row['question'][:100]!r}")
        for row, m in english:
            if m.sign == UNREADABLE:
                print(f"    - taken for {m.triggers} {row['question'][:100]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    matcher = Matcher(load_knowledge(args.knowledge))
    for path in args.files:
        report(path, matcher, args.misses)


if __name__ == "__main__":
    main()
