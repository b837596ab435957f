"""Telegram HTML, checked before a patient sees it.

Every message the bot sends uses Telegram's HTML parse mode, and Telegram refuses a whole
message ("can't parse entities") for one stray `<` or `&`. So each text staff write is
checked here against the Bot API's formatting rules: only the tags Telegram accepts,
closed in the right order, and `<`, `>` and `&` written as `&lt;`, `&gt;` and `&amp;`
unless they are part of a tag or an entity. The messages are for the nurse who wrote the
text: what is wrong and what to write instead, in plain words.

Pure: text in, problems out. The loader turns each problem's place into a `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIMPLE_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "code", "pre"}
)
"""Tags Telegram accepts without any setting."""
ALL_TAGS = SIMPLE_TAGS | {"span", "a", "tg-emoji", "blockquote"}
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
"""The only named entities the Bot API knows; numeric ones (&#8212;) all work."""
STYLE_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"}
)
"""Bold, italic, underline, strikethrough and spoiler: these may sit inside anything but
code, and anything may sit inside them."""
ALLOWED_LIST = "b, i, u, s, a href, code, pre, blockquote, tg-spoiler"

_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"""\s*([A-Za-z][\w-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_NOT_A_TAG = re.compile(r"<[^\s<>][^<>\n]{0,40}>")


@dataclass(frozen=True)
class HtmlProblem:
    """One thing Telegram would refuse: where in the text, the text at fault, and the fix."""

    offset: int
    snippet: str
    message: str


@dataclass(frozen=True)
class _Open:
    name: str
    offset: int
    written: str


@dataclass
class _Nesting:
    """The tags open so far, and those closed early by a tag closed out of order (their own
    closing tag comes later and is not a second mistake)."""

    open: list[_Open]
    closed_early: list[str]


def html_problems(text: str) -> list[HtmlProblem]:
    """Everything in `text` that Telegram's HTML parse mode would refuse, in text order."""
    problems: list[HtmlProblem] = []
    nesting = _Nesting([], [])
    index = 0
    while index < len(text):
        char = text[index]
        if char == "&":
            index = _entity(text, index, problems)
        elif char == ">":
            problems.append(
                HtmlProblem(index, ">", "a bare '>': write &gt; for >, or use words: 'more than'")
            )
            index += 1
        elif char == "<":
            index = _tag(text, index, nesting, problems)
        else:
            index += 1
    for still_open in reversed(nesting.open):
        problems.append(
            HtmlProblem(
                still_open.offset,
                still_open.written,
                f"{still_open.written} is never closed: add </{still_open.name}> where it "
                "should end",
            )
        )
    return sorted(problems, key=lambda p: p.offset)


def _entity(text: str, index: int, problems: list[HtmlProblem]) -> int:
    entity = _ENTITY.match(text, index)
    if entity is None:
        problems.append(
            HtmlProblem(index, "&", "a bare '&': write &amp; for &, or use the word 'and'")
        )
        return index + 1
    name = entity.group()[1:-1]
    if not name.startswith("#") and name not in NAMED_ENTITIES:
        problems.append(
            HtmlProblem(
                index,
                entity.group(),
                f"{entity.group()} is not known to Telegram (it knows only &lt; &gt; &amp; "
                "&quot;): type the character itself instead",
            )
        )
    return entity.end()


def _tag(text: str, index: int, nesting: _Nesting, problems: list[HtmlProblem]) -> int:
    tag = _TAG.match(text, index)
    if tag is None:
        return _not_a_tag(text, index, problems)
    closing, name, attributes = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
    written = tag.group()
    if name not in ALL_TAGS:
        problems.append(HtmlProblem(index, written, _unknown_tag(written, name)))
        return tag.end()
    if closing:
        _close(nesting, name, index, written, problems)
        return tag.end()
    problem = _attribute_problem(name, attributes, written) or _nesting_problem(nesting.open, name)
    if problem:
        problems.append(HtmlProblem(index, written, problem))
    nesting.open.append(_Open(name, index, written))
    return tag.end()


def _not_a_tag(text: str, index: int, problems: list[HtmlProblem]) -> int:
    bracketed = _NOT_A_TAG.match(text, index)
    if bracketed is not None:
        problems.append(
            HtmlProblem(
                index,
                bracketed.group(),
                f"'{bracketed.group()}' is not a tag Telegram knows: write &lt; and &gt; "
                "for the brackets, or leave them out",
            )
        )
        return bracketed.end()
    problems.append(
        HtmlProblem(index, "<", "a bare '<': write &lt; for <, or use words: 'less than'")
    )
    return index + 1


def _unknown_tag(written: str, name: str) -> str:
    if name == "br":
        return (
            f"{written} is not a tag Telegram accepts: for a new line, just start a new "
            "line (write the text after 'answer: |' to keep line breaks)"
        )
    if name == "p":
        return f"{written} is not a tag Telegram accepts: leave an empty line between paragraphs"
    return (
        f"{written} is not a tag Telegram accepts (it knows {ALLOWED_LIST}): remove it, or "
        "write &lt; and &gt; if you meant the brackets"
    )


def _close(
    nesting: _Nesting, name: str, index: int, written: str, problems: list[HtmlProblem]
) -> None:
    stack = nesting.open
    if not any(opened.name == name for opened in stack):
        if name in nesting.closed_early:
            nesting.closed_early.remove(name)
            return
        problems.append(
            HtmlProblem(index, written, f"{written} closes a tag that was never opened: remove it")
        )
        return
    if stack[-1].name != name:
        inner = stack[-1]
        problems.append(
            HtmlProblem(
                index,
                written,
                f"{written} comes before {inner.written} is closed: close tags in the "
                f"opposite order, </{inner.name}></{name}>",
            )
        )
    while stack[-1].name != name:
        nesting.closed_early.append(stack.pop().name)
    stack.pop()


def _attribute_problem(name: str, attributes: str, written: str) -> str | None:
    found = dict(
        (match.group(1).lower(), (match.group(2) or "").strip("\"'"))
        for match in _ATTRIBUTE.finditer(attributes.rstrip("/ "))
        if match.group(1)
    )
    if attributes.rstrip().endswith("/"):
        return f"{written}: Telegram tags are opened and closed, like <b>words</b>; drop the /"
    if name == "a":
        if not found.get("href"):
            return f'{written} needs the address: <a href="https://...">words</a>'
        extra = set(found) - {"href"}
    elif name == "span":
        if found.get("class") != "tg-spoiler":
            return f'Telegram accepts <span> only as <span class="tg-spoiler">: fix {written}'
        extra = set(found) - {"class"}
    elif name == "tg-emoji":
        if not found.get("emoji-id"):
            return f'{written} needs emoji-id="..."'
        extra = set(found) - {"emoji-id"}
    elif name == "blockquote":
        extra = set(found) - {"expandable"}
    elif name == "code":
        extra = set(found) - {"class"}
    else:
        extra = set(found)
    if extra:
        return f"{written}: Telegram accepts no '{sorted(extra)[0]}' here; write <{name}>"
    return None


def _nesting_problem(stack: list[_Open], name: str) -> str | None:
    if not stack:
        return None
    inner = stack[-1]
    if inner.name in {"code", "pre"}:
        if inner.name == "pre" and name == "code":
            return None
        return f"nothing can be formatted inside <{inner.name}>: close it first"
    if name == "blockquote" and any(opened.name == "blockquote" for opened in stack):
        return "a quote cannot be inside another quote: close the first <blockquote> first"
    if name == "a" and any(opened.name == "a" for opened in stack):
        return "a link cannot be inside another link: close the first </a> first"
    return None


_TRAILING_TAGS = re.compile(r"(?:\s|</?[A-Za-z][^<>]*>)+$")


def ends_mid_sentence(text: str) -> bool:
    """True when a text stops on a word or a comma: most likely cut off while editing.

    A sentence may end on punctuation, an emoji, a number ("call 999") or a
    {placeholder} (a phone number); closing tags at the end do not count.
    """
    visible = _TRAILING_TAGS.sub("", text)
    return bool(visible) and (visible[-1].isalpha() or visible[-1] in ",;-–—(")
