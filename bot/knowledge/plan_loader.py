"""The check-in plan (`checkins.yaml`): the quiet hours and each day's message and reply
buttons, read and checked against the topics they may point to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any

from bot.core.model import Problem
from bot.knowledge.texts import TITLE_LIMIT, checked_text, fill_placeholders
from bot.knowledge.yaml_lines import Collector, Node, Seq, line_of, read_yaml
from scheduler.planning import CheckInPlan, CheckInReply, CheckInStep, QuietHours

CHECKIN_FIELDS = {"day", "message", "replies", "booking"}
REPLY_FIELDS = {"label", "answer", "topic", "worrying"}
_QUIET_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def plan_with_details(plan: CheckInPlan, details: Mapping[str, str]) -> CheckInPlan:
    steps = tuple(
        step._replace(
            message=fill_placeholders(step.message, details),
            replies=tuple(
                r._replace(answer=fill_placeholders(r.answer, details) if r.answer else None)
                for r in step.replies
            ),
        )
        for step in plan.steps
    )
    return plan._replace(steps=steps)


def load_plan(
    path: Path,
    name: str,
    problems: list[Problem],
    topic_ids: set[str],
    warnings: list[Problem] | None = None,
) -> CheckInPlan | None:
    where = Collector(name, problems, path, warnings)
    node = read_yaml(path, name, problems)
    if not isinstance(node, Node):
        if node is not None:
            where.add(1, "checkins.yaml must have 'quiet_hours:' and 'checkins:'")
        return None
    before = len(problems)
    where.unknown_keys(node, ("quiet_hours", "checkins"), kind="key")
    quiet = QuietHours()
    if "quiet_hours" in node:
        match = _QUIET_PATTERN.match(str(node["quiet_hours"]))
        hours = [int(g) for g in match.groups()] if match else []
        if not match or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
            where.add(line_of(node, "quiet_hours"), "quiet_hours must look like 21:00-08:00")
        else:
            quiet = QuietHours(time(hours[0], hours[1]), time(hours[2], hours[3]))
    entries = node.get("checkins")
    if not isinstance(entries, list) or not entries:
        where.add(line_of(node, "checkins"), "checkins must be a list with at least one check-in")
        return None
    steps: list[CheckInStep] = []
    seen_days: dict[int, int] = {}
    for index, entry in enumerate(entries):
        line = entries.lines[index] if isinstance(entries, Seq) else node.line
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


def _load_step(entry: Any, line: int, where: Collector, topic_ids: set[str]) -> CheckInStep | None:
    if not isinstance(entry, Node):
        where.add(line, "each check-in needs 'day:' and 'message:'")
        return None
    where.unknown_keys(entry, CHECKIN_FIELDS)
    day = entry.get("day")
    if isinstance(day, bool) or not isinstance(day, int) or day < 0:
        where.add(line_of(entry, "day"), "day must be a whole number, 0 or more")
        return None
    message = checked_text(
        entry.get("message"), where, line_of(entry, "message"), "message", sentence=True
    )
    booking = entry.get("booking", False)
    if not isinstance(booking, bool):
        where.add(line_of(entry, "booking"), "booking must be true or false")
    replies: list[CheckInReply] = []
    raw_replies = entry.get("replies", [])
    if not isinstance(raw_replies, list):
        where.add(line_of(entry, "replies"), "replies must be a list")
        raw_replies = []
    for index, raw in enumerate(raw_replies):
        reply_line = raw_replies.lines[index] if isinstance(raw_replies, Seq) else line
        reply = _load_reply(raw, reply_line, where, topic_ids)
        if reply is not None:
            replies.append(reply)
    if message is None:
        return None
    return CheckInStep(day, message, tuple(replies), booking is True)


def _load_reply(raw: Any, line: int, where: Collector, topic_ids: set[str]) -> CheckInReply | None:
    if not isinstance(raw, Node):
        where.add(line, "each reply needs 'label:' and one of answer, topic or worrying")
        return None
    where.unknown_keys(raw, REPLY_FIELDS, where=" in a reply")
    label = checked_text(raw.get("label"), where, line_of(raw, "label"), "label", html=False)
    if label is not None and len(label) > TITLE_LIMIT:
        where.add(line_of(raw, "label"), f"label is over {TITLE_LIMIT} characters (it is a button)")
    actions = [key for key in ("answer", "topic", "worrying") if key in raw]
    if len(actions) != 1:
        where.add(line, "a reply needs exactly one of: answer, topic, worrying: true")
        return None
    answer = topic = None
    worrying = False
    if "answer" in raw:
        answer = checked_text(
            raw["answer"], where, line_of(raw, "answer"), "reply answer", sentence=True
        )
    elif "topic" in raw:
        topic = str(raw["topic"])
        if topic not in topic_ids:
            where.add(line_of(raw, "topic"), f"topic '{topic}' does not exist in topics/")
            return None
    elif raw["worrying"] is not True:
        where.add(line_of(raw, "worrying"), "worrying can only be 'true'")
        return None
    else:
        worrying = True
    if label is None or (answer is None and topic is None and not worrying):
        return None
    return CheckInReply(label, answer, topic, worrying)
