"""Warning signs: does a message report one that the patient (or someone they speak for)
has now?

Four steps, all driven by knowledge/warning-signs/ (this module holds no medical words):
1. Mentions: every phrase of every sign found in the whole message.
2. Context: each mention is ruled out when ConText (`bot.core.context`) finds it denied,
   past, hypothetical, someone else's or on another body part or thing; when it is an
   idiom ("a burning question"); or when it is healing the knowledge calls normal on the
   patient's day.
3. A learned second opinion: a linear classifier trained on labelled reports and
   look-alikes gives the probability that the message reports a sign.
4. Decision: alert when a mention survives the context step, or when the classifier is
   confident, unless the context step ruled out every mention. When unsure, alert: a
   false alarm costs a staff glance, a miss can cost a patient.

A message in a language the bot cannot read alerts too, as the sign "unreadable".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.core.classifier import read_words
from bot.core.context import MAX_SCOPE, ConText, Trigger
from bot.core.language import COMMON_WORDS, Identify, LanguageGate
from bot.core.model import Sign, WarningSigns
from bot.core.phrase_index import Hit, PhraseIndex
from bot.core.phrases import compile_phrase
from bot.core.sentence_rules import SentenceRules
from bot.core.shared_sign import ASKED, WHEN, WHOSE, SharedSign, shared
from bot.core.sign_days import day_in_text, day_told
from bot.core.tokens import Line, fold, folded_tokens

UNREADABLE = "unreadable"
"""The sign of a message in a language the bot cannot read."""
IMPROVING = Sign("improving", "A symptom getting better", ())
"""What an `improving` phrase mentions: never an alert, never left for the classifier."""
SYMPTOM = Sign("symptom", "A symptom that is no sign on its own", ())
"""What a `symptoms` word mentions: never an alert itself; when every one in a message is
ruled out, the classifier alone does not alert either."""
MESSAGE_LIMIT = 4096
"""Telegram's longest message: every character of it is read."""
_IDIOM, _WORSE = "other sense", "getting worse"
_JOINS = frozenset({"and", "or", "n", "&", ",", "plus"})


_Found = tuple[Sign | None, Trigger | None]
"""What a phrase read in the one pass finds: a sign, a trigger acting on the whole
message, or (neither) a symptom coming back."""


class SignCheck(NamedTuple):
    """What the check found: the sign, whether to alert, and why.

    `triggers` are the words that made it alert; `ruled_out` says which mentions the
    context step set aside and why ("fever: negated by 'no'"). `asked_about` is true for
    a question about warning signs in general: it gets the warning-signs answer, no alert.
    """

    sign: str | None = None
    alert: bool = False
    triggers: tuple[str, ...] = ()
    ruled_out: tuple[str, ...] = ()
    asked_about: bool = False
    probability: float | None = None


class _Mention(NamedTuple):
    hit: Hit[Sign]
    reasons: tuple[str, ...]
    clause: tuple[int, int]
    healing: tuple[int, int] | None = None
    """The widest phrase of normal healing on the day that holds the mention, if any."""


class SignChecker:
    """The warning-sign check of one knowledge version; build once, `check` many times."""

    def __init__(self, knowledge: WarningSigns, identify: Identify | None = None) -> None:
        self.knowledge = knowledge
        lists = knowledge.word_lists
        # What every message is read for, in one pass over its words: the signs, the
        # words of a symptom coming back, and the context acting on the whole message.
        self._phrases: PhraseIndex[_Found] = PhraseIndex()
        for sign in knowledge.signs:
            for text in sign.phrases:
                self._phrases.add(compile_phrase(text, lists), (sign, None))
        for text in knowledge.improving:
            self._phrases.add(compile_phrase(text, lists), (IMPROVING, None))
        for text in knowledge.relapse:
            self._phrases.add(compile_phrase(text, lists), (None, None))
        # Apart from the rest: read only when the classifier alone would alert.
        self._symptoms: PhraseIndex[Sign] = PhraseIndex()
        for text in knowledge.symptoms:
            self._symptoms.add(compile_phrase(text, lists), SYMPTOM)
        self._normal = {
            f"normal {index}": normal for index, normal in enumerate(knowledge.normal_healing)
        }
        self._context = ConText(
            [
                (compile_phrase(term.phrase, lists), Trigger(term.category, term.direction))
                for term in knowledge.context
            ],
            [compile_phrase(text, lists) for text in knowledge.pseudo_triggers],
            [compile_phrase(text, lists) for text in knowledge.clause_ends],
            [
                (compile_phrase(t.phrase, lists), t.category)
                for t in knowledge.category_ends
                if t.direction == "ends"
            ],
            extra={
                _IDIOM: [compile_phrase(text, lists) for text in knowledge.other_senses],
                _WORSE: [compile_phrase(text, lists) for text in knowledge.getting_worse],
                **{
                    name: [compile_phrase(text, lists) for text in normal.phrases]
                    for name, normal in self._normal.items()
                },
            },
            crossings=[
                (compile_phrase(t.phrase, lists), t.category)
                for t in knowledge.category_ends
                if t.direction == "crosses"
            ],
        )
        for phrase, trigger in self._context.anywhere:
            self._phrases.add(phrase, (None, trigger))
        self._language = LanguageGate(knowledge.vocabulary, identify)
        self._sentences = SentenceRules(knowledge)
        self._theirs_now = (
            # "my friend had pus after hers, mine is worse": the patient's too.
            SharedSign(knowledge.experiencer.shared, lists, WHOSE),
            # "years ago I had cellulitis and now my cheek feels the same": back now.
            SharedSign(knowledge.past_story.returned, lists, WHEN),
            # "is it normal for the skin to smell? mine does since yesterday": theirs.
            SharedSign(knowledge.general_question.owned, lists, ASKED),
        )

    def check(self, text: str, day: int | None = None) -> SignCheck:
        """Does `text`, from a patient on `day` since treatment (None: unknown), report a
        warning sign now?"""
        text = text[:MESSAGE_LIMIT]
        folded = fold(text)
        found = folded_tokens(folded)
        language = self._language.unreadable(text, found, folded)
        if language is not None:
            return SignCheck(UNREADABLE, alert=True, triggers=(f"language: {language}",))
        line = Line.of(found)
        day = day if day is not None else day_in_text(found)
        hits, relapses, anywhere = self._read(line)
        hits, relapsed = _relapsed(hits, relapses)
        mentions = self._judged(line, hits, day, anywhere)
        kept = [m for m in mentions if not m.reasons]
        ruled_out = _ruled_out(mentions, found)
        if kept:
            words = tuple(dict.fromkeys(f"{m.hit.value.id}: {m.hit.words(found)}" for m in kept))
            # The longest description is the most telling: "lumps like nettle stings" is
            # an allergic reaction more than a lump.
            named = max(kept, key=lambda m: (m.hit.end - m.hit.start, -m.hit.start))
            return SignCheck(named.hit.value.id, True, words, ruled_out)
        # A sign's word used in another sense ("sick of waiting") mentions no sign at all:
        # the other sentences are read as if it were not there ("I'm sick of foundation.
        # The cream is making my face swell and itch"); its own sentence is not read.
        idioms = [m for m in mentions if all(r.startswith(_IDIOM) for r in m.reasons)]
        only_idioms = bool(idioms) and len(idioms) == len(mentions)
        rest = self._without_sentences(line, idioms) if only_idioms else ""
        if mentions and not rest:
            asked = any(
                all(reason.startswith("hypothetical") for reason in m.reasons) for m in mentions
            )
            signs = [m.hit.value.id for m in mentions if m.hit.value is not IMPROVING]
            return SignCheck(signs[0] if signs else None, False, (), ruled_out, asked_about=asked)
        text = rest or text
        probability = self.knowledge.classifier.probabilities(text)["report"]
        threshold = self.knowledge.alert_probability
        if probability < threshold:
            return SignCheck(probability=probability)
        symptoms = (
            []
            if relapsed
            else self._judged(line, _longest(self._symptoms.find(line)), day, anywhere)
        )
        ruled = [m for m in symptoms if m.reasons]
        if ruled:
            # The classifier reads words, not who has them or where: "no pain at all",
            # "my toe is red and hot" score like reports. Read again without the symptoms
            # the context step ruled out: an alert must rest on the words left.
            # No evidence either: the day told, that made it normal ("day 2" is in reports),
            # the words that joined them ("and": reports list signs) and where the skin is
            # (reports name it more than questions), but in a standing symptom's clause.
            told = day_told(found)
            gone = {i for m in ruled for i in range(*_context_of(m))} | told
            near = {j + 1 for j in gone} | {j - 1 for j in gone}
            gone |= {i for i in near if 0 <= i < len(found) and found[i] in _JOINS}
            gone |= self._sentences.read(line).face_words()
            gone -= {i for m in symptoms if not m.reasons for i in range(*m.clause)}
            gone |= told
            rest = " ".join(token for i, token in enumerate(found) if i not in gone)
            if self.knowledge.classifier.probabilities(rest)["report"] < threshold:
                return SignCheck(ruled_out=_ruled_out(ruled, found), probability=probability)
        return SignCheck(
            self._likeliest_sign(found),
            True,
            (f"classifier {probability:.2f}: {', '.join(self._telling_words(text))}",),
            probability=probability,
        )

    def _read(self, line: Line) -> tuple[list[Hit[Sign]], list[int], list[Hit[Trigger]]]:
        """The sign mentions; where a symptom is told as coming back; and the hits of the
        context that acts on the whole message."""
        signs: list[Hit[Sign]] = []
        relapses: list[int] = []
        anywhere: list[Hit[Trigger]] = []
        for hit in self._phrases.find(line):
            sign, trigger = hit.value
            if sign is not None:
                signs.append(Hit(hit.start, hit.end, hit.phrase, sign, hit.skipped))
            elif trigger is not None:
                anywhere.append(Hit(hit.start, hit.end, hit.phrase, trigger, hit.skipped))
            else:
                relapses.append(hit.start)
        return _longest(signs), relapses, anywhere

    def _judged(
        self,
        line: Line,
        hits: list[Hit[Sign]],
        day: int | None,
        anywhere: Sequence[Hit[Trigger]],
    ) -> list[_Mention]:
        """Each mention with the reasons the context step rules it out (none: kept)."""
        if not hits:
            return []
        found = line.tokens
        # Context reaches MAX_SCOPE words from a mention, plus the length of a trigger.
        reach = MAX_SCOPE + 8
        near = [(max(0, h.start - reach), min(len(found), h.end + reach)) for h in hits]
        reading = self._context.read(line, near, anywhere)
        rules = self._sentences.read(line)
        idioms = reading.extra.get(_IDIOM, [])
        worse = reading.extra.get(_WORSE, [])
        normal = [
            span
            for name, normal in self._normal.items()
            if day is not None and normal.covers(day)
            for span in reading.extra.get(name, [])
        ]
        # Where each of `_theirs_now` opens in the message, found when first needed.
        opening: dict[int, list[int]] = {}
        mentions = []
        for hit in hits:
            first, last = reading.clause(hit.start, hit.end)
            on_the_skin = hit.value.whole_body or rules.names_face(first, last)
            # Another body part in an earlier clause holds the mention unless its sentence
            # named the face first: "scratched my cheek with my nails, there's pus".
            before = rules.names_face(rules.sentence(hit.start)[0], hit.start)
            reasons = [
                f"{m.category} by '{m.words}'"
                for m in reading.modifiers(hit.start, hit.end, hit.skipped)
                if not (m.category == "elsewhere" and (on_the_skin or (m.at < first and before)))
            ]
            reasons += [
                f"other sense: '{' '.join(found[start:end])}'"
                for start, end in idioms
                if start < hit.end and hit.start < end
            ]
            owner = None if on_the_skin else rules.owner(hit.start, first)
            if owner is not None:
                reasons.append(f"elsewhere: said of '{owner}', which no report names")
            reasons += rules.reasons(hit.start, hit.end, first, last)
            for which, theirs in enumerate(self._theirs_now):
                if any(reason.startswith(theirs.undone) for reason in reasons):
                    if which not in opening:
                        opening[which] = theirs.starts(line)
                    reasons = shared(reasons, hit.end, opening[which], theirs.undone)
            if hit.value is IMPROVING:
                reasons.append("getting better")
            # Normal on the day only while nothing in its sentence says it is getting
            # worse, spreading, severe or lasting: "puffy this morning and now I cant
            # open them" is no morning puffiness.
            begin, stop = rules.sentence(hit.start)
            growing = any(begin <= at < stop for at, _ in worse)
            early = hit.value.from_day is not None and day is not None and day < hit.value.from_day
            if early and not growing:
                reasons.append(f"normal healing on day {day}")
            # A word of getting worse that is the mention's own is what the phrase of
            # normal healing names: "redder than when I left the clinic" on day 1.
            own = not any(
                begin <= at < stop and not (hit.start <= at and end <= hit.end) for at, end in worse
            )
            healing = [(s, e) for s, e in normal if s <= hit.start and hit.end <= e and own]
            reasons += [
                f"normal healing on day {day}: '{' '.join(found[start:end])}'"
                for start, end in healing
            ]
            widest = max(healing, key=lambda span: span[1] - span[0], default=None)
            mentions.append(_Mention(hit, tuple(reasons), (first, last), widest))
        return mentions

    def _without_sentences(self, line: Line, mentions: Sequence[_Mention]) -> str:
        """The words of `line` outside the sentences that hold `mentions`."""
        rules = self._sentences.read(line)
        gone: set[int] = set()
        for mention in mentions:
            gone.update(range(*rules.sentence(mention.hit.start)))
        return " ".join(token for i, token in enumerate(line.tokens) if i not in gone)

    def _likeliest_sign(self, found: Sequence[str]) -> str:
        totals: dict[str, float] = {}
        for word in dict.fromkeys(found):
            for sign, weight in self.knowledge.sign_words.weights(word).items():
                totals[sign] = totals.get(sign, 0.0) + weight
        if not totals:
            return self.knowledge.signs[0].id
        return max(totals, key=lambda sign: (totals[sign], sign))

    def _telling_words(self, text: str) -> list[str]:
        """The words whose own weight says "report" the most, for staff reading why."""
        weights = self.knowledge.classifier.feature_weights
        scored = [
            (weights("w:" + word)[0], word)
            for word in set(read_words(text)[0])
            if word not in COMMON_WORDS
        ]
        return [word for weight, word in sorted(scored, reverse=True)[:3] if weight > 0]


def _context_of(mention: _Mention) -> tuple[int, int]:
    """The words a ruled-out symptom takes with it: its clause ("my toe is red and hot"),
    or only the phrase of normal healing that holds it ("looks like I've been slapped",
    not "cant warm up" of "my teeth are chattering and I cant warm up, day 2")."""
    if all(reason.startswith("normal healing") for reason in mention.reasons):
        return mention.healing or (mention.hit.start, mention.hit.end)
    return mention.clause


def _ruled_out(mentions: Sequence[_Mention], found: Sequence[str]) -> tuple[str, ...]:
    """Each mention set aside, with why, for staff reading the decision."""
    return tuple(
        f"{m.hit.value.id}: '{m.hit.words(found)}' {'; '.join(m.reasons)}"
        for m in mentions
        if m.reasons
    )


def _relapsed(hits: list[Hit[Sign]], relapses: Sequence[int]) -> tuple[list[Hit[Sign]], bool]:
    """The mentions without a symptom told as getting better that came back after all
    ("went down, but today it came back worse"), and whether there was one."""
    if not relapses or not any(hit.value is IMPROVING for hit in hits):
        return hits, False
    kept = [
        hit
        for hit in hits
        if hit.value is not IMPROVING or not any(at >= hit.end for at in relapses)
    ]
    return kept, len(kept) < len(hits)


def _longest(hits: list[Hit[Sign]]) -> list[Hit[Sign]]:
    """One mention per stretch of words: a hit inside a longer one of the same sign goes."""
    kept: list[Hit[Sign]] = []
    of_sign: dict[int, list[Hit[Sign]]] = {}
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        same = of_sign.setdefault(id(hit.value), [])
        if any(k.start <= hit.start and hit.end <= k.end for k in same):
            continue
        same.append(hit)
        kept.append(hit)
    return kept
