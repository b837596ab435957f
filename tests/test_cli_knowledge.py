"""The staff-facing commands: ask, kb check, kb eval."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR

JSON_KEYS = {"rule", "title", "score", "answer", "red_flag", "suggestions", "decision"}


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_ask_json_prints_one_object_with_the_contract_fields() -> None:
    code, out, _ = run("ask", "can i wear makeup tmrw", "--day", "3", "--json")
    assert code == 0
    answer = json.loads(out)
    assert set(answer) >= JSON_KEYS
    assert answer["rule"] == "makeup"
    assert answer["decision"] == "answer"
    assert answer["red_flag"] is False
    assert isinstance(answer["suggestions"], list)


def test_ask_without_a_question_answers_every_line_of_standard_input() -> None:
    code, out, _ = run(
        "ask", "--json", stdin="can i wear makeup\nhow much does it cost\nmy face is oozing pus\n"
    )
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["rule"] for line in lines] == ["makeup", None, "warning-signs"]
    assert lines[1]["decision"] == "fallback"
    assert lines[2]["red_flag"] is True


def test_ask_gives_the_day_specific_answer() -> None:
    _, day0, _ = run("ask", "can i wear foundation", "--day", "0", "--json")
    _, day3, _ = run("ask", "can i wear foundation", "--day", "3", "--json")
    assert json.loads(day0)["answer"] != json.loads(day3)["answer"]


def test_kb_check_passes_on_the_default_knowledge_with_a_one_line_summary() -> None:
    code, out, _ = run("kb", "check")
    assert code == 0
    assert out.startswith("OK:")
    assert len(out.strip().splitlines()) == 1


def test_kb_check_exits_1_with_file_and_line_on_a_broken_edit(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    (folder / "topics" / "makeup.yaml").write_text("id: makeup\ntitle: Makeup\nexamples: [a\n")
    code, _, err = run("kb", "check", "--knowledge", str(folder))
    assert code == 1
    assert "knowledge/topics/makeup.yaml:" in err


def test_kb_eval_reports_the_figures_and_lists_misses(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        {"question": "can i wear makeup tomorrow", "expected": ["makeup"], "red_flag": False},
        {"question": "can i wear makeup tomorrow", "expected": ["serums"], "red_flag": False},
        {"question": "how much does it cost", "expected": [], "red_flag": False},
        {"question": "my face is oozing pus", "expected": ["warning-signs"], "red_flag": True},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, out, _ = run("kb", "eval", str(labelled), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["top1_accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["fallback_rate"] == 1.0
    assert report["red_flag_recall"] == 1.0
    assert [m["expected"] for m in report["misses"]] == [["serums"]]
    code, out, _ = run("kb", "eval", str(labelled))
    assert "miss: 'can i wear makeup tomorrow' expected ['serums'] got makeup" in out


def test_kb_eval_names_the_line_of_a_broken_labelled_file(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text('{"question": "ok", "expected": []}\n{not json\n')
    code, _, err = run("kb", "eval", str(labelled))
    assert code == 1
    assert "labelled.jsonl:2" in err


def test_the_installed_console_script_answers_a_question() -> None:
    script = Path(sys.executable).parent / "aftercare"
    result = subprocess.run(
        [str(script), "ask", "--json", "sun?"], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout)["rule"] == "sun-protection"


def test_kb_eval_says_none_in_this_file_for_a_category_the_file_lacks(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        json.dumps({"question": "can i wear makeup tomorrow", "expected": ["makeup"]}) + "\n"
    )
    code, out, _ = run("kb", "eval", str(labelled))
    assert code == 0
    assert "out-of-scope fallback none in this file (0)" in out
    assert "red-flag recall none in this file (0)" in out
    assert "100.0% (0)" not in out
    _, as_json, _ = run("kb", "eval", str(labelled), "--json")
    figures = json.loads(as_json)
    assert figures["fallback_rate"] is None and figures["red_flag_recall"] is None


def test_kb_eval_rejects_a_topic_id_the_knowledge_does_not_have(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        {"question": "can i wear makeup tomorrow", "expected": ["makeup"]},
        {"question": "can i wear foundation", "expected": ["make-up"]},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, out, err = run("kb", "eval", str(labelled))
    assert code == 1
    assert f"{labelled}:2: topic 'make-up' does not exist in the knowledge" in err
    assert out == ""


def test_kb_eval_groups_missed_warning_signs_by_sign_and_false_alarms_by_cause(
    tmp_path: Path,
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        # Deliberately mislabelled lines, so that the check surely disagrees with them.
        {
            "question": "can i wear makeup tomorrow",
            "expected": ["warning-signs"],
            "red_flag": True,
            "sign": "fever-unwell",
        },
        {
            "question": "my face is oozing pus",
            "expected": [],
            "red_flag": False,
            "cause": "denied",
        },
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, out, _ = run("kb", "eval", str(labelled))
    assert code == 0
    lines = out.splitlines()
    missed = lines.index("Missed warning signs, by sign:")
    assert lines[missed + 1 : missed + 3] == [
        "  fever-unwell: 1 of 1 missed",
        "    'can i wear makeup tomorrow' got makeup",
    ]
    alarms = lines.index("False alarms, by cause:")
    assert lines[alarms + 1] == "  denied: 1 of 1 alerted"
    assert lines[alarms + 2].startswith("    'my face is oozing pus' got WARNING SIGN")
    _, as_json, _ = run("kb", "eval", str(labelled), "--json")
    figures = json.loads(as_json)
    assert figures["missed_signs_by_sign"]["fever-unwell"]["wrong"] == 1
    assert figures["false_alarms_by_cause"]["denied"]["questions"][0]["found_sign"]


def test_kb_eval_lists_false_alarms_by_the_sign_the_check_found(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        # Deliberately mislabelled as calm, so that the check surely alerts on them.
        {"question": "my face is oozing pus", "expected": [], "cause": "denied"},
        {"question": "yellow pus coming out of my cheek", "expected": [], "cause": "past"},
        {"question": "can i wear makeup tomorrow", "expected": ["makeup"]},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    _, as_json, _ = run("kb", "eval", str(labelled), "--json")
    by_sign = json.loads(as_json)["false_alarms_by_sign"]
    ((sign, alarms),) = by_sign.items()
    assert (alarms["wrong"], alarms["of"]) == (2, 3)
    _, out, _ = run("kb", "eval", str(labelled))
    lines = out.splitlines()
    found = lines.index("False alarms, by the sign found:")
    assert lines[found + 1] == f"  {sign}: 2 of 3 calm lines alerted"


def test_ask_json_names_no_sign_when_nothing_alerts_and_keeps_the_mention_under_ruled_out() -> None:
    _, out, _ = run("ask", "my eyes are puffy this morning is that ok", "--day", "1", "--json")
    answer = json.loads(out)
    assert (answer["red_flag"], answer["sign"]) == (False, None)
    (puffy,) = [r for r in answer["ruled_out"] if r.startswith("allergic-reaction: ")]
    assert "'eyes are puffy'" in puffy and "normal healing on day 1" in puffy


def test_ask_json_says_when_a_sign_word_was_read_in_another_sense() -> None:
    _, out, _ = run("ask", "its a scorcher outside, 38 degrees", "--day", "3", "--json")
    answer = json.loads(out)
    assert (answer["red_flag"], answer["sign"]) == (False, None)
    assert any("other sense: 'scorcher outside" in r for r in answer["ruled_out"])
