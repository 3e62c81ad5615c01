-- amity ledger schema, version 1.
-- Money is never REAL: declared values are decimal TEXT, fixed CNY/USD amounts are INTEGER minor units
-- (fen and cents), so SUM() in SQL is exact. Dates are 'YYYY-MM-DD' calendar dates in the office's time
-- zone; timestamps are UTC RFC 3339 text. Users are keys like 'tg:123456789', 'mx:@bob:example.org',
-- 'console:local'. Nothing is physically deleted by a user command: deleted_at marks a soft delete.

CREATE TABLE partners (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('friendship','partner','overseas-chinese','institution','organization','embassy')),
    country        TEXT NOT NULL CHECK (length(country) = 2),
    level          TEXT CHECK (level IN ('province','city','county','none')),
    since          INTEGER,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_reason TEXT
);

-- Every name a partner answers to (its own name and aliases), with a normalised form for lookups.
CREATE TABLE partner_names (
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    name       TEXT NOT NULL,
    norm       TEXT NOT NULL,
    is_alias   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (partner_id, norm)
);
CREATE INDEX partner_names_norm ON partner_names(norm);

CREATE TABLE donations (
    id             INTEGER PRIMARY KEY,
    date           TEXT NOT NULL,
    donor          TEXT NOT NULL,
    value          TEXT,                 -- declared amount as written, decimal text; NULL = not valued
    currency       TEXT,                 -- ISO 4217
    value_date     TEXT NOT NULL,
    rate           TEXT,                 -- CNY per unit of currency, fixed when the value was recorded
    usd_rate       TEXT,                 -- CNY per USD, fixed when the value was recorded
    cny_fen        INTEGER,              -- fixed CNY amount in fen
    usd_cents      INTEGER,              -- fixed USD amount in cents; NULL while no USD rate is known
    status         TEXT NOT NULL CHECK (status IN ('pledged','shipped','delivered')),
    fund           TEXT,
    internal       INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_reason TEXT
);
CREATE INDEX donations_date ON donations(date);

-- One or more recipients: a partner (and its country) or a country alone.
CREATE TABLE donation_recipients (
    donation_id INTEGER NOT NULL REFERENCES donations(id),
    seq         INTEGER NOT NULL,
    partner_id  INTEGER REFERENCES partners(id),
    country     TEXT NOT NULL,
    PRIMARY KEY (donation_id, seq)
);
CREATE INDEX donation_recipients_country ON donation_recipients(country, donation_id);
CREATE INDEX donation_recipients_partner ON donation_recipients(partner_id, donation_id);

CREATE TABLE donation_items (
    donation_id INTEGER NOT NULL REFERENCES donations(id),
    seq         INTEGER NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit        TEXT,
    item        TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    PRIMARY KEY (donation_id, seq)
);
CREATE INDEX donation_items_key ON donation_items(item_key, donation_id);

CREATE TABLE letters (
    id             INTEGER PRIMARY KEY,
    date           TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('sent','received')),
    kind           TEXT NOT NULL CHECK (kind IN ('sympathy','reply','thanks','other')),
    signatories    TEXT,                 -- sent: office holders, '; '-separated
    author         TEXT,                 -- received: who wrote it
    quote          TEXT,
    in_reply_to    INTEGER REFERENCES letters(id),
    internal       INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_reason TEXT
);
CREATE INDEX letters_date ON letters(date);

CREATE TABLE letter_partners (
    letter_id  INTEGER NOT NULL REFERENCES letters(id),
    seq        INTEGER NOT NULL,
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    PRIMARY KEY (letter_id, seq)
);
CREATE INDEX letter_partners_partner ON letter_partners(partner_id);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    date           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('video-conference','webinar','video-message','visit','other')),
    topic          TEXT NOT NULL,
    host           TEXT,
    internal       INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_reason TEXT
);
CREATE INDEX events_date ON events(date);

-- A participant is a partner, a country, or free text (e.g. a university), optionally with a country.
CREATE TABLE event_participants (
    event_id   INTEGER NOT NULL REFERENCES events(id),
    seq        INTEGER NOT NULL,
    partner_id INTEGER REFERENCES partners(id),
    country    TEXT,
    name       TEXT,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_participants_partner ON event_participants(partner_id);

CREATE TABLE receptions (
    id             INTEGER PRIMARY KEY,
    date           TEXT NOT NULL,
    place          TEXT NOT NULL,
    count          INTEGER NOT NULL CHECK (count > 0),
    guests         TEXT NOT NULL,
    internal       INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_reason TEXT
);

CREATE TABLE reception_countries (
    reception_id INTEGER NOT NULL REFERENCES receptions(id),
    country      TEXT NOT NULL,
    PRIMARY KEY (reception_id, country)
);

-- CNY per one unit of currency, valid from its date until the next rate of that currency.
CREATE TABLE rates (
    currency     TEXT NOT NULL,
    date         TEXT NOT NULL,
    cny_per_unit TEXT NOT NULL,
    source       TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (currency, date)
);

CREATE TABLE staff (
    user_key TEXT PRIMARY KEY,
    name     TEXT,
    role     TEXT NOT NULL CHECK (role IN ('admin','staff')),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE user_prefs (
    user_key TEXT PRIMARY KEY,
    lang     TEXT NOT NULL
);

-- Every create, edit, delete and undo: who, when, which record, the record before and after (JSON).
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create','edit','delete','undo')),
    before      TEXT,
    after       TEXT,
    reason      TEXT,
    undoes      INTEGER REFERENCES changes(id),
    undone      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX changes_record ON changes(record_kind, record_id);
CREATE INDEX changes_actor ON changes(actor, id);

-- Idempotency: a write carrying a transport's update id is recorded here in the same transaction;
-- the same id never writes twice, and a redelivery gets the stored answer.
CREATE TABLE processed_updates (
    update_key TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    reply      TEXT NOT NULL
);

-- Guided (/add) conversations in progress, keyed by chat and user so two people never share one.
CREATE TABLE dialogues (
    chat_key   TEXT NOT NULL,
    user_key   TEXT NOT NULL,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_key, user_key)
);
