"""The patient saying they have a sign set aside: someone else's ("my friend had pus
after hers, mine is worse", "same here"), or their own from the past, back now ("years
ago I had cellulitis and now my cheek feels the same", "I had a cold sore last year and
it's back").

ConText and the sentence rules set a sign told of someone else aside (someone_else,
their_story), and one told in the past (historical). When the patient says after it
that they have it too (`shared:` under `context: experiencer:` in
knowledge/warning-signs/signs.yaml), or that it is back (`returned:` under `context:
past_story:`), that sign is the patient's now, and alerts. The calm words the patient
sets against someone else's sign ("mine is fine", "mine didn't") are `contrast:` and keep
it someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.core.phrase_index import PhraseIndex
from bot.core.phrases import compile_phrase
from bot.core.tokens import Line

WHOSE = ("someone_else", "their_story")
"""The reasons for setting a mention aside that sharing it undoes."""
WHEN = ("historical",)
"""The reasons for setting a mention aside that its coming back undoes."""
ASKED = ("hypothetical",)
"""The reasons for setting a mention aside that the patient saying they have it undoes."""


class SharedSign:
    """Phrases (`shared`, `returned` or `owned`) that make a sign set aside before them for
    one of the reasons `undone` the patient's now."""

    def __init__(
        self,
        phrases: Iterable[str],
        lists: Mapping[str, tuple[str, ...]],
        undone: tuple[str, ...] = WHOSE,
    ) -> None:
        self.undone = undone
        self._index: PhraseIndex[str] = PhraseIndex()
        for text in phrases:
            self._index.add(compile_phrase(text, lists), text)

    def starts(self, line: Line) -> list[int]:
        """Where in `line` the patient says they have it too. The message's end is a
        sentence end: "... and I've got the same" ends like "... the same."."""
        return [hit.start for hit in self._index.find(line.ended())]


def shared(
    reasons: Sequence[str], end: int, starts: Sequence[int], undone: tuple[str, ...] = WHOSE
) -> list[str]:
    """`reasons` for setting aside a mention ending at token `end`, without those of
    `undone` (by default those that make it someone else's) when the patient says after
    it that they have it (a phrase opening at one of `starts`): the other reasons still
    hold ("years ago", "on her arm")."""
    if not any(start >= end for start in starts):
        return list(reasons)
    return [reason for reason in reasons if not reason.startswith(undone)]
