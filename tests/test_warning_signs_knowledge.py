"""The warning signs are knowledge: staff extend them, and a broken edit is reported with
file and line while the last good version keeps serving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core.model import KnowledgeError
from bot.knowledge import trained
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import load_knowledge
from bot.knowledge.trained import signs_training, trained_models

SIGNS = Path("warning-signs") / "signs.yaml"
STAFF_SIGN = """
  - id: numb-patch
    name: A patch that has gone numb
    phrases:
      - numb|dead ... patch|spot|bit
"""


def add_sign(folder: Path, text: str) -> None:
    signs = folder / SIGNS
    signs.write_text(signs.read_text().replace("\nsigns:\n", "\nsigns:\n" + text, 1))


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(problem) for problem in caught.value.problems]


def test_a_sign_staff_add_is_found_after_a_reload(knowledge_copy: Path) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    message = "there's a numb patch on my cheek"
    assert holder.current.matcher.match(message).sign != "numb-patch"
    add_sign(knowledge_copy, STAFF_SIGN)
    assert holder.reload() == []
    match = holder.current.matcher.match(message)
    assert (match.red_flag, match.sign) == (True, "numb-patch")


def test_a_broken_signs_file_is_reported_and_the_last_good_signs_keep_serving(
    knowledge_copy: Path,
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    signs = knowledge_copy / SIGNS
    signs.write_text(signs.read_text() + "\n  oops: [unclosed\n")
    problems = holder.reload()
    assert problems and problems[0].startswith("knowledge/warning-signs/signs.yaml:")
    assert holder.current.matcher.match("theres pus on my chin").red_flag


def test_a_phrase_naming_an_unknown_word_list_is_reported_on_its_line(
    knowledge_copy: Path,
) -> None:
    add_sign(
        knowledge_copy, STAFF_SIGN.replace("numb|dead ... patch|spot|bit", '"{numbness} ... patch"')
    )
    lines = (knowledge_copy / SIGNS).read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "{numbness}" in text)
    assert any(
        p.startswith(f"knowledge/warning-signs/signs.yaml:{line}:") and "{numbness}" in p
        for p in problems_of(knowledge_copy)
    )


def add_word_list_entry(folder: Path, entry: str) -> int:
    """Put `entry` on its own line in the word list `eye`; the line it is on."""
    signs = folder / SIGNS
    text = signs.read_text().replace("\n  eye: [", f"\n  eye: [{entry},\n        ", 1)
    signs.write_text(text)
    return next(i for i, line in enumerate(text.splitlines(), 1) if f"eye: [{entry}," in line)


def test_a_several_word_choice_in_a_word_list_is_reported_on_its_line_with_the_fix(
    knowledge_copy: Path,
) -> None:
    line = add_word_list_entry(knowledge_copy, "luckily|by the way|anyway")
    result = CliRunner().invoke(main, ["kb", "check", "--knowledge", str(knowledge_copy)])
    assert result.exit_code == 1
    assert f"knowledge/warning-signs/signs.yaml:{line}:" in result.stderr
    assert "write each choice as its own entry: luckily, by the way, anyway" in result.stderr


def test_one_word_choices_in_a_word_list_entry_are_still_accepted(knowledge_copy: Path) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    add_word_list_entry(knowledge_copy, "eyelash|eyelashes")
    assert holder.reload() == []


def test_a_several_word_choice_in_a_word_list_keeps_the_last_good_signs_serving(
    knowledge_copy: Path,
) -> None:
    holder = KnowledgeHolder(knowledge_copy)
    line = add_word_list_entry(knowledge_copy, "luckily|by the way")
    problems = holder.reload()
    assert any(p.startswith(f"knowledge/warning-signs/signs.yaml:{line}:") for p in problems)
    assert holder.current.matcher.match("theres pus on my chin").red_flag


def test_an_example_of_an_unknown_sign_is_reported_on_its_line(knowledge_copy: Path) -> None:
    examples = knowledge_copy / "warning-signs" / "examples" / "staff.yaml"
    examples.write_text("reports:\n  pus-and-more:\n    - my chin is all gunky\n")
    assert any(
        p.startswith("knowledge/warning-signs/examples/staff.yaml:2:") and "pus-and-more" in p
        for p in problems_of(knowledge_copy)
    )


def test_a_message_both_a_report_and_a_look_alike_is_reported(knowledge_copy: Path) -> None:
    examples = knowledge_copy / "warning-signs" / "examples" / "staff.yaml"
    examples.write_text(
        "reports:\n  discharge:\n    - theres pus on my chin\n"
        "look_alikes:\n  denied:\n    - THERE'S PUS ON MY CHIN\n"
    )
    assert any("also a reports" in p for p in problems_of(knowledge_copy))


def test_a_knowledge_folder_without_warning_signs_does_not_load(knowledge_copy: Path) -> None:
    shutil.rmtree(knowledge_copy / "warning-signs")
    assert "knowledge/warning-signs/signs.yaml:1: warning-signs/signs.yaml is missing" in (
        problems_of(knowledge_copy)
    )


def test_a_report_staff_add_to_the_examples_teaches_the_classifier(knowledge_copy: Path) -> None:
    message = "my skin is quandling"
    before = load_knowledge(knowledge_copy).signs
    assert before is not None
    unknown = before.classifier.probabilities(message)["report"]
    assert unknown < 0.5
    examples = knowledge_copy / "warning-signs" / "examples" / "staff.yaml"
    examples.write_text(f"reports:\n  discharge:\n    - {message}\n")
    signs = load_knowledge(knowledge_copy).signs
    assert signs is not None
    # One line among thousands of examples moves the weights, not always past one half.
    assert signs.classifier.probabilities(message)["report"] > unknown + 0.3


def test_a_trained_classifier_is_read_back_from_the_cache(
    model_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = signs_training([("pus on my chin", True), ("can i wear makeup", False)])
    [first] = trained_models([examples])
    assert list(model_cache.glob("aftercare/signs-*.cache"))
    monkeypatch.setattr(trained, "_memory", {})
    [again] = trained_models([examples])
    assert again is not first
    assert again.probabilities("pus?") == first.probabilities("pus?")


def test_ask_json_names_the_sign_and_the_words_that_triggered_it() -> None:
    result = CliRunner().invoke(main, ["ask", "theres yellow crust on my chin", "--json"])
    answer = json.loads(result.stdout)
    assert answer["sign"] == "discharge"
    assert answer["triggers"] == ["discharge: yellow crust"]


def test_ask_json_shows_the_context_that_ruled_a_mention_out() -> None:
    result = CliRunner().invoke(main, ["ask", "no pus, just pink, day 2", "--json"])
    answer = json.loads(result.stdout)
    assert answer["red_flag"] is False
    assert answer["ruled_out"] == ["discharge: 'pus' negated by 'no'"]
