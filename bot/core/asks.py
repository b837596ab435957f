"""The parts of a patient's message that ask something.

Patients write stories: "ok so day 2 and honestly feeling a bit self conscious, back at
work tomorrow, can i put concealer on". The matcher weighs the sentences that ask more
than the story, feelings and small talk around them, and a message that asks two things
("can i use my vitamin c and go for a run today?") is split into its two questions so
that each can be answered. Pure text functions: no knowledge, no scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

from bot.core.text import STOP_WORDS, TIME_WORDS, fold

_SENTENCE_END = re.compile(
    r"(?<=[.!?;:\n])(?<!\b(?i:dr|mr|ms|st|vs)\.)(?<!\b(?i:mrs|drs|etc)\.)(?<!\b(?i:prof)\.)\s*|"
    r"\s+-\s+|\s*\n\s*"
)
"""A sentence ends at its stop, but not at a title's ("I saw Dr. Patel", "Mrs. Khan")."""
_NUMBERED = re.compile(r"(?:^|\s)(?:\(?\d[).]|[a-c]\))\s+")
_MAY_BE_NUMBERED = re.compile(r"\d[).]|[a-c]\)")
"""What every numbered item has: a piece without it is not scanned for items at all (most
sentences of a long story, each scan position by position costing more than this one)."""
_QUESTION_START = (
    r"(?:can|could|cn|should|shall|may|might|must|is|isnt|are|arent|am|do|dont|does|doesnt|"
    r"did|will|would|wud|how|what|whats|when|whens|where|which|who|why|any|anything)"
)
ASKING_WORDS = re.compile(
    rf"^(?:(?:so|ok|okay|oh|and|but|also|plus|um|hmm|hi|hey|sorry|quick question|"
    rf"question|q|one more thing|btw|just|ps|oh and|well|right|anyway|yes|no),?\s+)*"
    rf"{_QUESTION_START}\b"
)
_ASKING_PHRASES = re.compile(
    r"\b(?:can i|can you|could i|should i|do i|am i|is it|is that|is this|are they|"
    r"will it|will i|would it|when can|how long|how soon|how do|how can|what (?:do|should|can)|"
    r"wondering|wonder if|(?:want|wanted|like|need) to (?:know|ask)|tell me|"
    r"any tips|any advice|"
    r"ok to|okay to|alright to|safe to|fine to|allowed to|advice|advise|help me|"
    r"let me know|not sure if|unsure if|is there|are there|do you|does it|normal)\b"
)
_ASKS_LAST = re.compile(r"\b(?:what|when|how|which|where)\W*$")
"""A question word that ends a sentence asks it: "wash face with what", "gym and sauna when"."""
_PREFACE = re.compile(
    r"^(?:(?:hi|hello|hey|so|ok|okay|sorry|and|also|just)\W+)*i\s+(?:want|wanted|would like|need)"
    r"\s+to\s+ask(?:\s+you)?(?:\s+something)?\W*$"
)
"""A sentence that only says a question follows ("I want to ask:") asks nothing itself."""
_ACTIVITY = (
    r"(?:go|going|do|use|using|wear|wearing|put|have|get|take|start|shave|shaving|wax|waxing|"
    r"wash|washing|swim|swimming|fly|flying|travel|drink|drinking|eat|smoke|smoking|vape|"
    r"sleep|apply|book|play|dye|colour|color|bleach|exercise|exercising|work out|run|running|lift|"
    r"dance|dancing|hike|hiking|tweeze|pluck|tan|tanning|sunbathe)"
)
"""Verbs that start a second activity after "and" ("use my vitamin c and go for a run")."""
_AFTERWARDS = r"(?:also|then|after|afterwards|after that)"
"""What may stand between "and" and the second question: "wash first and after which cream"."""
_SPLIT_QUESTIONS = re.compile(
    rf"(,|\band\b|\balso\b|\bplus\b|&|\+|\bor\b|\bthen\b|\bbtw\b|\bps\b|\blol\b)\s+"
    rf"(?:(?:also|then|after|afterwards|after that|secondly|second|thirdly|third|lastly|finally)"
    rf"\s*,?\s+)?"
    rf"(?=(?:i\s+)?(?:{_QUESTION_START}|whether)\s+)|"
    rf"\b(?:secondly|thirdly|lastly)\b,?\s+|"
    rf"\band\s+(?=(?:{_AFTERWARDS}\s+)?{_ACTIVITY}\s)"
)
_CARRIED = re.compile(rf"(?:{_AFTERWARDS}\s+)?{_ACTIVITY}\s")
_ASKS_ANEW = re.compile(r"(?:why|when|how|what|where|which)\b")
_ANY = re.compile(r"any")
_THE_TREATMENT_ALONE = re.compile(
    r"^\W*(?:(?:can|could|should|may|shall|do|does|is|it|ok|okay|safe|to|i|you|we|me|get|have|"
    r"after|once|when)\s+)*(?:microneedle|microneedling|dermaroll|dermarolling|derma roll|"
    r"dermapen|derma pen|needle|needling|the treatment)\W*$"
)
"""A part that names only the treatment asks nothing of its own: "can I dermaroll and use
self-tanner?" asks about self-tanner after the treatment (`one_question`)."""
CLAUSE_END = re.compile(r"\s*[,;]\s*|\s+(?:anyway|but)\s+")
CLAUSE_FOCUS_WORDS = 22
"""A message this long whose sentences all ask is a story told in one breath; its clauses
that ask are read as its question (`clause_focus`)."""
_MIN_PART_WORDS = 2
_HEADING_WORDS = 4
"""A sentence this short that asks nothing names a topic rather than tells a story..."""
_SMALL_TALK = frozenset(
    """hi hey hello hiya heya morning evening afternoon good thanks thank you ok okay so um
    lol sorry hun love quick question again me here just its it is day update there all
    guys everyone team dear""".split()
)
"""...unless it is only greetings and chat like these."""
_WORDS = re.compile(r"[a-z0-9]+")
_ASKING_ONLY = frozenset(
    "long take takes taking start rid afterwards happen happening mean r u ur".split()
)
"""Words that ask how, when or what, beside the stop words, without naming a topic."""
_REFERS_BACK = re.compile(r"\b(?:it|that|this|they|them|those|these)\b")
_LEANING_WORDS = 7
"""A question this short that says "it", "that" or "they" ("Does that matter?", "will they
fade?") is about the sentence before it, which is read with it (`leans_back`)..."""
_FOLLOW_UP_WORDS = 2
"""A question word or two ("how often?") asks more of the question before (`_follows_up`)."""
_LEANING_PART_WORDS = 4
"""...and one this short is no question of its own ("or is it too soon?"), where a longer
one often is, with an "it" that points nowhere ("and is it ok to fly on Monday?")."""


def sentences(text: str) -> list[str]:
    """The message cut into sentences (and numbered or dashed items), in order."""
    return list(_sentences(text))


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if _MAY_BE_NUMBERED.search(piece):
            parts.extend(p for p in _NUMBERED.split(piece) if p)
        elif piece:
            parts.append(piece)
    return tuple(" ".join(p.split()) for p in parts if has_words(p))


def sentences_from_end(text: str) -> Iterator[str]:
    """`sentences(text)` from the last to the first, each cut only when reached: what reads
    a long story from its end (`bot.core.long_reading`) mostly stops within a few."""
    for piece in reversed(_SENTENCE_END.split(text)):
        if _MAY_BE_NUMBERED.search(piece):
            parts = [p for p in _NUMBERED.split(piece) if p]
        elif piece:
            parts = [piece]
        else:
            continue
        yield from (" ".join(p.split()) for p in reversed(parts) if has_words(p))


@lru_cache(maxsize=1024)
def asks_something(sentence: str) -> bool:
    """Whether a sentence asks: a question mark, a question word first, or a request."""
    if "?" in sentence:
        return True
    folded = fold(sentence).strip()
    return bool(
        ASKING_WORDS.match(folded) or _ASKING_PHRASES.search(folded) or _ASKS_LAST.search(folded)
    )


def questions(text: str) -> list[str]:
    """The sentences of `text` that ask something, in order (none: it asks nothing)."""
    return [s for s in sentences(text) if asks_something(s)]


def focus(text: str, most: int | None = None) -> str | None:
    """The part of `text` that asks, when there is a story around it: its asking sentences,
    the short ones that name what they ask about ("Tretinoin - how long do I wait?") and
    the sentence a short question points back to ("It has glycolic acid. Can I use it?");
    None when the whole message asks, or nothing does. Only its first `most` characters
    when given: the sentences after them are then read only until it is clear that some
    sentence is left out and some kept one asks."""
    kept: list[str] = []
    size = -1  # the length of `kept` joined
    pending: str | None = None  # left out, unless the next sentence points back to it
    left_out = asking = False

    def keep(sentence: str) -> None:
        nonlocal size
        if most is None or size < most:
            kept.append(sentence)
            size += len(sentence) + 1

    for sentence in sentences(text):
        asks = asks_something(sentence)
        if asks or _names_a_topic(sentence):
            asking = asking or asks
            if pending is not None and asks and leans_back(sentence):
                keep(pending)
            elif pending is not None:
                left_out = True
            keep(sentence)
            pending = None
        else:
            left_out = left_out or pending is not None
            pending = sentence
        if most is not None and size >= most and left_out and asking:
            break
    if not (left_out or pending is not None) or not asking:
        return None
    joined = " ".join(kept)
    return joined if most is None else joined[:most]


def leans_back(sentence: str, most_words: int = _LEANING_WORDS) -> bool:
    """Whether a question of at most `most_words` words says what it asks about only by
    pointing back with "it", "that" or "they": "Does that matter?", "Can I use it?"."""
    found = _WORDS.findall(fold(sentence))
    return len(found) <= most_words and bool(_REFERS_BACK.search(" ".join(found)))


def clause_focus(text: str) -> str | None:
    """The clauses that ask in a long story told as one sentence ("so i'm 58 and nervous
    about it all, my daughter booked it, anyway it's day 2, can i put my usual cream on?"),
    where `focus` finds no sentence to leave out; None when the message is shorter than
    `CLAUSE_FOCUS_WORDS` words, or when every clause asks or none does."""
    if len(text.split()) < CLAUSE_FOCUS_WORDS:
        return None
    clauses = [c for c in CLAUSE_END.split(text) if has_words(c)]
    kept = [c for c in clauses if asks_something(c)]
    if not kept or len(kept) == len(clauses):
        return None
    return " ".join(kept)


def split_questions(text: str, most: int | None = None) -> list[str]:
    """Each separate question of `text`, in the order asked: its asking sentences, each
    cut where a new question starts ("... and can i ...", "..., also when ..."). What a
    cut leaves that asks nothing ("my skin is peeling, can i pick it?") stays with the
    question it introduces. Only the first `most` when given: a long story's later
    sentences are then not read at all."""
    return [question.text for question in split_asked(text, most)]


def split_asked(text: str, most: int | None = None) -> list[Question]:
    """`split_questions`, each question knowing whether it follows "or" (`Question`)."""
    found: list[Question] = []
    every = sentences(text)
    asking = _asking_sentences(every)
    first = next(asking, None)
    for sentence in every if first is None else chain((first,), asking):
        if most is not None and len(found) >= most:
            break
        # Every other item is the word a cut was made at, if any ("and", "or", ",").
        cut = _SPLIT_QUESTIONS.split(fold(sentence))
        pieces = zip(cut[::2], [None, *cut[1::2]], strict=True)
        kept = [(p.strip(" ,"), o or "") for p, o in pieces if len(p.split()) >= _MIN_PART_WORDS]
        if not one_question(asked for asked, _ in kept):
            kept = []
        found.extend(_with_context(kept) or [Question(sentence)])
    return found[:most]


def one_question(parts: Iterable[str]) -> bool:
    """Whether none of `parts` names only the treatment (`_THE_TREATMENT_ALONE`)."""
    return not any(_THE_TREATMENT_ALONE.match(part) for part in parts)


def _asking_sentences(every: Iterable[str]) -> Iterator[str]:
    """The sentences that ask, each with the sentence it points back to (`leans_back`):
    a story sentence ("I slept on my face. Does that matter?") or the question before it
    ("Can I put SPF on today? Is it too soon?"), which it asks again."""
    held = ""  # the last asking sentence, given out once it is clear none leans on it
    previous = ""  # the sentence before, when it asks nothing
    story = ""  # the last sentence that asked nothing, however far back
    for sentence in every:
        if _PREFACE.match(fold(sentence).strip()):
            continue
        if not asks_itself(sentence):
            previous = story = sentence
            continue
        if previous and (leans_back(sentence) or names_nothing(sentence)):
            sentence = f"{previous} {sentence}"
        elif held and (leans_back(sentence, _LEANING_PART_WORDS) or _follows_up(sentence)):
            held, sentence = f"{held} {sentence}", ""
        elif story and names_nothing(sentence):
            sentence = f"{story} {sentence}"
        if sentence:
            if held:
                yield held
            held = sentence
        previous = ""
    if held:
        yield held


class Question(NamedTuple):
    """One question cut from a message (`split_asked`)."""

    text: str
    other_side: bool = False
    """Whether it is the other side of an either-or question ("...presentable by then, or
    will I still be red?"): it follows "or", and the patient weighs two answers to one
    question rather than asks a second one."""


def other_sides(questions: Iterable[Question]) -> tuple[bool, ...]:
    """For each of `questions`, whether it is the other side of the one before."""
    return tuple(question.other_side for question in questions)


def _with_context(pieces: list[tuple[str, str]]) -> list[Question]:
    """The questions among `pieces`, each with the word it was cut at ("" for the first)."""
    joined: list[Question] = []
    pending = ""
    for asked, joined_by in pieces:
        piece = f"{pending}, {asked}" if pending else asked
        # "can i drink wine tonight and go to the gym": the second activity is asked by
        # the "can i" of the first.
        carried = bool(joined) and not pending and _CARRIED.match(piece) is not None
        if joined and not pending and _asks_again(piece, joined_by):
            joined[-1] = joined[-1]._replace(text=f"{joined[-1].text}, {piece}")
        # The story before a question ("i smoke, will that affect healing") is read with
        # it, but it is the piece itself that must ask.
        # "no burning or anything now": "or any..." goes on with the story.
        elif carried or (asks_something(asked) and not (joined_by == "or" and _ANY.match(asked))):
            joined.append(Question(piece, not pending and joined_by == "or"))
            pending = ""
        else:
            pending = piece
    if pending:
        if joined:
            joined[-1] = joined[-1]._replace(text=f"{joined[-1].text}, {pending}")
        else:
            joined.append(Question(pending))
    return joined


def _follows_up(sentence: str) -> bool:
    """Whether a sentence is a bare question word or two ("how often?", "how long?", "why?")
    that asks more of the question before it rather than something of its own."""
    found = _WORDS.findall(fold(sentence))
    return 0 < len(found) <= _FOLLOW_UP_WORDS and _ASKS_ANEW.match(found[0]) is not None


def asks_itself(sentence: str) -> bool:
    """Whether a sentence asks by its own words, not a story that only says "normal"
    ("No weird colours, just normal pink. Can I go in the sun?")."""
    if "?" in sentence:
        return True
    folded = fold(sentence).strip()
    if ASKING_WORDS.match(folded) or _ASKS_LAST.search(folded):
        return True
    return any(found.group() != "normal" for found in _ASKING_PHRASES.finditer(folded))


def _asks_again(piece: str, joined_by: str) -> bool:
    """Whether a question cut from the one before, at the word `joined_by`, asks it again:
    a short one that points back ("can i put spf on today, is it too soon"), unless "and"
    joins it or it asks why, when or how ("... and will they fade completely", "... and
    why r they there" ask something new about it); after "or", one that points back in up
    to `_LEANING_WORDS` words, or one of a few words (`_LEANING_PART_WORDS`), the other side
    of the same question ("can i pop a whitehead or will that leave a scar", "are these bumps
    normal or should i worry")."""
    if joined_by == "or" and (leans_back(piece) or len(piece.split()) <= _LEANING_PART_WORDS):
        return True
    short = leans_back(piece, _LEANING_PART_WORDS)
    return short and joined_by != "and" and not _ASKS_ANEW.match(piece)


def names_nothing(question: str) -> bool:
    """Whether a question has no word that could name what it asks about, only asking
    words, "normal", time words ("Why?", "what do i do", "how many days is that normal?"):
    it asks about the story told before it."""
    found = _WORDS.findall(fold(question))
    return bool(found) and all(
        word in STOP_WORDS or word in TIME_WORDS or word in _ASKING_ONLY for word in found
    )


def _names_a_topic(sentence: str) -> bool:
    """A short sentence that names something ("Tretinoin -"), not small talk ("hey!!")."""
    found = _WORDS.findall(fold(sentence))
    return 0 < len(found) <= _HEADING_WORDS and not set(found) <= _SMALL_TALK


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
