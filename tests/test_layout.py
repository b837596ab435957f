"""The shape of the house (docs/architecture.md): each layer imports only the layers below
it, the pure core does no I/O, and no module grows past what one person reads at once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (
    ("scheduler",),
    ("bot.core",),
    ("bot.knowledge",),
    ("bot.config",),
    ("bot.storage",),
    ("bot.tools",),
    ("bot.conversation",),
    ("bot.compose",),
    ("bot.telegram", "bot.terminal"),
    ("bot.cli",),
)
"""Bottom to top. A module may import its own layer and any below it, never above; the
two front ends (Telegram and the terminal) share a layer and never import each other."""
PURE = ("scheduler", "bot.core")
"""Layers of pure functions and values: no database, no network, no event loop."""
IO_MODULES = frozenset(
    {"sqlite3", "sqlite_utils", "telegram", "httpx", "apscheduler", "asyncio", "socket"}
)
MAX_LINES = 400


def modules() -> Iterator[tuple[str, Path]]:
    for folder in ("bot", "scheduler"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def imported(path: Path) -> Iterator[str]:
    """Every absolute module name `path` imports, at any depth (lazy imports count)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def layer_of(module: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer):
            return index
    return None


def front_end(module: str) -> str | None:
    return next((top for top in LAYERS[-2] if module.startswith(top)), None)


MODULES = list(modules())


def test_every_module_of_the_product_belongs_to_a_layer() -> None:
    assert [name for name, _ in MODULES if name != "bot" and layer_of(name) is None] == []


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_a_module_imports_only_its_own_layer_and_the_layers_below(name: str, path: Path) -> None:
    own = layer_of(name)
    if own is None:
        return
    mine = front_end(name)
    upward = [
        target
        for target in imported(path)
        if (layer := layer_of(target)) is not None
        and (layer > own or (mine is not None and front_end(target) not in (None, mine)))
    ]
    assert upward == []


@pytest.mark.parametrize(
    ("name", "path"),
    [(name, path) for name, path in MODULES if name.startswith(PURE)],
    ids=[name for name, _ in MODULES if name.startswith(PURE)],
)
def test_the_pure_core_imports_nothing_that_does_io(name: str, path: Path) -> None:
    assert sorted({t for t in imported(path) if t.split(".")[0] in IO_MODULES}) == []


def test_the_scheduler_imports_nothing_from_the_bot() -> None:
    found = {
        name: target
        for name, path in MODULES
        if name.startswith("scheduler")
        for target in imported(path)
        if target.split(".")[0] == "bot"
    }
    assert found == {}


def test_no_module_is_longer_than_four_hundred_lines() -> None:
    long = {
        name: lines
        for name, path in MODULES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_module_says_what_it_is_for() -> None:
    silent = [
        name
        for name, path in MODULES
        if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert silent == []
