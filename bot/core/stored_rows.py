"""A trained model's features as the compiled-knowledge cache stores and reads them back.

They are stored sorted, as one text with every `BLOCK`th feature apart, and the row of
each (`sorted_features`). A model read back looks its features up there (`SortedRows`),
making no string per feature, until it has looked up enough to build its dict
(`bot.core.classifier.LinearModel`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import accumulate, islice
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from bot.core.classifier import LinearModel

BLOCK = 32
"""Features per block of a model read back from the compiled-knowledge cache."""
ROWS_SEARCHED = 1024
"""Features a model read back from the compiled-knowledge cache looks up by binary search
before it builds the dict of them all: `aftercare ask` looks up a few hundred and never
pays for tens of thousands; a bot builds the dict within its first messages."""


def sorted_features(
    features: Sequence[str],
) -> tuple[str, array[int], tuple[str, ...], array[int]]:
    """`features` as stored: sorted as one text, each between two newlines; the row of
    each, in that order; the first feature of each block; and where in the text the
    newline before each block's first feature is."""
    order = sorted(range(len(features)), key=features.__getitem__)
    ordered = [features[row] for row in order]
    text = "\n" + "\n".join(ordered) + "\n" if ordered else ""
    ends = accumulate((len(feature) + 1 for feature in ordered), initial=0)
    return (
        text,
        array("I", order),
        tuple(ordered[::BLOCK]),
        array("I", islice(ends, 0, None, BLOCK)),
    )


class SortedRows:
    """A model's rows as read back from the compiled-knowledge cache, looked up in its
    features' sorted text until `ROWS_SEARCHED` lookups have been made: then the model
    builds its dict. `aftercare ask` looks up a few hundred of tens of thousands of
    features, so none is made a string of its own: a lookup bisects the first feature of
    each block of `BLOCK`, then finds the feature in its block's text. The same row as the
    dict's either way (of equal features the last)."""

    def __init__(
        self,
        model: LinearModel,
        text: str,
        order: array[int],
        firsts: tuple[str, ...],
        starts: array[int],
    ) -> None:
        self.model = model
        self.text = text
        """The features in sorted order, each between two newlines."""
        self.order = order
        """The row of each feature of `text`, in its order."""
        self.firsts = firsts
        """The first feature of each block."""
        self.starts = starts
        """Where in `text` the newline before each block's first feature is."""
        self.searched = 0

    def get(self, feature: str, default: int | None = None) -> int | None:
        self.searched += 1
        if self.searched == ROWS_SEARCHED:
            self.model.index_rows()
        block = bisect_right(self.firsts, feature) - 1
        # A newline would match across the features it stands between: no feature has one.
        if block < 0 or "\n" in feature:
            return default
        text, low = self.text, self.starts[block]
        high = self.starts[block + 1] + 1 if block + 1 < len(self.starts) else len(text)
        at = text.rfind(f"\n{feature}\n", low, high)
        if at < 0:
            return default
        return self.order[block * BLOCK + text.count("\n", low + 1, at + 1)]

    def in_rows(self) -> tuple[str, ...]:
        """Every feature, in the order of the rows."""
        found = [""] * len(self.order)
        for feature, row in zip(self.text[1:-1].split("\n"), self.order, strict=False):
            found[row] = feature
        return tuple(found)

    def __contains__(self, feature: str) -> bool:
        return self.get(feature) is not None

    def __getitem__(self, feature: str) -> int:
        row = self.get(feature)
        if row is None:
            raise KeyError(feature)
        return row


class FeaturesInRows(Sequence[str]):
    """The features of a model read back, made strings only when all are asked for (by
    the dict of `LinearModel.index_rows`, or to store the model again)."""

    def __init__(self, rows: SortedRows) -> None:
        self._rows = rows

    @cached_property
    def _features(self) -> tuple[str, ...]:
        return self._rows.in_rows()

    def __len__(self) -> int:
        return len(self._rows.order)

    @overload
    def __getitem__(self, row: int) -> str: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[str]: ...
    def __getitem__(self, row: int | slice) -> str | Sequence[str]:
        return self._features[row]

    def __iter__(self) -> Iterator[str]:
        return iter(self._features)
