"""Shared fixtures: a small knowledge folder written for tests, so that what the bot says
in a test does not move when staff improve the real knowledge."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
from bot.knowledge.model import REQUIRED_TOPICS

SMALL_TOPICS: dict[str, tuple[str, list[str]]] = {
    "makeup": (
        "Makeup",
        ["can i wear makeup tomorrow", "when can i put foundation on", "is concealer ok"],
    ),
    "sun-protection": (
        "Sun protection",
        ["do i need sunscreen", "can i sunbathe", "which spf should i use"],
    ),
    "exercise-sweating": (
        "Exercise and sweating",
        ["can i go to the gym", "when can i exercise again", "is running ok"],
    ),
    "swimming-heat": (
        "Swimming, sauna and heat",
        ["can i go swimming", "is the sauna ok", "can i use the steam room"],
    ),
}
"""The few topics the tests talk about; every other required topic gets filler examples."""

SMALL_ANSWERS = {
    "makeup": "Makeup: give your skin 48 hours.",
    "sun-protection": "Sun: wear SPF 30 every day.",
    "exercise-sweating": "Exercise: rest for 48 hours.",
    "swimming-heat": "Swimming: wait two weeks.",
}
MAKEUP_DAY_0_1 = "Makeup: not yet, please."
MAKEUP_DAY_2_ON = "Makeup: yes, light mineral makeup is fine now."
GREETING_ANSWER = "Hello! Ask me anything about your skin after microneedling."
WORDING = {
    # The conversation's own sentences as shipped; the tests pin the ones below.
    **yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "bot.yaml").read_text()),
    "clinic_name": "Test Clinic",
    "clinic_phone": "0100 000",
    "emergency_number": "112",
    "welcome": "Hi! I'm the aftercare assistant of {clinic_name}.",
    "disclaimer": "I'm not a doctor. In an emergency call {emergency_number}.",
    "ask_treatment_date": "When was your treatment?",
    "fallback": "Sorry, I'm not sure. Call {clinic_name} on {clinic_phone}.",
    "did_you_mean": "Did you mean one of these?",
    "red_flag_answer": "<b>This needs a look today.</b> I've told the clinic team.",
    "non_text": "I can only read text messages.",
    "help": "Ask me anything about your skin. /topics shows what I know.",
}
CHECKINS = """\
quiet_hours: "21:00-08:00"
checkins:
  - day: 0
    message: Day 0 note. Tonight your skin looks like a mild sunburn.
  - day: 1
    message: Day 1 note. How is your skin today?
    replies:
      - label: All good
        answer: Great to hear!
      - label: Red
        topic: redness-swelling
      - label: I'm worried
        worrying: true
  - day: 3
    message: Day 3 note. Some flaking is normal; don't pick. How is your skin today?
  - day: 7
    message: One week in.
"""


def write_small_knowledge(root: Path) -> Path:
    """A complete, valid knowledge folder with short, predictable answers."""
    topics = root / "topics"
    topics.mkdir(parents=True)
    for topic in REQUIRED_TOPICS:
        title = topic.replace("-", " ").capitalize()
        filler = [f"question about {topic} {n}" for n in ("one", "two", "three")]
        title, examples = SMALL_TOPICS.get(topic, (title, filler))
        rule: dict[str, object] = {
            "id": topic,
            "title": title,
            "examples": examples,
            "answer": SMALL_ANSWERS.get(topic, f"{title}: the clinic's answer."),
        }
        if topic == "makeup":
            rule["by_day"] = [
                {"days": "0-1", "answer": MAKEUP_DAY_0_1},
                {"days": "2+", "answer": MAKEUP_DAY_2_ON},
            ]
        _write_yaml(topics / f"{topic}.yaml", rule)
    greetings = {
        "id": "greetings",
        "title": "Greetings",
        "scope": "off-topic",
        "examples": ["hello", "hi there", "good morning"],
        "answer": GREETING_ANSWER,
    }
    _write_yaml(topics / "greetings.yaml", greetings)
    _write_yaml(root / "bot.yaml", WORDING)
    (root / "checkins.yaml").write_text(CHECKINS)
    return root


def _write_yaml(path: Path, content: object) -> None:
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    """A small test knowledge folder (see `write_small_knowledge`)."""
    return write_small_knowledge(tmp_path / "knowledge")


@pytest.fixture(autouse=True, scope="session")
def trained_models_in_a_temporary_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Trained classifiers are cached under XDG_CACHE_HOME: never the tester's own."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
