"""Warning signs: a separate, high-recall check that runs before ordinary matching.

Patients rarely use the clinical word, so each sign is a set of descriptions ("yellow
crust", "smells funny", "temp 38.4", "pain 8/10", "redness moving down my neck"), not a
lexicon. A sign found in a general question ("what does an infection look like?") routes
to the warning-signs topic without alerting staff; a sign the patient describes having
now alerts. When in doubt it alerts: a false alarm costs a staff glance, a miss can cost
a patient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import CHAT_SPELLING, fold


@dataclass(frozen=True)
class RedFlagCheck:
    """`sign` names the warning sign described; `alert` is true when the patient has it now."""

    sign: str | None = None
    alert: bool = False


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


SWELL = r"(?:swell\w*|swoll\w*|puff\w*|inflam\w*|bloat\w*|bigger|fat)"
RED = r"(?:red\w*|pink\w*|rash\w*|blotch\w*|flush\w*|inflam\w*)"
WORSE = (
    r"(?:spread\w*|worse\w*|worsen\w*|getting (?:more|bigger|redder|darker)|bigger|grow\w*|"
    r"increas\w*|expand\w*|moving|gone (?:down|up|to)|travel\w*|redder|more (?:red|swollen|puffy)|"
    r"not (?:going down|getting better|improving|settling|calming)|wont (?:go down|settle|calm)|"
    r"isnt (?:going down|getting better|improving|settling)|keeps? (?:getting|going)|"
    r"doubled|grew|got bigger|wider|larger|creep\w*|extend\w*|reach\w*|spread|"
    r"more (?:each|every) day|more and more|"
    r"each day more)"
)

SIGNS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    # (sign, pattern, strong): a strong description alerts unless the message is only a
    # general question; a weak one (the bare clinical word) alerts when the patient
    # speaks of themselves.
    (
        "discharge",
        _any(
            r"\bpus+\b",
            r"\bpus+(?:s|y|ie)\b",
            r"\bpussy (?:spot|bump|head|blister)",
            r"\booz\w*",
            r"\bweep\w*",
            r"\bseep\w*",
            r"\bdischarg\w*",
            r"\bleak\w*",
            r"\bdrip\w*",
            r"\b(?:yellow|green|greenish|yellowish|cloudy|clear|white|milky|smelly) ?"
            r"(?:fluid|liquid|stuff|goo|gunk|crust\w*|scab\w*|gloop|discharge|ooze|juice|mess)",
            r"\b(?:honey|golden|gold|orange|amber|yellow|yellowy|crusty)"
            r"(?: ?colou?red| ?looking)? (?:crust\w*|scab\w*|flakes|patches|stuff)",
            r"\bcrust\w* (?:that (?:is|are|look\w*) |which (?:is|are) )?"
            r"(?:yellow|golden|honey|orange|wet|weeping|oozing)",
            r"\b(?:fluid|liquid|stuff|goo) (?:is |keeps )?(?:coming|seeping|leaking|oozing)",
            r"\bcoming out of (?:the|my) (?:holes|spots|skin|pores|bumps)",
            r"\bwet (?:and )?(?:crust\w*|scab\w*|patch\w*|sore\w*)",
            r"\bfull of (?:yellow|white|pus)",
            r"\b(?:goo|gooey|gloop|gloopy|slime|slimy|sticky stuff|gunky|manky|festering)\b",
            r"\b(?:making|producing|leaking|secreting|coming out)\b[^.?!]{0,15}"
            r"\b(?:liquid|fluid|water|goo|stuff|juice)",
            r"\bwet\b[^.?!]{0,30}\b(?:yellow|green|all the time|constantly|sticky)",
            r"\bcrust\w*\b[^.?!]{0,25}\b(?:yellow|golden|gold|honey|orange|amber)",
            r"\b(?:yellow|yellowy|green|greenish)\w* (?:stains?|marks?|patches) on "
            r"(?:my|the) pillow",
            r"\binfected (?:spot|bump|looking)",
        ),
        True,
    ),
    (
        "bad smell",
        _any(
            r"\bsmel+\w*",
            r"\bstink\w*",
            r"\bstank\b",
            r"\bodou?r\w*",
            r"\bwhiff\w*",
            r"\bpong\w*",
            r"\breek\w*",
            r"\bfoul\b",
            r"\brotten\b",
        ),
        True,
    ),
    (
        "fever or feeling unwell",
        _any(
            r"\b(?<!hay )fever\w*",
            r"\bfeverish",
            r"\b(?:a|high|got|have|running) (?:temp|temperature)\b",
            r"\b(?:3[89]|4[01])[.,]\d\b",
            r"\b(?:temp|temperature|thermometer|fever)\b[^.?!\d]{0,25}\b(?:3[7-9]|4[0-2])"
            r"(?:[.,]\d+)?",
            r"\b(?:3[89]|4[0-2])(?:[.,]\d+)? ?(?:°|degrees?|deg\b|c\b|celsius)",
            r"\b(?:99|10[0-5])(?:[.,]\d+)? ?(?:°|degrees?|deg\b|f\b|fahrenheit)",
            r"\b(?:temp|temperature) (?:of|is|was|at|reading|went up)",
            r"\b(?:temp|temperature|thermometer|fever)\b[^.?!]{0,25}\b(?:99|10[0-5])(?:[.,]\d+)?",
            r"\bchill\w*",
            r"\bburning up\b",
            r"\b(?:feel|feeling|am|im|is|hes|shes) (?:really |so |very |a bit )?crook\b",
            r"\bshiver\w*",
            r"\bshaking\b",
            r"\bshaky\b",
            r"\brigou?rs?\b",
            r"\bhot and cold\b",
            r"\bcold sweats?\b",
            r"\bnight sweats?\b",
            r"\bflu\b(?! (?:jab|jabs|shot|shots|vaccine|vaccination))",
            r"\bflu ?like\b",
            r"\bflu ?ish\b",
            r"\bfluey\b",
            r"\bunwell\b",
            r"\b(?:i|im|i am|ive been|been) (?:\w+ )?(?:feel|feeling|felt)\b (?:\w+ )?(?:sick|ill|"
            r"awful|terrible|rough|rubbish|dreadful|faint|dizzy|weak|horrible|crap|poorly|feverish|"
            r"off|achy|run down|shivery|grim)",
            r"\b(?:feel|feeling|felt) (?:\w+ )?(?:sick|ill|faint|dizzy|feverish|poorly|run down|"
            r"shivery|achy|awful|terrible|dreadful|horrible|grim)\b",
            r"\b(?:am|im|i am) (?:\w+ )?(?:sick|ill|poorly|feverish|shivery|achy)\b",
            r"\bnause\w*",
            r"\bvomit\w*",
            r"\bthrowing up\b",
            r"\bthrew up\b",
            r"\bpuk\w*",
            r"\baching all over\b",
            r"\bach\w* (?:all over|everywhere|body)\b",
            r"\bbody ach\w*",
            r"\bachy\b",
            r"\bswollen (?:glands|lymph)",
            r"\blymph",
        ),
        True,
    ),
    (
        "severe or rising pain",
        _any(
            r"\b(?:[6-9]|10)(?:[.,]5)? ?(?:/|out of|outta) ?10\b",
            r"\b(?:pain|hurt\w*|sore\w*|throb\w*|ache|aching|agony)\b[^.?!]{0,25}\b(?:[6-9]|10)"
            r"(?:[.,]5)?\b(?! ?(?:days?|hours?|hrs?|am|pm|mins?|minutes?|weeks?))",
            r"\b(?:severe|extreme|unbearable|excruciating|agoni[sz]ing|intense|terrible|horrible|"
            r"awful|insane|crazy|killing|really bad|so bad|very bad|sharp|stabbing|shooting)"
            r" (?:\w+ )?(?:pain|ache|hurt\w*|sore\w*|throb\w*|burn\w*|sting\w*)",
            r"\bagony\b",
            r"\bexcruciating\b",
            r"\bunbearabl\w*",
            r"\bthrob\w*",
            r"\bkilling me\b",
            r"\b(?:hurts?|hurting|painful|sore|pain) (?:so|really|a lot|like hell|loads|too) "
            r"(?:much|bad|badly)",
            r"\bhurts? like (?:hell|mad|crazy)",
            r"\b(?:pain|hurt\w*|sore\w*|ache|aching|tender\w*|sting\w*|burn\w*)\b[^.?!]{0,60}"
            r"(?:worse|worsen\w*|getting more|increas\w*|more and more|not (?:helping|working)|"
            r"doesnt help|didnt help|arent helping|isnt helping|wont go|keeps (?:getting|"
            r"coming)|unbearabl)",
            r"\b(?:more|increasingly) (?:painful|sore|tender)\b",
            r"\b(?:painkiller\w*|paracetamol|ibuprofen|tylenol|advil|nurofen|panadol)\b[^.?!]{0,40}"
            r"\bstill (?:really |so |very |quite )?(?:hurts?|kills|killing|painful|sore|throbbing|"
            r"agony|aching|bad)",
            r"\b(?:from|was) (?:mild|ok|okay|fine|a little|slight|a bit)\b[^.?!]{0,25}\bto "
            r"(?:pretty |really |very |quite |so )?(?:bad|awful|terrible|severe|worse|unbearable)",
            r"\b(?:worse|redder|more swollen|more painful|sorer|puffier|bigger|hotter|more red)"
            r"(?: \w+){0,3} than (?:on )?(?:day \d+|yesterday|before|it was|the first|when|"
            r"this morning|last night)",
            r"\bcry\w* (?:with|from|in|because of) (?:the )?pain",
            r"\b(?:getting|gets|got|grown|growing|become|becoming)\b(?: \w+)? (?:stronger|sharper|"
            r"more intense|more painful|sorer)\b",
            r"\b(?:scale|out of ten|out of 10)\b[^.?!]{0,60}\b(?:six|seven|eight|nine|ten)\b",
            r"\b(?:pain|sore\w*|hurt\w*|ache|aching)\b[^.?!]{0,40}\b(?:an? |at )?"
            r"(?:seven|eight|nine|ten)\b(?! (?:days?|hours?|am|pm|weeks?))",
            r"\b(?:painkiller\w*|paracetamol|ibuprofen|tylenol|advil|nurofen|panadol|aspirin|"
            r"codeine|co codamol|meds|medicine|tablets|pills)\b[^.?!]{0,30}(?:not (?:work|help|"
            r"touch|do)|dont (?:work|help|touch|do)|doesnt (?:work|help|touch|do)|"
            r"didnt (?:work|help|touch|do)|arent (?:work|"
            r"help)|isnt (?:work|help)|wont (?:work|help)|no (?:help|use|effect|difference)|"
            r"nothing)",
            r"\b(?:cant|cannot|couldnt) (?:sleep|touch|bear|stand|cope)\b[^.?!]{0,30}"
            r"(?:pain|hurt|sore|throb|it)",
            r"\bworse (?:pain|soreness)\b",
            r"\bpain (?:went|is going|has gone) up\b",
            r"\b(?:from|was) (?:a )?[0-5]\b[^.?!]{0,25}\b(?:to|now|is) (?:a |like )?(?:[6-9]|10)\b",
            r"\b[1-5] ?(?:->|→|to) ?(?:[6-9]|10)\b",
        ),
        True,
    ),
    (
        "spreading redness or swelling",
        _any(
            rf"\b{RED}\b[^.?!]{{0,60}}\b{WORSE}",
            rf"\b{SWELL}\b[^.?!]{{0,60}}\b{WORSE}",
            rf"\b(?:{RED}|{SWELL})\b[^.?!]{{0,60}}\b(?:came|come|coming|comes) back\b",
            rf"\b(?:{RED}|{SWELL})\b[^.?!]{{0,20}}\bagain\b",
            rf"\b{WORSE}\b[^.?!]{{0,25}}\b(?:{RED}|{SWELL})",
            r"\bspread\w*",
            r"\bredder\b",
            r"\bmore (?:red|swollen|puffy|inflamed)\b",
        ),
        True,
    ),
    (
        "red lines",
        _any(
            r"\bred (?:lines?|streaks?|stripes?|tracks?|trails?|"
            r"marks? (?:going|running|spreading))",
            r"\bstreak\w*",
            r"\blines? (?:going|running|spreading|moving|coming) (?:down|up|from|towards|along)",
        ),
        True,
    ),
    (
        "hot, hard skin",
        _any(
            r"\b(?:hot|warm|burning) (?:to (?:the )?touch)",
            r"\b(?:hot|warm)\b[^.?!]{0,20}\b(?:hard|firm|lump\w*|solid)",
            r"\b(?:hard|firm|solid)\b[^.?!]{0,40}\b(?:hot|warm|heat)\b",
            r"\b(?:hot|warm|heat)\b[^.?!]{0,20}\b(?:marble|ball|pea|knot|lump)\b",
            r"\bhard (?:lump|bump|swelling|knot|patch|area|spot)\w*",
            r"\b(?:lump|knot)\w* (?:under|in) (?:my|the) (?:skin|cheek|jaw|chin)",
            r"\babscess\w*",
            r"\bboil\b",
            r"\bboils\b",
        ),
        True,
    ),
    (
        "blisters or cold sores",
        _any(
            r"\bblist\w*",
            r"\bcold ?sores?\b",
            r"\bfever ?blisters?\b",
            r"\bherpes\b",
            r"\bhsv\b",
            r"\btingl\w*[^.?!]{0,25}\blip",
            r"\blip\w*[^.?!]{0,25}\btingl\w*",
            r"\b(?:water|watery|fluid|liquid) ?(?:filled|bubbles?|bumps?|spots?|blebs?)",
            r"\b(?:sacs?|pockets?|bags?|bubbles?) of (?:fluid|liquid|water|pus)",
            r"\bbubbled\b",
            r"\bbubbl\w* (?:on|under|in) (?:my|the) skin",
            r"\bvesicle\w*",
        ),
        True,
    ),
    (
        "hives or allergic reaction",
        _any(
            r"\bhives?\b",
            r"\bwelts?\b",
            r"\bwheals?\b",
            r"\burticaria\b",
            r"\b(?:itchy|raised|red) (?:bumps|lumps|rash|blotches|patches|welts)\b[^.?!]{0,30}"
            r"(?:all over|everywhere|spreading|neck|chest|arms|body)",
            r"\b(?:bumps|lumps|rash|blotches)\b[^.?!]{0,20}\ball over\b",
            r"\b(?:mosquito|insect|bug|nettle|midge) ?(?:bites?|stings?|rash)",
            r"\b(?:raised|itchy)\b[^.?!]{0,12}\b(?:raised|itchy)\b[^.?!]{0,12}"
            r"\b(?:bumps|blotches|welts|patches|lumps|spots)",
            r"\b(?:blotch\w*|bumps|welts|patches)\b[^.?!]{0,30}\bcome and go\b",
            r"\brash\w*",
            r"\banaphyla\w*",
            r"\bepipen\b",
        ),
        True,
    ),
    (
        "allergic reaction",
        _any(r"\ballerg\w*", r"\breact\w*"),
        False,
    ),
    (
        "swelling of lips, eyes or throat",
        _any(
            r"\b(?:lips?|eyes?|eyelids?|lids|throat|tongue|mouth)\b[^.?!]{0,30}\b"
            r"(?:swell\w*|swoll\w*|puff\w*|blown up|huge|closing|shut|tight\w*|big|fat|bloat\w*|"
            r"(?:twice|double) (?:the|its|their) (?:size|normal)|massive|enormous)",
            rf"\b{SWELL}\b[^.?!]{{0,30}}\b(?:lips?|eyes?|eyelids?|lids|throat|tongue)\b",
            r"\beyes? (?:wont|cant|can barely|barely) open",
            r"\bcant (?:open|see out of) (?:my )?eyes?",
        ),
        True,
    ),
    (
        "trouble breathing or swallowing",
        _any(
            r"\b(?:cant|cannot|couldnt|hard to|harder to|trouble|difficult\w*|struggl\w*|"
            r"problems?|hard time|unable to|barely)\b[^.?!]{0,20}\b(?:breath\w*|swallow\w*)",
            r"\bbreath\w*[^.?!]{0,20}\b(?:hard|difficult|trouble|problem|struggl\w*|funny|tight)",
            r"\bshort(?:ness)? of breath",
            r"\bout of breath\b",
            r"\bwheez\w*",
            r"\bchest\b[^.?!]{0,15}\btight\w*",
            r"\btight\w*\b[^.?!]{0,15}\bchest\b",
            r"\bthroat\b[^.?!]{0,20}\b(?:tight\w*|closing|swell\w*|swoll\w*|scratchy|weird|funny)",
            r"\bgasp\w*",
            r"\b(?:hurts?|painful|pain|sore) (?:to|when i|when|if i) swallow\w*",
            r"\bsomething\w* stuck\b",
            r"\bchok\w*",
        ),
        True,
    ),
    (
        "open or bleeding skin after a week",
        _any(
            r"\b(?:still|keeps|keep|wont stop|hasnt stopped|not stopped|wont stop|started)\b"
            r"[^.?!]{0,15}\bbleed\w*",
            r"\bbleed\w*[^.?!]{0,30}\b(?:week|weeks|day (?:[7-9]|\d\d)|days later|again)\b",
            r"\b(?:open|raw|weeping|cracked|broken) (?:skin|wounds?|sores?|patch\w*|areas?|bits?)"
            r"\b[^.?!]{0,40}\b(?:week|weeks|day (?:[7-9]|\d\d))\b",
            r"\b(?:still|keeps) (?:got |has |have )?(?:open|raw|weeping|cracked|broken)\b",
            r"\b(?:[7-9]|[1-3]\d) days?\b[^.?!]{0,60}\b(?:hasnt|has not|not|havent|wont|isnt)"
            r" (?:closed|healed|sealed|heal\w*)",
            r"\b(?:week|weeks|day (?:[7-9]|\d\d))\b[^.?!]{0,40}\b(?:hasnt|has not|not|havent|wont|"
            r"isnt) (?:closed|healed|sealed|heal\w*)",
            r"\b(?:hasnt|has not|not|havent|wont|isnt) (?:closed|healed|sealed)\b[^.?!]{0,40}"
            r"\b(?:week|weeks|day (?:[7-9]|\d\d))\b",
            r"\b(?:week|weeks|day (?:[7-9]|\d\d))\b[^.?!]{0,40}\b(?:still )?(?:bleed\w*|raw|open "
            r"(?:wound|sore)s?|weeping)",
            r"\bopen (?:wound|sore)s?\b",
            r"\b(?:[7-9]|[1-3]\d) days?\b[^.?!]{0,60}\b(?:raw|open|bleed\w*|weep\w*|broken)\b",
            r"\bday (?:[7-9]|[1-3]\d)\b[^.?!]{0,40}\b(?:raw|open|bleed\w*|weep\w*|broken skin)\b",
            r"\b(?:raw|open|bleed\w*|weep\w*)\b[^.?!]{0,60}\b(?:[7-9]|[1-3]\d) days\b",
            r"\bscab\w*[^.?!]{0,20}\b(?:bleed\w*|keeps? (?:opening|coming off))",
        ),
        True,
    ),
    (
        "infection or urgent worry",
        _any(
            r"\binfect\w*",
            r"\bcellulitis\b",
            r"\bimpetigo\b",
            r"\bseps\w*",
            r"\bseptic\b",
            r"\bemergency\b",
            r"\bambulance\b",
            r"\ba ?(?:and|&) ?e\b",
            r"\burgent care\b",
            r"\bhospital\b",
            r"\bsomething (?:is |s )?(?:wrong|not right) with (?:my|it|me|the)",
            r"\b(?:feels?|looks?|seems?) (?:wrong|not right)\b",
            r"\bnot (?:right|normal)\b[^.?!]{0,20}\b(?:worried|scared|panick\w*)",
            r"\b(?:really|very|super|so) (?:worried|scared|frightened|panick\w*|concerned)",
            r"\bpanick\w*",
        ),
        False,
    ),
)

GENERAL = re.compile(
    r"^(?:what|how|when|which|why|where|who|are there|is there|should i (?:worry|be worried)|"
    r"do i need to worry)\b|"
    r"\b(?:signs? of|symptoms? of|what does (?:an? |the )?\w+ look like|look(?:s)? like if|"
    r"how (?:do|can|would|will|to) (?:i|you|one)? ?(?:know|tell|spot|recogni[sz]e|treat|prevent|"
    r"avoid)|how to (?:tell|know|spot|treat|prevent|avoid)|what (?:happens|do i do|should i do|"
    r"to do|if)|in case|risks?\b|chances?\b|possible to|can (?:microneedling|it|this|you|"
    r"i|the treatment) (?:cause|give|lead)|how common|how likely|is it common|"
    r"when (?:should|do|would) i (?:call|worry|ring|contact|see|go)|warning signs?|red flags?|"
    r"side effects?|hygiene mistake|cosmetic|"
    r"how long (?:does|do|will|would|should|until|till)|"
    r"(?:something|anything) to worry about|worth worrying|"
    r"(?:look|looking|watch|watching) (?:out )?for|nothing like that|"
    r"can (?:microneedling|it|this|the treatment) (?:make|trigger|bring on|set off|cause))\b"
)
"""A message framed as a general question about signs, not a report of one."""

HYPOTHETICAL = re.compile(
    r"(?<!sure )(?<!dont know )(?<!wondering )(?<!wonder )(?<!checking )"
    r"\b(?:if|in case|incase|should|what if|suppose|say)\b(?:(?!\bbut\b)[^.?!,])*|"
    r"\b(?:will|would) (?:it|the|my|this|that)\b(?:(?!\bbut\b)[^.?!,])*|"
    r"\b(?:can|could|should|may|will|would) (?:i|you) (?:still )?(?:have|get|do|book)\b[^.?!,]*|"
    r"\b(?:before|next) (?:my |the |a )?(?:next )?(?:session|appointment|treatment|one)\b"
    r"[^.?!,]*"
)
REAL_IN_CLAUSE = re.compile(r"\b(?:theres|there is|there are|ive got|(?:is|are) (?:\w+ )?\w+ing)\b")
"""A clause that only looks hypothetical: "can I wear makeup if theres crust on my chin"."""

EMOJI_WORDS = {
    "🤒": " fever ",
    "🤢": " nausea ",
    "🤮": " vomit ",
    "🥵": " fever ",
}

PRESENT = re.compile(
    r"\b(?:i have|i got|i ve got|ive got|i (?:have|ve) (?:got|had|been|noticed)|"
    r"i (?:am|m) (?:having|getting|seeing|running|feeling|so|really|now)|"
    r"im (?:having|getting|seeing|running|feeling|so|really|now)|am i\b|"
    r"there (?:is|s|are)|theres|i can see|noticed|"
    r"my (?:\w+ ){0,2}(?:is|are|has|have|feels?|looks?|seems?|keeps?|got|went|started|hurts?|"
    r"smells?|won t|wont)|(?:it|this|that|they|these) (?:is|s|are|has|have|feels?|looks?|"
    r"seems?|keeps?|started|got|went|hurts?|smells?)|its (?:now|getting|gone|started|really|so|"
    r"very|still|spreading|all|a)|"
    r"right now|currently|at the moment|atm|since (?:yesterday|last|this|the|my|\w+day)|"
    r"this (?:morning|evening|afternoon)|last night|tonight|today|yesterday|day \d+|"
    r"\d+ ?(?:days|hours|hrs) (?:ago|later|after|post|since|in)|still|"
    r"(?:is|are|could|might|does) (?:my|this|that|these)|(?:could|might) it be|"
    r"is it (?:infected|an infection)|am i|do i have|"
    r"think (?:i|it|its|my|this)|looks (?:infected|like)|looking (?:infected|red|swollen)|me)\b"
)
"""Words of a patient describing themselves now ("my", "theres", "since yesterday")."""

NEGATED = re.compile(
    r"\b(?:no|not|without|never|isnt|arent|nor|zero|dont have|hasnt)\W+(?:\w+\W+)?$"
)

SOLO_BEFORE_TREATMENT = re.compile(
    r"\b(?:have|get|do|book|having|getting|doing)\b[^.?!]{0,25}\b(?:microneedling|treatment|"
    r"session|appointment|it done)\b[^.?!]{0,15}\b(?:with|if|while|when)\b|"
    r"\b(?:before|next) (?:my |the |a )?(?:next )?(?:session|appointment|treatment|one)\b|"
    r"\b(?:cancel|reschedul|postpon)\w*|"
    r"\b(?:come|coming|go|going) (?:in |for |to )(?:my |the |a )?(?:next )?"
    r"(?:session|appointment)\b"
)
"""A question about having the next session ("can I have it done with a cold sore?")."""


def _normalise(text: str) -> str:
    for emoji, word in EMOJI_WORDS.items():
        text = text.replace(emoji, word)
    text = re.sub(r"(?<=[A-Za-z])-(?=[A-Za-z])", " ", text)
    tokens = re.findall(r"[a-z0-9]+|[.,/°→>?!-]", fold(text))
    spelled = [CHAT_SPELLING.get(t, t) for t in tokens]
    joined = " ".join(spelled)
    joined = re.sub(r"(?<=\d) ([.,/]) (?=\d)", r"\1", joined)
    joined = re.sub(r" - > ", " -> ", joined)
    return re.sub(r"\s+", " ", joined).strip()


def _found(pattern: re.Pattern[str], text: str) -> bool:
    return any(not NEGATED.search(text[: m.start()]) for m in pattern.finditer(text))


def _personal(text: str) -> bool:
    """The patient speaks of themselves (or someone close): not a search-engine title."""
    return bool(PERSONAL.search(text)) and not ASKS_IF.search(text)


PERSONAL = re.compile(r"\b(?:i|im|ive|id|me|my|mine|we|our|us|he|she|his|her|hes|shes)\b")
ASKS_IF = re.compile(r"\b(?:can|could|will|would|do|does|is|are) (?:i|you|it|there|this)\b")
"""A question whether something can happen ("can I get an infection from..."), not a report."""


ANY_SIGN = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in SIGNS))
"""Every sign in one pattern: most messages describe none, and one pass tells."""


PAST = re.compile(
    r"\b(?:last time|last week|last month|last year|previously|in the past|used to|had an? "
    r"\w+ (?:last|before))\b"
)
"""A sign the patient had before, asked about for the next session."""
NOT_A_PERSON = re.compile(
    r"\b(?:dog|dogs|cat|cats|horse|hamster|rabbit|pet|puppy|kitten|parrot|car|milk|fridge|"
    r"food|bread|sourdough|cheese|plant|plants|tomato|spreadsheet|chart|graph|phone|battery|"
    r"documentary|film|movie|"
    r"article|episode)s?\b"
)


def _about_someone_else(text: str) -> bool:
    """A pet, a thing or a film with the sign, and no person or face of ours in sight."""
    if not NOT_A_PERSON.search(text):
        return False
    without = re.sub(r"\b(?:what|how) (?:do|should|can) i (?:do|help)\b", " ", text)
    without = re.sub(r"\bmy (?:\w+ )?(?:dog|cat|horse|hamster|car)s?\b", " ", without)
    without = NOT_A_PERSON.sub(" ", without)
    return not re.search(
        r"\b(?:face|skin|cheeks?|chin|forehead|nose|lips?|jaw|neck|throat|"
        r"treatment|microneedling|i|im|ive|me)\b",
        without,
    )


def check_red_flags(text: str) -> RedFlagCheck:
    """Does `text` describe a warning sign, and is the patient reporting it now?"""
    plain = _normalise(text).replace("hay fever", "hayfever")
    if not plain or not ANY_SIGN.search(plain):
        return RedFlagCheck()
    general = bool(GENERAL.search(plain))
    about_next_session = bool(SOLO_BEFORE_TREATMENT.search(plain))
    had_it_before = about_next_session and bool(PAST.search(plain))
    if _about_someone_else(plain):
        return RedFlagCheck()
    factual = HYPOTHETICAL.sub(
        lambda clause: clause[0] if REAL_IN_CLAUSE.search(clause[0]) else " ", plain
    )
    present = bool(PRESENT.search(factual))
    first: str | None = None
    for sign, pattern, strong in SIGNS:
        if not _found(pattern, plain):
            continue
        next_session_question = sign in {"blisters or cold sores", "infection or urgent worry"}
        if (
            about_next_session
            and next_session_question
            and not (present and _found(pattern, factual))
        ):
            continue
        first = first or sign
        if had_it_before:
            continue
        in_fact = _found(pattern, factual)
        if strong and in_fact and (present or not general):
            return RedFlagCheck(sign, alert=True)
        if not strong and in_fact and (present or (_personal(factual) and not general)):
            return RedFlagCheck(sign, alert=True)
    return RedFlagCheck(first, alert=False)
