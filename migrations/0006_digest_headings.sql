-- The digest's heading lines (a JSON array of strings), so that a transport that can (Telegram) shows
-- them bold. NULL for rows written before: those are sent as plain text, as they were decided.
ALTER TABLE digest_deliveries ADD COLUMN headings TEXT;
