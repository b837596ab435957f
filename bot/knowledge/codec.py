"""The validated knowledge as plain JSON and back, for the compiled-knowledge cache.

Every knowledge value is an immutable dataclass of strings, numbers, tuples, mappings and
other such dataclasses, so one walk over the declared field types writes and reads them
all: adding a field to `bot.core.model` needs no change here. Trained models are the
exception: they are cached on their own (`bot.knowledge.trained`), so a model field is
written as null and filled, when read, from the models the caller passes by field name.
Fields whose names start with "_" are derived in `__post_init__` and not written.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import time
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from bot.core.classifier import LinearModel

T = TypeVar("T")
Models = Mapping[str, LinearModel]


def to_json(value: Any) -> Any:
    """`value` as JSON-ready lists, dicts, strings and numbers."""
    if isinstance(value, LinearModel):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_json(getattr(value, name)) for name in _fields(type(value))}
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (frozenset, set)):
        return [to_json(item) for item in sorted(value)]
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, time):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def from_json(kind: type[T], data: Any, models: Models) -> T:
    """The `kind` dataclass `to_json` wrote as `data` (its models taken from `models` by
    field name); raises ValueError, TypeError or KeyError when `data` has another shape."""
    declared: Any = kind
    return typing.cast(T, _reader(declared, "")(data, models))


Reader = Callable[[Any, Models], Any]


@cache
def _reader(kind: Any, name: str) -> Reader:
    """How to read a value declared as `kind` in field `name`: worked out once per type."""
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if kind is LinearModel or LinearModel in arguments:
        optional = kind is not LinearModel
        return lambda _, models: models.get(name) if optional else models[name]
    if origin in (types.UnionType, typing.Union):
        (inner,) = [a for a in arguments if a is not type(None)]
        read_inner = _reader(inner, name)
        return lambda data, models: None if data is None else read_inner(data, models)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        build: Callable[..., Any] = kind
        hints = typing.get_type_hints(kind)
        fields = [(field, _reader(hints[field], field)) for field in _fields(kind)]

        def read_dataclass(data: Any, models: Models) -> Any:
            return build(**{field: read(data[field], models) for field, read in fields})

        return read_dataclass
    if origin in (tuple, frozenset):
        read_item = _reader(arguments[0], name)
        if read_item is _plain:
            return lambda data, _: origin(_listed(data))
        return lambda data, models: origin(read_item(item, models) for item in _listed(data))
    if origin is Mapping:
        read_value = _reader(arguments[1], name)
        return lambda data, models: {
            str(key): read_value(value, models) for key, value in _mapped(data).items()
        }
    if kind is Path:
        return lambda data, _: Path(data)
    if kind is time:
        return lambda data, _: time.fromisoformat(data)
    if kind is float:
        return lambda data, _: float(data)
    if kind in (str, int, bool):
        return _plain
    raise TypeError(f"cannot read {kind} from JSON")


def _plain(data: Any, _: Models) -> Any:
    """JSON's own strings, integers and booleans, read as they are."""
    return data


def _listed(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise ValueError("a sequence must be a JSON list")
    return data


def _mapped(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError("a mapping must be a JSON object")
    return data


@cache
def _fields(kind: type) -> tuple[str, ...]:
    """The fields a dataclass is built from, without those derived from them."""
    return tuple(f.name for f in dataclasses.fields(kind) if f.init and not f.name.startswith("_"))
