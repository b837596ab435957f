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

Only the phrasings that share two terms or more with the message are then summed, topic
by topic, each over its terms. The floats are those of a sum over every phrasing in the
message's terms' sorted order, to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Entry = tuple[int, float, float, int]
"""(topic, what the term adds to its coverage, its nearest phrasing's cosine when the term
is all they share, the bits of the topic's phrasings that have the term)."""
Term = tuple[float, float, tuple[Entry, ...]]
"""A term's square, its evidence weight and its topics (see `Entry`)."""


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
        weights = self.weighed[term] = (square, evidence, tuple(entries))
        return weights

    def scores(self, query: set[str] | frozenset[str]) -> list[float]:
        """The score from 0 to 100 of every topic for the terms `query`, in the knowledge's
        order (0: the terms do not point to it)."""
        topics = self.topics
        best = [0.0] * topics
        if not query or not self.postings:
            return best
        cover = [0.0] * topics
        # Per topic, the bits of its phrasings with one of the terms, and each such term's
        # square with its bits; the topics where a phrasing has several.
        seen = [0] * topics
        having: dict[int, list[tuple[float, int]]] = {}
        several: set[int] = set()
        squares: list[float] = []
        weights: list[float] = []
        # Summed in the terms' sorted order, not the set's: a set's order changes with the
        # string hashing of each run (PYTHONHASHSEED), and so would the last bits of a sum.
        weighed = self.weighed
        for term in sorted(query):
            found = weighed.get(term) or self._weigh(term)
            if found is None:
                squares.append(self.unknown_square)
                weights.append(1.0)
                continue
            square, evidence, entries = found
            squares.append(square)
            weights.append(evidence)
            for topic, covered, alone, bits in entries:
                cover[topic] += covered
                if alone > best[topic]:
                    best[topic] = alone
                before = seen[topic]
                if before:
                    if before & bits:
                        several.add(topic)
                    having[topic].append((square, bits))
                else:
                    having[topic] = [(square, bits)]
                seen[topic] = before | bits
        for topic in several:
            best[topic] = _nearest(having[topic], self.norms[topic], best[topic])
        near = 100 * self.example_weight / math.sqrt(sum(squares))
        explained = 100 * (1 - self.example_weight) / sum(weights)
        return [near * b + explained * c for b, c in zip(best, cover, strict=True)]


def _nearest(terms: list[tuple[float, int]], norms: list[float], best: float) -> float:
    """The larger of `best` and the cosine of the nearest of one topic's phrasings that have
    several of `terms` (each term's square and the bits of the topic's phrasings with it,
    numbered as `norms`)."""
    # The phrasings with two terms or more, each summed over its terms in their order: the
    # additions of a sum over every phrasing in the message's terms' order. One step per
    # term a phrasing has, not one per set of terms that some phrasing shares (a long story
    # shares many); the norms only shrink along the bits, so no phrasing that has all the
    # terms of a nearer one can beat it, and the largest cosine is the nearest phrasing's.
    seen = several = 0
    for _, bits in terms:
        several |= seen & bits
        seen |= bits
    if not several:
        return best
    totals: dict[int, float] = {}
    total_of = totals.get
    for square, bits in terms:
        shared = bits & several
        while shared:
            place = shared.bit_length() - 1
            totals[place] = total_of(place, 0.0) + square
            shared ^= 1 << place
    for place, total in totals.items():
        cosine = total * norms[place]
        if cosine > best:
            best = cosine
    return best


def _square(topics: int, having: int) -> float:
    """The square of a term's idf: how rare it is among `topics` (`having` of them have it)."""
    return math.log(1 + max(1, topics) / having) ** 2
