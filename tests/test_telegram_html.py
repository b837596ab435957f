"""Telegram HTML: what staff write is checked before Telegram can refuse it.

The validator is pure (bot/knowledge/telegram_html.py); the loader turns its findings into
`file:line` problems, so `kb check` and a live reload refuse a text Telegram would refuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core.model import KnowledgeError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.telegram_html import ends_mid_sentence, html_problems


def messages(text: str) -> list[str]:
    return [problem.message for problem in html_problems(text)]


@pytest.mark.parametrize(
    "text",
    [
        "<b>bold</b> <strong>bold</strong> <i>it</i> <em>it</em> <u>u</u> <ins>u</ins>",
        "<s>s</s> <strike>s</strike> <del>s</del> <tg-spoiler>hidden</tg-spoiler>",
        '<span class="tg-spoiler">hidden</span> <a href="https://clinic.example/?a=1">site</a>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> <code>SPF 30</code>',
        '<pre>block</pre> <pre><code class="language-text">block</code></pre>',
        "<blockquote>quote</blockquote> <blockquote expandable>long quote</blockquote>",
        "<b>bold <i>and italic</i></b> &lt; &gt; &amp; &quot; &#8212; &#x2014;",
    ],
)
def test_every_tag_and_entity_telegram_accepts_passes(text: str) -> None:
    assert html_problems(text) == []


def test_a_range_in_angle_brackets_is_not_a_tag() -> None:
    assert messages("redness lasts <24-48 hours>") == [
        "'<24-48 hours>' is not a tag Telegram knows: write &lt; and &gt; for the brackets, "
        "or leave them out"
    ]


def test_bare_comparison_signs_say_to_write_entities_or_words() -> None:
    found = messages("call us if your temperature > 38 or < 36")
    assert found == [
        "a bare '>': write &gt; for >, or use words: 'more than'",
        "a bare '<': write &lt; for <, or use words: 'less than'",
    ]


def test_a_bare_ampersand_says_to_write_amp_or_and() -> None:
    assert messages("Smith & Jones") == ["a bare '&': write &amp; for &, or use the word 'and'"]


def test_a_line_break_tag_says_to_start_a_new_line_instead() -> None:
    (message,) = messages("rest today<br>moisturise tonight")
    assert message.startswith("<br> is not a tag Telegram accepts: for a new line")


def test_an_unclosed_tag_says_which_closing_tag_to_add() -> None:
    assert messages("<u>important") == ["<u> is never closed: add </u> where it should end"]


def test_tags_closed_in_the_wrong_order_are_one_problem_with_the_right_order() -> None:
    assert messages("<b><i>both</b></i>") == [
        "</b> comes before <i> is closed: close tags in the opposite order, </i></b>"
    ]


def test_a_closing_tag_without_its_opening_tag_is_a_problem() -> None:
    assert messages("done</b>") == ["</b> closes a tag that was never opened: remove it"]


def test_a_named_entity_telegram_does_not_know_is_a_problem() -> None:
    (message,) = messages("48&nbsp;hours")
    assert message.startswith("&nbsp; is not known to Telegram")


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("<a>site</a>", "<a> needs the address"),
        ("<span>hidden</span>", "Telegram accepts <span> only as"),
        ("<code><b>x</b></code>", "nothing can be formatted inside <code>"),
        ("<blockquote><blockquote>x</blockquote></blockquote>", "a quote cannot be inside"),
        ("<b class='big'>x</b>", "<b class='big'>: Telegram accepts no 'class' here"),
    ],
)
def test_tags_telegram_accepts_only_in_a_certain_form_are_checked(text: str, start: str) -> None:
    (message,) = messages(text)
    assert message.startswith(start)


@pytest.mark.parametrize(
    "text", ["...because the tiny", "Keep it clean,", "Avoid the sun and", "Rest —"]
)
def test_a_text_that_stops_on_a_word_or_a_comma_ends_mid_sentence(text: str) -> None:
    assert ends_mid_sentence(text)


@pytest.mark.parametrize(
    "text",
    ["Rest today.", "Call 999", "Call us on {clinic_phone}", "<b>Rest.</b>", "Nearly there 🎉"],
)
def test_a_text_ending_in_punctuation_a_number_a_placeholder_or_an_emoji_is_complete(
    text: str,
) -> None:
    assert not ends_mid_sentence(text)


# --- in the knowledge files ----------------------------------------------------------------


def write_topic(folder: Path, body: str) -> None:
    (folder / "topics" / "makeup.yaml").write_text(
        "id: makeup\ntitle: Makeup\nexamples:\n  - can i wear makeup\n  - foundation ok?\n" + body
    )


def kb_check(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["kb", "check", "--knowledge", str(folder)])
    return result.exit_code, result.stderr


def test_kb_check_refuses_an_answer_telegram_would_refuse_at_its_file_and_line(
    knowledge_copy: Path,
) -> None:
    write_topic(
        knowledge_copy,
        "answer: >\n  Give your skin a rest.\n  Redness lasts <24-48 hours> and fades.\n",
    )
    code, err = kb_check(knowledge_copy)
    assert code == 1
    assert (
        "knowledge/topics/makeup.yaml:8: answer: '<24-48 hours>' is not a tag Telegram knows"
    ) in err


def test_kb_check_refuses_a_bare_sign_in_a_day_variant(knowledge_copy: Path) -> None:
    write_topic(
        knowledge_copy,
        "answer: Wait a little.\nby_day:\n  - days: 0-1\n    answer: Not yet.\n"
        "  - days: 2+\n    answer: >\n      Yes, if your temperature is\n"
        "      under 38 & you feel well.\n",
    )
    code, err = kb_check(knowledge_copy)
    assert code == 1
    assert "makeup.yaml:13: by_day answer: a bare '&': write &amp; for &" in err


def test_kb_check_refuses_an_unclosed_tag_in_a_check_in_message(knowledge_copy: Path) -> None:
    plan = knowledge_copy / "checkins.yaml"
    plan.write_text(plan.read_text().replace("message: >\n", "message: >\n      <u>Note:\n", 1))
    code, err = kb_check(knowledge_copy)
    assert code == 1
    assert "checkins.yaml:" in err and "message: <u> is never closed: add </u>" in err


def test_kb_check_refuses_a_line_break_tag_in_the_bots_wording(knowledge_copy: Path) -> None:
    wording = knowledge_copy / "bot.yaml"
    text = wording.read_text()
    assert "unknown_command: Sorry," in text
    wording.write_text(text.replace("unknown_command: Sorry,", "unknown_command: Sorry,<br>"))
    code, err = kb_check(knowledge_copy)
    assert code == 1
    assert "bot.yaml:" in err and "unknown_command: <br> is not a tag Telegram accepts" in err


def test_button_wording_is_plain_text_and_may_hold_an_ampersand(knowledge_copy: Path) -> None:
    wording = knowledge_copy / "bot.yaml"
    lines = [
        "forget_yes: Yes & delete" if line.startswith("forget_yes:") else line
        for line in wording.read_text().splitlines()
    ]
    wording.write_text("\n".join(lines) + "\n")
    assert load_knowledge(knowledge_copy).wording["forget_yes"] == "Yes & delete"


def test_a_broken_html_answer_never_loads(knowledge_copy: Path) -> None:
    write_topic(knowledge_copy, "answer: Call us if it is > 38 degrees.\n")
    with pytest.raises(KnowledgeError):
        load_knowledge(knowledge_copy)


def test_an_answer_cut_off_mid_sentence_is_a_warning_not_an_error(knowledge_copy: Path) -> None:
    write_topic(knowledge_copy, "answer: >\n  Wait 48 hours before makeup,\n  because the tiny\n")
    code, err = kb_check(knowledge_copy)
    assert code == 0
    assert (
        "knowledge/topics/makeup.yaml:8: warning: answer seems to stop mid-sentence "
        "('...makeup, because the tiny')"
    ) in err
