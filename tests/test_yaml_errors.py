"""YAML mistakes in a knowledge file come out in plain words, at the line of the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.model import KnowledgeError
from bot.knowledge.loader import load_knowledge

HEAD = "id: makeup\ntitle: Makeup\n"
EXAMPLES = "examples:\n  - can i wear makeup\n  - foundation ok?\n"
ANSWER = "answer: >\n  Give your skin 48 hours.\n  Then mineral makeup is fine.\n"


def makeup_problems(folder: Path, content: str) -> list[str]:
    (folder / "topics" / "makeup.yaml").write_text(content)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems if p.file.endswith("makeup.yaml")]


def test_a_tab_at_the_start_of_a_line_says_to_use_spaces(knowledge_copy: Path) -> None:
    content = HEAD + "examples:\n\t- can i wear makeup\n  - foundation ok?\n" + ANSWER
    assert makeup_problems(knowledge_copy, content) == [
        "knowledge/topics/makeup.yaml:4: a tab character: use spaces, not tabs, at the start "
        "of a line (and in between)"
    ]


def test_an_unclosed_quote_points_at_its_own_line_not_the_end_of_the_file(
    knowledge_copy: Path,
) -> None:
    content = 'id: makeup\ntitle: "Makeup\n' + EXAMPLES + ANSWER + "\n" * 15
    assert makeup_problems(knowledge_copy, content) == [
        'knowledge/topics/makeup.yaml:2: this quote (") is never closed: add " at the end of '
        "the text, or remove the opening one"
    ]


def test_an_unclosed_quote_is_found_even_when_a_later_quote_confuses_the_parser(
    knowledge_copy: Path,
) -> None:
    content = "id: makeup\ntitle: 'Makeup\nexamples:\n  - 'can i wear makeup'\n  - b\n" + ANSWER
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith("knowledge/topics/makeup.yaml:2: this quote (') is never closed")


def test_a_colon_inside_text_says_to_put_the_text_in_quotes(knowledge_copy: Path) -> None:
    content = HEAD + EXAMPLES + "answer: Note: wait 48 hours.\n"
    assert makeup_problems(knowledge_copy, content) == [
        "knowledge/topics/makeup.yaml:6: a colon inside text needs the text in quotes: write "
        'answer: "Note: wait 48 hours."'
    ]


def test_a_field_indented_too_far_says_to_line_it_up(knowledge_copy: Path) -> None:
    content = "id: makeup\n  title: Makeup\n" + EXAMPLES + ANSWER
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith("knowledge/topics/makeup.yaml:2: this line is indented more")


def test_a_list_entry_indented_differently_says_to_line_up_the_entries(
    knowledge_copy: Path,
) -> None:
    content = HEAD + "examples:\n  - can i wear makeup\n- foundation ok?\n" + ANSWER
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith(
        "knowledge/topics/makeup.yaml:5: this line is not indented like the lines around it"
    )


def test_an_unclosed_bracket_list_points_at_the_bracket(knowledge_copy: Path) -> None:
    content = HEAD + "examples: [can i wear makeup, foundation ok?\n" + ANSWER
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith("knowledge/topics/makeup.yaml:3: this [ is never closed: add ]")


def test_a_line_without_a_colon_says_to_write_field_colon_text(knowledge_copy: Path) -> None:
    content = "id: makeup\ntitle Makeup\n" + EXAMPLES + ANSWER
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith("knowledge/topics/makeup.yaml:2: this line has no colon")


def test_a_text_starting_with_a_placeholder_says_to_quote_it(knowledge_copy: Path) -> None:
    content = HEAD + EXAMPLES + "answer: {clinic_phone} is our number.\n"
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith(
        "knowledge/topics/makeup.yaml:6: a text that starts with a {placeholder} needs the "
        "whole text in quotes"
    )


@pytest.mark.parametrize("first", ["@", "*", "`"])
def test_a_text_starting_with_a_yaml_sign_says_to_quote_it(
    knowledge_copy: Path, first: str
) -> None:
    content = HEAD + EXAMPLES + f"answer: {first}clinic on instagram.\n"
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith(
        f"knowledge/topics/makeup.yaml:6: text cannot start with {first} in these files: "
        "put the whole text in quotes"
    )


def test_text_after_a_quoted_start_says_to_quote_all_of_it(knowledge_copy: Path) -> None:
    content = HEAD + EXAMPLES + 'answer: "Wait" 48 hours.\n'
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith(
        'knowledge/topics/makeup.yaml:6: text that starts with a quote (") must end with it'
    )


def test_a_backslash_in_double_quotes_says_to_double_it(knowledge_copy: Path) -> None:
    content = HEAD + EXAMPLES + 'answer: "Use 1\\2 a pump."\n'
    (problem,) = makeup_problems(knowledge_copy, content)
    assert "a backslash (\\) inside double quotes must be written twice" in problem


def test_text_on_the_line_of_a_block_marker_says_to_start_on_the_next_line(
    knowledge_copy: Path,
) -> None:
    content = HEAD + EXAMPLES + "answer: > Give your skin 48 hours.\n"
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem.startswith("knowledge/topics/makeup.yaml:6: after '|' or '>' nothing may")


def test_a_key_written_twice_names_the_first_line(knowledge_copy: Path) -> None:
    content = HEAD + EXAMPLES + ANSWER + "title: Makeup again\n"
    (problem,) = makeup_problems(knowledge_copy, content)
    assert problem == 'knowledge/topics/makeup.yaml:9: "title" appears twice (first on line 2)'


def test_no_message_uses_the_parsers_jargon(knowledge_copy: Path) -> None:
    broken = [
        HEAD + "examples:\n\t- a\n" + ANSWER,
        "id: makeup\ntitle: 'Makeup\nexamples:\n  - 'a'\n" + ANSWER,
        HEAD + "examples:\n  - a\n- b\n" + ANSWER,
        HEAD + "examples: [a, b\n" + ANSWER,
    ]
    for content in broken:
        for problem in makeup_problems(knowledge_copy, content):
            for jargon in ("token", "<block", "scalar", "expected <", "stream"):
                assert jargon not in problem, problem


@pytest.mark.parametrize(
    ("file", "find", "replace", "expected"),
    [
        ("checkins.yaml", "checkins:", "checkin_days: 1\ncheckins:", "unknown key 'checkin_days'"),
        ("bot.yaml", "\n", "\ngreting: hi\n", "unknown key 'greting'"),
        ("warning-signs/signs.yaml", "\n", "\nsingns: []\n", "unknown field 'singns'"),
    ],
)
def test_an_unknown_key_in_any_knowledge_file_is_named_on_its_line_with_what_is_allowed(
    knowledge_copy: Path, file: str, find: str, replace: str, expected: str
) -> None:
    path = knowledge_copy / file
    path.write_text(path.read_text(encoding="utf-8").replace(find, replace, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    named = [p for p in caught.value.problems if expected in p.message]
    assert len(named) == 1
    assert named[0].file.endswith(file.split("/")[-1])
    assert "(allowed: " in named[0].message
    line = path.read_text(encoding="utf-8").splitlines()[named[0].line - 1]
    assert line.startswith(expected.split("'")[1])
