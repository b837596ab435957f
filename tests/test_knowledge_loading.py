"""Loading the knowledge folder: all or nothing, with every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.lexical import TermIndex
from bot.core.matching import Matcher
from bot.core.model import REQUIRED_TOPICS, KnowledgeError
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge, parse_days, read_knowledge


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def test_the_default_knowledge_loads_with_every_required_topic() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    for topic in REQUIRED_TOPICS:
        assert knowledge.has_rule(topic), topic


def test_every_default_answer_fits_a_phone_screen() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    for rule in knowledge.rules:
        answers = [rule.answer, *(v.answer for v in rule.by_day)]
        assert all(len(a) <= 800 for a in answers), rule.id


def test_every_aftercare_topic_has_many_example_phrasings() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    for rule in knowledge.aftercare_rules:
        assert len(rule.examples) >= 25, rule.id


def test_the_default_plan_checks_in_on_the_days_of_the_contract() -> None:
    plan = load_knowledge(DEFAULT_KNOWLEDGE_DIR).plan
    assert [s.day for s in plan.steps] == [0, 1, 3, 7, 14, 28, 42]
    assert plan.step(42) is not None and plan.step(42).booking  # type: ignore[union-attr]


def test_a_yaml_syntax_error_is_reported_with_file_and_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "makeup.yaml"
    lines = path.read_text().splitlines()
    lines.insert(2, "title: [unclosed")
    path.write_text("\n".join(lines))
    problems = problems_of(knowledge_copy)
    assert any(p.startswith("knowledge/topics/makeup.yaml:") for p in problems), problems


def test_an_unknown_field_is_reported_on_its_own_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "makeup.yaml"
    text = path.read_text()
    path.write_text("anwser: typo here\n" + text)
    problems = problems_of(knowledge_copy)
    assert any(
        p.startswith("knowledge/topics/makeup.yaml:1: unknown field 'anwser'") for p in problems
    )


def test_a_missing_required_topic_is_reported(knowledge_copy: Path) -> None:
    (knowledge_copy / "topics" / "serums.yaml").unlink()
    assert any("required topic 'serums' is missing" in p for p in problems_of(knowledge_copy))


def test_a_duplicate_id_is_reported(knowledge_copy: Path) -> None:
    source = (knowledge_copy / "topics" / "makeup.yaml").read_text()
    (knowledge_copy / "topics" / "makeup-copy.yaml").write_text(source)
    problems = problems_of(knowledge_copy)
    assert any("makeup-copy.yaml" in p and "must match the file name" in p for p in problems)


def test_an_empty_answer_is_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "greeting.yaml"
    path.write_text(
        "id: greeting\ntitle: Hello\nexamples:\n  - hi\n  - hello\n  - hey there\nanswer: ''\n"
    )
    assert "knowledge/topics/greeting.yaml:7: answer must be non-empty text" in problems_of(
        knowledge_copy
    )


def test_an_answer_over_the_telegram_limit_is_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "greeting.yaml"
    long_answer = "x" * 5000
    path.write_text(
        "id: greeting\ntitle: Hello\nexamples:\n  - hi\n  - hello\n  - hey\n"
        f"answer: {long_answer}\n"
    )
    assert any("Telegram allows 4096" in p for p in problems_of(knowledge_copy))


def test_overlapping_and_malformed_day_variants_are_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "greeting.yaml"
    path.write_text(
        "id: greeting\ntitle: Hello\nexamples:\n  - hi\n  - hello\n  - hey\nanswer: Hi!\n"
        "by_day:\n  - days: 0-3\n    answer: early\n  - days: 2+\n    answer: later\n"
        "  - days: soon\n    answer: never\n"
    )
    problems = problems_of(knowledge_copy)
    assert any(":11: days '2+' overlaps" in p for p in problems), problems
    assert any(":13: days 'soon' is not N, N-M or N+" in p for p in problems), problems


def test_a_check_in_plan_that_names_a_missing_topic_or_repeats_a_day_is_reported(
    knowledge_copy: Path,
) -> None:
    (knowledge_copy / "checkins.yaml").write_text(
        "checkins:\n"
        "  - day: 1\n    message: How are you?\n    replies:\n"
        "      - label: Red\n        topic: no-such-topic\n"
        "  - day: 1\n    message: Again\n"
    )
    problems = problems_of(knowledge_copy)
    assert any("checkins.yaml:6: topic 'no-such-topic' does not exist" in p for p in problems)
    assert any("checkins.yaml:7: day 1 is planned twice" in p for p in problems)


def test_a_broken_folder_reports_all_problems_at_once(knowledge_copy: Path) -> None:
    (knowledge_copy / "topics" / "serums.yaml").unlink()
    (knowledge_copy / "bot.yaml").write_text("welcome: hi\n")
    problems = problems_of(knowledge_copy)
    assert any("serums" in p for p in problems)
    assert any("bot.yaml" in p and "missing key 'fallback'" in p for p in problems)


def test_day_ranges_read_as_one_day_a_span_or_onwards() -> None:
    assert parse_days("3") == (3, 3)
    assert parse_days("0-1") == (0, 1)
    assert parse_days("2+") == (2, None)
    assert parse_days("5-2") is None
    assert parse_days("soon") is None


def test_a_rule_gives_the_answer_for_the_patients_day() -> None:
    makeup = load_knowledge(DEFAULT_KNOWLEDGE_DIR).rule("makeup")
    assert makeup.by_day, "makeup must change with the day"
    assert makeup.answer_for(0) != makeup.answer_for(3)
    assert makeup.answer_for(None) == makeup.answer


def test_a_folder_of_aftercare_topics_only_loads_and_answers(small_knowledge: Path) -> None:
    (small_knowledge / "topics" / "greetings.yaml").unlink()
    knowledge = load_knowledge(small_knowledge)
    assert knowledge.scope_classifier is None
    assert Matcher(knowledge).match("can i wear makeup tomorrow").rule == "makeup"


def test_knowledge_read_has_no_models_until_they_are_trained(small_knowledge: Path) -> None:
    read = read_knowledge(small_knowledge)
    assert read.untrained.topic_classifier is None
    assert read.untrained.signs is None
    trained = read.trained()
    assert trained.signs is not None
    assert trained.signs.classifier is not None
    assert trained.topic_classifier is not None
    assert trained.scope_classifier is not None
    assert trained.rules is read.untrained.rules


def test_a_matcher_given_the_index_built_while_the_models_trained_keeps_it(
    small_knowledge: Path,
) -> None:
    read = read_knowledge(small_knowledge)
    index = TermIndex(read.untrained)
    base = read.trained()
    matcher = Matcher(base, index=index)
    assert matcher.index is index
    question = "can i wear makeup tomorrow"
    assert matcher.match(question).as_json() == Matcher(base).match(question).as_json()
