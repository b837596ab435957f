"""The bot's own sentences (`bot.yaml`): which there are, which {fields} each may use,
and the reading and checking of the file."""

from __future__ import annotations

from pathlib import Path

from bot.core.model import Problem, Wording
from bot.core.opening_hours import parse_opening_hours
from bot.knowledge.texts import PLACEHOLDERS, checked_text, fill_placeholders
from bot.knowledge.yaml_lines import Collector, Node, line_of, read_yaml

WORDING_FIELDS: dict[str, tuple[str, ...]] = {
    "clinic_name": (),
    "clinic_phone": (),
    "emergency_number": (),
    "welcome": (),
    "disclaimer": (),
    "ask_treatment_date": (),
    "fallback": (),
    "did_you_mean": (),
    "red_flag_answer": (),
    "unreadable_answer": (),
    "non_text": (),
    "help": (),
    "help_checkin_days": ("days",),
    "welcome_back": ("date", "day"),
    "welcome_back_ahead": (),
    "empty_message": (),
    "unknown_command": (),
    "date_today": (),
    "date_yesterday": (),
    "date_accepted": ("date", "day"),
    "date_still_needed": (),
    "date_change_offer": ("date", "day", "old"),
    "date_change_yes": (),
    "date_change_no": (),
    "date_change_kept": ("date",),
    "checkin_offer": (),
    "checkin_yes": (),
    "checkin_no": (),
    "checkins_on": ("time",),
    "checkins_on_need_date": (),
    "checkins_on_none_left": ("day",),
    "checkins_off": (),
    "checkins_follow_date": (),
    "checkins_usage": ("state",),
    "time_usage": ("time",),
    "time_bad": (),
    "time_quiet": ("end", "start"),
    "time_set": ("time",),
    "timezone_usage": ("zone",),
    "timezone_bad": ("example", "name"),
    "timezone_set": ("clock", "zone"),
    "status_treatment": ("date", "day"),
    "status_no_treatment": (),
    "status_checkins_on": ("time", "zone"),
    "status_checkins_off": (),
    "status_next": ("when",),
    "status_none_left": (),
    "topics_intro": (),
    "topic_gone": (),
    "forget_confirm": (),
    "forget_yes": (),
    "forget_no": (),
    "forget_done": (),
    "forget_kept": (),
    "forget_nothing": (),
    "staff_help": (),
    "staff_alert": ("day", "quote", "who"),
    "reload_done": ("checkins", "topics"),
    "reload_failed": ("problems",),
    "checkin_pause_button": (),
    "checkin_keep_going_button": (),
    "checkin_stop_button": (),
    "checkin_resume_button": (),
    "checkin_ask_to_continue": (),
    "checkin_paused": (),
    "checkin_resumed": (),
    "checkin_resumed_nothing_left": (),
    "checkin_already_answered": (),
    "checkin_reply_thanks": (),
    "checkin_booking_contact": (),
    "flood_note": (),
    "processing_failed": (),
    "in_private": (),
    "button_expired": (),
    "opening_hours": (),
    "out_of_hours_phone": (),
    "red_flag_answer_closed": (),
    "red_flag_answer_no_staff": (),
    "unreadable_answer_no_staff": (),
    "unreadable_answer_closed": (),
    "staff_alert_unreadable": ("day", "quote", "who"),
    "photo_offer": (),
    "photo_consent": (),
    "photo_yes": (),
    "photo_no": (),
    "photo_sent": (),
    "photo_not_sent": (),
    "alert_take_button": (),
    "alert_reply_button": (),
    "alert_taken_note": ("name", "time"),
    "alert_already_taken": ("name", "time"),
    "alert_taken_patient": (),
    "alert_waiting": ("minutes",),
    "staff_message_to_patient": ("name", "text"),
    "relay_to_staff": ("day", "quote", "who"),
    "relay_photo": ("day", "who"),
    "reply_prompt": ("who",),
    "handoff_opened": ("who",),
    "handoff_closed_patient": (),
    "handoff_closed_staff": ("who",),
    "not_staff_reply": (),
    "message_usage": (),
    "message_not_found": ("name",),
    "message_ambiguous": ("name",),
    "done_nothing": (),
    "forget_staff_note": (),
}
"""Every sentence of the bot's own, in `bot.yaml`, and the {fields} the bot fills into it
(besides {clinic_name}, {clinic_phone} and {emergency_number}, allowed everywhere)."""
WORDING_KEYS = tuple(WORDING_FIELDS)
BUTTON_WORDING = frozenset(
    {
        "date_today",
        "date_yesterday",
        "date_change_yes",
        "date_change_no",
        "checkin_yes",
        "checkin_no",
        "forget_yes",
        "forget_no",
        "checkin_pause_button",
        "checkin_keep_going_button",
        "checkin_stop_button",
        "checkin_resume_button",
        "photo_yes",
        "photo_no",
        "alert_take_button",
        "alert_reply_button",
        "opening_hours",
        "out_of_hours_phone",
    }
)
"""Wording shown on buttons: plain text, so Telegram HTML does not apply to it."""


def load_wording(path: Path, name: str, problems: list[Problem]) -> Wording | None:
    where = Collector(name, problems, path)
    node = read_yaml(path, name, problems)
    if not isinstance(node, Node):
        if node is not None:
            where.add(1, "bot.yaml must be a set of 'key: text' lines")
        return None
    before = len(problems)
    where.unknown_keys(node, WORDING_KEYS, kind="key")
    texts: dict[str, str] = {}
    for key in WORDING_KEYS:
        if key not in node:
            where.add(node.line, f"missing key '{key}'")
            continue
        value = node[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        text = checked_text(
            value,
            where,
            line_of(node, key),
            key,
            WORDING_FIELDS[key],
            html=key not in BUTTON_WORDING,
        )
        if text is not None:
            texts[key] = text
    if "opening_hours" in texts:
        try:
            parse_opening_hours(texts["opening_hours"])
        except ValueError as error:
            where.add(line_of(node, "opening_hours"), f"opening_hours: {error}")
    if len(problems) > before:
        return None
    details = {k: texts[k] for k in PLACEHOLDERS}
    return Wording({key: fill_placeholders(text, details) for key, text in texts.items()})
