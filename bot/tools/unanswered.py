"""The unanswered inbox: what patients asked that the bot could not answer, grouped.

Near-duplicate questions ("how much is it", "how much does it cost??") are grouped with
rapidfuzz so staff see each gap once, most frequent first, with the closest existing topic.
A group can be turned into a draft topic file, so a new topic starts from real questions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.core.matching import Matcher
from bot.core.text import is_stop_word, words
from bot.storage.questions import UnansweredQuestion

SIMILARITY = 75.0
"""token_set_ratio (0-100) above which two questions are the same gap."""


@dataclass(frozen=True)
class QuestionGroup:
    """Questions that ask the same thing, with the topic that came closest."""

    questions: tuple[str, ...]
    count: int
    closest_rule: str | None
    score: float
    last_asked: datetime

    @property
    def representative(self) -> str:
        return self.questions[0]

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.representative,
            "count": self.count,
            "variants": list(self.questions),
            "closest_rule": self.closest_rule,
            "score": self.score,
            "last_asked": self.last_asked.isoformat(),
        }


def _comparable(text: str, matcher: Matcher) -> str:
    """The question as the matcher reads it: "how much is it" and "cost?" both say price."""
    return " ".join(sorted(set(matcher.terms(text)))) or " ".join(words(text))


def group_questions(
    questions: Sequence[UnansweredQuestion], matcher: Matcher, similarity: float = SIMILARITY
) -> list[QuestionGroup]:
    """Group near-duplicates; the biggest group first, then the most recent."""
    counts = Counter(q.text.strip() for q in questions if q.text.strip())
    last: dict[str, datetime] = {}
    for question in questions:
        text = question.text.strip()
        if text and (text not in last or question.asked_at > last[text]):
            last[text] = question.asked_at
    members: list[list[str]] = []
    keys: list[str] = []
    for text, _ in counts.most_common():
        key = _comparable(text, matcher)
        found = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=similarity)
        if found is None:
            keys.append(key)
            members.append([text])
        else:
            members[found[2]].append(text)
    groups: list[QuestionGroup] = []
    for texts in members:
        ranked = matcher.scores(texts[0])
        closest, score = (ranked[0][1].id, round(ranked[0][0], 1)) if ranked else (None, 0.0)
        groups.append(
            QuestionGroup(
                questions=tuple(texts),
                count=sum(counts[t] for t in texts),
                closest_rule=closest,
                score=score,
                last_asked=max(last[t] for t in texts),
            )
        )
    groups.sort(key=lambda g: (-g.count, -g.last_asked.timestamp()))
    return groups


def draft_topic(group: QuestionGroup, folder: Path, taken: set[str]) -> Path:
    """Write a topic file skeleton for `group` into `folder`; staff fill in the answer."""
    content = [w for w in words(group.representative) if not is_stop_word(w) and w.isalpha()]
    base = "-".join(content[:3]) or "new-topic"
    base = re.sub(r"[^a-z0-9-]", "", base) or "new-topic"
    topic_id, number = base, 2
    while topic_id in taken or (folder / f"{topic_id}.yaml").exists():
        topic_id, number = f"{base}-{number}", number + 1
    examples = list(dict.fromkeys(q.strip() for q in group.questions))
    for question in group.questions:
        if len(examples) >= 3:
            break
        short = " ".join(w for w in words(question) if not is_stop_word(w))
        for candidate in (short, question.lower().strip(" ?!.")):
            if candidate and candidate not in examples and len(examples) < 3:
                examples.append(candidate)
    body = yaml.safe_dump(
        {
            "id": topic_id,
            "title": " ".join(content[:3]).capitalize()[:40] or "New topic",
            "examples": examples,
            "answer": "",
        },
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    header = (
        f"# Draft topic from {group.count} patient question(s) the bot could not answer.\n"
        f"# Closest existing topic: {group.closest_rule or 'none'} (score {group.score}).\n"
        "# 1. Write the answer (short, friendly, fits a phone screen).\n"
        "# 2. Check the title and add more ways patients might ask.\n"
        "# 3. Copy this file into knowledge/topics/ and run: aftercare kb check\n"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{topic_id}.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path
