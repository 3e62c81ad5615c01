-- Schema 9: one inbox for every transport. What telegram_updates held (Telegram's updates, keyed by
-- the bot's id and the update id) is now a row of `inbox` keyed by (transport, account, event_id):
-- a Matrix event id is text ("$abc…"), and a transport may serve several accounts. `seq` orders the
-- pending events of one account (Telegram: the update id; others: the order of arrival). A row whose
-- answered_at is NULL is an event received and not yet answered (handled again after a crash); once
-- answered, its body is dropped and the row stays as long as a redelivery can come, so a redelivered
-- event is never answered twice.

CREATE TABLE inbox (
    transport   TEXT NOT NULL,
    account     TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    answered_at TEXT,
    PRIMARY KEY (transport, account, event_id)
) WITHOUT ROWID;

INSERT INTO inbox (transport, account, event_id, seq, body, received_at, answered_at)
SELECT 'telegram', CAST(bot_id AS TEXT), CAST(update_id AS TEXT), update_id, body, received_at, answered_at
FROM telegram_updates;

DROP TABLE telegram_updates;

CREATE INDEX inbox_pending ON inbox(transport, account, seq) WHERE answered_at IS NULL;
CREATE INDEX inbox_received ON inbox(received_at);
