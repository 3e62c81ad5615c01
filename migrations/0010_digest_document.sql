-- The digest's document: its text as styled lines (JSON, `render::markup::Line`), so each transport
-- renders headings and notes from what they are (Telegram HTML, Matrix HTML with a plain body)
-- instead of matching plain lines against the heading list. NULL for rows written before: those are
-- sent from `body` and `headings` as they were decided.
ALTER TABLE digest_deliveries ADD COLUMN doc TEXT;
