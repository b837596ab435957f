"""The knowledge base: what staff write in `knowledge/`, loaded and validated.

Loading is all or nothing: a folder with any problem raises one `KnowledgeError` that
lists every problem as `file:line: message`, so a half-loaded knowledge base can never
reach a patient. The format is described in `docs/knowledge-guide.md`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.model import (
    REQUIRED_TOPICS,
    DayVariant,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    Rule,
)
from bot.knowledge.files import DEFAULT_KNOWLEDGE_DIR
from bot.knowledge.forked import Workers
from bot.knowledge.plan_loader import load_plan, plan_with_details
from bot.knowledge.signs_loader import UntrainedSigns, load_warning_signs
from bot.knowledge.texts import PLACEHOLDERS, TITLE_LIMIT, checked_text, fill_placeholders
from bot.knowledge.trained import Training, scope_training, topic_training, training_workers
from bot.knowledge.wording_loader import load_wording
from bot.knowledge.yaml_lines import Collector as _Collector
from bot.knowledge.yaml_lines import Node as _Node
from bot.knowledge.yaml_lines import Seq as _Seq
from bot.knowledge.yaml_lines import line_of as _line
from bot.knowledge.yaml_lines import parse_days
from bot.knowledge.yaml_lines import read_yaml as _read_yaml

MIN_EXAMPLES = 2
RECOMMENDED_EXAMPLES = 10

TOPIC_FIELDS = {"id", "title", "scope", "examples", "keywords", "answer", "by_day"}
TOPIC_REQUIRED = ("id", "title", "examples", "answer")
SCOPES = ("aftercare", "off-topic", "social")
MISSING_FOLDER = (
    "the knowledge folder is not there (moved or deleted?): put it back, or set "
    "AFTERCARE_KNOWLEDGE_DIR to where it is now"
)
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _text_list(node: Any, key: str, where: _Collector, minimum: int) -> tuple[str, ...]:
    value = node.get(key)
    if value is None:
        return ()
    line = _line(node, key)
    if not isinstance(value, list):
        where.add(line, f"{key} must be a list (one '- ' line per entry)")
        return ()
    items: list[str] = []
    for index, item in enumerate(value):
        item_line = value.lines[index] if isinstance(value, _Seq) else line
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            where.add(item_line, f"{key}: entry {index + 1} must be non-empty text")
            continue
        items.append(item.strip())
    if len(items) < minimum:
        where.add(line, f"{key} needs at least {minimum} entries, found {len(items)}")
    return tuple(items)


def _day_variants(node: _Node, where: _Collector) -> tuple[DayVariant, ...]:
    value = node.get("by_day")
    if value is None:
        return ()
    if not isinstance(value, list):
        where.add(_line(node, "by_day"), "by_day must be a list of '- days: ... answer: ...'")
        return ()
    variants: list[DayVariant] = []
    for index, entry in enumerate(value):
        line = value.lines[index] if isinstance(value, _Seq) else _line(node, "by_day")
        if not isinstance(entry, dict):
            where.add(line, "each by_day entry needs 'days:' and 'answer:'")
            continue
        where.unknown_keys(entry, ("days", "answer"), where=" in by_day")
        days = parse_days(str(entry.get("days", "")))
        if days is None:
            where.add(
                _line(entry, "days"),
                f"days '{entry.get('days', '')}' is not N, N-M or N+ (for example 0-1 or 3+)",
            )
            continue
        answer = checked_text(
            entry.get("answer"), where, _line(entry, "answer"), "by_day answer", sentence=True
        )
        if answer is None:
            continue
        variant = DayVariant(days[0], days[1], answer)
        for other in variants:
            if _overlap(variant, other):
                where.add(line, f"days '{entry.get('days')}' overlaps another by_day entry")
        variants.append(variant)
    return tuple(variants)


def _overlap(a: DayVariant, b: DayVariant) -> bool:
    a_last = a.last if a.last is not None else float("inf")
    b_last = b.last if b.last is not None else float("inf")
    return a.first <= b_last and b.first <= a_last


def _load_topic(
    path: Path, name: str, problems: list[Problem], warnings: list[Problem] | None = None
) -> Rule | None:
    where = _Collector(name, problems, path, warnings)
    before = len(problems)
    node = _read_yaml(path, name, problems)
    if node is None:
        if len(problems) == before:
            where.add(1, "the file is empty")
        return None
    if not isinstance(node, _Node):
        where.add(1, "a topic file must be a set of 'field: value' lines")
        return None
    where.unknown_keys(node, TOPIC_FIELDS)
    for key in TOPIC_REQUIRED:
        if key not in node:
            where.add(node.line, f"missing field '{key}'")
    rule_id = node.get("id")
    if not isinstance(rule_id, str) or not _ID_PATTERN.match(rule_id):
        if "id" in node:
            where.add(_line(node, "id"), "id must be lowercase letters, digits and dashes")
        rule_id = None
    elif rule_id != path.stem:
        where.add(_line(node, "id"), f"id '{rule_id}' must match the file name '{path.stem}'")
    title = node.get("title")
    if "title" in node and (not isinstance(title, str) or not title.strip()):
        where.add(_line(node, "title"), "title must be non-empty text")
        title = None
    elif isinstance(title, str) and len(title) > TITLE_LIMIT:
        where.add(_line(node, "title"), f"title is over {TITLE_LIMIT} characters (it is a button)")
    scope = node.get("scope", "aftercare")
    if scope not in SCOPES:
        where.add(_line(node, "scope"), f"scope must be one of: {', '.join(SCOPES)}")
    examples = _text_list(node, "examples", where, MIN_EXAMPLES if "examples" in node else 0)
    keywords = _text_list(node, "keywords", where, 0)
    answer = None
    if "answer" in node:
        answer = checked_text(
            node.get("answer"), where, _line(node, "answer"), "answer", sentence=True
        )
    by_day = _day_variants(node, where)
    if len(problems) > before or rule_id is None or answer is None:
        return None
    return Rule(
        id=rule_id,
        title=str(title).strip(),
        examples=examples,
        answer=answer,
        keywords=keywords,
        by_day=by_day,
        scope=str(scope),
        source=name,
    )


def _with_details(rule: Rule, details: Mapping[str, str]) -> Rule:
    return rule._replace(
        answer=fill_placeholders(rule.answer, details),
        by_day=tuple(v._replace(answer=fill_placeholders(v.answer, details)) for v in rule.by_day),
    )


def _load_concepts(path: Path, name: str, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    where = _Collector(name, problems, path)
    node = _read_yaml(path, name, problems)
    if node is None:
        return {}
    if (
        not isinstance(node, _Node)
        or set(node) != {"concepts"}
        or not isinstance(node["concepts"], _Node)
    ):
        where.add(1, "concepts.yaml must have one key 'concepts:' with 'name: [words]' lines")
        return {}
    concepts: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    table = node["concepts"]
    for concept, words in table.items():
        line = _line(table, concept)
        if not isinstance(words, list) or not words:
            where.add(line, f"concept '{concept}' needs a list of words, like [a, b]")
            continue
        cleaned: list[str] = []
        for word in words:
            text = str(word).strip().lower()
            if not text:
                where.add(line, f"concept '{concept}' has an empty word")
                continue
            if text in owner and owner[text] != concept:
                where.add(line, f"'{text}' is in both '{owner[text]}' and '{concept}'")
                continue
            owner[text] = str(concept)
            cleaned.append(text)
        concepts[str(concept).lower()] = tuple(cleaned)
    return concepts


def problems_report(error: KnowledgeError, directory: Path) -> str:
    """What staff read when the knowledge cannot be loaded: every problem, then what to do."""
    lines = [str(problem) for problem in error.problems]
    lines.append(
        f"The knowledge in {directory} has {len(error.problems)} problem(s); fix them and "
        "run 'aftercare kb check' again."
    )
    return "\n".join(lines)


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate a knowledge folder; raise `KnowledgeError` listing every problem."""
    return read_knowledge(directory).trained()


@dataclass(frozen=True)
class ReadKnowledge:
    """A knowledge folder read and found sound, its models perhaps still training:
    `untrained` is the knowledge without them (no warning signs yet either), for work
    that needs no model to start while they fit (the match index)."""

    untrained: KnowledgeBase
    learning: Training
    """The topic and scope models."""
    signs_learning: Training
    untrained_signs: UntrainedSigns
    workers: Workers | None
    """The children training the models, if they train in children."""

    def trained(self) -> KnowledgeBase:
        """The knowledge with its warning signs and its models, once they are trained."""
        [signs_model] = self.signs_learning.models()
        topic_model, *scope_model = self.learning.models()
        if self.workers is not None:
            self.workers.wait()
        return self.untrained._replace(
            signs=self.untrained_signs(classifier=signs_model),
            topic_classifier=topic_model,
            scope_classifier=scope_model[0] if scope_model else None,
        )


def read_knowledge(directory: Path | str | None = None) -> ReadKnowledge:
    """Load and validate a knowledge folder as `load_knowledge` does, without waiting for
    the topic and scope models."""
    root = Path(directory) if directory is not None else DEFAULT_KNOWLEDGE_DIR
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, MISSING_FOLDER)])
    if not (root / "topics").is_dir():
        raise KnowledgeError([Problem(str(root), 1, "no topics/ folder here")])

    def name(path: Path) -> str:
        return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)

    # Forked before the files are read, so that they import what training needs meanwhile.
    workers = training_workers()
    topics_job, signs_job = workers.jobs if workers is not None else (None, None)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        rule = _load_topic(path, name(path), problems, warnings)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(
                Problem(name(path), 1, f"id '{rule.id}' is also used in {seen[rule.id]}")
            )
            continue
        seen[rule.id] = name(path)
        rules.append(rule)
    for path in sorted((root / "topics").iterdir()):
        if path.is_file() and path.suffix in {".yml", ".txt", ".md"}:
            problems.append(Problem(name(path), 1, "topic files must end in .yaml"))
    present = {path.stem for path in (root / "topics").glob("*.yaml")}
    for missing in sorted(set(REQUIRED_TOPICS) - present):
        problems.append(Problem(name(root / "topics"), 1, f"required topic '{missing}' is missing"))

    # The topic and scope models start training while the other files are read; only
    # when the topics are sound, since any problem stops the load. A folder with no
    # off-topic topic has no scope to learn, and no question to doubt.
    scope = scope_training(rules)
    scoped = len(set(scope.labels)) > 1
    learning = (
        None
        if problems
        else Training([topic_training(rules), *([scope] if scoped else [])], job=topics_job)
    )

    def required(file: str) -> Path | None:
        path = root / file
        if not path.exists():
            problems.append(Problem(name(path), 1, f"{file} is missing"))
            return None
        return path

    wording_path = required("bot.yaml")
    wording = load_wording(wording_path, name(wording_path), problems) if wording_path else None
    plan_path = required("checkins.yaml")
    plan = (
        load_plan(plan_path, name(plan_path), problems, set(seen), warnings) if plan_path else None
    )
    concepts_path = root / "concepts.yaml"
    concepts = (
        _load_concepts(concepts_path, name(concepts_path), problems)
        if concepts_path.exists()
        else {}
    )
    vocabulary = [
        text for rule in rules for text in (*rule.examples, *rule.keywords, rule.answer)
    ] + list(wording.texts.values() if wording else ())
    signs = load_warning_signs(root, name, problems, vocabulary)
    # `learning` is None only when there were problems already.
    if problems or wording is None or plan is None or signs is None or learning is None:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line)))
    untrained_signs, signs_examples = signs
    # The warning-sign model only for a folder known to be good (its examples are the
    # last files read); in a child (or a thread) too, so that the caller builds what needs
    # no model meanwhile.
    signs_learning = Training([signs_examples], job=signs_job)
    details = {k: wording[k] for k in PLACEHOLDERS}
    untrained = KnowledgeBase(
        rules=tuple(_with_details(rule, details) for rule in rules),
        wording=wording,
        plan=plan_with_details(plan, details),
        concepts=concepts,
        source_dir=root,
        warnings=tuple(sorted(warnings, key=lambda p: (p.file, p.line))),
    )
    return ReadKnowledge(untrained, learning, signs_learning, untrained_signs, workers)
