"""Where a conversation waits for the patient's next message, stored in `patients.state`.

    /start, /treatment -> AWAITING_DATE -> a date -> AWAITING_CHECKIN_CHOICE -> questions
        (a treatment still ahead: TREATMENT_AHEAD, where a date later is still taken
         but questions are answered without asking for it again)
        (a question before the answer is answered and the offer shown once more:
         CHECKIN_OFFERED_AGAIN; a second question lets the offer go)
    /forget -> AWAITING_FORGET_CONFIRM -> "yes" or the button -> everything deleted

No state (NULL) means free questions. The router (`bot.conversation.router`) maps each
state to the flow that reads the next message.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    AWAITING_DATE = "awaiting_date"
    AWAITING_CHECKIN_CHOICE = "awaiting_checkin_choice"
    CHECKIN_OFFERED_AGAIN = "checkin_offered_again"
    TREATMENT_AHEAD = "treatment_ahead"
    AWAITING_FORGET_CONFIRM = "awaiting_forget_confirm"
