-- The Telegram transport's own records.

-- Every update received from the Bot API, written before its offset is confirmed to Telegram. A row
-- with answered_at NULL is an update not yet answered (the inbox: handled again after a crash); a row
-- with answered_at set is one already answered, so a redelivery is never answered twice. The key
-- includes the bot's own id, because update ids restart for another bot token.
CREATE TABLE telegram_updates (
    bot_id      INTEGER NOT NULL,
    update_id   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    answered_at TEXT,
    PRIMARY KEY (bot_id, update_id)
) WITHOUT ROWID;

-- Button data longer than Telegram's 64-byte callback_data: the button carries the key instead.
CREATE TABLE telegram_buttons (
    key        TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
