"""The progress database's schema, as numbered migrations.

Append only: a released migration is never edited, or databases that ran it would differ.
`db.migrate` runs each step in its own transaction and records the step in `user_version`.
"""

from __future__ import annotations

_V1 = """
CREATE TABLE card_state (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due TEXT,
    last_review TEXT,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    buried_until TEXT,
    flag INTEGER NOT NULL DEFAULT 0 CHECK (flag BETWEEN 0 AND 7),
    leech INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT,
    PRIMARY KEY (deck_id, card_id, ord)
);
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    duration_ms INTEGER,
    mode TEXT NOT NULL CHECK (mode IN ('review', 'mcq', 'typed', 'exam')),
    rescheduled INTEGER NOT NULL,
    state_before INTEGER NOT NULL,
    state_after INTEGER NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    FOREIGN KEY (deck_id, card_id, ord) REFERENCES card_state (deck_id, card_id, ord)
);
CREATE INDEX review_log_item ON review_log (deck_id, card_id, ord);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


_V2 = """
CREATE INDEX review_log_time ON review_log (reviewed_at);
CREATE TABLE exam (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    scope TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total >= 0),
    correct INTEGER NOT NULL CHECK (correct BETWEEN 0 AND total),
    time_limit INTEGER,
    detail TEXT NOT NULL
);
"""


# A typed answer the student marked "I was right" / "I was wrong": the rating they chose,
# not the grader's, is what the row holds; the mark keeps that visible.
_V3 = """
ALTER TABLE review_log ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0;
"""


# Reviews brought home from Anki carry a key (`anki:<revlog id>`) so a file imported twice adds
# each review once; exam dates say which decks and tags an exam covers and the recall aimed at.
_V4 = """
ALTER TABLE review_log ADD COLUMN source_key TEXT;
CREATE UNIQUE INDEX review_log_source ON review_log (deck_id, card_id, ord, source_key)
    WHERE source_key IS NOT NULL;
CREATE TABLE exam_date (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    on_date TEXT NOT NULL,
    decks TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    target REAL NOT NULL DEFAULT 0.9 CHECK (target > 0 AND target < 1)
);
"""


# The items of the library last studied (`registry`), so SQL tells the rows of loaded items
# from the rest and finds new items without Python listing 100,000 keys: each item's place in
# the library (`pos`), whether its row makes it other than plainly new (`seen`: not new,
# suspended or ever buried) and whether its card has other items (`several`). `unregistered`
# keeps the rows of items not registered (no longer in their deck, or of decks not loaded),
# noted as they are written. Until a library is registered, every row is unregistered. The
# covering indexes serve counts per deck by state and due, windows of the day's lists in due
# order (`ORDER BY due LIMIT n`), the forecast by due date, and the few buried rows.
_V5 = """
CREATE TABLE item (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0,
    several INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (deck_id, card_id, ord)
) WITHOUT ROWID;
CREATE INDEX item_new ON item (deck_id, seen, pos, several);
CREATE INDEX item_several ON item (deck_id, several);
CREATE TABLE unregistered (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    PRIMARY KEY (deck_id, card_id, ord)
) WITHOUT ROWID;
INSERT INTO unregistered (deck_id, card_id, ord) SELECT deck_id, card_id, ord FROM card_state;
CREATE INDEX card_state_tally
    ON card_state (deck_id, state, suspended, due, card_id, ord, buried_until);
CREATE INDEX card_state_due ON card_state (due, state, suspended, deck_id);
CREATE INDEX card_state_buried ON card_state (deck_id, buried_until)
    WHERE buried_until IS NOT NULL;
"""


# Append only: a released migration is never edited, or databases that ran it would differ.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)


SCHEMA_VERSION = len(MIGRATIONS)
