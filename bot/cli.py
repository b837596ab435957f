"""The `aftercare` command line: the front door for operators and clinic staff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tqdm import tqdm

from bot.evaluation import LabelledFileError, evaluate, read_labelled
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, KnowledgeError, load_knowledge
from bot.matching import Match, Matcher

KNOWLEDGE_HELP = "Knowledge folder (default: $AFTERCARE_KNOWLEDGE_DIR or the built-in one)."


def knowledge_dir(option: str | None) -> Path:
    """The folder to read: the option, else AFTERCARE_KNOWLEDGE_DIR (or .env), else built-in."""
    if option:
        return Path(option)
    import os

    from dotenv import dotenv_values

    configured = os.environ.get("AFTERCARE_KNOWLEDGE_DIR") or dotenv_values(".env").get(
        "AFTERCARE_KNOWLEDGE_DIR"
    )
    return Path(configured) if configured else DEFAULT_KNOWLEDGE_DIR


def load_or_exit(folder: Path) -> KnowledgeBase:
    try:
        return load_knowledge(folder)
    except KnowledgeError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"The knowledge in {folder} has {len(error.problems)} problem(s); fix them and "
            "run 'aftercare kb check' again.",
            err=True,
        )
        sys.exit(1)


@click.group()
def main() -> None:
    """aftercare: the microneedling aftercare bot.

    Start with 'aftercare chat' to talk to the bot in this terminal.
    """


@main.command()
@click.argument("question", required=False)
@click.option("--day", type=click.IntRange(min=0), help="Days since the treatment (0 = today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@click.option("--knowledge", "folder", type=click.Path(), help=KNOWLEDGE_HELP)
def ask(question: str | None, day: int | None, as_json: bool, folder: str | None) -> None:
    """Show how the knowledge answers QUESTION.

    Without QUESTION, reads one question a line from standard input and prints one answer
    (one JSON object with --json) a line.
    """
    matcher = Matcher(load_or_exit(knowledge_dir(folder)))
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in questions:
        match = matcher.match(text, day)
        if as_json:
            click.echo(json.dumps(match.as_json(), ensure_ascii=False))
        else:
            click.echo(_describe(match))


def _describe(match: Match) -> str:
    if match.red_flag:
        head = f"WARNING SIGN ({match.sign}) -> {match.rule}"
    elif match.decision == "answer":
        head = f"answer: {match.rule} ({match.title}), score {match.score}"
    elif match.decision == "suggest":
        head = f"did you mean: {', '.join(match.suggestions)} (score {match.score})"
    else:
        head = f"fallback{f' ({match.intent})' if match.intent else ''}, score {match.score}"
    return f"{head}\n{match.answer}\n"


@main.group()
def kb() -> None:
    """Check and measure the knowledge files."""


@kb.command()
@click.option("--knowledge", "folder", type=click.Path(), help=KNOWLEDGE_HELP)
def check(folder: str | None) -> None:
    """Validate the knowledge files; list every problem as file:line: message."""
    root = knowledge_dir(folder)
    knowledge = load_or_exit(root)
    examples = sum(len(r.examples) for r in knowledge.rules)
    click.echo(
        f"OK: {len(knowledge.rules)} topics, {examples} example questions, "
        f"{len(knowledge.plan.steps)} check-ins in {root}"
    )


@kb.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--knowledge", "folder", type=click.Path(), help=KNOWLEDGE_HELP)
def eval_command(file: str, as_json: bool, folder: str | None) -> None:
    """Measure accuracy on FILE, a .jsonl of labelled questions, and list the misses.

    Each line: {"question": "...", "expected": ["topic-id"], "red_flag": false}.
    """
    matcher = Matcher(load_or_exit(knowledge_dir(folder)))
    try:
        questions = read_labelled(Path(file))
    except LabelledFileError as error:
        raise click.ClickException(str(error)) from error
    show_bar = len(questions) >= 500 and not as_json and sys.stderr.isatty()
    report = evaluate(
        matcher, questions, progress=lambda items: tqdm(items, disable=not show_bar, unit="q")
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    for outcome in report.misses:
        got = outcome.match.rule or (
            f"fallback/{outcome.match.intent}" if outcome.match.intent else "fallback"
        )
        flag = ""
        if outcome.match.red_flag != outcome.item.red_flag:
            flag = " MISSED WARNING SIGN" if outcome.item.red_flag else " false alarm"
        click.echo(
            f"miss: {outcome.item.question!r} expected {list(outcome.item.expected) or 'fallback'}"
            f" got {got} ({outcome.match.decision}, {outcome.match.score}){flag}"
        )
    click.echo(
        f"{len(report.outcomes)} questions: in-scope top-1 {report.top1_accuracy:.1%} "
        f"({len(report.in_scope)}), answered right away {report.answered_accuracy:.1%}, "
        f"out-of-scope fallback {report.fallback_rate:.1%} ({len(report.out_of_scope)}), "
        f"red-flag recall {report.red_flag_recall:.1%}, false alarms {report.false_alarm_rate:.1%}"
    )
