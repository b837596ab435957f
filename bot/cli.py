"""The `aftercare` command line: the front door for operators and clinic staff."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from tqdm import tqdm

from bot.config import ConfigError, Settings, load_settings
from bot.core.matching import Match, Matcher
from bot.knowledge.loader import (
    RECOMMENDED_EXAMPLES,
    KnowledgeBase,
    KnowledgeError,
    load_knowledge,
    problems_report,
)
from bot.storage.questions import UnansweredQuestion, unanswered_questions
from bot.storage.stats import stats as patient_stats
from bot.storage.store import Store
from bot.tools.evaluation import LabelledFileError, evaluate, read_labelled, unknown_topics
from bot.tools.evaluation_report import describe_evaluation, percent
from bot.tools.knowledge_diff import describe_diff, diff_knowledge
from bot.tools.unanswered import draft_topic, group_questions

KNOWLEDGE_HELP = (
    "The knowledge folder to use, for example a copy you are editing (normally the one "
    "named by AFTERCARE_KNOWLEDGE_DIR, else the built-in one)."
)
JSON_HELP = "Print the result as JSON, for scripts and other programs."


def at_least(value: int | None, minimum: int) -> int | None:
    """A whole number option checked in words ('must be 1 or more'), not as 'x>=1'."""
    if value is not None and value < minimum:
        raise click.BadParameter(f"must be {minimum} or more")
    return value


def settings_or_exit() -> Settings:
    """The configuration, or a clear message and exit code 2."""
    try:
        return load_settings()
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


def knowledge_dir(option: str | None) -> Path:
    """The folder to read: the option, else AFTERCARE_KNOWLEDGE_DIR (or .env), else built-in."""
    return Path(option) if option else settings_or_exit().knowledge_dir


def load_or_exit(folder: Path) -> KnowledgeBase:
    try:
        return load_knowledge(folder)
    except KnowledgeError as error:
        click.echo(problems_report(error, folder), err=True)
        sys.exit(1)


@click.group()
@click.version_option(
    package_name="aftercare", prog_name="aftercare", message="%(prog)s %(version)s"
)
def main() -> None:
    """aftercare: the microneedling aftercare bot.

    Start with 'aftercare chat' to talk to the bot in this terminal. Staff who edit the
    knowledge files check them with 'aftercare kb check'. Type 'aftercare COMMAND --help'
    to read about one command.
    """


@main.command()
def run() -> None:
    """Run the Telegram bot until you stop it (Ctrl+C, or SIGTERM from a service manager).

    It needs the bot's token from @BotFather: put TELEGRAM_BOT_TOKEN=... in the
    environment or in a .env file in this folder. Messages sent while the bot was
    stopped are answered when it starts again.
    """
    from bot.telegram.app import run as run_bot

    sys.exit(run_bot())


@main.command()
@click.option(
    "--staff",
    is_flag=True,
    help="Also play the clinic's staff chat: see alerts, take them and answer the patient.",
)
def chat(staff: bool) -> None:
    """Talk to the bot here in the terminal: no token or internet needed.

    Type questions as a patient would; buttons show as numbers you type, and /quit (or
    Ctrl+D) leaves. It uses the same database as the bot (AFTERCARE_DB). Check-ins are
    planned (see /status), but only 'aftercare run' sends them. With --staff, lines you
    start with '>' are typed in the staff chat.
    """
    from bot.terminal import chat as run_chat

    sys.exit(run_chat(staff=staff))


@main.command()
@click.argument("question", required=False)
@click.option(
    "--day",
    type=int,
    callback=lambda _ctx, _param, value: at_least(value, 0),
    metavar="N",
    help="Days since the treatment (0 = the treatment day).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object per question, for scripts (its fields are listed above).",
)
@click.option("--knowledge", "folder", type=click.Path(), metavar="FOLDER", help=KNOWLEDGE_HELP)
def ask(question: str | None, day: int | None, as_json: bool, folder: str | None) -> None:
    """Show what the bot would answer to QUESTION, and why (which topic, how sure).

    Put the question in quotes: aftercare ask "can I wear makeup tomorrow". Without
    QUESTION, it reads one question a line (from a file or a pipe) and answers each.
    With --json each answer is one JSON object with rule, title, score, answer, red_flag,
    suggestions and decision (plus intent for off-topic replies and sign for warning
    signs).
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
    """Check the knowledge files, and measure or compare what they answer."""


@kb.command()
@click.option("--knowledge", "folder", type=click.Path(), metavar="FOLDER", help=KNOWLEDGE_HELP)
def check(folder: str | None) -> None:
    """Check the knowledge files before patients see them.

    Every problem is one line, file:line: what to fix, and the exit code is 1. When all
    is well it prints one OK line. Warnings (a topic with few example questions, an
    answer that seems cut off) are shown but do not stop the files from being used.
    """
    root = knowledge_dir(folder)
    knowledge = load_or_exit(root)
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
    alarms by cause. A topic id that is not in the knowledge is an error (exit 1).
    """
    knowledge = load_or_exit(knowledge_dir(folder))
    try:
        questions = read_labelled(Path(file))
    except LabelledFileError as error:
        raise click.ClickException(str(error)) from error
    unknown = unknown_topics(questions, knowledge, Path(file))
    if unknown:
        for line in unknown:
            click.echo(line, err=True)
        sys.exit(1)
    show_bar = len(questions) >= 500 and not as_json and sys.stderr.isatty()
    report = evaluate(
        Matcher(knowledge),
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
    old_matcher = Matcher(load_or_exit(Path(old)))
    new_matcher = Matcher(load_or_exit(Path(new)))
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
    stored = [q.text for q in _stored_questions(since_days=None)]
    if not stored:
        return [], f"Stored questions: none yet in {path.resolve()}."
    return stored, f"Stored questions: {len(stored)} from {path.resolve()}."


def _stored_questions(since_days: int | None) -> list[UnansweredQuestion]:
    """Questions from the database, without creating one where there is none."""
    path = settings_or_exit().db_path
    if not path.exists():
        return []
    since = datetime.now(UTC) - timedelta(days=since_days) if since_days is not None else None
    with Store(path) as store:
        return store.run_sync(unanswered_questions, since)


@main.command()
@click.option(
    "--since",
    "since_days",
    type=int,
    callback=lambda _ctx, _param, value: at_least(value, 1),
    metavar="DAYS",
    help="Only the questions of the last DAYS days.",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option(
    "--draft",
    "draft_group",
    type=int,
    callback=lambda _ctx, _param, value: at_least(value, 1),
    metavar="N",
    help="Start a new topic file from group number N of the list, to fill in.",
)
@click.option(
    "--to",
    "draft_folder",
    type=click.Path(file_okay=False),
    metavar="FOLDER",
    default="drafts",
    show_default=True,
    help="Where --draft writes the new topic file.",
)
@click.option("--knowledge", "folder", type=click.Path(), metavar="FOLDER", help=KNOWLEDGE_HELP)
def unanswered(
    since_days: int | None,
    as_json: bool,
    draft_group: int | None,
    draft_folder: str,
    folder: str | None,
) -> None:
    """List the questions the bot could not answer, grouped, most frequent first.

    Each group shows how often it was asked and the closest existing topic. Use
    --draft N to start a new topic from group N.
    """
    knowledge = load_or_exit(knowledge_dir(folder))
    groups = group_questions(_stored_questions(since_days), Matcher(knowledge))
    if draft_group is not None:
        if draft_group > len(groups):
            raise click.ClickException(f"there are only {len(groups)} group(s)")
        taken = {rule.id for rule in knowledge.rules}
        path = draft_topic(groups[draft_group - 1], Path(draft_folder), taken)
        click.echo(f"Wrote {path}: fill in the answer, then copy it into knowledge/topics/.")
        return
    if as_json:
        click.echo(json.dumps([g.as_json() for g in groups], ensure_ascii=False, indent=2))
        return
    if not groups:
        click.echo("No unanswered questions stored.")
    for number, group in enumerate(groups, start=1):
        closest = f"closest: {group.closest_rule} ({group.score})" if group.closest_rule else ""
        click.echo(f"{number}. [{group.count}x] {group.representative!r} {closest}".rstrip())
        for variant in group.questions[1:4]:
            click.echo(f"     also: {variant!r}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def stats(as_json: bool) -> None:
    """Show how many patients, check-ins, questions and warning signs there were.

    Counts patients now (and how many want check-ins), and what happened in the last 7
    and 30 days. On a new install, before the bot has run, everything is zero.
    """
    path = settings_or_exit().db_path
    if not path.exists():
        # A new install: nothing has happened yet, and looking must not create the file.
        click.echo(
            f"No database at {path.resolve()} yet, so everything is zero (set AFTERCARE_DB "
            "if the bot keeps it elsewhere).",
            err=True,
        )
    with Store(path if path.exists() else ":memory:") as store:
        figures = store.run_sync(patient_stats, datetime.now(UTC))
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(
        f"patients {figures['patients']}, opted in to check-ins {figures['opted_in']}, "
        f"unreachable {figures['unreachable']}"
    )
    for label, key in (("last 7 days", "last_7_days"), ("last 30 days", "last_30_days")):
        period = figures[key]  # type: ignore[literal-required]
        click.echo(
            f"{label}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in period.items())
        )
