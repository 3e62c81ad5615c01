-- The per-chat command menus amity has published for staff members (Telegram keeps a scoped menu until
-- it is deleted). Kept so that the menu of someone removed from the staff while the bot was not running
-- is deleted at the next start, and a menu already published is not sent again after every restart.
CREATE TABLE telegram_menus (
    bot_id  INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    role    TEXT NOT NULL,
    PRIMARY KEY (bot_id, user_id)
) WITHOUT ROWID;
