"""The knowledge base: what staff write in `knowledge/`, loaded and validated.

Loading is all or nothing: a folder with any problem raises one `KnowledgeError` that
lists every problem as `file:line: message`, so a half-loaded knowledge base can never
reach a patient. The format is described in `docs/knowledge-guide.md`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

from bot.knowledge.model import (
    REQUIRED_TOPICS,
    DayVariant,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    Rule,
    Wording,
)
from bot.knowledge.signs_loader import load_warning_signs, warning_sign_files
from bot.knowledge.telegram_html import ends_mid_sentence, html_problems
from bot.knowledge.trained import topic_training, trained_models
from bot.knowledge.yaml_lines import Collector as _Collector
from bot.knowledge.yaml_lines import Node as _Node
from bot.knowledge.yaml_lines import Seq as _Seq
from bot.knowledge.yaml_lines import line_of as _line
from bot.knowledge.yaml_lines import parse_days
from bot.knowledge.yaml_lines import read_yaml as _read_yaml
from scheduler.planning import CheckInPlan, CheckInReply, CheckInStep, QuietHours

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"

TELEGRAM_MESSAGE_LIMIT = 4096
TITLE_LIMIT = 40
MIN_EXAMPLES = 2
RECOMMENDED_EXAMPLES = 10

TOPIC_FIELDS = {"id", "title", "scope", "examples", "keywords", "answer", "by_day"}
TOPIC_REQUIRED = ("id", "title", "examples", "answer")
SCOPES = ("aftercare", "off-topic", "social")
WORDING_FIELDS: dict[str, tuple[str, ...]] = {
    "clinic_name": (),
    "clinic_phone": (),
    "emergency_number": (),
    "welcome": (),
    "disclaimer": (),
    "ask_treatment_date": (),
    "fallback": (),
    "did_you_mean": (),
    "red_flag_answer": (),
    "unreadable_answer": (),
    "non_text": (),
    "help": (),
    "empty_message": (),
    "unknown_command": (),
    "date_today": (),
    "date_yesterday": (),
    "date_accepted": ("date", "day"),
    "date_still_needed": (),
    "checkin_offer": (),
    "checkin_yes": (),
    "checkin_no": (),
    "checkins_on": ("time",),
    "checkins_on_need_date": (),
    "checkins_off": (),
    "checkins_follow_date": (),
    "checkins_usage": ("state",),
    "time_usage": ("time",),
    "time_bad": (),
    "time_quiet": ("end", "start"),
    "time_set": ("time",),
    "timezone_usage": ("zone",),
    "timezone_bad": ("example", "name"),
    "timezone_set": ("clock", "zone"),
    "status_treatment": ("date", "day"),
    "status_no_treatment": (),
    "status_checkins_on": ("time", "zone"),
    "status_checkins_off": (),
    "status_next": ("when",),
    "topics_intro": (),
    "topic_gone": (),
    "forget_confirm": (),
    "forget_yes": (),
    "forget_no": (),
    "forget_done": (),
    "forget_kept": (),
    "forget_nothing": (),
    "staff_help": (),
    "staff_alert": ("day", "quote", "who"),
    "reload_done": ("checkins", "topics"),
    "reload_failed": ("problems",),
    "checkin_pause_button": (),
    "checkin_keep_going_button": (),
    "checkin_stop_button": (),
    "checkin_resume_button": (),
    "checkin_ask_to_continue": (),
    "checkin_paused": (),
    "checkin_resumed": (),
    "checkin_resumed_nothing_left": (),
    "checkin_already_answered": (),
    "checkin_reply_thanks": (),
    "checkin_booking_contact": (),
    "flood_note": (),
    "processing_failed": (),
    "in_private": (),
    "button_expired": (),
}
"""Every sentence of the bot's own, in `bot.yaml`, and the {fields} the bot fills into it
(besides {clinic_name}, {clinic_phone} and {emergency_number}, allowed everywhere)."""
WORDING_KEYS = tuple(WORDING_FIELDS)
BUTTON_WORDING = frozenset(
    {
        "date_today",
        "date_yesterday",
        "checkin_yes",
        "checkin_no",
        "forget_yes",
        "forget_no",
        "checkin_pause_button",
        "checkin_keep_going_button",
        "checkin_stop_button",
        "checkin_resume_button",
    }
)
"""Wording shown on buttons: plain text, so Telegram HTML does not apply to it."""
CHECKIN_FIELDS = {"day", "message", "replies", "booking"}
REPLY_FIELDS = {"label", "answer", "topic", "worrying"}
PLACEHOLDERS = ("clinic_name", "clinic_phone", "emergency_number")
MISSING_FOLDER = (
    "the knowledge folder is not there (moved or deleted?): put it back, or set "
    "AFTERCARE_KNOWLEDGE_DIR to where it is now"
)
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QUIET_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _text(
    value: Any,
    where: _Collector,
    line: int,
    what: str,
    fields: tuple[str, ...] = (),
    *,
    html: bool = True,
    sentence: bool = False,
) -> str | None:
    """Checked text: non-empty, known placeholders, Telegram-sized and (unless `html` is
    False, for button labels) valid Telegram HTML; a `sentence` warns when cut short."""
    if not isinstance(value, str) or not value.strip():
        where.add(line, f"{what} must be non-empty text")
        return None
    unknown = [n for n in _PLACEHOLDER.findall(value) if n not in (*PLACEHOLDERS, *fields)]
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in (*fields, *PLACEHOLDERS))
        where.add(line, f"{what}: unknown placeholder {{{unknown[0]}}} (use {allowed})")
        return None
    if len(value) > TELEGRAM_MESSAGE_LIMIT:
        where.add(
            line,
            f"{what} is {len(value)} characters; Telegram allows {TELEGRAM_MESSAGE_LIMIT}",
        )
        return None
    if html and not _telegram_html_ok(value, where, line, what):
        return None
    if sentence and ends_mid_sentence(value.strip()):
        tail = " ".join(value.split()[-4:])
        where.warn(
            where.locate(line, value, len(value.rstrip()) - 1),
            f"{what} seems to stop mid-sentence ('...{tail}'): finish the sentence, or end "
            "it with a full stop",
        )
    return value.strip()


def _telegram_html_ok(value: str, where: _Collector, line: int, what: str) -> bool:
    """Report every piece of `value` that Telegram would refuse; True when there is none."""
    problems = html_problems(value)
    for problem in problems:
        where.add(where.locate(line, value, problem.offset), f"{what}: {problem.message}")
    return not problems


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
        unknown = sorted(set(entry) - {"days", "answer"})
        for key in unknown:
            where.add(_line(entry, key), f"unknown field '{key}' in by_day (use days, answer)")
        days = parse_days(str(entry.get("days", "")))
        if days is None:
            where.add(
                _line(entry, "days"),
                f"days '{entry.get('days', '')}' is not N, N-M or N+ (for example 0-1 or 3+)",
            )
            continue
        answer = _text(
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
    for key in sorted(set(node) - TOPIC_FIELDS, key=str):
        allowed = ", ".join(sorted(TOPIC_FIELDS))
        where.add(_line(node, key), f"unknown field '{key}' (allowed: {allowed})")
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
        answer = _text(node.get("answer"), where, _line(node, "answer"), "answer", sentence=True)
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


def _load_wording(path: Path, name: str, problems: list[Problem]) -> Wording | None:
    where = _Collector(name, problems, path)
    node = _read_yaml(path, name, problems)
    if not isinstance(node, _Node):
        if node is not None:
            where.add(1, "bot.yaml must be a set of 'key: text' lines")
        return None
    before = len(problems)
    for key in sorted(set(node) - set(WORDING_KEYS), key=str):
        where.add(_line(node, key), f"unknown key '{key}' (allowed: {', '.join(WORDING_KEYS)})")
    texts: dict[str, str] = {}
    for key in WORDING_KEYS:
        if key not in node:
            where.add(node.line, f"missing key '{key}'")
            continue
        value = node[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        text = _text(
            value, where, _line(node, key), key, WORDING_FIELDS[key], html=key not in BUTTON_WORDING
        )
        if text is not None:
            texts[key] = text
    if len(problems) > before:
        return None
    details = {k: texts[k] for k in PLACEHOLDERS}
    return Wording({key: fill_placeholders(text, details) for key, text in texts.items()})


def fill_placeholders(text: str, details: Mapping[str, str]) -> str:
    """Put the clinic's details where staff wrote {clinic_phone} and the like."""
    return _PLACEHOLDER.sub(lambda m: details.get(m[1], m[0]), text)


def _with_details(rule: Rule, details: Mapping[str, str]) -> Rule:
    return replace(
        rule,
        answer=fill_placeholders(rule.answer, details),
        by_day=tuple(replace(v, answer=fill_placeholders(v.answer, details)) for v in rule.by_day),
    )


def _plan_with_details(plan: CheckInPlan, details: Mapping[str, str]) -> CheckInPlan:
    steps = tuple(
        replace(
            step,
            message=fill_placeholders(step.message, details),
            replies=tuple(
                replace(r, answer=fill_placeholders(r.answer, details) if r.answer else None)
                for r in step.replies
            ),
        )
        for step in plan.steps
    )
    return replace(plan, steps=steps)


def _load_plan(
    path: Path,
    name: str,
    problems: list[Problem],
    topic_ids: set[str],
    warnings: list[Problem] | None = None,
) -> CheckInPlan | None:
    where = _Collector(name, problems, path, warnings)
    node = _read_yaml(path, name, problems)
    if not isinstance(node, _Node):
        if node is not None:
            where.add(1, "checkins.yaml must have 'quiet_hours:' and 'checkins:'")
        return None
    before = len(problems)
    for key in sorted(set(node) - {"quiet_hours", "checkins"}, key=str):
        where.add(_line(node, key), f"unknown key '{key}' (allowed: quiet_hours, checkins)")
    quiet = QuietHours()
    if "quiet_hours" in node:
        match = _QUIET_PATTERN.match(str(node["quiet_hours"]))
        hours = [int(g) for g in match.groups()] if match else []
        if not match or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
            where.add(_line(node, "quiet_hours"), "quiet_hours must look like 21:00-08:00")
        else:
            quiet = QuietHours(time(hours[0], hours[1]), time(hours[2], hours[3]))
    entries = node.get("checkins")
    if not isinstance(entries, list) or not entries:
        where.add(_line(node, "checkins"), "checkins must be a list with at least one check-in")
        return None
    steps: list[CheckInStep] = []
    seen_days: dict[int, int] = {}
    for index, entry in enumerate(entries):
        line = entries.lines[index] if isinstance(entries, _Seq) else node.line
        step = _load_step(entry, line, where, topic_ids)
        if step is None:
            continue
        if step.day in seen_days:
            where.add(line, f"day {step.day} is planned twice (also on line {seen_days[step.day]})")
            continue
        seen_days[step.day] = line
        steps.append(step)
    if len(problems) > before:
        return None
    return CheckInPlan(tuple(sorted(steps, key=lambda s: s.day)), quiet)


def _load_step(entry: Any, line: int, where: _Collector, topic_ids: set[str]) -> CheckInStep | None:
    if not isinstance(entry, _Node):
        where.add(line, "each check-in needs 'day:' and 'message:'")
        return None
    for key in sorted(set(entry) - CHECKIN_FIELDS, key=str):
        allowed = ", ".join(sorted(CHECKIN_FIELDS))
        where.add(_line(entry, key), f"unknown field '{key}' (allowed: {allowed})")
    day = entry.get("day")
    if isinstance(day, bool) or not isinstance(day, int) or day < 0:
        where.add(_line(entry, "day"), "day must be a whole number, 0 or more")
        return None
    message = _text(entry.get("message"), where, _line(entry, "message"), "message", sentence=True)
    booking = entry.get("booking", False)
    if not isinstance(booking, bool):
        where.add(_line(entry, "booking"), "booking must be true or false")
    replies: list[CheckInReply] = []
    raw_replies = entry.get("replies", [])
    if not isinstance(raw_replies, list):
        where.add(_line(entry, "replies"), "replies must be a list")
        raw_replies = []
    for index, raw in enumerate(raw_replies):
        reply_line = raw_replies.lines[index] if isinstance(raw_replies, _Seq) else line
        reply = _load_reply(raw, reply_line, where, topic_ids)
        if reply is not None:
            replies.append(reply)
    if message is None:
        return None
    return CheckInStep(day, message, tuple(replies), booking is True)


def _load_reply(raw: Any, line: int, where: _Collector, topic_ids: set[str]) -> CheckInReply | None:
    if not isinstance(raw, _Node):
        where.add(line, "each reply needs 'label:' and one of answer, topic or worrying")
        return None
    for key in sorted(set(raw) - REPLY_FIELDS, key=str):
        allowed = ", ".join(sorted(REPLY_FIELDS))
        where.add(_line(raw, key), f"unknown field '{key}' in a reply (allowed: {allowed})")
    label = _text(raw.get("label"), where, _line(raw, "label"), "label", html=False)
    if label is not None and len(label) > TITLE_LIMIT:
        where.add(_line(raw, "label"), f"label is over {TITLE_LIMIT} characters (it is a button)")
    actions = [key for key in ("answer", "topic", "worrying") if key in raw]
    if len(actions) != 1:
        where.add(line, "a reply needs exactly one of: answer, topic, worrying: true")
        return None
    answer = topic = None
    worrying = False
    if "answer" in raw:
        answer = _text(raw["answer"], where, _line(raw, "answer"), "reply answer", sentence=True)
    elif "topic" in raw:
        topic = str(raw["topic"])
        if topic not in topic_ids:
            where.add(_line(raw, "topic"), f"topic '{topic}' does not exist in topics/")
            return None
    elif raw["worrying"] is not True:
        where.add(_line(raw, "worrying"), "worrying can only be 'true'")
        return None
    else:
        worrying = True
    if label is None or (answer is None and topic is None and not worrying):
        return None
    return CheckInReply(label, answer, topic, worrying)


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


def knowledge_files(directory: Path) -> list[Path]:
    """Every file that makes up the knowledge, in a stable order."""
    topics = sorted((directory / "topics").glob("*.yaml"))
    extras = [directory / n for n in ("bot.yaml", "checkins.yaml", "concepts.yaml")]
    signs = [p for p in warning_sign_files(directory) if p.exists()]
    return topics + [p for p in extras if p.exists()] + signs


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate a knowledge folder; raise `KnowledgeError` listing every problem."""
    root = Path(directory) if directory is not None else DEFAULT_KNOWLEDGE_DIR
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, MISSING_FOLDER)])
    if not (root / "topics").is_dir():
        raise KnowledgeError([Problem(str(root), 1, "no topics/ folder here")])

    def name(path: Path) -> str:
        return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)

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

    def required(file: str) -> Path | None:
        path = root / file
        if not path.exists():
            problems.append(Problem(name(path), 1, f"{file} is missing"))
            return None
        return path

    wording_path = required("bot.yaml")
    wording = _load_wording(wording_path, name(wording_path), problems) if wording_path else None
    plan_path = required("checkins.yaml")
    plan = (
        _load_plan(plan_path, name(plan_path), problems, set(seen), warnings) if plan_path else None
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
    if problems or wording is None or plan is None or signs is None:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line)))
    untrained_signs, signs_examples = signs
    # Both models at once, and only for a folder known to be good: one scikit-learn import
    # at most, none when both are stored already.
    signs_model, topic_model = trained_models([signs_examples, topic_training(rules)])
    details = {k: wording[k] for k in PLACEHOLDERS}
    return KnowledgeBase(
        rules=tuple(_with_details(rule, details) for rule in rules),
        wording=wording,
        plan=_plan_with_details(plan, details),
        concepts=concepts,
        source_dir=root,
        warnings=tuple(sorted(warnings, key=lambda p: (p.file, p.line))),
        signs=untrained_signs(classifier=signs_model),
        topic_classifier=topic_model,
    )
