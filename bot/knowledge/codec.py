"""The compiled knowledge, its matcher included, as bytes and back, for the cache.

A start with unchanged knowledge should cost one read, not a read and then the building of
a matcher (indexing every phrasing, compiling every warning-sign phrase): so the whole
`Knowledge` is written, as it stands once built, with `pickle`, and read back in one pass.

Reading is restricted, so that a cache file can only ever rebuild knowledge: the only
names a file may use are the classes of `bot.core`, of the check-in plan and of
`bot.knowledge.compiled`, a few types of the standard library (arrays, paths, times,
compiled regular expressions), and `cached_method` and `constant` below. Any other name
(a function to call, a module to import) refuses the whole file, as a damaged one is
refused. The matcher's caches (`functools.lru_cache` over its own methods) are written
empty and read back empty, as a freshly built matcher has them; the constants the code
compares by identity (`is`) are written by name and read back as themselves.
"""

from __future__ import annotations

import functools
import gc
import io
import pickle
import re
import sys
import types
from collections.abc import Callable
from importlib import import_module
from typing import Any

PROTOCOL = 5
OWN_PACKAGE = "bot.core."
OWN_MODULES = frozenset({"scheduler.planning", "bot.knowledge.compiled"})
"""With the modules of `OWN_PACKAGE`: where the classes a cache file may rebuild are
defined."""
STANDARD = frozenset(
    {
        ("array", "array"),
        ("array", "_array_reconstructor"),
        ("datetime", "time"),
        ("pathlib", "PosixPath"),
        ("pathlib", "WindowsPath"),
        ("re", "_compile"),
    }
)
"""The standard library's types a cache file may rebuild (how pickle writes them)."""


def dumps(value: object, patterns: list[re.Pattern[str]] | None = None) -> bytes:
    """`value` as bytes that `loads` reads back; every regular expression written is added
    to `patterns` when given (`bot.knowledge.patterns` keeps them compiled)."""
    buffer = io.BytesIO()
    writer = _Writer(buffer, protocol=PROTOCOL)
    writer.constants = _constants()
    writer.patterns = [] if patterns is None else patterns
    writer.dump(value)
    return buffer.getvalue()


def loads(data: bytes) -> object:
    """What `dumps` wrote; raises `pickle.UnpicklingError` when `data` names anything but
    knowledge types, and other errors when it is damaged."""
    # Hundreds of thousands of objects are made at once, none of them garbage: a
    # collection in the middle would walk them all for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Reader(io.BytesIO(data)).load()
    finally:
        if enabled:
            gc.enable()


def cached_method(owner: object, name: str, maxsize: int | None) -> Callable[..., Any]:
    """`owner`'s method `name` behind a new, empty `lru_cache`: how a cache of a method is
    read back. Only a method of a knowledge class is accepted."""
    method = getattr(type(owner), name, None)
    if (
        name.startswith("__")
        or not isinstance(method, types.FunctionType)
        or not own_module(method.__module__)
    ):
        raise pickle.UnpicklingError(f"{type(owner).__name__}.{name} is not a knowledge method")
    bound: Callable[..., Any] = getattr(owner, name)
    return functools.lru_cache(maxsize=maxsize)(bound)


def constant(module: str, name: str) -> object:
    """The knowledge object `module` defines as `name`: how a constant the code compares by
    identity (`bot.core.signs.IMPROVING`) is read back, as itself and not as a copy."""
    found = getattr(import_module(module), name, None) if own_module(module) else None
    if found is None or isinstance(found, type) or not own_module(type(found).__module__):
        raise pickle.UnpicklingError(f"{module}.{name} is not a knowledge constant")
    return found


def _constants() -> dict[int, tuple[str, str]]:
    """Every knowledge object a loaded module of ours defines by name, by identity."""
    found: dict[int, tuple[str, str]] = {}
    for module_name, module in list(sys.modules.items()):
        if not own_module(module_name):
            continue
        for name, value in vars(module).items():
            if not isinstance(value, type) and own_module(type(value).__module__):
                found[id(value)] = (module_name, name)
    return found


def own_module(module: str) -> bool:
    """Whether `module` defines knowledge types (a cache file may rebuild its classes)."""
    return module.startswith(OWN_PACKAGE) or module in OWN_MODULES


class _Writer(pickle.Pickler):
    constants: dict[int, tuple[str, str]]
    patterns: list[re.Pattern[str]]

    def reducer_override(self, obj: Any) -> Any:
        named = self.constants.get(id(obj))
        if named is not None:
            return constant, named
        if isinstance(obj, re.Pattern):
            self.patterns.append(obj)
            return NotImplemented
        if isinstance(obj, functools._lru_cache_wrapper):
            method = obj.__wrapped__
            if isinstance(method, types.MethodType):
                maxsize = obj.cache_parameters()["maxsize"]
                return cached_method, (method.__self__, method.__func__.__name__, maxsize)
        return NotImplemented


class _Reader(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in STANDARD:
            return super().find_class(module, name)
        if module == __name__ and name in (cached_method.__name__, constant.__name__):
            return cached_method if name == cached_method.__name__ else constant
        if own_module(module):
            found = getattr(import_module(module), name, None)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"a knowledge cache may not name {module}.{name}")
