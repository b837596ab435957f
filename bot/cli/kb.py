"""`aftercare kb`: check the knowledge files, and measure or compare what they answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.common import (
    JSON_HELP,
    KNOWLEDGE_HELP,
    knowledge_dir,
    knowledge_or_exit,
    settings_or_exit,
    stored_questions,
)


@click.group()
def kb() -> None:
    """Check the knowledge files, and measure or compare what they answer."""


@kb.command()
@click.option("--knowledge", "folder", type=click.Path(), metavar="FOLDER", help=KNOWLEDGE_HELP)
def check(folder: str | None) -> None:
    """Check the knowledge files before patients see them.

    Every problem is one line, file:line: what to fix, and the exit code is 1. When all
    is well it prints one OK line. Warnings (a topic with few example questions, an
    answer that seems cut off) are shown but do not stop the files from being used.
    """
    from bot.knowledge.loader import RECOMMENDED_EXAMPLES

    root = knowledge_dir(folder)
    knowledge = knowledge_or_exit(root).base
    examples = sum(len(r.examples) for r in knowledge.rules)
    for rule in knowledge.rules:
        if len(rule.examples) < RECOMMENDED_EXAMPLES:
            click.echo(
                f"{rule.source}:1: warning: only {len(rule.examples)} example questions; add "
                f"more ways patients ask (aim for {RECOMMENDED_EXAMPLES} or more)",
                err=True,
            )
    for warning in knowledge.warnings:
        click.echo(str(warning), err=True)
    click.echo(
        f"OK: {len(knowledge.rules)} topics, {examples} example questions, "
        f"{len(knowledge.plan.steps)} check-ins in {root}"
    )


@kb.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False), metavar="FILE.jsonl")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option("--knowledge", "folder", type=click.Path(), metavar="FOLDER", help=KNOWLEDGE_HELP)
def eval_command(file: str, as_json: bool, folder: str | None) -> None:
    """Measure how well the knowledge answers FILE.jsonl, a file of labelled questions.

    Each line: {"question": "...", "expected": ["topic-id"], "red_flag": false}; an empty
    expected list means the bot should not give an aftercare answer. A line may add
    "day" (days since treatment), "sign" (which warning sign it reports) and "cause" (why
    a look-alike is not one). Lists every miss, missed warning signs by sign and false
    alarms by cause and by the sign found. A topic id that is not in the knowledge is an
    error (exit 1).
    """
    from tqdm import tqdm

    from bot.tools.evaluation import LabelledFileError, evaluate, read_labelled, unknown_topics
    from bot.tools.evaluation_report import describe_evaluation

    knowledge = knowledge_or_exit(knowledge_dir(folder))
    try:
        questions = read_labelled(Path(file))
    except LabelledFileError as error:
        raise click.ClickException(str(error)) from error
    unknown = unknown_topics(questions, knowledge.base, Path(file))
    if unknown:
        for line in unknown:
            click.echo(line, err=True)
        sys.exit(1)
    show_bar = len(questions) >= 500 and not as_json and sys.stderr.isatty()
    report = evaluate(
        knowledge.matcher,
        questions,
        progress=lambda items: tqdm(items, disable=not show_bar, unit="q"),
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    for line in describe_evaluation(report):
        click.echo(line)


@kb.command()
@click.argument("old", type=click.Path(exists=True, file_okay=False), metavar="OLD_FOLDER")
@click.argument("new", type=click.Path(exists=True, file_okay=False), metavar="NEW_FOLDER")
@click.option(
    "--questions",
    "question_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.jsonl",
    help="A file of labelled questions to compare on too (may be given more than once).",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def diff(old: str, new: str, question_files: tuple[str, ...], as_json: bool) -> None:
    """Show what patients would be told differently by NEW_FOLDER than by OLD_FOLDER.

    Replays the questions the bot could not answer (kept in the database, AFTERCARE_DB)
    and the labelled questions of --questions against both folders. Lists every question
    that gets another topic, and every answer whose words change, on any day of recovery:
    [-removed words-] [+added words+]. Exits 1 if a labelled question that OLD_FOLDER
    answered right is answered wrong by NEW_FOLDER, so it can guard a publish step.
    """
    from bot.tools.evaluation import LabelledFileError, read_labelled
    from bot.tools.evaluation_report import percent
    from bot.tools.knowledge_diff import describe_diff, diff_knowledge

    old_matcher = knowledge_or_exit(Path(old)).matcher
    new_matcher = knowledge_or_exit(Path(new)).matcher
    labelled = []
    for file in question_files:
        try:
            labelled += read_labelled(Path(file))
        except LabelledFileError as error:
            raise click.ClickException(str(error)) from error
    stored, source = _stored_for_diff()
    report = diff_knowledge(old_matcher, new_matcher, stored, labelled)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "changes": [c.as_json() for c in report.changes],
                    "regressions": len(report.regressions),
                    "accuracy_before": report.before.top1_accuracy if report.before else None,
                    "accuracy_after": report.after.top1_accuracy if report.after else None,
                    "stored_questions": len(stored),
                    "stored_from": source,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line in describe_diff(report):
            click.echo(line)
        click.echo(source)
        click.echo(
            f"{sum(c.outcome_changed for c in report.changes)} question(s) change topic or "
            f"decision, {sum(bool(c.rewordings) for c in report.changes)} get other words "
            f"({len(stored)} stored, {len(labelled)} labelled); "
            f"{len(report.regressions)} regression(s)."
        )
        if report.before and report.after:
            click.echo(
                f"Labelled accuracy: {percent(report.before.top1_accuracy)} before, "
                f"{percent(report.after.top1_accuracy)} after."
            )
    if report.regressions:
        sys.exit(1)


def _stored_for_diff() -> tuple[list[str], str]:
    """The stored questions to replay, and a sentence saying where they came from."""
    path = settings_or_exit().db_path
    if not path.exists():
        return [], (
            f"Stored questions: none, there is no database at {path.resolve()} "
            "(set AFTERCARE_DB to the bot's database to replay what patients asked)."
        )
    asked = stored_questions(since_days=None)
    if not asked:
        return [], f"Stored questions: none yet in {path.resolve()}."
    # Each question as often as it was asked: the counts say how many patients a change
    # of answer reaches.
    stored = [q.text for q in asked for _ in range(q.times)]
    return stored, f"Stored questions: {len(stored)} from {path.resolve()}."
