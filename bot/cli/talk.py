"""The commands that talk: run the Telegram bot, chat in the terminal, and ask one
question to see what the bot would answer and why."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from bot.cli.common import KNOWLEDGE_HELP, at_least, knowledge_dir, knowledge_or_exit
from bot.cli.quick import answer_line

if TYPE_CHECKING:
    from bot.core.matching import Match


@click.command()
def run() -> None:
    """Run the Telegram bot until you stop it (Ctrl+C, or SIGTERM from a service manager).

    It needs the bot's token from @BotFather: put TELEGRAM_BOT_TOKEN=... in the
    environment or in a .env file in this folder. Messages sent while the bot was
    stopped are answered when it starts again.
    """
    from bot.telegram.app import run as run_bot

    sys.exit(run_bot())


@click.command()
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


@click.command()
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
    suggestions and decision, plus intent for off-topic replies, sign and triggers for a
    warning sign (sign is null when red_flag is false), and ruled_out: each mention of a
    sign set aside, with why (denied, past, normal on the day, another sense...).
    """
    matcher = knowledge_or_exit(knowledge_dir(folder)).matcher
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in questions:
        match = matcher.match(text, day)
        if as_json:
            click.echo(answer_line(match))
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
