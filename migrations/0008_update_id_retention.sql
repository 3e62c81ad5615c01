-- Idempotency keys are kept only as long as a redelivery can come ([database] keep_update_ids_hours,
-- 48 by default): Telegram redelivers an update for at most 24 hours, and picks update ids at random
-- after a week without updates, so an older key could only make a new update look handled. An older
-- key counts as absent at once; these indexes let the hourly pruning find the old rows of the core's
-- keys and of the Telegram inbox without scanning either table.
CREATE INDEX IF NOT EXISTS processed_updates_at ON processed_updates(at);
CREATE INDEX IF NOT EXISTS telegram_updates_received ON telegram_updates(received_at);
