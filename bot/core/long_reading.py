"""What the topic half reads of a long message (issue 14 item 5, issue 12 item 4).

The warning-sign check reads every sentence of every message, whatever its length (issue
8). The topic half need not: in a story of up to 4,096 characters, the sentences that ask
something say what the patient wants answered, and the story around them weighs little
(`bot.core.asks.focus`). So a message longer than `LONG_MESSAGE_CHARS` is read for its
topic as its last `ASKS_READ` asking sentences, each with the sentence before it (what a
short question points back to: "It has glycolic acid. Can I use it?"), in the order
written, at most `MAX_MESSAGE_CHARS` characters. A long message that asks nothing is read
as its first `MAX_MESSAGE_CHARS`, as before. A message up to `LONG_MESSAGE_CHARS` is read
whole, exactly as before: its decision does not change. Pure text functions.
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.asks import asks_itself, sentences
from bot.core.text import MAX_MESSAGE_CHARS

LONG_MESSAGE_CHARS = MAX_MESSAGE_CHARS
"""A message longer than this is read for its topic by its asks (`topic_reading`)."""
ASKS_READ = 3
"""How many asking sentences of a long message the topic half reads: the last ones."""


@lru_cache(maxsize=64)
def topic_reading(text: str) -> str:
    """What the topic half reads of `text`: all of it when it has at most
    `LONG_MESSAGE_CHARS` characters; else its last `ASKS_READ` asking sentences, each with
    the sentence before it, in order, cut to `MAX_MESSAGE_CHARS` characters from the end
    (the question ends a sentence told in one breath); its first `MAX_MESSAGE_CHARS` when
    no sentence asks."""
    if len(text) <= LONG_MESSAGE_CHARS:
        return text
    every = sentences(text)
    asking = [i for i, sentence in enumerate(every) if asks_itself(sentence)]
    if asking:
        kept = sorted({j for i in asking[-ASKS_READ:] for j in (i - 1, i) if j >= 0})
    else:
        kept = list(range(len(every)))[-ASKS_READ:]
    read = " ".join(every[j] for j in kept)
    if len(read) <= MAX_MESSAGE_CHARS:
        return read
    tail = read[-MAX_MESSAGE_CHARS:]
    # From the first whole word: half a word would read as a word of its own.
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail
