"""Staff edits of the shipped knowledge, each in a copy: what the first start after an
edit costs is measured on these (bench/bench_startup.py). Each kind of edit feeds other
models: none learns answers, the topic and scope models learn the topics' examples, the
warning-sign model its own examples."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def edited_copy(folder: Path, source: Path = KNOWLEDGE) -> Path:
    """The shipped knowledge (or `source`, another checkout's) with one more example
    question: a staff edit."""
    target = folder / "edited-knowledge"
    shutil.copytree(source, target)
    makeup = target / "topics" / "makeup.yaml"
    text = makeup.read_text(encoding="utf-8")
    makeup.write_text(
        text.replace("examples:\n", "examples:\n  - is a little tinted balm ok\n", 1),
        encoding="utf-8",
    )
    return target


def edited_answer(folder: Path, source: Path = KNOWLEDGE) -> Path:
    """The shipped knowledge with one answer reworded: no model learns answers."""
    return _edited(
        source, folder / "answer-edited", "topics/makeup.yaml", "Give your skin", "Allow"
    )


def edited_sign_example(folder: Path, source: Path = KNOWLEDGE) -> Path:
    """The shipped knowledge with one warning-sign example reworded."""
    return _edited(
        source,
        folder / "sign-edited",
        "warning-signs/examples/everyday-face-questions.yaml",
        "more ibuprofen",
        "more paracetamol",
    )


def _edited(source: Path, target: Path, file: str, old: str, new: str) -> Path:
    shutil.copytree(source, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{file} no longer says {old!r}: choose another edit")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


EDITS: dict[str, Callable[[Path, Path], Path]] = {
    "an answer edit (no model trained)": edited_answer,
    "a topic example added (topic and scope models trained)": edited_copy,
    "a warning-sign example edit (its model trained)": edited_sign_example,
}
