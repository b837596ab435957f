"""The unanswered inbox: what patients asked that the bot could not answer, grouped.

Near-duplicate questions ("how much is it", "how much does it cost??") are grouped with
rapidfuzz so staff see each gap once, most frequent first, with the closest existing topic.
A group can be turned into a draft topic file, so a new topic starts from real questions.

Each text is read as the matcher reads it, its terms sorted into a key (kept with the text
when it was asked, so grouping reads no text again while the knowledge reads terms the
same way: `bot.core.matching.Matcher.reading`). Texts with the
same key always fall together; each other key joins the first of the most similar groups
(token_set_ratio of their keys), or founds one. It is compared only with the groups that
can be similar enough, found through an index of their terms (below), never with every
group: 100,000 distinct texts group in seconds, where comparing all pairs took hours.
Only the groups shown are matched against the topics for their closest one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from weakref import WeakKeyDictionary

import yaml
from rapidfuzz import fuzz

from bot.core.matching import Matcher
from bot.core.text import is_stop_word, words
from bot.storage.questions import AskedText, UnansweredQuestion

SIMILARITY = 75.0
"""token_set_ratio (0-100) above which two questions are the same gap."""
CANDIDATE_LIMIT = 200
"""A term found in more groups than this (a greeting, "redness") brings only the first
(biggest) of them to compare: comparing every one would grow with the square again."""


_READ: WeakKeyDictionary[Matcher, dict[str, str]] = WeakKeyDictionary()
"""Each matcher's keys of the texts it grouped last (a reloaded knowledge's matcher starts
afresh; the old one's keys go with it)."""


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


@dataclass(frozen=True)
class Grouping:
    """The biggest groups, biggest first, and how many groups there are in all."""

    groups: list[QuestionGroup]
    total: int


def group_questions(
    questions: Sequence[UnansweredQuestion], matcher: Matcher, similarity: float = SIMILARITY
) -> list[QuestionGroup]:
    """Group near-duplicates; the biggest group first, then the most recent."""
    asked: dict[str, AskedText] = {}
    for question in questions:
        text = question.text
        seen = asked.get(text)
        last = max(seen.last_asked, question.asked_at) if seen else question.asked_at
        asked[text] = AskedText(text, (seen.times if seen else 0) + 1, last)
    return top_groups(list(asked.values()), matcher, None, similarity).groups


def top_groups(
    asked: Iterable[AskedText],
    matcher: Matcher,
    limit: int | None,
    similarity: float = SIMILARITY,
) -> Grouping:
    """The `limit` biggest groups of near-duplicates (all of them with None): the biggest
    first, then the most recently asked. `asked` comes most asked first (as
    `bot.storage.questions.asked_unanswered` gives it); the first text of a group is the
    one shown for it."""
    texts = _stripped(asked)
    # Plain lists of numbers rather than a list per group: a hundred thousand small
    # containers would each be tracked by the garbage collector, whose full passes stop
    # every thread, patients' replies included.
    bucket_of: dict[str, int] = {}
    buckets = [bucket_of.setdefault(key, len(bucket_of)) for key in _keys(texts, matcher)]
    group_of = _assign(list(bucket_of), similarity)
    groups = [group_of[bucket] for bucket in buckets]
    total = max(group_of, default=-1) + 1
    counts = [0] * total
    last = [datetime.min.replace(tzinfo=UTC)] * total
    for item, group in zip(texts, groups, strict=True):
        counts[group] += item.times
        last[group] = max(last[group], item.last_asked)
    ranked = sorted(range(total), key=lambda group: (-counts[group], -last[group].timestamp()))
    shown = ranked if limit is None else ranked[:limit]
    members: dict[int, list[str]] = {group: [] for group in shown}
    for item, group in zip(texts, groups, strict=True):
        if group in members:
            members[group].append(item.text)
    return Grouping(
        [_group(members[group], counts[group], last[group], matcher) for group in shown], total
    )


def _keys(texts: list[AskedText], matcher: Matcher) -> list[str]:
    """The key of each text: the one kept when it was asked (with this matcher's reading),
    or the one read for this matcher last time, or read now. Reading every text is most of
    the work, and staff ask again and again."""
    known = _READ.get(matcher, {})
    keys = [item.key or known.get(item.text) or matcher.grouping_key(item.text) for item in texts]
    # Only this time's texts are kept: the inbox's window bounds what stays in memory.
    _READ[matcher] = dict(zip((item.text for item in texts), keys, strict=True))
    return keys


def _stripped(asked: Iterable[AskedText]) -> list[AskedText]:
    """Texts without surrounding blanks (merged when that makes them equal), most asked
    first; among equals, in the order given."""
    merged: dict[str, AskedText] = {}
    for item in asked:
        text = item.text.strip()
        if not text:
            continue
        seen = merged.get(text)
        if seen is not None:
            last = max(seen.last_asked, item.last_asked)
            # Blanks around a text change none of its terms: either one's key is its key.
            item = AskedText(text, seen.times + item.times, last, seen.key or item.key)
        elif text != item.text:
            item = AskedText(text, item.times, item.last_asked, item.key)
        merged[text] = item
    return sorted(merged.values(), key=lambda item: -item.times)


def _assign(keys: list[str], similarity: float) -> list[int]:
    """The group of each key, in order: groups are numbered as they are founded, a group's
    first key stands for it, and a key joins the first group whose key is like enough
    (groups are founded most asked first, so that is the biggest such group).

    token_set_ratio reaches `similarity` through shared terms only when they make up most
    of one side: the terms the sides do not share weigh (in characters) at most `share`
    of that side. So a key can be like a group only if the group has one of the key's
    rarest terms that weigh more than `share` of it, or the key has one of the group's.
    Two indexes of the groups' terms give exactly those groups, in order; a likeness with
    no shared term at all (a typo the matcher did not correct) is not looked for.
    """
    ratio = similarity / 100
    share = 2 * (1 - ratio) / (2 - ratio)
    terms = [tuple(dict.fromkeys(key.split())) for key in keys]
    frequency = Counter(term for own in terms for term in own)
    rank = {term: i for i, term in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    founders: list[str] = []
    having: dict[str, list[int]] = defaultdict(list)
    rare_in: dict[str, list[int]] = defaultdict(list)
    assigned: list[int] = []
    for key, own in zip(keys, terms, strict=True):
        ranked = sorted(own, key=rank.__getitem__)
        rare = _rarest(ranked, share)
        candidates = set().union(
            *(having[t] for t in rare if t in having),
            *(rare_in[t] for t in ranked if t in rare_in),
        )
        group = _first_like(key, sorted(candidates), founders, similarity)
        if group is None:
            group = len(founders)
            founders.append(key)
            for index, terms_of in ((having, ranked), (rare_in, rare)):
                for term in terms_of:
                    groups = index[term]
                    if len(groups) < CANDIDATE_LIMIT:
                        groups.append(group)
        assigned.append(group)
    return assigned


def _rarest(ranked: list[str], share: float) -> list[str]:
    """The rarest terms (`ranked` rarest first) that weigh more than `share` of the key."""
    weight = sum(len(term) + 1 for term in ranked) - 1
    taken, total = [], 0
    for term in ranked:
        taken.append(term)
        total += len(term) + 1
        if total > share * weight:
            break
    return taken


def _first_like(
    key: str, candidates: list[int], founders: list[str], similarity: float
) -> int | None:
    """The first of the `candidates` groups (in founding order) whose key is like `key`."""
    for group in candidates:
        score = fuzz.token_set_ratio(key, founders[group], score_cutoff=similarity)
        if score >= similarity:
            return group
    return None


def _group(texts: list[str], count: int, last: datetime, matcher: Matcher) -> QuestionGroup:
    ranked = matcher.scores(texts[0])
    closest, score = (ranked[0][1].id, round(ranked[0][0], 1)) if ranked else (None, 0.0)
    return QuestionGroup(
        questions=tuple(texts),
        count=count,
        closest_rule=closest,
        score=score,
        last_asked=last,
    )


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
