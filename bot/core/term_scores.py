"""How strongly a message's terms point to each topic: the lexical score's arithmetic.

A topic's score blends two things: its nearest example phrasing (the cosine of idf-weighted
terms) and how much of the message its vocabulary explains (each term's share of the topic,
weighed by how often staff used the term). Everything about one term that does not depend
on the message is worked out once, when the knowledge is indexed, so that a message costs a
pass over its terms' topics:

- what the term adds to each topic's coverage;
- the cosine of the topic's nearest phrasing when the term is all it shares with the
  message (the term's square over that phrasing's norm);
- which of the topic's phrasings have the term, as the bits of one number, the topic's
  phrasings numbered from the shortest (the largest inverse norm) down.

Only the phrasings that share two terms or more with the message are then summed one by
one, topic by topic, shortest first, and no further than one could still beat the nearest
found. The floats are those of a sum over every phrasing in the message's terms' sorted
order, to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Entry = tuple[int, float, float, int]
"""(topic, what the term adds to its coverage, its nearest phrasing's cosine when the term
is all they share, the bits of the topic's phrasings that have the term)."""
Term = tuple[float, float, tuple[Entry, ...], dict[int, int]]
"""A term's square, its evidence weight, its topics (see `Entry`) and their bits by topic."""


class TopicScorer:
    """The score of every topic for a set of terms; built once from the indexed phrasings."""

    def __init__(
        self,
        phrasings: Sequence[frozenset[str]],
        topic_of: Sequence[int],
        topics: int,
        smoothing: float,
        example_weight: float,
    ) -> None:
        """`phrasings[i]` is a phrasing's terms and `topic_of[i]` the position of its topic
        among `topics`; `smoothing` keeps a word seen once or twice from claiming a topic
        alone, and `example_weight` is the nearest phrasing's share of a score."""
        self.topics = topics
        self.smoothing = smoothing
        self.example_weight = example_weight
        self.unknown_square = _square(topics, 1)
        self.topic_of = list(topic_of)
        self.postings: dict[str, list[int]] = {}
        """Per term, the phrasings that have it."""
        for position, terms in enumerate(phrasings):
            for term in terms:
                self.postings.setdefault(term, []).append(position)
        squares = {
            term: _square(topics, len({topic_of[p] for p in found}))
            for term, found in self.postings.items()
        }
        inverse_norms = [
            1.0 / norm if (norm := math.sqrt(sum(map(squares.__getitem__, sorted(terms))))) else 0.0
            for terms in phrasings
        ]
        # Each topic's phrasings from the largest inverse norm down (the first of equals first).
        self.rank = [0] * len(phrasings)
        """Each phrasing's place among its topic's, numbered as `norms`."""
        self.norms: list[list[float]] = [[] for _ in range(topics)]
        for position in sorted(range(len(phrasings)), key=lambda p: -inverse_norms[p]):
            norms = self.norms[topic_of[position]]
            self.rank[position] = len(norms)
            norms.append(inverse_norms[position])
        self.weighed: dict[str, Term] = {}
        """Each term's weights (see `Term`), worked out when a message first has the term:
        a start that reads the index from the cache and answers one question works out
        the weights of that question's terms only."""

    def _weigh(self, term: str) -> Term | None:
        """`term`'s weights (see `Term`); None when no phrasing has it."""
        found = self.postings.get(term)
        if found is None:
            return None
        ranks: dict[int, list[int]] = {}
        for position in found:
            ranks.setdefault(self.topic_of[position], []).append(self.rank[position])
        square = _square(self.topics, len(ranks))
        # A word seen once or twice is weak evidence: smoothing keeps it from claiming a
        # topic alone, and its evidence weight grows with how often staff used it.
        total = len(found)
        evidence = total / (total + self.smoothing)
        entries = []
        for topic, places in sorted(ranks.items()):
            bits = 0
            for place in places:
                bits |= 1 << place
            share = len(places) / (total + self.smoothing)
            nearest = self.norms[topic][min(places)]
            entries.append((topic, evidence * share, square * nearest, bits))
        by_topic = {topic: bits for topic, _, _, bits in entries}
        weights = self.weighed[term] = (square, evidence, tuple(entries), by_topic)
        return weights

    def scores(self, query: set[str] | frozenset[str]) -> list[float]:
        """The score from 0 to 100 of every topic for the terms `query`, in the knowledge's
        order (0: the terms do not point to it)."""
        topics = self.topics
        best = [0.0] * topics
        if not query or not self.postings:
            return best
        cover = [0.0] * topics
        # Per topic, the bits of its phrasings with one of the terms; the topics where a
        # phrasing has several.
        seen = [0] * topics
        several: set[int] = set()
        squares: list[float] = []
        weights: list[float] = []
        known: list[tuple[float, dict[int, int]]] = []
        # Summed in the terms' sorted order, not the set's: a set's order changes with the
        # string hashing of each run (PYTHONHASHSEED), and so would the last bits of a sum.
        weighed = self.weighed
        for term in sorted(query):
            found = weighed.get(term) or self._weigh(term)
            if found is None:
                squares.append(self.unknown_square)
                weights.append(1.0)
                continue
            square, evidence, entries, by_topic = found
            squares.append(square)
            weights.append(evidence)
            known.append((square, by_topic))
            for topic, covered, alone, bits in entries:
                cover[topic] += covered
                if alone > best[topic]:
                    best[topic] = alone
                before = seen[topic]
                if before & bits:
                    several.add(topic)
                seen[topic] = before | bits
        for topic in several:
            terms = [(square, by_topic[topic]) for square, by_topic in known if topic in by_topic]
            best[topic] = _nearest(terms, self.norms[topic], best[topic])
        near = 100 * self.example_weight / math.sqrt(sum(squares))
        explained = 100 * (1 - self.example_weight) / sum(weights)
        return [near * b + explained * c for b, c in zip(best, cover, strict=True)]


def _nearest(terms: list[tuple[float, int]], norms: list[float], best: float) -> float:
    """The larger of `best` and the cosine of the nearest of one topic's phrasings that have
    several of `terms` (each term's square and the bits of the topic's phrasings with it,
    numbered as `norms`)."""
    # Every set of two terms or more that some phrasing has, each read as its sum over the
    # nearest such phrasing: the lowest bit of those with all of them (which may have more,
    # and be nearer still). The largest of these is the nearest phrasing's cosine, exactly.
    count = len(terms)
    found = [(i, *terms[i]) for i in range(count - 1)]
    while found:
        last, dot, phrasings = found.pop()
        for i in range(last + 1, count):
            square, bits = terms[i]
            both = phrasings & bits
            if both:
                total = dot + square
                cosine = total * norms[(both & -both).bit_length() - 1]
                if cosine > best:
                    best = cosine
                found.append((i, total, both))
    return best


def _square(topics: int, having: int) -> float:
    """The square of a term's idf: how rare it is among `topics` (`having` of them have it)."""
    return math.log(1 + max(1, topics) / having) ** 2
