"""Look-alikes a script assembled from repeated frames, in each warning-sign examples file.

    python bench/lookalike_frames.py [--knowledge FOLDER] [--write COPY --file STEM
                                      --mode without|one-per-frame]

A look-alike is taken for script-made when it shares a run of four words (lower case,
letters and digits, apostrophes dropped) with another look-alike of the same file, or,
to catch the script's typo and capitals variants ("my ca's leaking yellw fluid"), when
its characters are mostly those of another (character 3-gram Jaccard >= 0.5, after the
file's most common openings and endings, such as "good afternoon" and "kindly advise",
are dropped). Script-made look-alikes that share a run of four words found in at most
three look-alikes of the file are one frame ("the rumour is spreading like wildfire. lol",
"... how many sessions will I need?"); the script's common tails, in more, join none.

Prints, per file, the look-alikes, how many are script-made and in how many frames.
With --write, writes a copy of the knowledge folder to COPY in which the file STEM has
its script-made look-alikes removed (without) or one kept per frame (one-per-frame), to
measure the classifier without them (bench/accuracy.py --knowledge COPY,
bench/crossval_signs.py --knowledge COPY). Counts only: no message is printed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR

EXAMPLES = Path("warning-signs") / "examples"
SHARED_RUN = 4
SIMILAR = 0.5
WRAPPER_ROWS = 4
FRAME_ROWS = 3

Gram = tuple[str, ...]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", re.sub(r"[’'`]", "", text.lower()))


def runs(found: list[str]) -> set[Gram]:
    return {tuple(found[i : i + SHARED_RUN]) for i in range(len(found) - SHARED_RUN + 1)}


def _letters(found: list[str]) -> set[str]:
    joined = " ".join(found)
    return {joined[i : i + 3] for i in range(len(joined) - 2)}


def script_made(texts: list[str]) -> list[bool]:
    """Which of `texts` (one file's look-alikes) share a frame with another."""
    found = [words(t) for t in texts]
    grams = [runs(w) for w in found]
    seen = Counter(g for each in grams for g in each)
    made = [any(seen[g] >= 2 for g in each) for each in grams]
    # The openings and endings of the script-made rows: dropped before comparing letters.
    openings: Counter[Gram] = Counter()
    endings: Counter[Gram] = Counter()
    for w, is_made in zip(found, made, strict=True):
        if is_made and len(w) > SHARED_RUN:
            openings.update((tuple(w[:1]), tuple(w[:2])))
            endings.update((tuple(w[-1:]), tuple(w[-2:])))
    first = sorted((g for g, n in openings.items() if n >= WRAPPER_ROWS), key=len, reverse=True)
    last = sorted((g for g, n in endings.items() if n >= WRAPPER_ROWS), key=len, reverse=True)

    def core(w: list[str]) -> list[str]:
        for g in first:
            if tuple(w[: len(g)]) == g and len(w) > len(g) + 2:
                w = w[len(g) :]
                break
        for g in last:
            if tuple(w[-len(g) :]) == g and len(w) > len(g) + 2:
                w = w[: -len(g)]
                break
        return w

    letters = [_letters(core(w)) for w in found]
    return [
        is_made
        or any(
            j != i and a and b and len(a & b) / len(a | b) >= SIMILAR for j, b in enumerate(letters)
        )
        for i, (is_made, a) in enumerate(zip(made, letters, strict=True))
    ]


def frames(texts: list[str], made: list[bool]) -> list[int | None]:
    """The frame of each script-made look-alike (None for the others)."""
    grams = [runs(words(t)) for t in texts]
    seen = Counter(g for each in grams for g in each)
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Gram, int] = {}
    for i, each in enumerate(grams):
        if made[i]:
            for g in each:
                if 2 <= seen[g] <= FRAME_ROWS:
                    parent[root(i)] = root(owner.setdefault(g, i))
    return [root(i) if made[i] else None for i in range(len(texts))]


def look_alikes(path: Path) -> list[tuple[str, str]]:
    table = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("look_alikes") or {}
    return [(cause, text) for cause, texts in table.items() for text in texts or ()]


def write_copy(knowledge: Path, copy: Path, stem: str, mode: str) -> tuple[int, int]:
    """A copy of `knowledge` whose examples file `stem` keeps fewer script-made
    look-alikes; returns the look-alikes before and after."""
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(knowledge, copy)
    path = copy / EXAMPLES / f"{stem}.yaml"
    node = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = look_alikes(path)
    texts = [text for _, text in rows]
    made = script_made(texts)
    frame_of = frames(texts, made)
    kept: dict[str, list[str]] = {}
    taken: set[int] = set()
    for (cause, text), frame in zip(rows, frame_of, strict=True):
        if frame is not None and (mode == "without" or frame in taken):
            continue
        if frame is not None:
            taken.add(frame)
        kept.setdefault(cause, []).append(text)
    node["look_alikes"] = kept
    path.write_text(yaml.safe_dump(node, allow_unicode=True, sort_keys=False, width=100))
    return len(rows), sum(map(len, kept.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--write", type=Path, help="a knowledge copy to write")
    parser.add_argument("--file", help="the examples file (stem) to thin in the copy")
    parser.add_argument("--mode", choices=["without", "one-per-frame"], default="without")
    args = parser.parse_args()
    if args.write:
        if not args.file:
            parser.error("--write needs --file")
        before, after = write_copy(args.knowledge, args.write, args.file, args.mode)
        print(f"{args.file}: {before} look-alikes, {after} kept in {args.write}")
        return
    print(f"{'file':<26}{'look-alikes':>12}{'script-made':>13}{'frames':>8}")
    for path in sorted((args.knowledge / EXAMPLES).glob("*.yaml")):
        texts = [text for _, text in look_alikes(path)]
        made = script_made(texts)
        count = len({f for f in frames(texts, made) if f is not None})
        print(f"{path.stem:<26}{len(texts):>12}{sum(made):>13}{count:>8}")


if __name__ == "__main__":
    main()
