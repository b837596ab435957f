"""The whole schema after the newest migration, pinned: every table with its columns and
types, and every index. A migration that adds, drops or changes anything shows up here,
so the change is made on purpose (and `bot.storage.migrations` gains a step for it)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from bot.storage.store import Store

TABLES = {
    "checkins": [
        "id INTEGER",
        "patient_id INTEGER",
        "treatment_id INTEGER",
        "day INTEGER",
        "due_at TEXT",
        "status TEXT",
        "claimed_at TEXT",
        "sent_at TEXT",
        "message_id INTEGER",
        "attempts INTEGER",
        "reply TEXT",
        "replied_at TEXT",
        "attempted_at TEXT",
        "note TEXT",
    ],
    "handoffs": [
        "id INTEGER",
        "patient_id INTEGER",
        "opened_at TEXT",
        "opened_by TEXT",
        "last_activity_at TEXT",
        "closed_at TEXT",
    ],
    "inbox": [
        "update_id INTEGER",
        "chat_id INTEGER",
        "patient_id INTEGER",
        "received_at TEXT",
        "payload TEXT",
        "status TEXT",
        "attempts INTEGER",
        "handled_at TEXT",
        "error TEXT",
    ],
    "notices": ["key TEXT", "text TEXT", "since TEXT"],
    "outbox": [
        "id INTEGER",
        "kind TEXT",
        "chat_id INTEGER",
        "patient_id INTEGER",
        "method TEXT",
        "payload TEXT",
        "priority INTEGER",
        "at_most_once INTEGER",
        "status TEXT",
        "attempts INTEGER",
        "created_at TEXT",
        "next_attempt_at TEXT",
        "attempted_at TEXT",
        "checkin_id INTEGER",
        "alert_id INTEGER",
        "not_after TEXT",
        "error TEXT",
    ],
    "patient_topics": ["patient_id INTEGER", "chat_id INTEGER", "thread_id INTEGER"],
    "patients": [
        "id INTEGER",
        "chat_id INTEGER",
        "first_name TEXT",
        "username TEXT",
        "timezone TEXT",
        "checkin_time TEXT",
        "checkins_enabled INTEGER",
        "reachable INTEGER",
        "state TEXT",
        "created_at TEXT",
        "last_seen_at TEXT",
        "channel TEXT",
        "checkins_resumed_at TEXT",
        "state_since TEXT",
        "photo_consent INTEGER",
        "photo_pending INTEGER",
    ],
    "questions": [
        "id INTEGER",
        "patient_id INTEGER",
        "asked_at TEXT",
        "decision TEXT",
        "rule TEXT",
        "red_flag INTEGER",
    ],
    "red_flags": [
        "id INTEGER",
        "patient_id INTEGER",
        "day INTEGER",
        "sign TEXT",
        "created_at TEXT",
        "alerted INTEGER",
        "alert_text TEXT",
        "staff_message_id INTEGER",
        "taken_by TEXT",
        "taken_by_id INTEGER",
        "taken_at TEXT",
        "escalations INTEGER",
        "escalated_at TEXT",
    ],
    "settings": ["name TEXT", "value TEXT"],
    "staff_messages": [
        "chat_id INTEGER",
        "message_id INTEGER",
        "patient_id INTEGER",
        "alert_id INTEGER",
    ],
    "treatments": ["id INTEGER", "patient_id INTEGER", "treated_on TEXT", "created_at TEXT"],
    "unanswered": [
        "id INTEGER",
        "text TEXT",
        "asked_at TEXT",
        "decision TEXT",
        "closest_rule TEXT",
        "score REAL",
        "terms TEXT",
        "reading TEXT",
    ],
}

INDEXES = [
    "CREATE UNIQUE INDEX idx__sqlite_migrations_migration_set_name "
    "ON _sqlite_migrations (migration_set, name)",
    "CREATE INDEX idx_checkins_patient_id ON checkins (patient_id)",
    "CREATE INDEX idx_checkins_replied_at ON checkins (replied_at)",
    "CREATE INDEX idx_checkins_status_counted_at "
    "ON checkins (status, coalesce(sent_at, due_at), sent_at, due_at)",
    "CREATE INDEX idx_checkins_status_due_at ON checkins (status, due_at)",
    "CREATE UNIQUE INDEX idx_checkins_treatment_id_day ON checkins (treatment_id, day)",
    "CREATE INDEX idx_handoffs_patient_id_closed_at ON handoffs (patient_id, closed_at)",
    "CREATE INDEX idx_inbox_patient_id ON inbox (patient_id)",
    "CREATE INDEX idx_inbox_status_update_id ON inbox (status, update_id)",
    "CREATE INDEX idx_outbox_chat_id_status ON outbox (chat_id, status)",
    "CREATE INDEX idx_outbox_patient_id ON outbox (patient_id)",
    "CREATE INDEX idx_outbox_status_next_attempt_at ON outbox (status, next_attempt_at)",
    "CREATE INDEX idx_patient_topics_chat_id_thread_id ON patient_topics (chat_id, thread_id)",
    "CREATE INDEX idx_patients_created_at ON patients (created_at)",
    "CREATE INDEX idx_questions_decision_asked_at ON questions (decision, asked_at)",
    "CREATE INDEX idx_questions_patient_id ON questions (patient_id)",
    "CREATE INDEX idx_red_flags_created_at ON red_flags (created_at)",
    "CREATE INDEX idx_red_flags_patient_id ON red_flags (patient_id)",
    "CREATE INDEX idx_red_flags_untaken ON red_flags (created_at) "
    "WHERE alerted = 1 AND taken_at IS NULL",
    "CREATE INDEX idx_staff_messages_patient_id ON staff_messages (patient_id)",
    "CREATE INDEX idx_treatments_patient_id ON treatments (patient_id)",
    "CREATE INDEX idx_unanswered_asked_at ON unanswered (asked_at)",
]

M007_INDEXES = (
    "idx_checkins_status_counted_at",
    "idx_checkins_replied_at",
    "idx_patients_created_at",
    "idx_red_flags_untaken",
)


def tables(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Each table of the bot's own (not sqlite-utils' record of migrations) and its columns
    with their types, in order."""
    return {
        name: [f"{column.name} {column.type}" for column in db[name].columns]
        for name in sorted(db.table_names())
        if not name.startswith("_")
    }


def indexes(db: sqlite_utils.Database) -> list[str]:
    """Every index as its CREATE statement, quotes and line breaks taken out (SQLite keeps
    them as each statement was written). The keys of tables (no statement) are left out."""
    rows = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    )
    return [" ".join(sql.replace('"', "").split()) for (sql,) in rows]


def migrations_applied(db: sqlite_utils.Database) -> list[str]:
    rows = db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")
    return [name for (name,) in rows]


def test_a_new_database_has_every_table_with_its_columns(store: Store) -> None:
    assert store.run_sync(tables) == TABLES


def test_a_new_database_has_every_index(store: Store) -> None:
    assert store.run_sync(indexes) == INDEXES


def test_every_migration_is_recorded_in_order(store: Store) -> None:
    assert store.run_sync(migrations_applied) == [
        "m001_initial",
        "m002_patient_channel",
        "m003_checkin_attempts",
        "m004_durable_messaging",
        "m005_settings",
        "m006_people_answer_alerts",
        "m007_staff_figures_at_scale",
        "m008_unanswered_grouping_keys",
    ]


def test_a_database_made_before_m007_ends_with_the_same_schema(tmp_path: Path) -> None:
    path = tmp_path / "aftercare.db"
    Store(path).close()
    older = sqlite_utils.Database(path)
    for name in M007_INDEXES:
        older.execute(f"DROP INDEX {name}")
    older.execute("CREATE INDEX idx_questions_asked_at ON questions (asked_at)")
    older.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_staff_figures_at_scale'")
    older.conn.commit()
    older.close()
    with Store(path) as store:
        assert (store.run_sync(tables), store.run_sync(indexes)) == (TABLES, INDEXES)
