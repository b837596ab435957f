"""What staff write, as the bot holds it: topics, wording, check-in plan and warning signs.

Plain immutable values, built by `bot.knowledge.loader` and read everywhere else. Most are
named tuples (copied with changes by `_replace`): defining a dataclass costs every start of
`aftercare` about a millisecond, compiling its generated methods, and importing the
`dataclasses` module several more (it brings `inspect`, `ast` and `tokenize`), and `aftercare
ask` reads every module of `bot.core`, `scheduler.planning` and `bot.config`, so none of them
defines one. The knowledge base itself, whose derived index is no field to compare, and the
wording, read by key, are small plain classes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from bot.core.classifier import LinearModel
from scheduler.planning import CheckInPlan

REQUIRED_TOPICS = (
    "redness-swelling",
    "pain-discomfort",
    "washing-cleansing",
    "moisturizer-hydration",
    "serums",
    "actives-to-avoid",
    "makeup",
    "sun-protection",
    "exercise-sweating",
    "swimming-heat",
    "peeling-flaking",
    "breakouts",
    "results-timeline",
    "how-it-works",
    "sessions-followup",
    "lifestyle-diet",
    "warning-signs",
    "scars-pigmentation",
    "shaving-hair-removal",
    "touching-hygiene",
    "other-treatments",
    "contact-clinic",
    "before-treatment",
)
"""The topic ids labelled questions refer to: every knowledge folder must have them."""
WARNING_SIGNS = "warning-signs"
OFF_TOPIC = "off-topic"
"""The scope of a topic outside aftercare (price, other procedures), and the scope
classifier's label for a message that is."""


class Problem(NamedTuple):
    """One thing wrong in the knowledge folder, located for the person who edits it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge folder cannot be used; `problems` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DayVariant(NamedTuple):
    """An answer that applies from day `first` to day `last` (None: onwards)."""

    first: int
    last: int | None
    answer: str

    def covers(self, day: int) -> bool:
        return day >= self.first and (self.last is None or day <= self.last)


class Rule(NamedTuple):
    """One topic: how patients ask about it and what the clinic answers."""

    id: str
    title: str
    examples: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...] = ()
    by_day: tuple[DayVariant, ...] = ()
    scope: str = "aftercare"
    source: str = ""

    @property
    def is_aftercare(self) -> bool:
        return self.scope == "aftercare"

    @property
    def is_social(self) -> bool:
        """Greetings, thanks, small talk: polite words that never hide a real question."""
        return self.scope == "social"

    def answer_for(self, day: int | None) -> str:
        """The answer for a patient on `day` since treatment (None: day unknown)."""
        if day is not None:
            for variant in self.by_day:
                if variant.covers(day):
                    return variant.answer
        return self.answer


class Wording:
    """The bot's own sentences, with the clinic's details filled in."""

    __slots__ = ("texts",)

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts

    def __getitem__(self, key: str) -> str:
        return self.texts[key]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Wording):
            return NotImplemented
        return self.texts == other.texts


class Sign(NamedTuple):
    """One warning sign: how patients describe it (phrases, see `bot.core.phrases`)."""

    id: str
    name: str
    phrases: tuple[str, ...]
    whole_body: bool = False
    from_day: int | None = None


class NormalHealing(NamedTuple):
    """Descriptions the knowledge calls normal from day `first` to day `last` (None: on)."""

    first: int
    last: int | None
    phrases: tuple[str, ...]

    def covers(self, day: int) -> bool:
        return day >= self.first and (self.last is None or day <= self.last)


class PastStory(NamedTuple):
    """How a story that ended is told: a sentence `told` in the past, with an `anchor` in
    it ("years ago") or a message that says it `ended` ("nothing since", "all good now"),
    is the past for every mention in it, unless the mention's own clause says `now`."""

    told: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    ended: tuple[str, ...] = ()
    now: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()
    """The patient saying, after a sign told in the past, that it is back or the same now
    ("years ago I had cellulitis and now my cheek feels the same"): the sign is theirs now."""


class GeneralQuestion(NamedTuple):
    """How a question about signs in general is asked: a sentence that `opens` with a
    question word and has none of the `anchors` that tie it to the patient ("my", "it",
    "today"): "do blisters happen after microneedling", "which is worse, pus or a fever"."""

    opens: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    """Words that ask about what is usual whatever the anchors ("generally?", "in
    general?"): the sentence asks about signs in general even when it says "it"."""
    owned: tuple[str, ...] = ()
    """The patient saying after a sign asked about that they have it ("is it normal for
    the skin to smell? mine does since yesterday"): the sign is theirs now."""


class Retraction(NamedTuple):
    """How a patient takes back what they just said: a `phrase` after a mention in its
    sentence, or opening the next sentence ("MY SKIN IS ON FIRE. in a good way", "lips
    are blowing up. jk"), or one of `later` opening either of the next two sentences
    ("I thought my lip was swelling. Checked in the mirror. Actually no, it's fine"),
    unless it sits inside one of `unless` ("not joking")."""

    phrases: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    later: tuple[str, ...] = ()


class Experiencer(NamedTuple):
    """Whose a mention is when a pronoun tells it ("her cheeks were oozing", "she had a
    fever"): the person the pronoun points back to, the nearest of `others` (people the
    patient does not speak for: a friend, a client, someone online) named before it,
    however long the story in between, unless `family` is named too."""

    pronouns: tuple[str, ...] = ()
    """Pronouns of one person ("she", "her"): they never point back to several."""
    plural_pronouns: tuple[str, ...] = ()
    """Pronouns of one or several ("they", "their")."""
    others: tuple[str, ...] = ()
    plural_others: tuple[str, ...] = ()
    """Several people the patient does not speak for ("her flatmates", "the girls")."""
    family: tuple[str, ...] = ()
    """Named anywhere before the pronoun, the patient may be writing for them."""
    patient: tuple[str, ...] = ()
    """The patient's own words ("my", "I"): after the pronoun, the mention is theirs."""
    contrast: tuple[str, ...] = ()
    """The patient setting their own skin against the other's after the mention ("mine is
    fine", "me I am fine"): the other's sign is theirs told now too, pronoun or not."""
    shared: tuple[str, ...] = ()
    """The patient saying they have it too, after the mention ("mine is worse", "me too",
    "I have one too"): someone else's sign told before it is the patient's too."""


class ContextTerm(NamedTuple):
    """A ConText trigger: `category` (negated, historical...) looking `direction`; with
    `direction` "ends", a word that ends the scope of this category only; "crosses", a
    phrase starting with a clause end that this category's scope passes over."""

    category: str
    direction: str
    phrase: str


class SignWords(NamedTuple):
    """How often each sign's labelled reports use each word: a small naive Bayes that
    names the likeliest sign when only the classifier finds one.

    `signs` are in the order first reported; `totals` is each sign's word count plus the
    vocabulary's size (add-one smoothing); `counts` lists, per word, the signs whose
    reports use it and in how many reports."""

    signs: tuple[str, ...]
    totals: tuple[int, ...]
    counts: Mapping[str, Mapping[str, int]]

    def weights(self, word: str) -> dict[str, float]:
        """Per sign, how much more likely `word` is in its reports than on average (log);
        empty for a word no report uses."""
        used = self.counts.get(word)
        if used is None:
            return {}
        logs = {
            sign: math.log((used.get(sign, 0) + 1) / total)
            for sign, total in zip(self.signs, self.totals, strict=True)
        }
        mean = sum(logs.values()) / len(logs)
        return {sign: value - mean for sign, value in logs.items()}


class WarningSigns(NamedTuple):
    """The warning signs, the words that put them in context, and the trained classifier
    (`sign_words` names the likeliest sign when only the classifier finds one)."""

    signs: tuple[Sign, ...]
    word_lists: Mapping[str, tuple[str, ...]]
    context: tuple[ContextTerm, ...]
    pseudo_triggers: tuple[str, ...]
    clause_ends: tuple[str, ...]
    category_ends: tuple[ContextTerm, ...]
    treated_skin: tuple[str, ...]
    other_senses: tuple[str, ...]
    improving: tuple[str, ...]
    relapse: tuple[str, ...]
    normal_healing: tuple[NormalHealing, ...]
    classifier: LinearModel
    alert_probability: float
    sign_words: SignWords
    vocabulary: frozenset[str]
    symptoms: tuple[str, ...] = ()
    """Words for how the skin feels or looks that are no sign on their own ("sore",
    "red"): the classifier alone alerts only when one of them is not ruled out by context."""
    possessors: frozenset[str] = frozenset()
    """Words that name whose a noun is ("my", "her"): a mention is said of the nearest
    noun one of them (or a determiner) names, and a noun no report or sign phrase uses is a
    thing or another body part, not the treated skin ("my lunchbox smells rotten")."""
    determiners: frozenset[str] = frozenset()
    """Words that open a noun like a possessor ("the", "a", "this")."""
    owner_links: frozenset[str] = frozenset()
    """Words between that noun and the mention ("is", "smells", "really")."""
    past_story: PastStory = PastStory()
    general_question: GeneralQuestion = GeneralQuestion()
    retraction: Retraction = Retraction()
    experiencer: Experiencer = Experiencer()
    getting_worse: tuple[str, ...] = ()
    """Words that say a symptom is getting worse, spreading, severe or lasting: in their
    sentence, healing the knowledge calls normal on the day is no longer ruled out."""
    other_skin: tuple[str, ...] = ()
    """A face word owned by another body part ("the skin on my arm", "my knee scar"): no
    treated skin, so it does not keep a mention on another body part."""


class KnowledgeBase:
    """Everything staff wrote, validated; never changed once built (`_replace` makes a
    copy with changes). Two are equal when what staff wrote is: the warnings and the
    trained classifiers, derived from it, are not compared."""

    def __init__(
        self,
        rules: tuple[Rule, ...],
        wording: Wording,
        plan: CheckInPlan,
        concepts: Mapping[str, tuple[str, ...]],
        source_dir: Path,
        warnings: tuple[Problem, ...] = (),
        signs: WarningSigns | None = None,
        topic_classifier: LinearModel | None = None,
        scope_classifier: LinearModel | None = None,
    ) -> None:
        self.rules = rules
        self.wording = wording
        self.plan = plan
        self.concepts = concepts
        self.source_dir = source_dir
        self.warnings = warnings
        """Things that load but look wrong (an answer cut off mid-sentence): `kb check`
        shows them, nothing refuses them."""
        self.signs = signs
        """None only in knowledge built by hand for tests that never read a message."""
        self.topic_classifier = topic_classifier
        """The classifier trained on the topics' example phrasings (see
        `bot.knowledge.trained`); None, like `signs`, only in knowledge built by hand."""
        self.scope_classifier = scope_classifier
        """Whether a message is for the aftercare answers at all (`bot.knowledge.trained`);
        None only in knowledge built by hand, whose matcher then never doubts its scope."""
        self._by_id = {r.id: r for r in rules}

    def _replace(self, **changes: Any) -> KnowledgeBase:
        """A copy with the fields named in `changes` changed, as a named tuple's."""
        fields = {name: getattr(self, name) for name in _KNOWLEDGE_FIELDS}
        return KnowledgeBase(**(fields | changes))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KnowledgeBase):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _COMPARED)

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self._by_id

    @property
    def aftercare_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.is_aftercare)


_COMPARED = ("rules", "wording", "plan", "concepts", "source_dir", "signs")
_KNOWLEDGE_FIELDS = (*_COMPARED, "warnings", "topic_classifier", "scope_classifier")
