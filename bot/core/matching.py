"""Which topic a patient's message is about: the matcher.

Two opinions are blended for every topic: the lexical score (`bot.core.lexical`: the
nearest example phrasing and how much of the message the topic's words explain) and a
learned one (`bot.core.classifier`: a linear classifier over word and character n-grams,
trained on the same example phrasings when the knowledge is loaded, so staff examples
train it). In a long message the sentences that ask something weigh more than the story
around them (`bot.core.asks`); a message asking two things is answered twice. A few
rules stay on top of the scores: words that only ever mean an off-topic question win,
a greeting never hides a question, and anything about the time before a session is
`before-treatment`. Warning signs are checked first, separately, and always win.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from bot.core.asks import clause_focus, focus, other_sides, split_asked
from bot.core.classifier import LinearModel
from bot.core.decision import (
    MAX_SUGGESTIONS,
    Candidate,
    Decision,
    DecisionThresholds,
    SecondLook,
    Verdict,
    decide,
    decide_parts,
    decide_together,
    promoted,
    several_possible,
    within_reach,
)
from bot.core.lexical import BEFORE_SESSION_TERM, MESSAGE_CACHE, LexicalSettings, TermIndex
from bot.core.long_reading import topic_reading
from bot.core.model import OFF_TOPIC, WARNING_SIGNS, KnowledgeBase, Rule
from bot.core.signs import UNREADABLE, SignCheck, SignChecker
from bot.core.text import MAX_MESSAGE_CHARS, words
from bot.core.things_asked import coordinated

BEFORE_TREATMENT = "before-treatment"
OTHER_PROCEDURES = "other-procedures"
MAX_PARTS = 8
"""The questions of one message ranked one by one, in the order asked."""
RANKED = 12
"""How many leading topics a ranking keeps: suggestions and rules look no further."""


class Thresholds(NamedTuple):
    """How the two opinions are blended and where a score becomes an answer.

    Chosen with `bench/tune_thresholds.py` on the tuning sets (tests/data/tuning, dev.jsonl
    and tests/data/patients.jsonl); see the README for the figures.
    """

    decision: DecisionThresholds = DecisionThresholds()
    lexical: LexicalSettings = LexicalSettings()
    learned_weight: float = 0.35
    """The classifier's share of a topic's score (trained: `bot.knowledge.trained.TOPICS`)."""
    question_weight: float = 0.8
    """In a message with a story around its questions, the questions' share of the score..."""
    question_strength: float = 0.7
    """...unless the questions' best score is below this share of the whole message's: "What's
    the right thing to do?" says too little of what it asks about, so the whole is read."""
    agreement: float = 24.0
    """Added to a topic both opinions put first: they rarely agree on a wrong topic."""
    off_topic_share: float = 0.6
    """A word that only means an off-topic question wins at this share of the best score."""


class Match(NamedTuple):
    """What the knowledge says about one message.

    `rule` is the first topic answered (or the warning-signs topic); `rules` lists every
    topic answered, in the order asked, and `answer` is their answers together.
    """

    rule: str | None
    title: str | None
    score: float
    decision: Decision
    red_flag: bool
    suggestions: tuple[str, ...]
    answer: str
    intent: str | None = None
    sign: str | None = None
    rules: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    """The words that named the warning sign."""
    ruled_out: tuple[str, ...] = ()
    """The context that set a mention of a sign aside (denied, past, someone else...)."""

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "rules": list(self.rules),
            "title": self.title,
            "score": self.score,
            "answer": self.answer,
            "red_flag": self.red_flag,
            "suggestions": list(self.suggestions),
            "decision": self.decision,
            "intent": self.intent,
            "sign": self.sign,
            "triggers": list(self.triggers),
            "ruled_out": list(self.ruled_out),
        }


class Matcher:
    """Scores messages against one knowledge base; build once, call `match` many times."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        classifier: LinearModel | None = None,
        index: TermIndex | None = None,
    ) -> None:
        """Index `knowledge` (or take its `index`, built while its models were training);
        `classifier` replaces its topic classifier (for tuning)."""
        classifier = classifier or knowledge.topic_classifier
        if knowledge.signs is None or classifier is None:
            raise ValueError("a matcher needs the trained knowledge: load the knowledge folder")
        self.signs = SignChecker(knowledge.signs)
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self.index = TermIndex(knowledge, self.thresholds.lexical) if index is None else index
        self.classifier = classifier
        self.scope = knowledge.scope_classifier
        self._rules = {rule.id: rule for rule in knowledge.rules}
        self._ids = [rule.id for rule in knowledge.rules]
        self._aftercare = [rule.is_aftercare for rule in knowledge.rules]
        self._social = [rule.is_social for rule in knowledge.rules]
        # Where each topic's probability sits among the classifier's labels; a topic the
        # classifier does not know reads the extra zero at the end.
        position = {label: i for i, label in enumerate(self.classifier.labels)}
        self._learned_order = [position.get(topic, len(position)) for topic in self._ids]
        self._learned = lru_cache(maxsize=MESSAGE_CACHE)(self._learned_uncached)

    def _learned_uncached(self, text: str) -> list[float]:
        """The classifier's probability of every topic, in the knowledge's order."""
        probabilities = [*self.classifier.probability_list(text[:MAX_MESSAGE_CHARS]), 0.0]
        return [probabilities[position] for position in self._learned_order]

    def terms(self, text: str) -> list[str]:
        """The message as lexical terms (see `TermIndex.terms`)."""
        return self.index.terms(text)

    def grouping_key(self, text: str) -> str:
        """The message's distinct terms, sorted: two questions with the same key ask the
        same ("how much is it", "cost?"); its plain words when it has no term at all."""
        return " ".join(sorted(set(self.terms(text)))) or " ".join(words(text))

    @property
    def reading(self) -> str:
        """How this matcher reads terms (`TermIndex.reading`): a grouping key kept with
        the same reading is the key this matcher would give."""
        return self.index.reading

    def scores(self, text: str) -> list[tuple[float, Rule]]:
        """Every topic with its blended score from 0 to 100, best first."""
        text = topic_reading(text)
        return [(c.score, self._rules[c.topic]) for c in self._rank(text, set(self.terms(text)))]

    def _blend(self, text: str, query: set[str]) -> list[float]:
        """Every topic's score, in the knowledge's order."""
        lexical = self.index.topic_scores(query)
        learned = self._learned(text)
        weight = self.thresholds.learned_weight
        blended = [
            (1 - weight) * near + (weight * 100) * guess
            for near, guess in zip(lexical, learned, strict=True)
        ]
        agreed = _first_best(lexical)
        if self._social[agreed] and self._asks_aftercare(query):
            # "hola, can I use foundation after 2 days?": the greeting loses to the question
            # (see `_with_rules`), so the opinions agree or not on the question's topic.
            asked = [
                0.0 if social else score
                for social, score in zip(self._social, lexical, strict=True)
            ]
            agreed = _first_best(asked)
        if lexical[agreed] > 0 and agreed == _first_best(learned):
            blended[agreed] += self.thresholds.agreement
        return blended

    def _rank(self, text: str, query: set[str]) -> list[Candidate]:
        scores = self._blend(text, query)
        asked = self._question(text)
        if asked is not None:
            # The story around a question must not dilute it below the answer threshold.
            focused = self._blend(asked, set(self.terms(asked)))
            limits = self.thresholds
            if max(focused) >= limits.question_strength * max(scores):
                weight = limits.question_weight
                scores = [
                    weight * question + (1 - weight) * whole
                    for question, whole in zip(focused, scores, strict=True)
                ]
        return self._ranked(scores)

    def _ranked(self, scores: list[float]) -> list[Candidate]:
        # The leading topics are all any decision looks at; building the rest costs time.
        leading = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:RANKED]
        return [Candidate(self._ids[i], scores[i], self._aftercare[i]) for i in leading]

    def match(self, text: str, day: int | None = None) -> Match:
        """Decide how to answer `text` from a patient on `day` since treatment."""
        wording = self.knowledge.wording
        red = self.signs.check(text, day)
        if red.alert:
            key = "unreadable_answer" if red.sign == UNREADABLE else "red_flag_answer"
            return self._warning(red, 100.0, red_flag=True, answer=wording[key])
        # The check read every sentence; the topic half reads a long story's asks.
        text = topic_reading(text)
        query = set(self.terms(text))
        ranked = self._rank(text, query)
        verdict = self._verdict(text, query, ranked, bool(red.ruled_out))
        # A general question about warning signs gets their topic, unless it is about another
        # procedure ("signs of an infected piercing"), the next session ("I get cold sores..."),
        # or something their topic is not even a leading guess for ("fringe dye dripped on me").
        before = verdict.topic == BEFORE_TREATMENT and BEFORE_SESSION_TERM in query
        leading = any(c.topic == WARNING_SIGNS for c in ranked[:MAX_SUGGESTIONS])
        if red.asked_about and verdict.intent != OTHER_PROCEDURES and not before and leading:
            top = ranked[0].score if ranked else 0.0
            rule = self.knowledge.rule(WARNING_SIGNS)
            return self._warning(red, max(top, 50.0), red_flag=False, answer=rule.answer_for(day))
        topic = self._reply(verdict, day)
        # A mention the context step set aside is shown to staff testing with `ask --json`.
        return topic._replace(sign=red.sign, ruled_out=red.ruled_out) if red.ruled_out else topic

    def _verdict(self, text: str, query: set[str], ranked: list[Candidate], aside: bool) -> Verdict:
        limits = self.thresholds.decision
        ranked = self._with_rules(text, query, ranked)
        # A reply answers a few questions, never sixty: a long story's later questions
        # are not ranked one by one (the whole message's ranking still reads them).
        size = len(text.split())
        asked = split_asked(text, MAX_PARTS) if several_possible(ranked, limits, size) else []
        parts = [question.text for question in asked]
        look = self._second_look(text, ranked)._replace(sign_set_aside=aside)
        if len(parts) < 2:
            verdict = decide(ranked, limits, look)
        else:
            ranked_parts = map(self._part_ranking, parts)
            verdict = decide_parts(ranked, ranked_parts, limits, other_sides(asked), look, size)
        # "can i wear contacts and eyeliner tomorrow?" (all `before-treatment` before a session)
        if BEFORE_SESSION_TERM in query:
            return verdict
        pieces = map(self._part_ranking, [p for part in parts for p in coordinated(part)])
        return decide_together(verdict, ranked, pieces, limits, look, size)

    def _second_look(self, text: str, ranked: list[Candidate]) -> SecondLook:
        """What the classifiers say of the question in `text` (see `SecondLook`); none when
        the warning signs lead, whose answer is left to the scores alone: never held back
        from a worry, never given to "signs you're ready for botox" on a lower score."""
        limits = self.thresholds.decision
        if not within_reach(ranked, limits) or ranked[0].topic == WARNING_SIGNS:
            return SecondLook()
        asked = self._question(text) or text
        learned = self._learned(asked)
        best = _first_best(learned)
        agreed = learned[best] if self._ids[best] == ranked[0].topic else 0.0
        if self.scope is None or self.index.tied_to_treatment(asked):
            return SecondLook(0.0, agreed)
        outside = self.scope.probabilities(asked[:MAX_MESSAGE_CHARS]).get(OFF_TOPIC, 0.0)
        return SecondLook(outside, agreed)

    def ranking(self, text: str) -> list[Candidate]:
        """Every topic for `text`, best first, with the rules applied (see `_with_rules`)."""
        text = topic_reading(text)
        query = set(self.terms(text))
        return self._with_rules(text, query, self._rank(text, query))

    def part_rankings(self, text: str) -> list[list[Candidate]]:
        """The ranking of each separate question in `text`, if it asks more than one."""
        parts = split_asked(topic_reading(text))
        return [self._part_ranking(part.text) for part in parts] if len(parts) > 1 else []

    def _part_ranking(self, part: str) -> list[Candidate]:
        # A part is one question already, and the rules have been applied to the whole.
        return self._ranked(self._blend(part, set(self.terms(part))))

    def _with_rules(self, text: str, query: set[str], ranked: list[Candidate]) -> list[Candidate]:
        """The rules on top of the scores, applied by reordering the ranking. In a message
        with a story, the rules read its questions only: "my GP says I should quit, can I
        smoke?" is about smoking."""
        index = self.index
        asked = self._question(text)
        if asked is not None:
            text, query = asked, set(self.terms(asked))
        outside = next((c for c in ranked if self._rules[c.topic].scope == OFF_TOPIC), None)
        # "how much is filler", "my knee hurts": words that only ever mean a question
        # outside aftercare win over the aftercare words around them, unless the off-topic
        # reading is far behind; "makeup after a chemical peel" is the peel's aftercare, and
        # "best moisturiser for oily skin" or "sunscreen for my kids" general advice.
        if outside is not None and (
            (
                index.off_topic_terms.intersection(query)
                and outside.score >= self.thresholds.off_topic_share * ranked[0].score
            )
            or index.about_another_procedure(text)
            or index.asks_what_is_offered(text)
            or index.general_advice(text)
        ):
            ranked = promoted(ranked, outside.topic)
        elif BEFORE_SESSION_TERM in query:
            ranked = promoted(ranked, BEFORE_TREATMENT)
        # "hey, can I go to the gym?": a greeting or thanks word must not hide an aftercare
        # question; the social reply wins only when that is all there is ("no worries" is
        # all there is, though "worries" is an aftercare word).
        learned_best = self._rules[self._ids[_first_best(self._learned(text))]]
        if self._asks_aftercare(query) and not learned_best.is_social:
            ranked = [c for c in ranked if not self._rules[c.topic].is_social]
        return ranked

    def _question(self, text: str) -> str | None:
        """The part of `text` that asks, when a story surrounds it (`bot.core.asks.focus`)
        and it says what it asks about: "I'm peeling after it. Is that normal?" asks about
        the sentence before, so the whole message is read."""
        asked = _focus(text)
        if asked is None or not self._asks_aftercare(set(self.terms(asked))):
            return None
        return asked

    def _asks_aftercare(self, query: set[str]) -> bool:
        """Whether the terms `query` have an aftercare word that is not a social or time one."""
        index = self.index
        return bool((query & index.aftercare_terms) - index.social_terms - index.time_terms)

    def _reply(self, verdict: Verdict, day: int | None) -> Match:
        wording = self.knowledge.wording
        if verdict.decision == "answer":
            rules = [self._rules[topic] for topic in verdict.topics]
            if len(rules) == 1:
                answer = rules[0].answer_for(day)
            else:
                answer = "\n\n".join(f"<b>{r.title}</b>\n{r.answer_for(day)}" for r in rules)
            first = rules[0]
            return Match(
                first.id,
                first.title,
                round(verdict.score, 1),
                "answer",
                False,
                verdict.suggestions,
                answer,
                rules=verdict.topics,
            )
        if verdict.decision == "suggest":
            score, buttons = round(verdict.score, 1), verdict.suggestions
            return Match(None, None, score, "suggest", False, buttons, wording["did_you_mean"])
        intent = self._rules[verdict.intent] if verdict.intent else None
        return self._fallback(round(verdict.score, 1), (), intent=intent)

    def _warning(self, red: SignCheck, score: float, *, red_flag: bool, answer: str) -> Match:
        rule = self.knowledge.rule(WARNING_SIGNS)
        return Match(
            rule.id,
            rule.title,
            round(score, 1),
            "answer",
            red_flag,
            (),
            answer,
            sign=red.sign,
            rules=(rule.id,),
            triggers=red.triggers,
            ruled_out=red.ruled_out,
        )

    def _fallback(
        self, score: float, suggestions: tuple[str, ...], intent: Rule | None = None
    ) -> Match:
        answer = intent.answer if intent else self.knowledge.wording["fallback"]
        return Match(
            None,
            None,
            score,
            "fallback",
            False,
            suggestions,
            answer,
            intent=intent.id if intent else None,
        )


@lru_cache(maxsize=MESSAGE_CACHE)
def _focus(text: str) -> str | None:
    # What asks is read no further than its first MAX_MESSAGE_CHARS, as any message.
    found = focus(text, MAX_MESSAGE_CHARS)
    return found if found is not None else clause_focus(text[:MAX_MESSAGE_CHARS])


def _first_best(scores: list[float]) -> int:
    """The position of the highest score (the first of equals)."""
    return max(range(len(scores)), key=scores.__getitem__)
