"""The lexical half of the matcher: which topic a message's words point to.

Everything derivable from the knowledge is computed once, when a `TermIndex` is built:
each example phrasing becomes a set of terms (concepts, corrected typos, stems), and each
term gets its weights (`bot.core.term_scores`): how rare it is across topics (idf) and how
strongly it points at each topic. A message is scored against every topic by blending its
nearest example (weighted cosine) with how much of the message the topic's vocabulary
explains.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import NamedTuple

from bot.core import outside
from bot.core.model import KnowledgeBase, Rule
from bot.core.outside import TREATMENT_TERM
from bot.core.owner_rule import patient_words
from bot.core.term_scores import TopicScorer
from bot.core.text import CHAT_SPELLING, STOP_WORDS, TIME_WORDS, is_stop_word, stem, words

IGNORED_TERM = "c:ignore"
"""The concept `ignore` in concepts.yaml: words the matcher skips (brand names)."""
MESSAGE_CACHE = 16
"""Texts whose terms are kept: the message, its questions and its parts, not more, so
that every new message is read afresh."""


INTERVAL = re.compile(r"\b(?:how long|how many (?:weeks|days|months)|how soon|how often|gap)\b")
"""How far apart sessions are is `sessions-followup`, not the time before one."""
BEFORE_SESSION_TERM = "c:before_session"
BEFORE_SESSION = re.compile(
    r"\b(?:before|ahead of|prior to|leading up to|in preparation for|prepare for|preparing for)"
    r" (?:my |the |a |your |our )?(?:next |first |second |third |upcoming )?"
    r"(?:session|sessions|appointment|appt|treatment|microneedling|procedure|one)\b|"
    r"\b(?:wear|bring|take|use|do|have|put)\b.{0,30}\b(?:to|for|at) (?:my|the) "
    r"(?:next|upcoming) (?:session|appointment|appt)\b|"
    r"\b(?:can|could|should|may|do|does) (?:i|you|one|someone|people) (?:still )?"
    r"(?:get|have|do|book|go ahead with) (?:microneedling|the treatment|a treatment|a session|"
    r"my session|it done|it|treatment)\b.{0,40}\b(?:if|with|while|when|whilst|during)\b|"
    r"\bwho (?:should|shouldnt|cant|cannot|can not|should not|is not|isnt)\b|"
    r"\b(?:will|would|can|could) you still (?:do|treat|go ahead)\b|"
    r"\b(?:shave|wax|prepare|prep|stop|pause|skip|avoid)\b[^.?!]{0,25}\bfor (?:my |the |a |your )?"
    r"(?:next |first |upcoming )?(?:session|appointment|appt|treatment|microneedling|procedure)\b"
)
"""A question about the time before a session: preparing, stopping things, who may have it."""


READING_FORMAT = 2
"""Raised when the code reading terms changes in a way `TermIndex.reading` cannot see."""


class LexicalSettings(NamedTuple):
    """How the lexical scores are computed (tuned with `bench/tune_thresholds.py`)."""

    example_weight: float = 0.45
    """The nearest example's share of a score; term coverage has the rest."""
    typo_cutoff: float = 82.0
    """How close (rapidfuzz ratio) an unknown long word must be to a known one to be read as it."""
    smoothing: float = 1.0
    """Keeps a word seen once or twice in the knowledge from claiming a topic alone."""


class TermIndex:
    """The knowledge's example phrasings as weighted terms; build once, score many times."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        settings: LexicalSettings | None = None,
    ) -> None:
        """Index `knowledge` (the built index is kept whole with the compiled knowledge:
        `bot.knowledge.compiled`)."""
        self.settings = settings or LexicalSettings()
        self._rules: tuple[Rule, ...] = knowledge.rules
        self._phrases: dict[tuple[str, ...], str] = {}
        self._concept_of: dict[str, str] = {}
        for concept, variants in knowledge.concepts.items():
            token = "c:" + concept.replace(" ", "_")
            for variant in variants:
                parts = tuple(words(variant))
                if len(parts) > 1:
                    self._phrases[parts] = token
                elif parts:
                    self._concept_of[parts[0]] = token
                    self._concept_of[stem(parts[0])] = token
        # For each word that starts a phrase, its longest phrase: the others start none.
        self._longest_from: dict[str, int] = {}
        for parts in self._phrases:
            self._longest_from[parts[0]] = max(len(parts), self._longest_from.get(parts[0], 0))
        vocabulary: set[str] = set(self._concept_of)
        for rule in self._rules:
            for text in (*rule.examples, *rule.keywords):
                vocabulary.update(w for w in words(text) if len(w) > 2)
        self._vocabulary = sorted(vocabulary)
        self._known = frozenset(self._vocabulary)
        signs = knowledge.signs
        self._things = frozenset(signs.word_lists.get("thing", ())) if signs else frozenset()
        self._patient_words = patient_words(signs) if signs else frozenset()
        self._correct = lru_cache(maxsize=65536)(self._correct_uncached)
        # Sized for one message: its terms are needed by several steps of one match.
        self._cached_terms = lru_cache(maxsize=MESSAGE_CACHE)(self._terms_uncached)
        self._cached_tokens = lru_cache(maxsize=MESSAGE_CACHE)(self._tokens_of)
        self._term = lru_cache(maxsize=65536)(self._term_uncached)
        self._build_index()

    def _build_index(self) -> None:
        """One pass over every phrasing (examples, keywords, titles), then one per term."""
        # Per term, how many phrasings of each topic (by index) have it.
        uses: dict[str, dict[int, int]] = defaultdict(dict)
        phrasings: list[frozenset[str]] = []
        topic_of: list[int] = []
        for index, rule in enumerate(self._rules):
            for text in (*rule.examples, *rule.keywords, rule.title):
                terms = frozenset(self._terms_uncached(text))
                if not terms:
                    continue
                for term in terms:
                    counts = uses[term]
                    counts[index] = counts.get(index, 0) + 1
                phrasings.append(terms)
                topic_of.append(index)
        settings = self.settings
        self._scorer = TopicScorer(
            phrasings, topic_of, len(self._rules), settings.smoothing, settings.example_weight
        )
        self.off_topic_terms: set[str] = set()
        self.social_terms: set[str] = set()
        self.aftercare_terms: set[str] = set()
        self.time_terms = {stem(w) for w in TIME_WORDS} | {
            self._concept_of[w] for w in TIME_WORDS if w in self._concept_of
        }
        off_topic = [rule.scope == "off-topic" for rule in self._rules]
        social = [rule.is_social for rule in self._rules]
        aftercare = [rule.is_aftercare for rule in self._rules]
        for term, counts in uses.items():
            total = sum(counts.values())
            if total >= 2 and sum(c for i, c in counts.items() if off_topic[i]) >= 0.75 * total:
                self.off_topic_terms.add(term)
            if sum(c for i, c in counts.items() if social[i]) >= 0.4 * total:
                self.social_terms.add(term)
            if sum(c for i, c in counts.items() if aftercare[i]) >= 0.75 * total:
                self.aftercare_terms.add(term)

    def _correct_uncached(self, word: str) -> str:
        if word in self._known or len(word) < 4:
            return word
        # Imported here: most messages have no unknown word, so a start does not pay for it.
        from rapidfuzz import fuzz, process

        # One slip in a short word is another word ("latte" is not "late").
        cutoff = self.settings.typo_cutoff if len(word) > 8 else 90.0 if len(word) <= 6 else 85.0
        candidates = process.extract(
            word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
        )
        # Typos keep the first letter; a different first letter is usually another word
        # ("catching" is not "scratching").
        return next((str(c[0]) for c in candidates if str(c[0])[0] == word[0]), word)

    @cached_property
    def reading(self) -> str:
        """A fingerprint of how this index reads terms (concepts, vocabulary, typo setting,
        stop words, chat spelling): terms kept with it stay right while it is the same."""
        data: tuple[Iterable[object], ...] = (self._phrases.items(), self._concept_of.items())
        data += (self._vocabulary, STOP_WORDS, CHAT_SPELLING.items())
        parts = (READING_FORMAT, self.settings.typo_cutoff, *(sorted(map(repr, d)) for d in data))
        # Imported here: a cached `aftercare ask` never reads this, and importing hashlib
        # loads OpenSSL.
        import hashlib

        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]

    def terms(self, text: str) -> list[str]:
        """The message as matcher terms: concepts, corrected typos and stems, no filler.

        The treatment's own names ("microneedling", "vampire facial", "dermapen") say
        nothing about the topic, so they count only when nothing else is left: then the
        question is about the treatment itself ("what is microneedling?"). Anything about
        the time before a session adds `c:before_session`, the spec's first boundary rule.
        """
        return list(self._cached_terms(text))

    def _terms_uncached(self, text: str) -> tuple[str, ...]:
        plain = words(text)
        out: list[str] = []
        joined = " ".join(plain)
        if BEFORE_SESSION.search(joined) and not INTERVAL.search(joined):
            out.append(BEFORE_SESSION_TERM)
        out.extend(token for _, token in self._cached_tokens(text) if token)
        # A lone letter ("Q: what is microneedling?") is no topic of its own.
        content = [t for t in out if t != TREATMENT_TERM and len(t) > 1]
        if not content and TREATMENT_TERM in out:
            return (TREATMENT_TERM,)
        return tuple(t for t in out if t != TREATMENT_TERM) or tuple(out[:1])

    def about_another_procedure(self, text: str) -> bool:
        """Whether `text` is about another procedure (`outside.about_another_procedure`)."""
        plain = words(text)
        return outside.about_another_procedure(plain, lambda: self._cached_tokens(text))

    def tied_to_treatment(self, text: str) -> bool:
        """Whether a word of `text` ties it to the patient's own treatment and healing
        (`outside.tied_to_treatment`)."""
        plain = words(text)
        return outside.tied_to_treatment(plain, lambda: self._cached_tokens(text))

    @staticmethod
    def asks_what_is_offered(text: str) -> bool:
        """Whether `text` asks what the clinic offers or sells (`outside.asks_what_is_offered`)."""
        return outside.asks_what_is_offered(words(text))

    def general_advice(self, text: str) -> bool:
        """Whether `text` asks for general shopping or someone else's skin
        (`outside.general_advice`), or says how a thing looks (`outside.said_of_a_thing`)."""
        plain = words(text)
        if outside.general_advice(plain):
            return True
        # The message's terms are read already: most have no healing word to place.
        healing = outside.HEALING_TERMS.intersection(self.terms(text))
        return bool(healing) and outside.said_of_a_thing(
            plain, lambda: self._cached_tokens(text), self._is_thing
        )

    def _is_thing(self, noun: str) -> bool:
        """A thing the warning signs name ("car", "kitchen"), or a noun that neither the
        reports nor the topics ever use ("wallpaper", "door"): no part of a patient's skin."""
        if noun in self._things:
            return True
        known = noun in self._patient_words or self._correct(noun) in self._known
        return noun.isalpha() and len(noun) > 2 and not known

    def _tokens_of(self, text: str) -> tuple[tuple[int, str | None], ...]:
        """`_tokens` of the words of `text`, kept for the last few texts: the message's
        terms and the rules of `bot.core.outside` read the same ones."""
        return tuple(self._tokens(words(text)))

    def _tokens(self, plain: list[str]) -> list[tuple[int, str | None]]:
        """Each concept phrase or word of `plain` as (position, term); None for filler."""
        found: list[tuple[int, str | None]] = []
        longest_from, phrases, term_of = self._longest_from, self._phrases, self._term
        i, count = 0, len(plain)
        while i < count:
            size = 1
            # Most words start no phrase: their term is all there is to look up.
            longest = longest_from.get(plain[i], 1)
            if longest > 1:
                for size in range(min(longest, count - i), 1, -1):
                    token = phrases.get(tuple(plain[i : i + size]))
                    if token:
                        break
                else:
                    size = 1
            if size == 1:
                token = term_of(plain[i])
            found.append((i, None if token == IGNORED_TERM else token))
            i += size
        return found

    def _term_uncached(self, word: str) -> str | None:
        if self._concept_of.get(word) == TREATMENT_TERM:
            return TREATMENT_TERM
        if is_stop_word(word) or word.isdigit():
            return None
        word = self._correct(word)
        if is_stop_word(word):
            return None
        concept = self._concept_of.get(word)
        if concept:
            return concept
        stemmed = stem(word)
        if is_stop_word(stemmed):
            return None
        return self._concept_of.get(stemmed, stemmed)

    def topic_scores(self, query: set[str]) -> list[float]:
        """The score from 0 to 100 of every topic for the terms `query`, in the knowledge's
        order (0: the terms do not point to it; see `bot.core.term_scores`)."""
        return self._scorer.scores(query)
