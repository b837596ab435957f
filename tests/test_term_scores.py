"""The lexical topic scores (`bot.core.term_scores`): worked out from per-term weights and
the phrasings that share several terms only, they are the plain cosine over every example
phrasing and the plain sum of the terms' shares, to the last bit."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Collection, Sequence
from pathlib import Path

import pytest

from bot.core.lexical import TermIndex
from bot.core.term_scores import TopicScorer
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

DATA = Path(__file__).resolve().parent / "data"
SMOOTHING = 1.0
EXAMPLE_WEIGHT = 0.45


class Plain:
    """Every topic's score the long way: each phrasing's cosine summed term by term."""

    def __init__(self, phrasings: Sequence[frozenset[str]], topic_of: Sequence[int], topics: int):
        self.phrasings = list(zip(phrasings, topic_of, strict=True))
        self.topics = topics
        self.uses: dict[str, dict[int, int]] = {}
        for terms, topic in self.phrasings:
            for term in terms:
                found = self.uses.setdefault(term, {})
                found[topic] = found.get(topic, 0) + 1
        self.square = {t: math.log(1 + topics / len(f)) ** 2 for t, f in self.uses.items()}
        self.norms = [math.sqrt(sum(self.square[t] for t in sorted(p))) for p, _ in self.phrasings]
        self.having: dict[str, set[int]] = {}
        for position, (terms, _) in enumerate(self.phrasings):
            for term in terms:
                self.having.setdefault(term, set()).add(position)

    def scores(self, query: Collection[str]) -> list[float]:
        ordered = sorted(query)
        best = [0.0] * self.topics
        if not ordered:
            return best
        # Every phrasing with one of the terms, one by one.
        for position in set().union(*(self.having.get(t, ()) for t in ordered)):
            (terms, topic), norm = self.phrasings[position], self.norms[position]
            dot = 0.0
            for term in ordered:
                if term in terms:
                    dot += self.square[term]
            best[topic] = max(best[topic], dot * (1.0 / norm))
        cover = [0.0] * self.topics
        evidence = []
        for term in ordered:
            found = self.uses.get(term, {})
            total = sum(found.values())
            evidence.append(total / (total + SMOOTHING) if found else 1.0)
            for topic, count in found.items():
                cover[topic] += evidence[-1] * (count / (total + SMOOTHING))
        unknown = math.log(1 + self.topics) ** 2
        near = 100 * EXAMPLE_WEIGHT / math.sqrt(sum(self.square.get(t, unknown) for t in ordered))
        explained = 100 * (1 - EXAMPLE_WEIGHT) / sum(evidence)
        return [near * b + explained * c for b, c in zip(best, cover, strict=True)]


@pytest.fixture(scope="module")
def indexed() -> tuple[TermIndex, Plain, list[frozenset[str]]]:
    """The shipped knowledge's index, and its phrasings as terms with their topics."""
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    index = TermIndex(knowledge)
    phrasings, topic_of = [], []
    for position, rule in enumerate(knowledge.rules):
        for text in (*rule.examples, *rule.keywords, rule.title):
            if terms := frozenset(index.terms(text)):
                phrasings.append(terms)
                topic_of.append(position)
    return index, Plain(phrasings, topic_of, len(knowledge.rules)), phrasings


def test_every_question_scores_as_the_plain_sum_over_every_phrasing(
    indexed: tuple[TermIndex, Plain, list[frozenset[str]]],
) -> None:
    index, plain, _ = indexed
    lines = (DATA / "patients.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        query = set(index.terms(json.loads(line)["question"]))
        assert index.topic_scores(query) == plain.scores(query)


def test_many_shared_common_terms_score_as_the_plain_sum_over_every_phrasing(
    indexed: tuple[TermIndex, Plain, list[frozenset[str]]],
) -> None:
    # The terms the most phrasings share, with a rare one or an unknown word now and then:
    # many phrasings of many topics have two, three or more of them.
    index, plain, phrasings = indexed
    counts: dict[str, int] = {}
    for terms in phrasings:
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    common = sorted(counts, key=lambda t: (-counts[t], t))[:40]
    rare = sorted(t for t, n in counts.items() if n <= 2)
    chooser = random.Random(12)
    for _ in range(200):
        query = set(chooser.sample(common, chooser.randint(2, 14)))
        query.update(chooser.sample([*rare, "zzunknown"], chooser.randint(0, 2)))
        assert index.topic_scores(query) == plain.scores(query)


def test_a_phrasing_with_three_of_the_terms_is_nearer_than_those_with_two() -> None:
    phrasings = [
        frozenset({"gym", "sweat", "run"}),
        frozenset({"gym", "sweat"}),
        frozenset({"gym", "run", "swim", "pool", "heat"}),
        frozenset({"spf"}),
        frozenset({"sweat", "sun"}),
    ]
    topic_of = [0, 0, 0, 1, 1]
    scorer = TopicScorer(phrasings, topic_of, 2, SMOOTHING, EXAMPLE_WEIGHT)
    plain = Plain(phrasings, topic_of, 2)
    for query in ({"gym", "sweat", "run"}, {"gym", "run"}, {"sweat", "sun", "gym"}, {"spf", "x"}):
        assert scorer.scores(query) == plain.scores(query)
    assert scorer.scores(set()) == [0.0, 0.0]
