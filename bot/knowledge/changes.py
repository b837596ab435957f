"""What changed between two versions of the knowledge, in one short sentence for staff.

A live reload tells the staff chat what went live ("reloaded: makeup answer changed;
topic price-payment added; topic swimming-heat removed"), so a topic removed or an answer
rewritten by mistake is noticed by a person, not only by patients.

Pure: two `KnowledgeBase` values in, words out.
"""

from __future__ import annotations

from bot.core.model import KnowledgeBase, Rule

SHOWN_CHANGES = 8
"""More than this many changes are summed up: the sentence is read on a phone."""
SHOWN_NAMES = 3


def knowledge_changes(old: KnowledgeBase, new: KnowledgeBase) -> list[str]:
    """Each difference a patient or staff could notice, changed topics first, then added
    and removed topics, then the bot's wording, the check-in plan and the concepts."""
    old_rules = {rule.id: rule for rule in old.rules}
    new_rules = {rule.id: rule for rule in new.rules}
    changes = [
        f"{rule_id} {parts} changed"
        for rule_id in sorted(old_rules.keys() & new_rules.keys())
        if (parts := _rule_changes(old_rules[rule_id], new_rules[rule_id]))
    ]
    changes += [f"topic {rule_id} added" for rule_id in sorted(new_rules.keys() - old_rules)]
    changes += [f"topic {rule_id} removed" for rule_id in sorted(old_rules.keys() - new_rules)]
    keys = sorted(set(old.wording.texts) | set(new.wording.texts))
    reworded = [k for k in keys if old.wording.texts.get(k) != new.wording.texts.get(k)]
    if reworded:
        changes.append(f"bot wording changed ({_names(reworded)})")
    if old.plan != new.plan:
        changes.append("check-in plan changed")
    if dict(old.concepts) != dict(new.concepts):
        changes.append("concepts changed")
    return changes


def reload_summary(old: KnowledgeBase, new: KnowledgeBase) -> str:
    """One sentence: 'reloaded: makeup answer changed; topic price-payment added'."""
    changes = knowledge_changes(old, new)
    if not changes:
        return "reloaded: nothing patients see has changed"
    if len(changes) > SHOWN_CHANGES:
        rest = len(changes) - SHOWN_CHANGES
        changes = [*changes[:SHOWN_CHANGES], f"and {rest} more change{'s' if rest > 1 else ''}"]
    return "reloaded: " + "; ".join(changes)


def _rule_changes(old: Rule, new: Rule) -> str:
    parts = []
    if old.answer != new.answer or old.by_day != new.by_day:
        parts.append("answer")
    if old.title != new.title:
        parts.append("title")
    if old.examples != new.examples or old.keywords != new.keywords:
        parts.append("example questions")
    if old.scope != new.scope:
        parts.append("scope")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _names(names: list[str]) -> str:
    if len(names) <= SHOWN_NAMES:
        return ", ".join(names)
    return f"{', '.join(names[:SHOWN_NAMES])} and {len(names) - SHOWN_NAMES} more"
