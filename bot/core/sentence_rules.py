"""Context rules that read past a mention's clause: whose noun it is, a story that
ended, a question about signs in general.

ConText (`bot.core.context`) reads a trigger and the clause it governs. Three ways of
telling that a mention is not the patient's sign now need more of the message:
- the owner rule: a mention is said of the nearest noun a possessor names before it
  ("my lunchbox smells rotten"); a noun that no labelled report and no sign phrase uses is
  a thing or another body part, whatever the lists of things say;
- a story that ended: a sentence told in the past that names a time long gone ("years
  ago I had hives") or a message that says the story ended ("nothing since") is the past
  for every mention in it, unless the mention's own clause speaks of now;
- a general question: a sentence that opens with a question word and has nothing tying
  it to the patient ("do blisters happen after microneedling?").
The words of each are knowledge (`context:` in knowledge/warning-signs/signs.yaml); this
module only knows the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.core.language import COMMON_WORDS
from bot.core.model import WarningSigns
from bot.core.phrase_index import Hit, PhraseIndex
from bot.core.phrases import SENTENCE_ENDS, Line, compile_phrase

_OWNER_REACH = 8
"""How far before a mention its owner may be named: "my running shorts are soaked and smell"."""
_NOUN_WORDS = 3
"""The longest noun an owner is named with ("my mascara wand", "the bath mat")."""
_OPENER_REACH = 4
"""A question word may follow a greeting and a comma ("hi, is pus normal?")."""


class SentenceRules:
    """The three rules of one knowledge version; `read` applies them to a message."""

    def __init__(self, knowledge: WarningSigns) -> None:
        lists = knowledge.word_lists
        story, general = knowledge.past_story, knowledge.general_question
        # One index, read over the whole message (a story's end may be sentences away),
        # and only when a sign is mentioned.
        self._index: PhraseIndex[str] = PhraseIndex()
        for kind, texts in (
            ("told", story.told),
            ("anchor", story.anchors),
            ("ended", story.ended),
            ("now", story.now),
            ("opens", general.opens),
            ("patient", general.anchors),
        ):
            for text in texts:
                self._index.add(compile_phrase(text, lists), kind)
        self._possessors = knowledge.possessors
        self._determiners = knowledge.determiners
        self._links = knowledge.owner_links
        self._patient_words = patient_words(knowledge)
        self._skin_words = _words_of(knowledge.treated_skin, lists)
        self._unknown: dict[str, bool] = {}

    def read(self, line: Line) -> MessageRules:
        hits: dict[str, list[Hit[str]]] = {}
        for hit in self._index.find(line):
            hits.setdefault(hit.value, []).append(hit)
        return MessageRules(self, line.tokens, hits)

    def owner(self, found: Sequence[str], start: int, first: int) -> str | None:
        """The noun that the nearest possessor before the mention at `start` names (its
        clause begins at `first`), when no report and no sign phrase uses it: "my running
        shorts are soaked and smell". The lists of things and body parts can never be
        complete; the words patients use for their own skin are in the reports."""
        near = [
            at
            for at in range(start - 1, max(first, start - _OWNER_REACH) - 1, -1)
            if found[at] in self._possessors or found[at] in self._determiners
        ]
        if not near:
            return None
        noun_end = near[0] + 1
        while noun_end < start and found[noun_end] not in self._links:
            noun_end += 1
        if not 1 <= noun_end - near[0] - 1 <= _NOUN_WORDS:
            return None
        # "my lunchbox smells": the mention says what the noun does. After "a" or "the"
        # the words up to the mention may describe it instead ("a nasty eggy smell").
        if noun_end == start and found[near[0]] not in self._possessors:
            return None
        noun = found[noun_end - 1]
        if noun not in self._unknown:
            self._unknown[noun] = self._is_unknown(noun)
        return noun if self._unknown[noun] else None

    def _is_unknown(self, noun: str) -> bool:
        if not noun.isalpha() or len(noun) < 3 or noun in self._patient_words:
            return False
        # "my vision's been blurry" reads "my visions been blurry".
        if noun.endswith("s") and noun[:-1] in self._patient_words:
            return False
        # Imported here: most messages never ask. A typo of a word patients use for their
        # skin ("cheak", "forhead") is that word: a miss costs more than a false alarm. Only
        # those words: "shorts" is no typo of "short".
        from rapidfuzz import fuzz, process

        near = process.extract(
            noun, self._skin_words, scorer=fuzz.ratio, score_cutoff=80.0, limit=5
        )
        return not any(str(word)[0] == noun[0] for word, _, _ in near)


class MessageRules:
    """One message as the sentence rules see it: ask it about each mention."""

    def __init__(
        self, rules: SentenceRules, found: Sequence[str], hits: dict[str, list[Hit[str]]]
    ) -> None:
        self._rules = rules
        self._found = found
        self._hits = hits
        self._ends = [i for i, token in enumerate(found) if token in SENTENCE_ENDS]

    def _sentence(self, start: int) -> tuple[int, int]:
        begin = max((i + 1 for i in self._ends if i < start), default=0)
        stop = min((i for i in self._ends if i >= start), default=len(self._found))
        return begin, stop

    def _in(self, kind: str, begin: int, stop: int) -> list[Hit[str]]:
        return [h for h in self._hits.get(kind, ()) if begin <= h.start < stop]

    def owner(self, start: int, first: int) -> str | None:
        """See `SentenceRules.owner`."""
        return self._rules.owner(self._found, start, first)

    def past_story(self, start: int, first: int, last: int) -> str | None:
        """The words that make the mention at `start` (clause `first`..`last`) part of a
        story that ended, or None. The clause speaks of now from the word that opens it
        ("and now", "still", "is")."""
        begin, stop = self._sentence(start)
        if not self._in("told", begin, stop) or self._in("now", first - 1, last):
            return None
        why = self._in("anchor", begin, stop) or self._hits.get("ended", [])
        return why[0].words(self._found) if why else None

    def general_question(self, start: int) -> str | None:
        """The question word that makes the mention at `start` part of a question about
        signs in general, or None. Any anchor in the message ties it to the patient: "can I
        take paracetamol for a fever after microneedling? I'm 38.2"."""
        if self._hits.get("patient"):
            return None
        begin, stop = self._sentence(start)
        opens = [
            h
            for h in self._in("opens", begin, stop)
            if h.start == begin
            or (h.start - begin <= _OPENER_REACH and self._found[h.start - 1] == ",")
        ]
        if not opens:
            return None
        return opens[0].words(self._found)


def _words_of(phrases: Sequence[str], lists: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every word of `phrases`, with the entries of the word lists they name."""
    texts = [*phrases]
    texts += [
        w for p in phrases for name in re.findall(r"\{(\w+)\}", p) for w in lists.get(name, ())
    ]
    return tuple(sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())}))


def patient_words(knowledge: WarningSigns) -> frozenset[str]:
    """Every word of the labelled reports, the sign phrases, their word lists, the
    symptoms and the treated skin: the words a patient may use for what they have."""
    texts = [p for sign in knowledge.signs for p in sign.phrases]
    texts += [w for words in knowledge.word_lists.values() for w in words]
    texts += [*knowledge.symptoms, *knowledge.treated_skin]
    found = {w for text in texts for w in re.findall(r"[a-z]+", text.lower())}
    return frozenset(found | set(knowledge.sign_words.counts) | COMMON_WORDS)
