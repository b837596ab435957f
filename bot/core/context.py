"""ConText: does a mention of a sign describe something the patient has now?

Our own small implementation of the ConText algorithm from clinical text processing
(Harkema et al., "ConText: an algorithm for determining negation, experiencer, and
temporal status from clinical reports", J Biomed Inform 2009), the one medspacy ships
as `ConTextComponent`. We do not use medspacy: it needs spaCy and a language pipeline
(hundreds of megabytes and seconds of start-up) for what is a few loops over tokens.

The algorithm, as here:
1. Trigger terms mark a context category ("no" negates, "last year" is historical,
   "what if" is hypothetical, "before my next session" asks about the next session,
   "my friend ... had" is someone else's story, "knee" is another body part). Each acts
   forwards (on what follows), backwards (on what comes before: "is gone"), both ways,
   or on the whole message.
2. Pseudo-triggers look like triggers but are not ("no change", "not sure"): a trigger
   inside one does nothing.
3. A trigger's scope is its clause: it ends at a sentence end or a clause-ending term
   ("but", "however", a comma; a category may add its own, "and" ends a negation, or
   pass over one, "my wrist is itchy, red and sore": a comma before a list of how the
   same thing feels) and reaches at most MAX_SCOPE words.
4. A mention inside a trigger's scope gets the trigger's category.
The phrases themselves are knowledge (knowledge/warning-signs/signs.yaml); this module
only knows the algorithm.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import NamedTuple

from bot.core.phrase_index import Hit, PhraseIndex
from bot.core.phrases import Phrase
from bot.core.tokens import Line

MAX_SCOPE = 10
"""Words between a trigger and a mention beyond which the trigger no longer applies: a
run-on message without commas must not let one early "no" deny everything after it."""

DIRECTIONS = ("before", "after", "both", "anywhere")
"""Where a trigger looks: at what follows it ("before" the mention), precedes it
("after" the mention, like "is gone"), both, or the whole message ("anywhere": "could
that happen to me?" makes every sign in the message someone else's story)."""

_TRIGGER, _PSEUDO, _END, _CROSS = "trigger", "pseudo", "end", "cross"
CATEGORIES = (
    "negated",
    "historical",
    "hypothetical",
    "next_session",
    "someone_else",
    "their_story",
    "elsewhere",
)
"""The context categories, in the words of signs.yaml."""


class Trigger(NamedTuple):
    """What a trigger phrase does: its category and the direction it looks."""

    category: str
    direction: str
    """One of DIRECTIONS."""


class Modifier(NamedTuple):
    """A context that applies to a mention: its category and the trigger words found."""

    category: str
    words: str
    at: int = -1
    """Where the trigger starts (-1: it acts on the whole message)."""


class _Span(NamedTuple):
    start: int
    end: int
    only_for: str | None = None
    """A clause end that stops one category only ("and" ends a negation's scope)."""
    not_for: frozenset[str] = frozenset()
    """The categories whose scope passes over this clause end."""


class ConText:
    """The context rules of one knowledge version; `read` applies them to a message."""

    def __init__(
        self,
        triggers: Sequence[tuple[Phrase, Trigger]],
        pseudo: Sequence[Phrase],
        clause_ends: Sequence[Phrase],
        category_ends: Sequence[tuple[Phrase, str]] = (),
        extra: Mapping[str, Sequence[Phrase]] | None = None,
        crossings: Sequence[tuple[Phrase, str]] = (),
    ) -> None:
        """`extra` are other phrases the caller wants found near its mentions, by name:
        they share one pass over the message with the triggers. `crossings` are phrases
        starting with a clause end that the scope of their category passes over."""
        # One index for everything read near a mention: one pass over the message.
        self._near: PhraseIndex[tuple[str, object]] = PhraseIndex()
        self.anywhere: list[tuple[Phrase, Trigger]] = []
        """The triggers that act on the whole message: a caller that passes over the whole
        message anyway finds them in the same pass and gives `read` their hits."""
        self._anywhere: PhraseIndex[Trigger] = PhraseIndex()
        for phrase, trigger in triggers:
            if trigger.direction == "anywhere":
                self.anywhere.append((phrase, trigger))
                self._anywhere.add(phrase, trigger)
            else:
                self._near.add(phrase, (_TRIGGER, trigger))
        for phrase in pseudo:
            self._near.add(phrase, (_PSEUDO, None))
        for phrase in clause_ends:
            self._near.add(phrase, (_END, None))
        for phrase, category in category_ends:
            self._near.add(phrase, (_END, category))
        for phrase, category in crossings:
            self._near.add(phrase, (_CROSS, category))
        for name, phrases in (extra or {}).items():
            for phrase in phrases:
                self._near.add(phrase, (name, None))

    def read(
        self,
        line: Line,
        near: Sequence[tuple[int, int]] | None = None,
        anywhere: Sequence[Hit[Trigger]] | None = None,
    ) -> Reading:
        """Find the triggers and clause boundaries of one tokenised message; only within
        the token ranges `near` (around the mentions) when given, except the triggers
        that act on the whole message (`anywhere`: their hits, when the caller found them)."""
        found = line.tokens
        by_kind: dict[str, list[Hit[tuple[str, object]]]] = {}
        for hit in self._near.find(line, near):
            by_kind.setdefault(hit.value[0], []).append(hit)
        pseudo = [_Span(h.start, h.end) for h in by_kind.get(_PSEUDO, ())]
        triggers = [
            Hit(h.start, h.end, h.phrase, h.value[1], h.skipped)
            for h in by_kind.get(_TRIGGER, ())
            if isinstance(h.value[1], Trigger)
        ]
        triggers += self._anywhere.find(line) if anywhere is None else anywhere
        # A trigger inside a pseudo-trigger does nothing: the furthest end of those that
        # start at or before it tells (hits come in order), with no pass over them all
        # for each trigger of a long story.
        pseudo_starts = [p.start for p in pseudo]
        furthest = list(accumulate((p.end for p in pseudo), max))
        triggers = [
            hit
            for hit in triggers
            if not (at := bisect_right(pseudo_starts, hit.start)) or furthest[at - 1] < hit.end
        ]
        bounds = [_Span(i, i + 1) for i in line.sentence_ends]
        crossed: dict[int, set[str]] = {}
        for h in by_kind.get(_CROSS, ()):
            crossed.setdefault(h.start, set()).add(str(h.value[1]))
        bounds += [
            _Span(
                h.start,
                h.end,
                h.value[1] if isinstance(h.value[1], str) else None,
                frozenset(crossed.get(h.start, ())),
            )
            for h in by_kind.get(_END, ())
        ]
        extra = {
            kind: [(h.start, h.end) for h in hits]
            for kind, hits in by_kind.items()
            if kind not in (_TRIGGER, _PSEUDO, _END, _CROSS)
        }
        return Reading(found, triggers, sorted(bounds, key=lambda b: b.start), extra)


class Reading:
    """One message as ConText sees it: ask it about each mention."""

    def __init__(
        self,
        found: Sequence[str],
        triggers: list[Hit[Trigger]],
        bounds: list[_Span],
        extra: Mapping[str, list[tuple[int, int]]] | None = None,
    ) -> None:
        self.found = found
        self.extra = extra or {}
        """Where each of the caller's `extra` phrases was found: (start, end) tokens."""
        self._anywhere = [t for t in triggers if t.value.direction == "anywhere"]
        self._near = sorted(
            (t for t in triggers if t.value.direction != "anywhere"), key=lambda t: t.start
        )
        self._near_starts = [t.start for t in self._near]
        self._longest = max((t.end - t.start for t in self._near), default=0)
        self._bounds = bounds
        self._categories = {b.only_for for b in bounds} | {c for b in bounds for c in b.not_for}
        self._crossed = {c for b in bounds for c in b.not_for}
        """The categories whose scope passes over a clause end of this message."""
        self._own_ends: dict[str, list[int]] = {}
        for b in bounds:
            # Of several words only: "I" in "an influencer I follow said" opens no clause;
            # and not crossed: "and she got" goes on with the story.
            crossed = b.only_for in b.not_for
            if b.only_for is not None and b.end - b.start > 1 and not crossed:
                self._own_ends.setdefault(b.only_for, []).append(b.start)
        # Built when first asked for: most messages ask for few of them.
        self._starts: dict[tuple[str | None, bool], list[int]] = {}
        self._ends: dict[tuple[str | None, bool], list[int]] = {}

    def clause(
        self, start: int, end: int, category: str | None = None, crossing: bool = True
    ) -> tuple[int, int]:
        """Where the clause around tokens `start`..`end` begins and ends (for `category`;
        passing over its crossings unless `crossing` is False)."""
        key = (category if category in self._categories else None, crossing)
        if key not in self._starts:
            mine = [
                b
                for b in self._bounds
                if b.only_for in (None, key[0]) and not (crossing and key[0] in b.not_for)
            ]
            # The bounds come sorted by where they start; `_ends` holds the furthest end
            # so far, so that an end overlapping the mention ("my lips" of "my lips are
            # swelling") begins its clause too.
            self._starts[key] = [b.start for b in mine]
            self._ends[key] = list(accumulate((b.end for b in mine), max))
        starts, ends = self._starts[key], self._ends[key]
        before = bisect_left(starts, start)
        after = bisect_left(starts, end)
        first = min(start, ends[before - 1]) if before else 0
        last = starts[after] if after < len(starts) else len(self.found)
        return first, last

    def _holds_own_end(self, hit: Hit[Trigger], category: str) -> bool:
        """Whether an end of `category` alone, of several words, starts inside the
        trigger's words."""
        starts = self._own_ends.get(category, [])
        at = bisect_right(starts, hit.start)
        return at < len(starts) and starts[at] < hit.end

    def _ends_in(self, hit: Hit[Trigger], category: str) -> bool:
        """Whether a clause end (of all categories or of `category`) is the trigger's last
        words."""
        return any(
            b.end == hit.end and b.start >= hit.start and b.only_for in (None, category)
            for b in self._bounds
        )

    def _holds_end_within(self, start: int, end: int, category: str) -> bool:
        """Whether an end of `category` alone, of several words, starts inside the
        mention at tokens `start`..`end`."""
        starts = self._own_ends.get(category, [])
        at = bisect_left(starts, start)
        return at < len(starts) and starts[at] < end

    def modifiers(self, start: int, end: int, skipped: Sequence[int] = ()) -> list[Modifier]:
        """Every context that applies to the mention at tokens `start`..`end`, whose
        phrase skipped the tokens `skipped` with `...`."""
        # A denial of the whole message takes back what it follows, not a sign told after
        # it: "I don't have any of those, but my lip has blisters".
        applied = [
            Modifier(t.value.category, t.words(self.found))
            for t in self._anywhere
            if t.value.category != "negated" or t.start >= end
        ]
        # Over a crossing a scope counts its words again, so a trigger of a category with
        # crossings may be twice as far.
        far = bisect_left(self._near_starts, start - 2 * MAX_SCOPE - self._longest)
        low = bisect_left(self._near_starts, start - MAX_SCOPE - self._longest)
        high = bisect_right(self._near_starts, end + MAX_SCOPE)
        clauses: dict[tuple[str, bool], tuple[int, int]] = {}
        for at in range(far, high):
            hit = self._near[at]
            category, direction = hit.value.category, hit.value.direction
            if at < low and category not in self._crossed:
                continue
            # A crossing carries a trigger's scope forwards only: "years ago I had a peel,
            # my lips swelled up" is the past, "my cheek has gone hard, she had it done
            # last week" is not.
            key = (category, hit.start < start)
            if key not in clauses:
                clauses[key] = self.clause(start, end, *key)
            first, last = clauses[key]
            if hit.start < start:
                # A trigger may end with the word that starts the clause ("so I don't"),
                # but not hold an end of its own category: "my colleague looked at my face
                # and said" is no story of hers, "my face" is the patient's again.
                # Or end with the word that ends the clause, for the scope to start after
                # it: "not with pus" (a negation's scope ends at "with").
                applies = direction in ("before", "both") and (
                    hit.end > first or (hit.end == first and self._ends_in(hit, category))
                )
                applies = applies and not self._holds_own_end(hit, category)
                # Nor when the mention's own words hold one: "my friend said it looks like
                # a red line going down my neck" is the patient's neck.
                applies = applies and not self._holds_end_within(start, end, category)
                # Carried over crossings, a scope counts its words again in each clause:
                # a story told in the past goes on clause after clause.
                if (category, False) not in clauses:
                    clauses[category, False] = self.clause(start, end, category, False)
                own = clauses[category, False][0]
                applies = applies and start - max(hit.end, own) <= MAX_SCOPE
            elif hit.end > end:
                # A trigger may begin with the word that ends the clause ("but it healed").
                applies = direction in ("after", "both") and hit.start <= last
                applies = applies and hit.start - end <= MAX_SCOPE
            else:
                # Inside the mention: its own words ("not healing") do nothing, but a
                # trigger in what `...` skipped acts on the words after it ("eyes aren't
                # watering"; not "vision has gone blurry").
                applies = direction in ("before", "both") and all(
                    i in skipped for i in range(hit.start, hit.end)
                )
            if applies:
                applied.append(Modifier(category, hit.words(self.found), hit.start))
        return applied
