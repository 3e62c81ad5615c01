//! The core's [`Reply`] → Telegram messages: HTML (parse mode `HTML`) with every user-supplied
//! character escaped, headings in bold and notes in italics; long replies split at line boundaries
//! into messages within Telegram's 4096 characters (the plain text is split first, then each part is
//! escaped, because Telegram counts the text after parsing: `render::markup` does both); buttons as an inline keyboard whose
//! `callback_data` fits Telegram's 64 bytes (longer data is kept in SQLite under a short key).

use crate::render::Reply;
use crate::render::markup::{self, Dialect, Message};
use std::hash::{Hash, Hasher};

/// Telegram's limit for one message's text, in UTF-16 code units.
pub const TELEGRAM_MAX_LEN: usize = 4096;
/// Telegram's limit for `callback_data`, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;
/// Callback data that starts with this is a key into the stored button data.
pub const BUTTON_KEY_PREFIX: &str = "~b:";

/// Escapes text for Telegram's HTML parse mode (the one escape, `render::markup`'s).
pub fn escape(s: &str) -> String {
    markup::escape(s, Dialect::Telegram)
}

/// The reply's text as Telegram messages (HTML, and the plain text to send if Telegram refuses the
/// HTML), each within `limit` characters once parsed (`render::markup`).
pub fn messages(reply: &Reply, limit: usize) -> Vec<Message> {
    markup::messages(reply, limit.min(TELEGRAM_MAX_LEN), Dialect::Telegram)
}

/// [`messages`]' HTML alone.
pub fn html_messages(reply: &Reply, limit: usize) -> Vec<String> {
    messages(reply, limit).into_iter().map(|m| m.html).collect()
}

/// The callback data for a button: the data itself when it fits, else a key under which the caller
/// stores the data (returned as the second value).
pub fn callback_data(data: &str) -> (String, Option<String>) {
    if data.len() <= MAX_CALLBACK_DATA && !data.starts_with(BUTTON_KEY_PREFIX) {
        return (data.to_string(), None);
    }
    let mut h = std::hash::DefaultHasher::new();
    data.hash(&mut h);
    let key = format!("{:016x}", h.finish());
    (format!("{BUTTON_KEY_PREFIX}{key}"), Some(key))
}

/// The stored-data key in callback data, if it is one.
pub fn button_key(callback: &str) -> Option<&str> {
    callback.strip_prefix(BUTTON_KEY_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::text::utf16_len;

    #[test]
    fn html_is_escaped_and_headings_bold() {
        let mut r = Reply::new();
        r.heading("Totals <2020>");
        r.line("a < b & c > d *not bold* _x_");
        r.note("fine print");
        let m = html_messages(&r, 4096);
        assert_eq!(m, vec!["<b>Totals &lt;2020&gt;</b>\na &lt; b &amp; c &gt; d *not bold* _x_\n<i>fine print</i>"]);
    }

    #[test]
    fn long_replies_split_below_the_limit_before_escaping() {
        let mut r = Reply::new();
        for i in 0..2000 {
            r.item(format!("<entry {i}> & more"));
        }
        let m = html_messages(&r, 4096);
        assert!(m.len() > 1);
        for part in &m {
            let unescaped = part.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            assert!(utf16_len(&unescaped) <= 4096);
        }
    }

    #[test]
    fn plain_fallback_shows_what_the_html_showed() {
        let mut r = Reply::new();
        r.heading("Totals <2020>");
        r.line("a < b & c > d &amp; <b>");
        let m = messages(&r, 4096);
        assert_eq!(m[0].plain, "Totals <2020>\na < b & c > d &amp; <b>");
    }

    #[test]
    fn long_button_data_gets_a_short_key() {
        let (d, key) = callback_data("save");
        assert_eq!((d.as_str(), key), ("save", None));
        let long = format!("/donations {}", "Nordrhein-Westfalen ".repeat(5));
        let (d, key) = callback_data(&long);
        assert!(d.len() <= MAX_CALLBACK_DATA);
        assert_eq!(button_key(&d), key.as_deref());
    }
}
