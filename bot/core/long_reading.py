"""What the topic half reads of a long message (issue 14 item 5, issue 12 item 4).

The warning-sign check reads every sentence of every message, whatever its length (issue
8). The topic half need not: in a story of up to 4,096 characters, the sentences that ask
something say what the patient wants answered, and the story around them weighs little
(`bot.core.asks.focus`). So a message longer than `LONG_MESSAGE_CHARS` is read for its
topic as its last `ASKS_READ` asking sentences, each with the sentence before it (what a
short question points back to: "It has glycolic acid. Can I use it?"), in the order
written, at most `MAX_MESSAGE_CHARS` characters; a long message that asks nothing, as its
last `ASKS_READ` sentences (where a story says how things are now). A message up to
`LONG_MESSAGE_CHARS` is read whole, exactly as before: its decision does not change.
Pure text functions.
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.asks import asks_itself, sentences_from_end
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
    (the question ends a sentence told in one breath); its last `ASKS_READ` sentences
    when none asks."""
    if len(text) <= LONG_MESSAGE_CHARS:
        return text
    # Read from the end, and only until the earliest ask read has its sentence before it.
    kept: list[str] = []  # from the last
    last: list[str] = []  # the last sentences, in case none asks
    found = 0
    before_ask = False  # whether this sentence comes right before a kept ask
    for sentence in sentences_from_end(text):
        if len(last) < ASKS_READ:
            last.append(sentence)
        asks = found < ASKS_READ and asks_itself(sentence)
        if asks or before_ask:
            kept.append(sentence)
        if not asks and found == ASKS_READ:
            break
        found += asks
        before_ask = asks
    read = " ".join(reversed(kept if found else last))
    if len(read) <= MAX_MESSAGE_CHARS:
        return read
    tail = read[-MAX_MESSAGE_CHARS:]
    # From the first whole word: half a word would read as a word of its own.
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail
