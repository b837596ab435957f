"""Which questions are outside aftercare even with aftercare words in them.

The scope classifier (`bot.knowledge.trained.SCOPE`) is asked only when no word ties a
question to the patient's own treatment and healing; these rules say which words tie it,
and name two kinds of question the scores cannot see are outside: another procedure's own
business ("can I wear makeup after a chemical peel?") and general shopping or someone
else's skin ("best moisturiser for oily skin"). They read a message's plain words and its
terms (`bot.core.lexical.TermIndex`), and hold no state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

Tokens = Sequence[tuple[int, str | None]]
"""A message's concept phrases and words as (position, term); None for filler."""

TREATMENT_TERM = "c:microneedling"
"""The concept `microneedling` in concepts.yaml: the treatment's own names."""
OTHER_PROCEDURE_TERMS = frozenset(
    {
        "c:another_procedure",
        "c:botox",
        "c:filler",
        "c:laser",
        "c:facial",
        "c:chemical_peel",
        "c:other_surgery",
        "c:selftan",
        "c:injectable",
        "c:energy_device",
    }
)
"""Concepts in concepts.yaml that name a procedure other than microneedling."""
AROUND_WORDS = frozenset({"after", "post", "following", "before", "of"})
PROCEDURE_FILLER = frozenset(
    {"a", "an", "the", "my", "your", "her", "his", "our", "getting", "having", "doing", "this"}
)
GENERAL_OPENERS = tuple(
    tuple(opener.split())
    for opener in (
        "what is",
        "what are",
        "whats",
        "how long does",
        "how long do",
        "how often",
        "how does",
        "does",
        "do",
        "is",
        "are",
    )
)
"""How a general question about something starts ("what is botox", "does filler hurt")."""
PROCEDURE_WORDS = frozenset(
    """laser dermaplaning dermaplane waxing wax threading bleaching tint lamination
    microblading lift""".split()
)
"""Words read as a topic's concept ("laser hair removal", "waxing" as hair removal) or as
nothing that name a procedure of their own all the same: "after waxing" is the waxing's
aftercare, and so is "after my brow lamination". The name may have a word before it
("a brazilian wax", "my eyebrow tint", "a lash lift")."""
PROCEDURE_DONE = frozenset({"laminated", "microbladed", "tattooed"})
"""Words saying a procedure was done, with no concept of their own: "my brows were
laminated today, can I wash my face?" asks after the lamination."""
MAX_NAME_WORDS = 3
SURGERY_TERMS = frozenset({"c:another_procedure", "c:other_surgery"})
"""Surgery and the like, whose name may take up to `MAX_NAME_WORDS` words, the word
"surgery" or its like last ("femto lasik surgery", "hernia repair operation")."""
HAD_WORDS = frozenset({"had", "got"})
STILL_TO_COME = frozenset(
    "booked book booking next upcoming tomorrow due planning planned soon going".split()
)
"""Words that make a procedure one still to come, whose timing around this treatment is
aftercare (`other-treatments`), not one already had."""
PAST_MARKERS = frozenset({"was", "were", "from", "ago", "yesterday"})
"""Words that, just after "my <procedure>", say it is one already had ("my filler from
March", "my peel was on Friday")."""
WAITING = frozenset({"wait", "waiting"})
STILL_TO_COME_REACH = 4
"""How many words either side of a procedure's name may say it is still to come."""
HAVING_IT = frozenset({("have", "it"), ("get", "it"), ("having", "it"), ("getting", "it")})
"""Asking to have this treatment ("I had surgery last month, can I have it?") is getting
ready for it (`before-treatment`), whatever procedure was had."""
AFTERCARE_CUES = frozenset(
    {"after", "post", "since", "yet", "ok", "okay", "safe", "allowed", "fine", "when", "can"}
)
"""Words that make "is botox ok", "is filler safe yet" a question about the patient's own
timing after microneedling rather than about the other procedure."""

TIED_TO_TREATMENT = frozenset(
    """after afterwards post since following day days yesterday today tonight tomorrow now
    yet still heal healing healed session sessions treatment treated procedure appointment
    appt done results way fine ok okay safe allowed""".split()
)
"""Words that tie a question to the patient's own treatment and healing ("best cream to use
after", "is it ok"), or ask how rather than which ("the best way to apply sunscreen")."""
OWN_CARE = frozenset(
    "it again back resume restart recovery recover recovering downtime normal treatments aftercare"
    " book booking clinic phone number email opening hours".split()
)
"""Words that tie a question to the patient's own care, beyond `TIED_TO_TREATMENT`: their
healing ("is that normal"), going back to a habit ("when can I go back to waxing"), the
clinic and how to reach it ("how do I book", "what's your phone number")."""
BARE_NAME_WORDS = 2
"""A message of at most this many words only names what it asks about ("botox?")."""
ASKS_WHICH_TO_BUY = frozenset({"best", "recommend", "recommendation", "buy", "brand", "brands"})
SKIN_TYPES = frozenset({"oily", "dry", "combination", "combo", "sensitive", "normal", "mature"})
"""A product asked for a skin type ("best moisturiser for oily skin") is general advice; one
asked for with no purpose ("which moisturiser would you recommend") is for the healing skin."""
SOMEONE_ELSE = frozenset(
    """kids kid children child son daughter husband wife partner boyfriend girlfriend mum mom
    mother dad father friend baby toddler sister brother nan gran grandma teen teenager""".split()
)
"""Who a question may be for instead of the patient ("sunscreen for my kids")."""
FOR_SOMEONE = frozenset({"my", "our", "his", "her"})
FOR_OR_ON = frozenset({"for", "on"})
"""A product is for someone else ("for my kids") or put on them ("on my baby")."""
NOT_ABOUT_IT = re.compile(
    r"\b(?:nothing to do with|unrelated to|not related to|not about) "
    r"(?:the |my |a |any |this )?(?:treatment|microneedling|needling|procedure|session)\b|"
    r"\b(?:no|not) (?:the |my |a |any )?(?:treatment|microneedling|needling)"
    r"(?: (?:question|related))?(?: just asking\b|$)|"
    r"\bjust asking (?:in general|generally|out of interest|out of curiosity)\b"
)
"""A writer saying the question is not about the treatment ("(no treatment, just asking)",
"nothing to do with my microneedling"): it is asked in general, whatever words it borrows.
"no treatment yet" still speaks of the patient's own, and so does "not" before a sentence
that starts with "the treatment" ("is this normal or not? the treatment was...")."""
GIFTS = frozenset({"gift", "gifts", "present", "presents"})
"""A product to buy as a gift is for someone else's skin ("a good serum for a present")."""
SESSION_ITSELF = re.compile(
    r"\b(?:during|while (?:you|they|she|he|its|it is|being|needling|having it|getting it|"
    r"doing it)|(?:do|will|would|did) (?:you|they) (?:use|put|apply|numb|do it)|"
    r"what (?:device|machine|pen|needle|needles|serum|cream|gel) (?:do|did|will) (?:you|they)|"
    r"what(?: \w+){1,6} involved?|on the day of)\b"
)
"""A question about what happens in the session itself, not the healing after it."""
SESSION_WORDS = frozenset(
    "it its treatment treatments session sessions procedure appointment appt done day".split()
)
"""Words that name the session, not the healing, in a question about the session itself."""
SERVICE_ASKED = re.compile(
    r"\b(?:do|does|can|could) (?:you|you guys|u|the clinic|your clinic|they) "
    r"(?:do|offer|sell|provide|stock|have|also do|also offer|also sell)\b|"
    r"\b(?:can|could) (?:i|my \w+|we) (?:book|get) (?:in )?(?:for )?(?:a|an|some)\b"
)
"""A question asking whether the clinic offers a service or product."""
OFFERED = re.compile(
    r"\b(?:do|does) (?:you|u|you guys|u guys|yall|you all|the clinic|your clinic) "
    r"(?:also |still |even )?(?:do|offer|sell|provide|stock)\b"
)
"""Asking whether the clinic offers a service or sells a product ("do you do lip filler",
"do you sell the serum you used"): the clinic team's business, even when the service
or product has an aftercare topic."""
OWN_CARE_OFFERED = frozenset(
    "session sessions appointment appointments appt aftercare follow check checkup anything"
    " something".split()
)
"""Words that make such a question one about the patient's own care ("do you do follow
up appointments", "do you do anything for the redness")."""
CLINIC_WORDS = frozenset("clinic book booking treatment treatments appointment appt".split())
"""Words that name the clinic, not the patient's healing, in a question about its services."""
HEALING_TERMS = frozenset(
    {"c:pain", "c:redness", "c:swelling", "c:bruise", "c:peel", "c:itch", "c:sting", "c:dryness"}
)
"""Concepts in concepts.yaml that name how healing skin looks or feels."""
ELSEWHERE_TERM = "c:elsewhere"
"""The concept in concepts.yaml of other body parts and other health matters."""
THING_OWNERS = frozenset({"my", "our", "the", "his", "her", "their", "your"})
THING_LINKS = frozenset(
    """is are was were has have had been look looks looking gone going went got getting feels
    feel seems started starting keeps kept all so really very quite still bit a""".split()
)
"""Words between a noun and how it looks ("my front door is all peeling")..."""
THING_NAME_WORDS = 2
"""...and how many words a noun's name may take after "my" or "the" ("my leather jacket")."""
RATE_UNITS = frozenset({"day", "week"})
RATE_BREAKERS = frozenset({"after", "post", "or", "later", "before", "since", "of", "and"})


def about_another_procedure(plain: list[str], tokens_of: Callable[[], Tokens]) -> bool:
    """Whether the words `plain` are about another procedure rather than this treatment:
    the time before or after it ("can I wear makeup after a chemical peel?"), or what it
    is ("what is botox?", "how long does filler last?"), with no word of microneedling.
    That is the other procedure's business, even with aftercare words in it, and so is a
    procedure had ("I got my nose pierced yesterday...") unless one is still to come
    ("...I had a peel booked for next month"). `tokens_of`
    reads the terms, only when the words could be such a question."""
    had = HAD_WORDS.intersection(plain) and not HAVING_IT.intersection(pairwise(plain))
    own_past = "my" in plain and PAST_MARKERS.intersection(plain)
    if not own_past and (
        not had
        and not AROUND_WORDS.intersection(plain)
        and not any(plain[: len(opener)] == list(opener) for opener in GENERAL_OPENERS)
    ):
        return False
    tokens = tokens_of()
    # "(not microneedling)" says which treatment it is not.
    if any(t == TREATMENT_TERM and plain[i - 1 : i] != ["not"] for i, t in tokens):
        return False
    at = dict(tokens)

    def names_procedure(start: int) -> bool:
        while start < len(plain) and plain[start] in PROCEDURE_FILLER:
            start += 1
        # "laser hair removal" is read as hair removal, but names a laser all the same.
        if PROCEDURE_WORDS.intersection(plain[start : start + 2]):
            return True
        if at.get(start) in OTHER_PROCEDURE_TERMS:
            return True
        # Surgery's name may start with words of its own ("femto lasik surgery").
        for end in range(start, min(start + MAX_NAME_WORDS, len(plain))):
            term = at.get(end)
            if term in SURGERY_TERMS:
                return True
            if term is None or term.startswith("c:"):
                return False
        return False

    # "I had a chemical peel on Friday, can I moisturise?" asks after the peel as well, and
    # so does "it's flaking from the peel I had".
    if had and any(
        term in OTHER_PROCEDURE_TERMS and not _still_to_come(plain, i) for i, term in tokens
    ):
        return True
    # "my chemical peel from last week is peeling, can I pick it?" is a procedure had too.
    if own_past and any(
        term in OTHER_PROCEDURE_TERMS
        and plain[i - 1 : i] == ["my"]
        and PAST_MARKERS.intersection(plain[i + 1 : i + 1 + MAX_NAME_WORDS])
        and not _still_to_come(plain, i)
        for i, term in tokens
    ):
        return True
    if any(
        w in AROUND_WORDS and not _waits_for(plain, i) and names_procedure(i + 1)
        for i, w in enumerate(plain)
    ):
        return True
    # "my brows were laminated today", "my brow lamination was today": a procedure had.
    if (had or own_past) and PROCEDURE_DONE.intersection(plain):
        return True
    if own_past and any(
        w in PROCEDURE_WORDS
        and "my" in plain[max(0, i - 2) : i]
        and PAST_MARKERS.intersection(plain[i + 1 : i + 1 + MAX_NAME_WORDS])
        for i, w in enumerate(plain)
    ):
        return True
    opener = next((o for o in GENERAL_OPENERS if plain[: len(o)] == list(o)), None)
    return (
        opener is not None
        and names_procedure(len(opener))
        and not AFTERCARE_CUES.intersection(plain)
    )


def _waits_for(plain: list[str], at: int) -> bool:
    """Whether the "before" at `at` says how long to wait before a procedure still to come
    ("how long should I wait before getting filler?"): timing around this treatment."""
    return plain[at] == "before" and bool(WAITING.intersection(plain[max(0, at - 2) : at]))


def _still_to_come(plain: list[str], at: int) -> bool:
    """Whether the procedure named at `at` is one still to come: a word such as "booked" or
    "next" near its name ("a peel booked for next month"), not one that says when a habit
    comes back ("I got a belly piercing, can I go swimming next week?")."""
    near = plain[max(0, at - STILL_TO_COME_REACH) : at + STILL_TO_COME_REACH + 1]
    return bool(STILL_TO_COME.intersection(near))


def tied_to_treatment(plain: list[str], tokens_of: Callable[[], Tokens]) -> bool:
    """Whether a word of `plain` ties it to the patient's own treatment and healing: the
    treatment's names, "after", "yet", "day", "it", "normal". A word only seems to tie it
    in a rate ("3 litres of water a day"), in a question about the session itself ("what
    serum do you put on while needling?") or in one asking for another service ("do you
    do facials at the clinic?")."""
    # "botox?", "bleach": a bare name sent to the aftercare bot asks about the patient's own
    # care; there are no words left to make it a general question.
    if len(plain) <= BARE_NAME_WORDS:
        return True
    joined = " ".join(plain)
    session_itself = SESSION_ITSELF.search(joined) is not None
    loose = SESSION_WORDS if session_itself else frozenset()
    if SERVICE_ASKED.search(joined):
        loose |= CLINIC_WORDS
    kept = [w for i, w in enumerate(plain) if w not in loose and not _in_a_rate(plain, i)]
    if TIED_TO_TREATMENT.intersection(kept) or OWN_CARE.intersection(kept):
        return True
    terms = {token for _, token in tokens_of()}
    # "how long does the sore feeling last": a sign of healing skin, unless it is elsewhere.
    if HEALING_TERMS.intersection(terms) and ELSEWHERE_TERM not in terms:
        return True
    return not session_itself and TREATMENT_TERM in terms


def _in_a_rate(plain: list[str], at: int) -> bool:
    """Whether the word at `at` is the unit of a rate: "per day", "every day", "a day" (but
    not "a day after" or "a day or two", which count the days since treatment)."""
    if plain[at] not in RATE_UNITS or at == 0:
        return False
    before, after = plain[at - 1], plain[at + 1 : at + 2]
    return before in {"per", "every", "each"} or (
        before == "a" and not RATE_BREAKERS.intersection(after)
    )


def said_of_a_thing(
    plain: list[str], tokens_of: Callable[[], Tokens], is_thing: Callable[[str], bool]
) -> bool:
    """Whether a word for how healing skin looks or feels is said of a thing: "the paint on
    my front door is peeling", "our bathroom tiles look swollen". The noun is the last word
    before the healing word, past words such as "is" and "looks" (at least one), with "my"
    or "the" just before it; `is_thing` says whether a patient's skin is never called so."""
    for at, term in tokens_of():
        if term not in HEALING_TERMS:
            continue
        noun = at - 1
        while noun > 0 and plain[noun] in THING_LINKS:
            noun -= 1
        # Without a word such as "is" between them, the noun is the healing word's own
        # ("the initial redness"), not what it is said of.
        named_by = plain[max(0, noun - THING_NAME_WORDS) : noun]
        linked = noun < at - 1
        if linked and THING_OWNERS.intersection(named_by) and is_thing(plain[noun]):
            return True
    return False


def general_advice(plain: list[str]) -> bool:
    """Whether the words `plain` ask which product to buy ("best moisturiser for oily
    skin") or ask for someone else ("what sunscreen for my kids at the beach"), with no word
    tying them to the patient's own treatment, or say they are not about the treatment
    (`NOT_ABOUT_IT`): general shopping or another person's skin, not aftercare, even with
    aftercare words in it."""
    if NOT_ABOUT_IT.search(" ".join(plain)):
        return True
    if TIED_TO_TREATMENT.intersection(plain):
        return False
    for_someone = any(
        plain[i] in FOR_OR_ON and plain[i + 1] in FOR_SOMEONE and plain[i + 2] in SOMEONE_ELSE
        for i in range(len(plain) - 2)
    )
    for_a_skin_type = any(
        plain[i] == "for" and plain[i + 1] in SKIN_TYPES and plain[i + 2] == "skin"
        for i in range(len(plain) - 2)
    )
    buying = bool(ASKS_WHICH_TO_BUY.intersection(plain))
    return for_someone or ((for_a_skin_type or bool(GIFTS.intersection(plain))) and buying)


def asks_what_is_offered(plain: list[str]) -> bool:
    """Whether the words `plain` ask whether the clinic offers a service or sells a product
    (`OFFERED`), not about the patient's own care."""
    return OFFERED.search(" ".join(plain)) is not None and not OWN_CARE_OFFERED.intersection(plain)
