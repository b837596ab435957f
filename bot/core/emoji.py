"""Emoji read as a word: "🍷 tonight?" asks about wine, "🪒 today?" about shaving.

The matcher (`bot.core.text.fold`) and the classifiers (`bot.core.classifier.normalise`)
read each emoji of `EMOJI` as its word; every other emoji (faces, hearts) is dropped with
the punctuation. A change here retrains the models (`bot.knowledge.trained` hashes this
file with the classifier's code). Pure data.
"""

from __future__ import annotations

_EMOJI_WORDS = """🪒 shave 💄 makeup 💋 lipstick 🏋 gym 🏃 run 🚴 cycling 🏊 swim 🧖 sauna 🧼 wash
🚿 shower 🛁 bath 🍷 wine 🍺 beer 🍻 beer 🥂 champagne 🍸 cocktail 🍹 cocktail 🚬 smoke ✈ fly
🛫 fly ☀ sun 🌞 sun 🏖 beach 🏝 beach 💇 hairdresser 👓 glasses""".split()
EMOJI = {ord(emoji): f" {word} " for emoji, word in zip(*[iter(_EMOJI_WORDS)] * 2, strict=True)}
"""A `str.translate` table: each emoji of `_EMOJI_WORDS` as its word, spaced."""
