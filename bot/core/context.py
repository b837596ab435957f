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
   ("but", "however", a comma; a category may add its own, "and" ends a negation) and
   reaches at most MAX_SCOPE words.
4. A mention inside a trigger's scope gets the trigger's category.
The phrases themselves are knowledge (knowledge/warning-signs/signs.yaml); this module
only knows the algorithm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.phrases import SENTENCE_ENDS, Hit, Phrase, PhraseIndex

MAX_SCOPE = 10
"""Words between a trigger and a mention beyond which the trigger no longer applies: a
run-on message without commas must not let one early "no" deny everything after it."""

DIRECTIONS = ("before", "after", "both", "anywhere")
"""Where a trigger looks: at what follows it ("before" the mention), precedes it
("after" the mention, like "is gone"), both, or the whole message ("anywhere": "could
that happen to me?" makes every sign in the message someone else's story)."""

CATEGORIES = ("negated", "historical", "hypothetical", "next_session", "someone_else", "elsewhere")
"""The context categories, in the words of signs.yaml."""


@dataclass(frozen=True)
class Trigger:
    """What a trigger phrase does: its category and the direction it looks."""

    category: str
    direction: str
    """One of DIRECTIONS."""


@dataclass(frozen=True)
class Modifier:
    """A context that applies to a mention: its category and the trigger words found."""

    category: str
    words: str


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    only_for: str | None = None
    """A clause end that stops one category only ("and" ends a negation's scope)."""


class ConText:
    """The context rules of one knowledge version; `read` applies them to a message."""

    def __init__(
        self,
        triggers: Sequence[tuple[Phrase, Trigger]],
        pseudo: Sequence[Phrase],
        clause_ends: Sequence[Phrase],
        category_ends: Sequence[tuple[Phrase, str]] = (),
    ) -> None:
        self._triggers: PhraseIndex[Trigger] = PhraseIndex()
        for phrase, trigger in triggers:
            self._triggers.add(phrase, trigger)
        self._pseudo: PhraseIndex[None] = PhraseIndex()
        for phrase in pseudo:
            self._pseudo.add(phrase, None)
        self._clause_ends: PhraseIndex[str | None] = PhraseIndex()
        for phrase in clause_ends:
            self._clause_ends.add(phrase, None)
        for phrase, category in category_ends:
            self._clause_ends.add(phrase, category)

    def read(self, found: Sequence[str]) -> Reading:
        """Find the triggers and clause boundaries of one tokenised message."""
        pseudo = [_Span(h.start, h.end) for h in self._pseudo.find(found)]
        triggers = [
            hit
            for hit in self._triggers.find(found)
            if not any(p.start <= hit.start and hit.end <= p.end for p in pseudo)
        ]
        bounds = [_Span(i, i + 1) for i, token in enumerate(found) if token in SENTENCE_ENDS]
        bounds += [_Span(h.start, h.end, h.value) for h in self._clause_ends.find(found)]
        return Reading(found, triggers, sorted(bounds, key=lambda b: b.start))


class Reading:
    """One message as ConText sees it: ask it about each mention."""

    def __init__(
        self, found: Sequence[str], triggers: list[Hit[Trigger]], bounds: list[_Span]
    ) -> None:
        self.found = found
        self._triggers = triggers
        self._bounds = bounds

    def clause(self, start: int, end: int, category: str | None = None) -> tuple[int, int]:
        """Where the clause around tokens `start`..`end` begins and ends (for `category`)."""
        first, last = 0, len(self.found)
        for bound in self._bounds:
            if bound.only_for is not None and bound.only_for != category:
                continue
            if bound.end <= start:
                first = max(first, bound.end)
            elif bound.start >= end:
                last = min(last, bound.start)
                break
        return first, last

    def modifiers(self, start: int, end: int, skipped: Sequence[int] = ()) -> list[Modifier]:
        """Every context that applies to the mention at tokens `start`..`end`, whose
        phrase skipped the tokens `skipped` with `...`."""
        applied: list[Modifier] = []
        for hit in self._triggers:
            category, direction = hit.value.category, hit.value.direction
            first, last = self.clause(start, end, category)
            if direction == "anywhere":
                applies = True
            elif hit.start < start:
                # A trigger may end with the word that starts the clause ("so I don't").
                applies = direction in ("before", "both") and hit.end > first
                applies = applies and start - hit.end <= MAX_SCOPE
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
                applied.append(Modifier(category, hit.words(self.found)))
        return applied
