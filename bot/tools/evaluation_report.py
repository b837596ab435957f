"""What `aftercare kb eval` prints: the misses, grouped warning-sign errors, the figures.

Written for the nurse who checks an edit: a category the file has no question of says
"none in this file" rather than a reassuring 100%.
"""

from __future__ import annotations

from bot.tools.evaluation import Group, Outcome, Report

NONE_IN_FILE = "none in this file"
SHOWN_PER_GROUP = 5


def percent(value: float | None) -> str:
    return NONE_IN_FILE if value is None else f"{value:.1%}"


def got(outcome: Outcome) -> str:
    match = outcome.match
    if match.red_flag:
        return f"WARNING SIGN ({match.sign})" if match.sign else "WARNING SIGN"
    if match.rule:
        return match.rule
    return f"fallback/{match.intent}" if match.intent else "fallback"


def describe_evaluation(report: Report) -> list[str]:
    """Every miss, then missed warning signs by sign and false alarms by cause and by the
    sign found, then the figures on one line."""
    lines = [
        f"miss: {o.item.question!r} expected {list(o.item.expected) or 'fallback'} "
        f"got {got(o)} ({o.match.decision}, {o.match.score})"
        for o in report.topic_misses
    ]
    if report.missed_signs:
        lines.append("Missed warning signs, by sign:")
        lines += _groups(report.missed_signs, "missed")
    if report.false_alarms:
        lines.append("False alarms, by cause:")
        lines += _groups(report.false_alarms, "alerted")
        lines.append("False alarms, by the sign found:")
        lines += _groups(report.false_alarms_by_sign, "calm lines alerted")
    lines.append(
        f"{len(report.outcomes)} questions: "
        f"in-scope top-1 {percent(report.top1_accuracy)} ({len(report.in_scope)}), "
        f"answered right away {percent(report.answered_accuracy)}, "
        f"out-of-scope fallback {percent(report.fallback_rate)} ({len(report.out_of_scope)}), "
        f"red-flag recall {percent(report.red_flag_recall)} ({len(report.reports)}), "
        f"false alarms {percent(report.false_alarm_rate)}"
    )
    return lines


def _groups(groups: list[Group], verb: str) -> list[str]:
    lines: list[str] = []
    for group in groups:
        lines.append(f"  {group.name}: {len(group.wrong)} of {group.total} {verb}")
        for outcome in group.wrong[:SHOWN_PER_GROUP]:
            lines.append(f"    {outcome.item.question!r} got {got(outcome)}")
        if len(group.wrong) > SHOWN_PER_GROUP:
            lines.append(f"    ... and {len(group.wrong) - SHOWN_PER_GROUP} more")
    return lines
