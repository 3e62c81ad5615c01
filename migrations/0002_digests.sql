-- amity schema, version 2: the digest outbox.
-- A digest is a row before it is a message: the row for (digest, period) is written first, then the
-- message is sent, then the message ids are recorded. Timestamps are UTC RFC 3339 text; period dates are
-- the office's calendar dates ('YYYY-MM-DD', both ends included).

CREATE TABLE digest_deliveries (
    id              INTEGER PRIMARY KEY,
    digest          TEXT NOT NULL,                 -- the [[digest]] name in the config
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    target          TEXT NOT NULL,                 -- "telegram:@channel", "telegram:-100…", "matrix:!room:server", "console"
    origin          TEXT NOT NULL CHECK (origin IN ('schedule','manual')),
    fire_at         TEXT NOT NULL,                 -- the scheduled firing (or the moment of a manual send)
    state           TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,                          -- pending: not before this time
    deadline_at     TEXT NOT NULL,                 -- retries stop here: the row becomes 'failed'
    lang            TEXT NOT NULL,
    title           TEXT NOT NULL,                 -- the chart's caption
    body            TEXT NOT NULL,                 -- the digest as decided when the row was written: a retry sends exactly this
    chart           BLOB,                          -- PNG
    message_ids     TEXT NOT NULL DEFAULT '[]',    -- JSON array of the ids of the parts already sent, in order
    last_error      TEXT,
    possible_duplicate INTEGER NOT NULL DEFAULT 0, -- found 'sending' after a crash and sent again
    reported_at     TEXT,                          -- a failure was reported to the admins
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (digest, period_from, period_to)
);
CREATE INDEX digest_deliveries_state ON digest_deliveries(state, next_attempt_at);

-- How far each digest's schedule has been handled: firings at or before `fired_through` are never due
-- again. A digest seen for the first time starts at that moment (nothing before it is sent).
CREATE TABLE digest_cursors (
    digest        TEXT PRIMARY KEY,
    fired_through TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Late entries are found by when they were logged; running totals and the cumulative chart sum the
-- donations month by month from this covering index (no table reads).
CREATE INDEX donations_created ON donations(created_at);
CREATE INDEX letters_created ON letters(created_at);
CREATE INDEX events_created ON events(created_at);
CREATE INDEX receptions_created ON receptions(created_at);
CREATE INDEX donations_month_sums ON donations(date, internal, deleted_at, cny_fen, usd_cents);
