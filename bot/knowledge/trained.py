"""The classifier trained on a knowledge folder, kept on disk between runs.

Training takes about a second, and importing scikit-learn to train takes one or two more:
too slow for a restart. The trained model is stored under the user's cache folder
(`$XDG_CACHE_HOME/aftercare`, else `~/.cache/aftercare`), named after a fingerprint of
everything it was trained on, so a knowledge edit trains afresh and a restart with the
same knowledge reads the stored model in a few milliseconds, without scikit-learn. A cache
that cannot be read or written is simply trained around: it never stops the bot.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy

from bot.core.matching import Matcher, Thresholds, train_topics, training_data
from bot.core.topic_classifier import CHAR_NGRAMS, PRUNE_BELOW, LinearModel
from bot.knowledge.model import KnowledgeBase

FORMAT = 1
"""Bumped when the stored model's layout or features change, so old files are ignored."""
KEEP = 3
"""Stored models kept after each training: the knowledge's last few versions (a reverted
edit reads its model back), not every version ever trained."""
PATTERN = "classifier-*.npz"


def cache_dir() -> Path:
    """Where trained models are kept (see the module docstring)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aftercare"


def fingerprint(knowledge: KnowledgeBase, thresholds: Thresholds) -> str:
    """A name for everything a model is trained on: examples, labels and settings."""
    texts, labels = training_data(knowledge)
    settings = [FORMAT, CHAR_NGRAMS, PRUNE_BELOW, thresholds.regularisation, thresholds.sharpness]
    payload = json.dumps([settings, texts, labels], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def classifier_for(
    knowledge: KnowledgeBase, thresholds: Thresholds | None = None, folder: Path | None = None
) -> LinearModel:
    """The classifier for `knowledge`: the stored one if it fits, else trained and stored."""
    thresholds = thresholds or Thresholds()
    path = (folder or cache_dir()) / f"classifier-{fingerprint(knowledge, thresholds)}.npz"
    stored = read_model(path)
    if stored is not None:
        return stored
    model = train_topics(knowledge, thresholds)
    write_model(model, path)
    forget_old_models(path.parent)
    return model


def matcher_for(knowledge: KnowledgeBase) -> Matcher:
    """A matcher for `knowledge` with its classifier from the cache when it fits."""
    return Matcher(knowledge, classifier=classifier_for(knowledge))


def read_model(path: Path) -> LinearModel | None:
    """The model stored at `path`, or None if there is none or it cannot be read."""
    try:
        with numpy.load(path, allow_pickle=False) as stored:
            return LinearModel.from_arrays(stored)
    except (OSError, ValueError, KeyError):
        return None


def write_model(model: LinearModel, path: Path) -> None:
    """Store `model` at `path` whole or not at all; a folder that can't be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as file:
            # numpy's type stubs read **arrays as its allow_pickle flag.
            numpy.savez(file, **model.as_arrays())  # type: ignore[arg-type]
        Path(file.name).replace(path)
    except OSError:
        return


def forget_old_models(folder: Path) -> None:
    """Delete all but the `KEEP` most recently stored models in `folder`."""
    try:
        stored = sorted(folder.glob(PATTERN), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
