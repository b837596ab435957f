"""How the bot answers a message, once the knowledge has scored it.

A pure step with scores in and a decision out, tested by feeding it rankings (as Rasa's
FallbackClassifier is): a confident, clear winner is answered; a close call or a middling
score is a "Did you mean" with the top three topics as buttons; anything weaker is the
kind fallback. A topic outside aftercare (price, other procedures) or a social one
(greetings, thanks) that wins gets its own reply, never an aftercare answer.

A message with several questions is decided part by part: every part answered with
confidence adds its topic, in the order asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

Decision = Literal["answer", "suggest", "fallback"]
"""A confident answer, a "Did you mean" with topic buttons, or the kind fallback."""

MAX_SUGGESTIONS = 3
MAX_ANSWERS = 3
"""A message rarely asks more than three things; more answers would not fit a phone."""


class Candidate(NamedTuple):
    """One topic's score for a message, from 0 to 100."""

    topic: str
    score: float
    aftercare: bool = True
    """False for a topic with a reply of its own that is not an aftercare answer
    (off-topic or social)."""


class DecisionThresholds(NamedTuple):
    """Where a score becomes an answer or a "Did you mean" (see `bench/tune_thresholds.py`)."""

    answer: float = 60.0
    """The least score answered at once..."""
    margin: float = 16.0
    """...when it leads the runner-up by at least this much."""
    suggest: float = 12.0
    """The least score worth a "Did you mean"; below it, the fallback."""
    part_answer: float = 68.0
    """The least score of one part of a several-question message to answer that part."""
    part_support: float = 0.2
    """...whose topic must also score at least this share of the whole message's best..."""
    part_clear: float = 60.0
    part_clear_margin: float = 30.0
    """...unless the part leads this clearly on its own: a second question ("...and when do
    I book the next one?") is often drowned by the first in the whole message's ranking."""
    second_answer: float = 50.0
    second_margin: float = 19.0
    """One of a short message's two questions that leads with a topic of its own by this
    margin, from at least this score (or by `part_clear_margin` from any score: "how many I
    need?"), is answered beside the other, answered for sure, when the whole message ranks
    its topic near the top: "how should I wash without scrubbing the flakes" says washing
    less surely than "when will the flaking stop?" says flaking..."""
    second_reach: int = 3
    """...among the whole message's first this many aftercare topics not answered yet..."""
    second_support: float = 0.1
    """...and scoring there at least this share of the best: "can i bleach my hair fri and
    wear lashes sat" ranks another procedure and other treatments before makeup, whose
    question is short; a part whose topic the whole hardly ranks at all is an aside."""
    short_message: int = 25
    """A message of at most this many words is read part by part even when its whole
    ranking supports one topic: "when can i go back to spin class and can i use my
    hyaluronic serum" ranks the serum far ahead. A longer story is not: the asides of a
    story lead clearly on their own more often than a second question does."""
    outside: float = 0.6
    """The least probability that a message is outside aftercare (with no word tying it to
    the patient's treatment) that makes a confident answer a "Did you mean": "what is the
    least damaging hair dye?" scores high on hair dye, but is not asked about healing skin."""
    several_outside: float = 0.7
    """The least such probability that decides a message of several questions as one: two
    questions about two topics ("when henna for hair and when threading eyebrow?") read as a
    general question to the scope classifier more often than either does alone, so their
    parts are still read between `outside` and this, each for its own aftercare topic; when
    fewer than two come out, the whole message's decision (a "Did you mean") stands."""
    agreed_answer: float = 45.0
    """The least score answered at once, below `answer`, when the classifier alone also
    puts the topic first with a probability of at least `agreed_learned`..."""
    agreed_margin: float = 20.0
    """...the topic leads the runner-up by at least this much..."""
    agreed_learned: float = 0.7
    agreed_outside: float = 0.4
    """...and the message is less likely than this to be outside aftercare."""
    sure_answer: float = 40.0
    """The least score answered at once, below `agreed_answer`, when the classifier alone
    puts the topic first with a probability of at least `sure_learned` (the other
    conditions as for `agreed_answer`): the surer the second opinion, the less the
    scores need to say."""
    sure_learned: float = 0.9


class SecondLook(NamedTuple):
    """What the classifiers say of a message's question beside the blended scores."""

    outside: float = 0.0
    """How likely it is outside aftercare (0 when a word ties it to the treatment)."""
    learned: float = 0.0
    """The topic classifier's own probability of the best topic, when it puts that topic
    first as well (0 when it does not)."""
    sign_set_aside: bool = False
    """Whether the message tells of a warning sign that was set aside (someone else's,
    past, denied: "my friend's face smelled bad after a home roller"): told in the words
    of the topics, such a story is not answered below `agreed_answer`."""


class Verdict(NamedTuple):
    """What to do with a message: the decision, the topics answered, the buttons offered."""

    decision: Decision
    topics: tuple[str, ...] = ()
    """The aftercare topics answered, in the order asked (empty unless answering)."""
    intent: str | None = None
    """The off-topic or social topic whose own reply is given (with a fallback decision)."""
    suggestions: tuple[str, ...] = ()
    score: float = 0.0

    @property
    def topic(self) -> str | None:
        """The first topic answered, if any."""
        return self.topics[0] if self.topics else None


def decide(
    ranking: Sequence[Candidate], thresholds: DecisionThresholds, look: SecondLook = SecondLook()
) -> Verdict:
    """The decision for one ranking, best candidate first, with what the classifiers say
    of it (`look`)."""
    if not ranking:
        return Verdict("fallback")
    best = ranking[0]
    suggestions = _suggestions(ranking)
    if not best.aftercare:
        intent = best.topic if best.score >= thresholds.suggest else None
        return Verdict("fallback", intent=intent, score=best.score)
    runner_up = ranking[1].score if len(ranking) > 1 else 0.0
    lead = best.score - runner_up
    confident = best.score >= thresholds.answer and lead >= thresholds.margin
    # A clear winner the classifier alone also names is answered at a lower score: a
    # story dilutes the score, not what the question is about; the surer the classifier,
    # the lower the score may be.
    sure = look.learned >= thresholds.sure_learned and not look.sign_set_aside
    agreed = (
        look.learned >= thresholds.agreed_learned
        and look.outside < thresholds.agreed_outside
        and best.score >= (thresholds.sure_answer if sure else thresholds.agreed_answer)
        and lead >= thresholds.agreed_margin
    )
    # Both opinions read the topics' words, so both can agree on a question that only
    # borrows them; a "Did you mean" costs a tap, a wrong answer costs trust.
    if (confident or agreed) and look.outside < thresholds.outside:
        return Verdict("answer", (best.topic,), suggestions=suggestions, score=best.score)
    if best.score >= thresholds.suggest:
        return Verdict("suggest", suggestions=suggestions, score=best.score)
    return Verdict("fallback", score=best.score)


def decide_parts(
    ranking: Sequence[Candidate],
    parts: Iterable[Sequence[Candidate]],
    thresholds: DecisionThresholds,
    sides: Sequence[bool],
    look: SecondLook = SecondLook(),
    words: int | None = None,
) -> Verdict:
    """The decision for a message that asks several things: `ranking` is the whole
    message's, `parts` the ranking of each of its questions in the order asked, and
    `sides` tells, question by question, whether it is the other side of an either-or
    question (`bot.core.asks.other_sides`: such a part brings no topic on its own lead,
    only one the whole message supports).

    A part is answered when its best topic is aftercare, clearly confident, and also among
    the whole message's leading topics (a fragment such as "how often?" leans on the
    question before it and must not bring a topic of its own), or when it leads by far on
    its own, or when it leads with the topic the whole message is answered with; of two
    questions, one less sure of its topic may join the other (`second_answer`). When two
    or more topics come out, they are answered together in the order asked; otherwise the
    whole message is decided as one. `parts` is read lazily and no further than needed: once too few
    parts are left to make two answers, or every supported topic is answered, the rest
    are not ranked at all. A message very likely outside aftercare (`look`, see
    `DecisionThresholds.several_outside`) is decided as one. A short message (`words`, see
    `DecisionThresholds.short_message`) reads every part: a part that leads clearly may
    bring a topic the whole does not support.
    """
    count = len(sides)
    whole = decide(ranking, thresholds, look)
    if (whole.decision == "fallback" and whole.intent is not None) or (
        look.outside >= thresholds.several_outside
    ):
        return whole
    supported = _supported(ranking, thresholds)
    short = _short(words, thresholds)
    topics: list[str] = []
    # A part that may lead on its own (`second_answer`), with the topics it ranks.
    aside: tuple[int, list[Candidate]] | None = None
    pending = iter(parts)
    for seen in range(count):
        # Too few parts left to make two answers, or every topic a part may bring is in.
        if len(topics) + (aside is not None) + count - seen < 2 or (
            len(topics) == len(supported) and not short
        ):
            break
        # A second question asks something new: a part that leads with a topic already
        # answered ("can I go in the jacuzzi, and can I have a cocktail by the pool?") is
        # read for the best topic it adds.
        asked = list(next(pending, ()))
        part = [c for c in asked if c.topic not in topics]
        if not part:
            continue
        lead = part[0]
        runner_up = part[1].score if len(part) > 1 else 0.0
        confident = (
            lead.aftercare
            and lead.score >= thresholds.part_answer
            and lead.score - runner_up >= thresholds.margin
        )
        clear = (
            lead.aftercare
            and lead.score >= thresholds.part_clear
            and lead.score - runner_up >= thresholds.part_clear_margin
        )
        # The topic the whole message is answered with is what the part that leads with it
        # asks, even when that part alone says it too briefly to be sure.
        answered_whole = whole.decision == "answer" and lead.topic == whole.topic
        # The other side of an either-or question ("...presentable by then, or will I still
        # be red?") weighs an answer to the question before it: it adds a topic only when
        # the whole message supports it.
        if sides[seen]:
            clear = False
        if clear or answered_whole or (confident and lead.topic in supported):
            topics.append(lead.topic)
        elif (
            short
            and count == 2
            and not sides[seen]
            and asked[0] is lead
            and (_second(lead, runner_up, thresholds) or _second(lead, _nth(part, 2), thresholds))
        ):
            aside = (seen, part)
    # Of a short message's two questions, one that leads on its own with a topic the whole
    # message ranks near the top is answered beside the other, answered for sure ("how
    # should I wash without scrubbing the flakes, and when will the flaking stop?"), in its
    # place. Its lead counts over the topics not answered: the other question's topic is no
    # rival ("can I scrub the flakes off, and when are acids ok?" says acids in both), so
    # the same two questions get the same answers in either order.
    if aside is not None and len(topics) == 1:
        seen, part = aside
        rest = [c for c in part if c.topic not in topics]
        if (
            rest
            and rest[0] is part[0]
            and _second(rest[0], _nth(rest, 1), thresholds)
            and _near_top(rest[0].topic, ranking, topics, thresholds)
        ):
            topics.insert(seen, rest[0].topic)
    if len(topics) < 2:
        return whole
    suggestions = whole.suggestions or tuple(topics[:MAX_SUGGESTIONS])
    return Verdict(
        "answer", tuple(topics[:MAX_ANSWERS]), suggestions=suggestions, score=whole.score
    )


def decide_together(
    verdict: Verdict,
    ranking: Sequence[Candidate],
    pieces: Iterable[Sequence[Candidate]],
    thresholds: DecisionThresholds,
    look: SecondLook = SecondLook(),
    words: int | None = None,
) -> Verdict:
    """`verdict`, or both answers when the question of a short message (`words`) asks about
    two things together ("can I wear contacts and eyeliner tomorrow?"): `pieces` ranks each
    thing asked about (`bot.core.asks.coordinated`), in the order asked, read only when
    needed. Two things that each lead clearly on their own (`part_clear`,
    `part_clear_margin`) with the whole message's two leading aftercare topics are both
    answered, in the order asked. A message already answered twice, answered with another
    topic, given an off-topic or social reply, or very likely outside aftercare (`look`, as
    in `decide_parts`) keeps `verdict`."""
    if (
        len(verdict.topics) > 1
        or verdict.intent is not None
        or not _short(words, thresholds)
        or look.outside >= thresholds.several_outside
    ):
        return verdict
    leading = {c.topic for c in [c for c in ranking if c.aftercare][:2]}
    topics: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        best = piece[0]
        runner_up = piece[1].score if len(piece) > 1 else 0.0
        if (
            best.aftercare
            and best.score >= thresholds.part_clear
            and best.score - runner_up >= thresholds.part_clear_margin
            and best.topic not in topics
        ):
            topics.append(best.topic)
    if len(topics) != 2 or set(topics) != leading or not set(verdict.topics) <= leading:
        return verdict
    suggestions = verdict.suggestions or tuple(topics)
    return Verdict("answer", tuple(topics), suggestions=suggestions, score=verdict.score)


def within_reach(ranking: Sequence[Candidate], thresholds: DecisionThresholds) -> bool:
    """Whether `decide` could answer a message ranked `ranking` at once: when it could not,
    what the classifiers say of it (`SecondLook`) need not be asked."""
    if not ranking:
        return False
    best = ranking[0].score
    lead = best - (ranking[1].score if len(ranking) > 1 else 0.0)
    least = min(thresholds.answer, thresholds.agreed_answer, thresholds.sure_answer)
    return best >= least and lead >= min(thresholds.margin, thresholds.agreed_margin)


def several_possible(
    ranking: Sequence[Candidate], thresholds: DecisionThresholds, words: int | None = None
) -> bool:
    """Whether `decide_parts` could answer several topics for a message of `words` words
    ranked `ranking`: when it could not, the parts need not be ranked at all."""
    return _short(words, thresholds) or len(_supported(ranking, thresholds)) > 1


def _second(best: Candidate, runner_up: float, thresholds: DecisionThresholds) -> bool:
    lead = best.score - runner_up
    return best.aftercare and (
        (best.score >= thresholds.second_answer and lead >= thresholds.second_margin)
        or lead >= thresholds.part_clear_margin
    )


def _nth(ranking: Sequence[Candidate], place: int) -> float:
    """The score at `place` (0 for the first) of `ranking`, 0 when it ranks fewer."""
    return ranking[place].score if len(ranking) > place else 0.0


def _near_top(
    topic: str, ranking: Sequence[Candidate], answered: list[str], thresholds: DecisionThresholds
) -> bool:
    """Whether the whole message's `ranking` has `topic` among its leading aftercare topics
    not `answered` yet, with a share of the best score (`DecisionThresholds.second_reach`)."""
    least = thresholds.second_support * (ranking[0].score if ranking else 0.0)
    leading = [c for c in ranking if c.aftercare and c.topic not in answered]
    return any(c.topic == topic and c.score >= least for c in leading[: thresholds.second_reach])


def _short(words: int | None, thresholds: DecisionThresholds) -> bool:
    return words is not None and words <= thresholds.short_message


def _supported(ranking: Sequence[Candidate], thresholds: DecisionThresholds) -> set[str]:
    best = ranking[0].score if ranking else 0.0
    return {c.topic for c in ranking[:MAX_SUGGESTIONS] if c.score >= thresholds.part_support * best}


def _suggestions(ranking: Sequence[Candidate]) -> tuple[str, ...]:
    return tuple(c.topic for c in ranking if c.aftercare)[:MAX_SUGGESTIONS]


def promoted(ranked: Sequence[Candidate], topic: str) -> list[Candidate]:
    """`ranked` with `topic` first, taking the best score: the rest keep their order."""
    chosen = next((c for c in ranked if c.topic == topic), None)
    if chosen is None or ranked[0].topic == topic:
        return list(ranked)
    rest = [c for c in ranked if c.topic != topic]
    return [Candidate(topic, ranked[0].score, chosen.aftercare), *rest]
