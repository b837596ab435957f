"""Context rules that read past a mention's clause: whose noun it is, a story that
ended, a question about signs in general, words taken back, whose a pronoun is.

ConText (`bot.core.context`) reads a trigger and the clause it governs. Five ways of
telling that a mention is not the patient's sign now need more of the message:
- the owner rule (`bot.core.owner_rule`): a mention is said of the nearest noun a
  possessor names before it ("my lunchbox smells rotten");
- a story that ended: a sentence told in the past that names a time long gone ("years
  ago I had hives") or a message that says the story ended ("nothing since") is the past
  for every mention in it, unless the mention's own clause speaks of now;
- a general question: a sentence that opens with a question word and has nothing tying
  it to the patient ("do blisters happen after microneedling?");
- words taken back: a retraction after the mention in its sentence or opening the next
  one ("MY FACE IS ON FIRE. in a good way", "lips blowing up lol jk"), or a plain "no"
  opening either of the next two ("my lip was swelling. Checked. Actually no, it's fine");
- whose a pronoun is: a mention told with "her", "she", "his"... belongs to the person
  the pronoun points back to, named anywhere before it, however long the story between
  ("my friend, who has been going there for years and swears by it, told me after her
  last session she had a fever"): someone the patient does not speak for is someone
  else's story; family may be the one they write for.
The words of each are knowledge (`context:` in knowledge/warning-signs/signs.yaml); this
module only knows the rules.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property

from bot.core.model import WarningSigns
from bot.core.owner_rule import OwnerRule
from bot.core.phrase_index import Hit, PhraseIndex
from bot.core.phrases import compile_phrase
from bot.core.tokens import Line

_OPENER_REACH = 4
"""A question word may follow a greeting and a comma ("hi, is pus normal?") or a colon."""
_RETRACTION_REACH = 3
"""How far into the next sentence a retraction may open it ("lol ok jk")."""
_ANYWHERE = frozenset({"ended", "patient"})
"""The kinds of phrase that count anywhere in a message: read up to the first found."""
_ANTECEDENT_REACH = 80
"""How far before a pronoun the person it points back to may be named: a long story."""


class SentenceRules:
    """The three rules of one knowledge version; `read` applies them to a message."""

    def __init__(self, knowledge: WarningSigns) -> None:
        lists = knowledge.word_lists
        story, general = knowledge.past_story, knowledge.general_question
        # One index for the kinds read in stretches: a message is read once for all of
        # them, when a mention first asks (`MessageRules`); each kind's hits are then a
        # slice. One index each for the kinds that count anywhere, read up to the first.
        self._index: PhraseIndex[str] = PhraseIndex()
        self._anywhere: dict[str, PhraseIndex[str]] = {}
        for kind, texts in (
            ("anchor", story.anchors),
            ("ended", story.ended),
            ("opens", general.opens),
            ("told", story.told),
            ("now", story.now),
            ("patient", general.anchors),
            ("usual", general.markers),
            ("retracts", knowledge.retraction.phrases),
            ("kept", knowledge.retraction.unless),
            ("later", knowledge.retraction.later),
            ("pronoun", knowledge.experiencer.pronouns),
            ("they", knowledge.experiencer.plural_pronouns),
            ("other", knowledge.experiencer.others),
            ("others", knowledge.experiencer.plural_others),
            ("family", knowledge.experiencer.family),
            ("self", knowledge.experiencer.patient),
            ("contrast", knowledge.experiencer.contrast),
            ("skin", knowledge.treated_skin),
            ("other_skin", knowledge.other_skin),
        ):
            index = self._index
            if kind in _ANYWHERE:
                index = self._anywhere.setdefault(kind, PhraseIndex())
            for text in texts:
                index.add(compile_phrase(text, lists), kind)
        self._owner = OwnerRule(knowledge)
        self._last: tuple[Line, MessageRules] | None = None

    def read(self, line: Line) -> MessageRules:
        """The rules applied to `line`. The check asks twice about one message (its
        mentions, then the skin words the classifier reads again without): the second
        time gets the same reading, and its phrases already read."""
        last = self._last
        if last is not None and last[0] is line:
            return last[1]
        reading = MessageRules(self, line)
        self._last = (line, reading)
        return reading

    def find(self, line: Line) -> dict[str, list[Hit[str]]]:
        """The phrases of every kind read in stretches ("anchor", "opens", "told", "now"...)
        found in `line`, by kind, each in order."""
        by_kind: dict[str, list[Hit[str]]] = {}
        for hit in self._index.find(line):
            by_kind.setdefault(hit.value, []).append(hit)
        return by_kind

    def first(self, line: Line, kind: str) -> Hit[str] | None:
        """The first phrase of a kind that counts anywhere ("ended", "patient") in `line`."""
        return self._anywhere[kind].first(line)

    def owner(self, found: Sequence[str], start: int, first: int) -> str | None:
        """See `bot.core.owner_rule.OwnerRule.owner`."""
        return self._owner.owner(found, start, first)


class MessageRules:
    """One message as the sentence rules see it: ask it about each mention."""

    def __init__(self, rules: SentenceRules, line: Line) -> None:
        self._rules = rules
        self._line = line
        self._found = line.tokens
        self._ends = line.sentence_ends
        self._end_set = set(self._ends)
        # The kinds read in stretches are read in one pass over the whole message, when a
        # mention first asks: the stretches mentions ask about overlap (every mention asks
        # its sentence and clause about several kinds), and a stretch's phrases are then a
        # slice. Those that count anywhere are read up to the first found.
        self._every: dict[str, tuple[list[Hit[str]], list[int]]] | None = None
        self._anywhere: dict[str, Hit[str] | None] = {}

    def face_words(self) -> set[int]:
        """Where the message names the treated skin ("my chin", "where they did")."""
        return {i for h in self._in("skin", 0, len(self._found)) for i in range(h.start, h.end)}

    @cached_property
    def face_starts(self) -> list[int]:
        """Where each phrase naming the treated skin starts, in order, but for a face word
        another body part owns ("the skin on my arm", "my knee replacement scar")."""
        other = self._in("other_skin", 0, len(self._found))
        return [
            h.start
            for h in self._in("skin", 0, len(self._found))
            if not any(o.start <= h.start and h.end <= o.end for o in other)
        ]

    def names_face(self, begin: int, stop: int) -> bool:
        """Whether a `face_starts` phrase starts at tokens `begin` to `stop` (bisected)."""
        starts = self.face_starts
        at = bisect_left(starts, begin)
        return at < len(starts) and starts[at] < stop

    def sentence(self, start: int) -> tuple[int, int]:
        """Where the sentence holding token `start` begins and ends."""
        # Bisected: a 4,096-character story has hundreds of mentions and sentences.
        at = bisect_left(self._ends, start)
        begin = self._ends[at - 1] + 1 if at else 0
        stop = self._ends[at] if at < len(self._ends) else len(self._found)
        return begin, stop

    def _in(self, kind: str, begin: int, stop: int) -> list[Hit[str]]:
        """The phrases of `kind` that start at tokens `begin` to `stop` (exclusive), in
        order."""
        hits, starts = self._of(kind)
        return hits[bisect_left(starts, begin) : bisect_left(starts, stop)]

    def _first(self, kind: str) -> Hit[str] | None:
        if kind not in self._anywhere:
            self._anywhere[kind] = self._rules.first(self._line, kind)
        return self._anywhere[kind]

    def _of(self, kind: str) -> tuple[list[Hit[str]], list[int]]:
        """The phrases of `kind` in the message, in order, and where each starts."""
        if self._every is None:
            self._every = {
                name: (hits, [hit.start for hit in hits])
                for name, hits in self._rules.find(self._line).items()
            }
        return self._every.get(kind, ([], []))

    def owner(self, start: int, first: int) -> str | None:
        """See `SentenceRules.owner`."""
        return self._rules.owner(self._found, start, first)

    def past_story(self, start: int, first: int, last: int) -> str | None:
        """The words that make the mention at `start` (clause `first`..`last`) part of a
        story that ended, or None. The clause speaks of now from the word that opens it
        ("and now", "still", "is")."""
        begin, stop = self.sentence(start)
        anchors = self._in("anchor", begin, stop)
        why = anchors[0] if anchors else self._first("ended")
        if why is None:
            return None
        if not self._in("told", begin, stop) or self._in("now", first - 1, last):
            return None
        return why.words(self._found)

    def general_question(self, start: int) -> str | None:
        """The question word that makes the mention at `start` part of a question about
        signs in general, or None. Any anchor in the message ties it to the patient: "can I
        take paracetamol for a fever after microneedling? I'm 38.2"."""
        begin, stop = self.sentence(start)
        # Question words count only where a sentence opens: read only there.
        opens = [
            h
            for h in self._in("opens", begin, min(stop, begin + _OPENER_REACH + 1))
            if h.start == begin
            or (h.start - begin <= _OPENER_REACH and self._found[h.start - 1] in ",:")
        ]
        if not opens:
            return None
        # "Is it bad if it's still open after a week, generally?" asks what is usual,
        # whatever "it" it says.
        if self._first("patient") is not None and not self._in("usual", begin, stop):
            return None
        return opens[0].words(self._found)

    def reasons(self, start: int, end: int, first: int, last: int) -> list[str]:
        """Why the rules that read the sentence or the message set aside the mention at
        tokens `start`..`end` (its clause is `first`..`last`), in the words of the context
        categories."""
        told = {
            "historical: a story told in the past": self.past_story(start, first, last),
            "hypothetical: a question about signs in general": self.general_question(start),
            "negated: taken back": self.retracted(start),
            "someone_else: told of": self.experiencer(end, first, last),
        }
        return [f"{why} ('{words}')" for why, words in told.items() if words is not None]

    def retracted(self, start: int) -> str | None:
        """The words that take back the mention at `start`, or None: a retraction after it
        in its sentence, or opening the next sentence ("SKIN ON FIRE!!! in a good way"),
        or a `later` one opening either of the next two ("my lip was swelling up. Checked
        in the mirror. Actually no, it's fine")."""
        begin, stop = self.sentence(start)
        opening = self._opening(stop)
        found = [h for h in self._in("retracts", start + 1, stop) if h.start > start]
        found += self._in("retracts", opening, opening + _RETRACTION_REACH + 1)
        kept = self._in("kept", max(begin, start - 2), opening + _RETRACTION_REACH + 3)
        taken = [h for h in found if not any(k.start <= h.start and h.end <= k.end for k in kept)]
        if taken:
            return taken[0].words(self._found)
        # Checked, then taken back: only when nothing after it says the sign is there
        # after all ("Actually no, I'm sure it's nothing. But it does look wet").
        after = opening
        for _ in range(2):
            if after >= len(self._found):
                break
            later = self._in("later", after, after + _RETRACTION_REACH + 1)
            _, next_stop = self.sentence(self._opening(self.sentence(after)[1]))
            if later and not self._in("kept", later[0].start, next_stop):
                return later[0].words(self._found)
            after = self._opening(self.sentence(after)[1])
        return None

    def _opening(self, stop: int) -> int:
        """Where the sentence after the one ending at token `stop` opens."""
        while stop in self._end_set:
            stop += 1
        return stop

    def experiencer(self, end: int, first: int, last: int) -> str | None:
        """Who the mention ending at token `end` (its clause is `first`..`last`) is told
        of, when that is someone the patient does not speak for; None when it is the
        patient, family or nobody named: the last pronoun before the mention's last word
        in its clause ("her cheeks", "she had", "a week and her forehead was weeping"),
        with no word of the patient's own after it in the clause ("she said my cheek",
        "she reckons the red line down my neck"), in a clause told in the past, points
        back to the nearest person named before it. A clause with neither the patient, the
        face nor a pronoun is read with the rest of its sentence before it."""
        # A clause with no one in it goes on with the one before it in the sentence:
        # "one of the girls had an infection after hers, with pus and a fever".
        # Not one that names the face ("face swelling up on the way home"): the patient's;
        # "her cheeks" are hers.
        theirs = {h.end for h in self._in("pronoun", first, last) + self._in("they", first, last)}
        face = [h for h in self._in("skin", first, last) if h.start not in theirs]
        alone = not self._in("self", first, last) and not face
        begin = self.sentence(first)[0] if alone else first
        pronouns = self._in("pronoun", begin, end - 1)
        plural = self._in("they", begin, end - 1)
        if begin < first and any(h.start >= first for h in pronouns + plural):
            begin = first
        told = max(pronouns + plural, key=lambda hit: hit.start, default=None)
        # The patient setting their own against it after the mention ("My neighbour had
        # terrible pain, like 9/10. Mine is more like a 2"): the other's, told now or in
        # the past, with or without a pronoun; never family (a parent may write "mine").
        contrast = bool(self._in("contrast", end, len(self._found)))
        if told is None and contrast:
            return self._contrasted(begin, end, last)
        if told is None or any(h.start > told.start for h in self._in("self", begin, last)):
            return None
        # What a friend had is her story; what she has now may be the patient writing for
        # her ("she has a fever now, what should she do"): only a clause told in the past.
        if not contrast and (not self._in("told", begin, end) or self._in("now", first, last)):
            return None
        reach = max(0, told.start - _ANTECEDENT_REACH)
        # Family named anywhere before: the patient may be writing for them ("I'm Jess's
        # mum ... her flatmates ... she's shivering" is Jess).
        named = self._in("other", reach, told.start) + self._in("others", reach, told.start)
        family = self._in("family", reach, told.start)
        # Not family of someone else's: "my brother's girlfriend" is no one the patient
        # writes for.
        if any(not any(o.start <= f.start < o.end for o in named) for f in family):
            return None
        # "she" points back to one person, "they" to one or several.
        kinds = ("other", "others") if told in plural else ("other",)
        named = [h for kind in kinds for h in self._in(kind, reach, told.start)]
        nearest = max(named, key=lambda hit: hit.end, default=None)
        others = self._in("others", reach, told.start) if told not in plural else []
        # A singular pronoun never points back to several: "her flatmates ... she".
        if nearest is None or any(h.end > nearest.end for h in others):
            return None
        return nearest.words(self._found)

    def _contrasted(self, begin: int, end: int, last: int) -> str | None:
        """The person named last before the mention ending at token `end` in its sentence
        (from `begin`), when the patient sets their own against it later: no word of the
        patient's after that name in the clause (to `last`), and no family named."""
        named = self._in("other", begin, end - 1)
        nearest = max(named, key=lambda hit: hit.end, default=None)
        if nearest is None or any(h.start > nearest.start for h in self._in("self", begin, last)):
            return None
        family = self._in("family", begin, nearest.start)
        if any(not any(o.start <= f.start < o.end for o in named) for f in family):
            return None
        return nearest.words(self._found)
