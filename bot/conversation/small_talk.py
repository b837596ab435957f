"""Small talk the matcher cannot read right: nods ("👍", "np") and product questions that
look like an "ok". A nod has no word the matcher knows and gets the knowledge's own short
friendly reply; "is la mer ok" is a question about a product, not an "ok"."""

from __future__ import annotations

import re

from bot.conversation.turn import Turn
from bot.core.dates import asks_something
from bot.core.matching import Match
from bot.core.model import KnowledgeBase

NODS = {
    "👍": "acknowledgement",
    "👌": "acknowledgement",
    "🆗": "acknowledgement",
    "✅": "acknowledgement",
    "🙂": "acknowledgement",
    "😊": "acknowledgement",
    "np": "acknowledgement",
    "🙏": "thanks",
    "❤": "thanks",
    "🥰": "thanks",
    "ty": "thanks",
    "tyvm": "thanks",
}
"""Replies of a sign or two letters, and the social topic whose reply they get: the
matcher reads words, and an emoji or "np" is none it knows."""
# Variation selectors, skin tones and joiners change how a nod looks, not what it says.
_NOD_STYLE = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_NOD_PARTS = re.compile(r"[a-z]+|[^\sa-z0-9.,!]")
_WORDS = re.compile(r"[a-z0-9']+")
# "ok" opens a question ("ok to use it?") as often as it closes a chat ("ok cool ttyl"):
# the rest of the message decides.
_LEADING_OK = re.compile(r"^\W*(?:ok|okay|k)\b", re.IGNORECASE)


def read_small_talk(turn: Turn, text: str, match: Match) -> Match:
    """`match`, with a nod given its social reply and a social reply to a question with
    words no social topic has ("is tatcha ok") turned into the fallback kept for staff."""
    base = turn.knowledge.base
    if match.decision != "fallback" or match.red_flag:
        return match
    nodded = _nod(text)
    if match.intent is None and nodded is not None and base.has_rule(nodded):
        rule = base.rule(nodded)
        return match._replace(intent=rule.id, answer=rule.answer)
    if match.intent is not None and base.rule(match.intent).is_social:
        unknown = set(_WORDS.findall(text.lower())) - _social_words(base)
        if unknown and asks_something(_LEADING_OK.sub("", text)):
            return match._replace(intent=None, answer=base.wording["fallback"])
    return match


def _nod(text: str) -> str | None:
    """The social topic of a message made only of nods ("👍", "np!", "👍🏼👍🏼"), else None."""
    parts = _NOD_PARTS.findall(_NOD_STYLE.sub("", text.lower()))
    if not parts or not all(part in NODS for part in parts):
        return None
    return NODS[parts[0]]


def _social_words(base: KnowledgeBase) -> set[str]:
    """Every word of the social topics' examples and keywords (read only for a message
    the matcher gave a social reply, so it is not kept between messages)."""
    return {
        word
        for rule in base.rules
        if rule.is_social
        for phrase in (*rule.examples, *rule.keywords)
        for word in _WORDS.findall(phrase.lower())
    }
