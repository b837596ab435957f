"""What changed between two versions of the knowledge, in one sentence for staff."""

from __future__ import annotations

import pytest

from bot.core.model import KnowledgeBase, Rule, Wording
from bot.knowledge.changes import knowledge_changes, reload_summary
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(DEFAULT_KNOWLEDGE_DIR)


def with_rules(base: KnowledgeBase, rules: list[Rule]) -> KnowledgeBase:
    return base._replace(rules=tuple(rules))


def edited(base: KnowledgeBase, rule_id: str, **changes: object) -> KnowledgeBase:
    rules = [r._replace(**changes) if r.id == rule_id else r for r in base.rules]  # type: ignore[arg-type]
    return with_rules(base, rules)


def test_the_same_knowledge_has_no_changes(shipped: KnowledgeBase) -> None:
    assert knowledge_changes(shipped, load_knowledge(DEFAULT_KNOWLEDGE_DIR)) == []
    assert reload_summary(shipped, shipped) == "reloaded: nothing patients see has changed"


def test_a_rewritten_answer_is_named_by_its_topic(shipped: KnowledgeBase) -> None:
    after = edited(shipped, "makeup", answer="Makeup: wait two days.")
    assert reload_summary(shipped, after) == "reloaded: makeup answer changed"


def test_a_changed_day_variant_counts_as_a_changed_answer(shipped: KnowledgeBase) -> None:
    makeup = shipped.rule("makeup")
    first = makeup.by_day[0]._replace(answer="Not yet.")
    after = edited(shipped, "makeup", by_day=(first, *makeup.by_day[1:]))
    assert knowledge_changes(shipped, after) == ["makeup answer changed"]


def test_added_and_removed_topics_follow_changed_ones(shipped: KnowledgeBase) -> None:
    price = shipped.rule("price-payment")
    parking = price._replace(id="parking", title="Parking")
    rules = [r for r in shipped.rules if r.id != "price-payment"] + [parking]
    after = edited(with_rules(shipped, rules), "makeup", answer="Makeup: wait two days.")
    assert reload_summary(shipped, after) == (
        "reloaded: makeup answer changed; topic parking added; topic price-payment removed"
    )


def test_a_title_and_example_change_are_said_together(shipped: KnowledgeBase) -> None:
    makeup = shipped.rule("makeup")
    after = edited(shipped, "makeup", title="Make-up", examples=(*makeup.examples, "lippy?"))
    assert knowledge_changes(shipped, after) == ["makeup title and example questions changed"]


def test_the_bots_wording_and_the_plan_are_named_too(shipped: KnowledgeBase) -> None:
    wording = Wording({**shipped.wording.texts, "fallback": "Sorry!", "help": "Ask me."})
    plan = shipped.plan._replace(steps=shipped.plan.steps[:-1])
    after = shipped._replace(wording=wording, plan=plan)
    assert knowledge_changes(shipped, after) == [
        "bot wording changed (fallback, help)",
        "check-in plan changed",
    ]


def test_many_changes_are_summed_up_to_stay_phone_sized(shipped: KnowledgeBase) -> None:
    after = with_rules(shipped, [r._replace(answer=r.answer + " Thanks.") for r in shipped.rules])
    summary = reload_summary(shipped, after)
    assert summary.count(";") == 8
    assert summary.endswith(f"and {len(shipped.rules) - 8} more changes")


def test_a_copy_with_other_topics_finds_its_own_topics_by_id(shipped: KnowledgeBase) -> None:
    makeup = shipped.rule("makeup")
    renamed = shipped._replace(rules=(makeup._replace(title="Make-up"),))
    assert renamed.rule("makeup").title == "Make-up"
    assert not renamed.has_rule("sun-protection")
