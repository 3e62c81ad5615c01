-- Reported figures: what a source said the office did ("nearly 3.5 million yuan ($494,100) to 30 local
-- governments in 20 countries"), kept beside the itemized ledger and never added to its sums. Each
-- figure keeps its text as written and what it was understood to state (JSON, `domain::reported::
-- Figure`: money amounts are decimal strings, so nothing is ever a float). `period_to` NULL means the
-- report's own date ("so far").
CREATE TABLE reported (
    id             INTEGER PRIMARY KEY,
    date           TEXT NOT NULL,
    of             TEXT NOT NULL CHECK (of IN ('donations','letters','events','receptions')),
    figures        TEXT NOT NULL CHECK (json_valid(figures) AND json_array_length(figures) > 0),
    source         TEXT NOT NULL CHECK (length(source) > 0),
    period_from    TEXT,
    period_to      TEXT,
    internal       INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_reason TEXT
);
CREATE INDEX reported_date ON reported(date);

-- Any record may say where it comes from: a URL or a document reference ("China Daily, 2020-06-30").
ALTER TABLE donations ADD COLUMN source TEXT;
ALTER TABLE letters ADD COLUMN source TEXT;
ALTER TABLE events ADD COLUMN source TEXT;
ALTER TABLE receptions ADD COLUMN source TEXT;
ALTER TABLE partners ADD COLUMN source TEXT;
