"""Every example phrasing staff wrote is answered by its own topic (or, for a very short
one such as "peeling?", at least leads its ranking, so it is the first "Did you mean").

Examples are the knowledge's own test cases: one that the matcher sends elsewhere is a
boundary written twice (the same question under two topics) or a phrasing that means
something else. A message that the warning-sign check flags is exempt: that check runs
first and always wins, whichever topic the example sits in.
"""

from __future__ import annotations

from bot.core.matching import Matcher
from bot.core.model import WARNING_SIGNS, Rule
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


def answered_by(matcher: Matcher, rule: Rule, example: str) -> bool:
    match = matcher.match(example)
    if match.red_flag or match.sign:
        return True
    if rule.id == WARNING_SIGNS:
        return match.rule == WARNING_SIGNS
    leading = matcher.ranking(example)[0].topic
    return rule.id in {*match.rules, match.intent, leading}


def test_every_example_phrasing_is_answered_by_its_own_topic() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    matcher = Matcher(knowledge)
    strays = [
        f"{rule.id}: {example!r}"
        for rule in knowledge.rules
        for example in rule.examples
        if not answered_by(matcher, rule, example)
    ]
    assert strays == []
