"""The warning signs as staff write them: knowledge/warning-signs/, loaded and validated.

`signs.yaml` holds the signs, the words that describe them, the words that put a mention
in context and the healing the knowledge calls normal; `examples/*.yaml` hold labelled
reports and look-alikes, on which the classifier is trained at load (see
`bot.knowledge.trained`). Every problem is reported as `file:line: message`, like every
other knowledge file; the format is described in docs/warning-signs.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from bot.core.context import CATEGORIES
from bot.core.model import (
    ContextTerm,
    Experiencer,
    GeneralQuestion,
    NormalHealing,
    PastStory,
    Problem,
    Retraction,
    Sign,
    WarningSigns,
)
from bot.core.phrases import PhraseError, compile_phrase
from bot.knowledge.files import SIGNS_FOLDER
from bot.knowledge.signs_examples import english_words, read_examples, sign_words
from bot.knowledge.trained import TrainingSet, signs_training
from bot.knowledge.yaml_lines import Collector, Node, items, line_of, parse_days, read_yaml

SIGN_FIELDS = {"id", "name", "phrases", "whole_body", "from_day"}
TOP_FIELDS = {
    "word_lists",
    "signs",
    "normal_healing",
    "improving",
    "symptoms",
    "other_senses",
    "getting_worse",
    "context",
    "classifier",
}
CONTEXT_LISTS = {"pseudo_triggers", "clause_ends", "treated_skin", "other_skin"}
OWNER_LISTS = ("possessors", "determiners", "owner_links")
"""Single words the owner rule reads (see `WarningSigns.possessors`)."""
PAST_STORY_FIELDS = ("told", "anchors", "ended", "now", "returned")
GENERAL_QUESTION_FIELDS = ("opens", "anchors", "markers", "owned")
RETRACTION_FIELDS = ("phrases", "unless", "later")
EXPERIENCER_FIELDS = (
    "pronouns",
    "plural_pronouns",
    "others",
    "plural_others",
    "family",
    "patient",
    "contrast",
    "shared",
)
CONTEXT_KEYS = {
    *CATEGORIES,
    *CONTEXT_LISTS,
    *OWNER_LISTS,
    "past_story",
    "general_question",
    "retraction",
    "experiencer",
}
DIRECTIONS = ("before", "after", "both", "anywhere", "ends", "crosses")
DEFAULT_ALERT_PROBABILITY = 0.8
_CLAUSE = re.compile(r"[,.;:!?\n]+")
_WORD = re.compile(r"[a-z]+")
_APOSTROPHE = re.compile(r"[’'`´]")


UntrainedSigns = partial[WarningSigns]
"""The warning signs as read, waiting for their `classifier`."""


def load_warning_signs(
    root: Path,
    name: Callable[[Path], str],
    problems: list[Problem],
    vocabulary: Iterable[str],
) -> tuple[UntrainedSigns, TrainingSet] | None:
    """Load `root`/warning-signs; `vocabulary` is every other text of the knowledge (the
    words the language gate knows as English). The classifier is left to the caller,
    which trains it (or reads it back) with the topics' one once the whole folder is
    known to be good: call the first result with `classifier=`, trained on the second."""
    path = root / SIGNS_FOLDER / "signs.yaml"
    if not path.exists():
        problems.append(Problem(name(path), 1, f"{SIGNS_FOLDER}/signs.yaml is missing"))
        return None
    before = len(problems)
    where = Collector(name(path), problems)
    node = read_yaml(path, where.name, problems)
    if not isinstance(node, Node):
        if node is not None:
            where.add(1, "signs.yaml must be a set of 'field: value' lines")
        return None
    where.unknown_keys(node, TOP_FIELDS)
    lists = _word_lists(node, where)
    signs = _signs(node, where, lists)
    normal = _normal_healing(node, where, lists)
    senses = _phrases(node, "other_senses", where, lists)
    worse = _phrases(node, "getting_worse", where, lists)
    symptoms = _phrases(node, "symptoms", where, lists)
    improving, relapse = _improving(node, where, lists)
    terms, pseudo, clause_ends, treated_skin = _context(node, where, lists)
    rules = node.get("context")
    possessors, determiners, owner_links = (_words(rules, key, where) for key in OWNER_LISTS)
    other_skin = _phrases(rules, "other_skin", where, lists) if isinstance(rules, Node) else ()
    past_story = PastStory(*_group(rules, "past_story", PAST_STORY_FIELDS, where, lists))
    general = GeneralQuestion(
        *_group(rules, "general_question", GENERAL_QUESTION_FIELDS, where, lists)
    )
    retraction = Retraction(*_group(rules, "retraction", RETRACTION_FIELDS, where, lists))
    experiencer = Experiencer(*_group(rules, "experiencer", EXPERIENCER_FIELDS, where, lists))
    context, category_ends = _split_ends(terms)
    threshold = _threshold(node, where)
    examples = read_examples(root, name, problems, {sign.id for sign in signs})
    if len(problems) > before:
        return None
    phrases = [p for s in signs for p in s.phrases]
    words = {w for text in (*vocabulary, *phrases) for w in _WORD.findall(text.lower())}
    words |= english_words([example.text for example in examples], words)
    untrained = partial(
        WarningSigns,
        signs=signs,
        word_lists=lists,
        context=context,
        pseudo_triggers=pseudo,
        clause_ends=clause_ends,
        category_ends=category_ends,
        treated_skin=treated_skin,
        other_skin=other_skin,
        possessors=possessors,
        determiners=determiners,
        owner_links=owner_links,
        past_story=past_story,
        general_question=general,
        retraction=retraction,
        experiencer=experiencer,
        other_senses=senses,
        getting_worse=worse,
        improving=improving,
        relapse=relapse,
        symptoms=symptoms,
        normal_healing=normal,
        alert_probability=threshold,
        sign_words=sign_words(examples),
        vocabulary=frozenset(words),
    )
    return untrained, signs_training((e.text, e.report) for e in examples)


def _phrases(
    node: Node,
    key: str,
    where: Collector,
    lists: dict[str, tuple[str, ...]],
    *,
    in_word_list: bool = False,
) -> tuple[str, ...]:
    phrases = []
    for line, item in items(node, key, where):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            where.add(line, f"{key}: each entry must be a phrase")
            continue
        try:
            if in_word_list:
                _check_list_entry(item)
            compile_phrase(item, lists)
        except PhraseError as error:
            where.add(line, f"{key}: {error}")
            continue
        phrases.append(item.strip())
    return tuple(phrases)


def _check_list_entry(entry: str) -> None:
    """An entry of a word list is already one choice among the list's entries, so a `|`
    in it may join single words only: "luckily|by the way" would read as "luckily the
    way" or "by the way", never as the two choices its writer listed."""
    if "|" in entry and len(entry.split()) > 1:
        choices = ", ".join(choice.strip() for choice in entry.split("|"))
        raise PhraseError(
            f"'{entry.strip()}': in a word list a choice around | must be one word;"
            f" write each choice as its own entry: {choices}"
        )


def _word_lists(node: Node, where: Collector) -> dict[str, tuple[str, ...]]:
    table = node.get("word_lists", {})
    if not isinstance(table, Node):
        where.add(line_of(node, "word_lists"), "word_lists must be 'name: [words]' lines")
        return {}
    lists: dict[str, tuple[str, ...]] = {}
    for key in table:
        entries = _phrases(table, key, where, {}, in_word_list=True)
        if not entries:
            where.add(line_of(table, key), f"word list '{key}' needs at least one entry")
        lists[str(key)] = entries
    return lists


def _signs(node: Node, where: Collector, lists: dict[str, tuple[str, ...]]) -> tuple[Sign, ...]:
    signs: list[Sign] = []
    for line, entry in items(node, "signs", where):
        if not isinstance(entry, Node):
            where.add(line, "each sign needs 'id:', 'name:' and 'phrases:'")
            continue
        where.unknown_keys(entry, SIGN_FIELDS, where=" in a sign")
        sign_id, label = entry.get("id"), entry.get("name")
        if not isinstance(sign_id, str) or not sign_id.strip():
            where.add(line, "a sign needs an id")
            continue
        if any(sign.id == sign_id for sign in signs):
            where.add(line_of(entry, "id"), f"sign '{sign_id}' is defined twice")
        if sign_id == "unreadable":
            where.add(line_of(entry, "id"), "'unreadable' is kept for messages the bot cannot read")
        if not isinstance(label, str) or not label.strip():
            where.add(line, f"sign '{sign_id}' needs a name")
        phrases = _phrases(entry, "phrases", where, lists)
        if not phrases:
            where.add(line, f"sign '{sign_id}' needs at least one phrase")
        whole_body = entry.get("whole_body", False)
        if not isinstance(whole_body, bool):
            where.add(line_of(entry, "whole_body"), "whole_body must be true or false")
        from_day = entry.get("from_day")
        if from_day is not None and (isinstance(from_day, bool) or not isinstance(from_day, int)):
            where.add(line_of(entry, "from_day"), "from_day must be a whole number of days")
            from_day = None
        signs.append(Sign(sign_id, str(label), phrases, whole_body is True, from_day))
    if not signs:
        where.add(line_of(node, "signs"), "signs needs at least one sign")
    return tuple(signs)


def _improving(
    node: Node, where: Collector, lists: dict[str, tuple[str, ...]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = node.get("improving")
    if table is None:
        return (), ()
    if not isinstance(table, Node) or not set(table) <= {"phrases", "unless"}:
        where.add(line_of(node, "improving"), "improving has 'phrases:' and 'unless:'")
        return (), ()
    return _phrases(table, "phrases", where, lists), _phrases(table, "unless", where, lists)


def _normal_healing(
    node: Node, where: Collector, lists: dict[str, tuple[str, ...]]
) -> tuple[NormalHealing, ...]:
    normal = []
    for line, entry in items(node, "normal_healing", where):
        days = parse_days(str(entry.get("days", ""))) if isinstance(entry, Node) else None
        if not isinstance(entry, Node) or days is None:
            where.add(line, "each normal_healing entry needs 'days:' (like 0-2) and 'phrases:'")
            continue
        normal.append(NormalHealing(days[0], days[1], _phrases(entry, "phrases", where, lists)))
    return tuple(normal)


def _context(
    node: Node, where: Collector, lists: dict[str, tuple[str, ...]]
) -> tuple[tuple[ContextTerm, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    table = node.get("context")
    if not isinstance(table, Node):
        where.add(line_of(node, "context"), "context must have the categories and clause_ends")
        return (), (), (), ()
    where.unknown_keys(table, CONTEXT_KEYS, kind="context")
    terms: list[ContextTerm] = []
    for category in CATEGORIES:
        group = table.get(category)
        if not isinstance(group, Node):
            where.add(line_of(table, category), f"context '{category}' needs before/after/both")
            continue
        for key in sorted(set(group) - set(DIRECTIONS), key=str):
            where.add(line_of(group, key), f"'{key}' is not one of {', '.join(DIRECTIONS)}")
        for direction in DIRECTIONS:
            terms += [
                ContextTerm(category, direction, phrase)
                for phrase in _phrases(group, direction, where, lists)
            ]
    pseudo = _phrases(table, "pseudo_triggers", where, lists)
    ends = _phrases(table, "clause_ends", where, lists)
    return tuple(terms), pseudo, ends, _phrases(table, "treated_skin", where, lists)


def _words(table: object, key: str, where: Collector) -> frozenset[str]:
    """A list of single plain words (no spaces, no `*`, `|` or braces)."""
    if not isinstance(table, Node):
        return frozenset()
    words = set()
    for line, item in items(table, key, where):
        if not isinstance(item, str) or not re.fullmatch(r"[a-z]+", item.strip().lower()):
            where.add(line, f"{key}: each entry must be one plain word")
            continue
        words.add(item.strip().lower())
    return frozenset(words)


def _group(
    table: object,
    key: str,
    fields: tuple[str, ...],
    where: Collector,
    lists: dict[str, tuple[str, ...]],
) -> list[tuple[str, ...]]:
    """The phrase lists of one context rule (`past_story`, `retraction`...), in the
    order of `fields`; empty when the file leaves the rule out."""
    group = table.get(key) if isinstance(table, Node) else None
    if group is None:
        return [() for _ in fields]
    if not isinstance(group, Node):
        where.add(line_of(table, key), f"{key} has " + ", ".join(fields))
        return [() for _ in fields]
    where.unknown_keys(group, set(fields), where=f" in {key}")
    return [_phrases(group, field, where, lists) for field in fields]


def _split_ends(terms: tuple[ContextTerm, ...]) -> tuple[tuple[ContextTerm, ...], ...]:
    """The triggers, and the clause ends that belong to one category (that end its scope,
    or that its scope passes over)."""
    return (
        tuple(t for t in terms if t.direction not in ("ends", "crosses")),
        tuple(t for t in terms if t.direction in ("ends", "crosses")),
    )


def _threshold(node: Node, where: Collector) -> float:
    table = node.get("classifier", {})
    value = table.get("alert_probability", DEFAULT_ALERT_PROBABILITY) if table else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        where.add(line_of(node, "classifier"), "classifier: alert_probability must be 0-1")
        return DEFAULT_ALERT_PROBABILITY
    return float(value)
