"""The database schema, built and evolved only by these numbered migrations.

One set for the whole schema, applied in order at start-up by `bot.storage.store.Store`
(sqlite-utils records each one applied, so each runs once per database).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("aftercare")


@migrations()
def m001_initial(db: Database) -> None:
    """Patients, their treatments and check-ins, and the logs staff read (no message text
    except the unanswered questions, which are deliberately not linked to anyone)."""
    db.table("patients").create(
        {
            "id": int,  # the Telegram user id
            "chat_id": int,
            "first_name": str,
            "username": str,
            "timezone": str,
            "checkin_time": str,  # local "HH:MM"
            "checkins_enabled": int,
            "reachable": int,
            "state": str,  # where the conversation is waiting, or NULL
            "created_at": str,
            "last_seen_at": str,
        },
        pk="id",
        not_null=["chat_id", "timezone", "checkin_time", "created_at", "last_seen_at"],
        defaults={"checkins_enabled": 0, "reachable": 1},
    )
    db.table("treatments").create(
        {"id": int, "patient_id": int, "treated_on": str, "created_at": str},
        pk="id",
        not_null=["patient_id", "treated_on", "created_at"],
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db.table("treatments").create_index(["patient_id"])
    db.table("questions").create(
        {
            "id": int,
            "patient_id": int,
            "asked_at": str,
            "decision": str,
            "rule": str,
            "red_flag": int,
        },
        pk="id",
        not_null=["patient_id", "asked_at", "decision", "red_flag"],
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db.table("questions").create_index(["asked_at"])
    db.table("unanswered").create(
        {
            "id": int,
            "text": str,
            "asked_at": str,
            "decision": str,
            "closest_rule": str,
            "score": float,
        },
        pk="id",
        not_null=["text", "asked_at", "decision"],
    )
    db.table("red_flags").create(
        {
            "id": int,
            "patient_id": int,
            "day": int,
            "sign": str,
            "created_at": str,
            "alerted": int,
        },
        pk="id",
        not_null=["patient_id", "created_at", "alerted"],
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db.table("checkins").create(
        {
            "id": int,
            "patient_id": int,
            "treatment_id": int,
            "day": int,
            "due_at": str,
            "status": str,  # pending, claimed, sent, skipped, cancelled or failed
            "claimed_at": str,
            "sent_at": str,
            "message_id": int,
            "attempts": int,
            "reply": str,
            "replied_at": str,
        },
        pk="id",
        not_null=["patient_id", "treatment_id", "day", "due_at", "status", "attempts"],
        defaults={"status": "pending", "attempts": 0},
        foreign_keys=[("patient_id", "patients", "id"), ("treatment_id", "treatments", "id")],
    )
    db.table("checkins").create_index(["treatment_id", "day"], unique=True)
    db.table("checkins").create_index(["status", "due_at"])
    db.table("checkins").create_index(["patient_id"])


@migrations()
def m002_patient_channel(db: Database) -> None:
    """Where a patient talks to us: "telegram", or "terminal" for `aftercare chat` (whose
    check-ins are planned, for /status, but never sent)."""
    db.table("patients").add_column("channel", str, not_null_default="telegram")


@migrations()
def m003_checkin_attempts(db: Database) -> None:
    """What sending check-ins needs beyond m001.

    `checkins.attempted_at`: set before Telegram is called (see `bot.storage.checkins`);
    `checkins.note`: why a row ended as it did, for staff (never message text);
    `patients.checkins_resumed_at`: when check-ins were last turned on, which restarts
    the fatigue count.
    """
    db.table("checkins").add_column("attempted_at", str)
    db.table("checkins").add_column("note", str)
    db.table("patients").add_column("checkins_resumed_at", str)


@migrations()
def m004_durable_messaging(db: Database) -> None:
    """The inbox (every update, stored before Telegram is told we have it) and the outbox
    (every message, queued with the decision that sends it); see `bot.storage.inbox` and
    `bot.storage.outbox`. `patients.state_since` dates the state, so an old button can be
    told from a fresh one. Indexes for every lookup by patient and for the stats."""
    db.table("inbox").create(
        {
            "update_id": int,
            "chat_id": int,
            "patient_id": int,
            "received_at": str,
            "payload": str,
            "status": str,  # pending, done or failed
            "attempts": int,
            "handled_at": str,
            "error": str,
        },
        pk="update_id",
        not_null=["received_at", "status", "attempts"],
    )
    db.table("inbox").create_index(["status", "update_id"])
    db.table("inbox").create_index(["patient_id"])
    db.table("outbox").create(
        {
            "id": int,
            "kind": str,
            "chat_id": int,
            "patient_id": int,
            "method": str,
            "payload": str,
            "priority": int,
            "at_most_once": int,
            "status": str,  # pending, sending, failed, unknown or cancelled
            "attempts": int,
            "created_at": str,
            "next_attempt_at": str,
            "attempted_at": str,
            "checkin_id": int,
            "alert_id": int,
            "not_after": str,
            "error": str,
        },
        pk="id",
        not_null=[
            "kind",
            "chat_id",
            "method",
            "payload",
            "priority",
            "at_most_once",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
        ],
    )
    db.table("outbox").create_index(["status", "next_attempt_at"])
    db.table("outbox").create_index(["chat_id", "status"])
    db.table("outbox").create_index(["patient_id"])
    db.table("patients").add_column("state_since", str)
    db.table("questions").create_index(["patient_id"])
    db.table("questions").create_index(["decision", "asked_at"])
    db.table("red_flags").create_index(["patient_id"])
    db.table("red_flags").create_index(["created_at"])
    db.table("unanswered").create_index(["asked_at"])
    db.table("notices").create({"key": str, "text": str, "since": str}, pk="key")
    # Rows an older version left claimed for sending: never attempted, pending again;
    # attempted, unknown whether they arrived (never resent).
    db.execute(
        "UPDATE checkins SET status = CASE WHEN attempted_at IS NULL THEN 'pending' "
        "ELSE 'unknown' END WHERE status = 'claimed'"
    )


@migrations()
def m005_settings(db: Database) -> None:
    """Values of this installation itself (the key of the pseudonyms in the logs)."""
    db.table("settings").create({"name": str, "value": str}, pk="name")


@migrations()
def m006_people_answer_alerts(db: Database) -> None:
    """A person always answers a warning sign: who took each alert and when, how often it
    was sent again, the alert's text until someone takes it (for sending it again), the
    staff conversations with patients, the staff-chat messages that stand for a patient
    (a reply to one reaches them), each patient's forum topic, and photo consent."""
    red_flags = db.table("red_flags")
    red_flags.add_column("alert_text", str)
    red_flags.add_column("staff_message_id", int)
    red_flags.add_column("taken_by", str)
    red_flags.add_column("taken_by_id", int)
    red_flags.add_column("taken_at", str)
    red_flags.add_column("escalations", int, not_null_default=0)
    red_flags.add_column("escalated_at", str)
    db.table("handoffs").create(
        {
            "id": int,
            "patient_id": int,
            "opened_at": str,
            "opened_by": str,
            "last_activity_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null=["patient_id", "opened_at", "last_activity_at"],
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db.table("handoffs").create_index(["patient_id", "closed_at"])
    db.table("staff_messages").create(
        {"chat_id": int, "message_id": int, "patient_id": int, "alert_id": int},
        pk=("chat_id", "message_id"),
        not_null=["patient_id"],
    )
    db.table("staff_messages").create_index(["patient_id"])
    db.table("patient_topics").create(
        {"patient_id": int, "chat_id": int, "thread_id": int}, pk="patient_id"
    )
    db.table("patient_topics").create_index(["chat_id", "thread_id"])
    db.table("patients").add_column("photo_consent", int, not_null_default=0)
    db.table("patients").add_column("photo_pending", int)


@migrations()
def m007_staff_figures_at_scale(db: Database) -> None:
    """Indexes for the staff's figures over years of history (`bot.storage.stats`):
    check-ins by status and the date that counts for them, replies and new patients by
    date, and the alerts nobody has taken (which the escalation also looks for every few
    minutes). The index of questions by date alone goes: nothing reads it (the stats read
    questions by decision and date), and every message and `/forget` paid to keep it."""
    # The columns themselves too, so that counting never reads the table's rows.
    db.execute(
        "CREATE INDEX idx_checkins_status_counted_at ON checkins "
        "(status, coalesce(sent_at, due_at), sent_at, due_at)"
    )
    db.table("checkins").create_index(["replied_at"])
    db.table("patients").create_index(["created_at"])
    db.execute(
        "CREATE INDEX idx_red_flags_untaken ON red_flags (created_at) "
        "WHERE alerted = 1 AND taken_at IS NULL"
    )
    db.execute("DROP INDEX IF EXISTS idx_questions_asked_at")


@migrations()
def m008_unanswered_grouping_keys(db: Database) -> None:
    """Each unanswered question's grouping key (its terms, sorted) as the matcher read it
    when it was asked, with the fingerprint of that reading: grouping the inbox then reads
    no text again while the knowledge reads terms the same way. Older rows have none and
    are read when grouped."""
    unanswered = db.table("unanswered")
    unanswered.add_column("terms", str)
    unanswered.add_column("reading", str)


def apply_migrations(db: Database) -> None:
    """Bring the schema up to date.

    Databases made before the schema was one set recorded the check-in columns (now
    m003) under a set of their own, "scheduler"; that record counts as m003's.
    """
    migrations.ensure_migrations_table(db)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "SELECT 'aftercare', 'm003_checkin_attempts', applied_at FROM _sqlite_migrations "
        "WHERE migration_set = 'scheduler' AND name = 'm001_checkin_attempts' AND NOT EXISTS "
        "(SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'aftercare' "
        "AND name = 'm003_checkin_attempts')"
    )
    migrations.apply(db)
