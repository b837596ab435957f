"""The commands that read what patients asked: questions the bot could not answer, and
how many patients, check-ins, questions and warning signs there were."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import (
    JSON_HELP,
    KNOWLEDGE_HELP,
    at_least,
    knowledge_dir,
    knowledge_or_exit,
    settings_or_exit,
    stored_questions,
)


@click.command()
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
@click.option(
    "--top",
    "top",
    type=int,
    default=50,
    show_default=True,
    callback=lambda _ctx, _param, value: at_least(value, 1),
    metavar="N",
    help="Show the N biggest groups (only they are matched to a topic).",
)
@click.option("--knowledge", "folder", type=click.Path(), metavar="FOLDER", help=KNOWLEDGE_HELP)
def unanswered(
    since_days: int | None,
    as_json: bool,
    draft_group: int | None,
    draft_folder: str,
    top: int,
    folder: str | None,
) -> None:
    """List the questions the bot could not answer, grouped, most frequent first.

    Each group shows how often it was asked and the closest existing topic; with more
    than --top groups it says how many it leaves out. Use --draft N to start a new topic
    from group N.
    """
    from bot.tools.unanswered import draft_topic, top_groups

    knowledge = knowledge_or_exit(knowledge_dir(folder))
    shown = max(top, draft_group or 0)
    matcher = knowledge.matcher
    grouping = top_groups(stored_questions(since_days, matcher.reading), matcher, shown)
    groups = grouping.groups
    if draft_group is not None:
        if draft_group > len(groups):
            raise click.ClickException(f"there are only {len(groups)} group(s)")
        taken = {rule.id for rule in knowledge.base.rules}
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
    if grouping.total > len(groups):
        click.echo(
            f"Showing the top {len(groups)} of {grouping.total:,} groups (--top N for more)."
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def stats(as_json: bool) -> None:
    """Show how many patients, check-ins, questions and warning signs there were.

    Standing problems and alerts nobody has taken come first; then, for the last 7 and
    30 days, questions, warning signs, how long alerts waited for someone to take them
    (median, worst) and alerts never taken; then patients now. On a new install, before
    the bot has run, everything is zero.
    """
    from bot.conversation.wording import format_stats, plain_text
    from bot.storage.stats import stats as patient_stats
    from bot.storage.store import Store

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
    click.echo(plain_text(format_stats(figures)))
