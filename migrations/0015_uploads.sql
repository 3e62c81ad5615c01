-- Spreadsheets sent to the bot in a private chat (a Telegram document, a Matrix file), kept between the
-- dry-run report and the person's Confirm or Cancel (see src/commands/import/upload.rs). The file's
-- bytes are dropped once it is settled or expired; the row stays a while, so a second Confirm is
-- answered "already imported" instead of importing again.
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY,
    -- The chat and the person who sent it: only they can confirm it, and only there.
    chat_key TEXT NOT NULL,
    user_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    -- NULL once settled or expired.
    bytes BLOB,
    -- The import's options given with the file (its caption): JSON {"kind": …, "sheet": …}.
    options TEXT NOT NULL DEFAULT '{}',
    -- The transport's id of the message that brought it: a redelivered message finds its upload.
    update_key TEXT UNIQUE,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'imported', 'cancelled', 'expired')),
    settled_at TEXT,
    -- What the import answered (plain text), for a second Confirm.
    outcome TEXT
);
CREATE INDEX uploads_received ON uploads (state, received_at);
