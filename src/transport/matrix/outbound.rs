//! Replies → Matrix messages: `m.notice` events with an HTML `formatted_body` (headings bold, notes in
//! italics) and the same text as the plain `body`, both rendered from the reply's blocks
//! (`render::markup`, `Dialect::Matrix`), split within the message length the config allows (a phone
//! screen, not the protocol, is the limit).
//!
//! Matrix has no buttons: a reply's buttons become numbered choices under its text ("1 · Donation"),
//! and the person answers by typing the number, or by tapping one of the number reactions the bot
//! puts under the message (1️⃣ … 🔟, [`keycap`]). The runner keeps each person's current choices.
//!
//! Every message carries a transaction id made from the event it answers and its place in the answer,
//! so a send retried (after a timeout, or after a restart with the same device) is the same message to
//! the homeserver, never a second one.

use crate::i18n::{Lang, t};
use crate::render::Reply;
use crate::render::markup::{self, Dialect, Line, Message, Style};

/// One Matrix message of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub plain: String,
    pub html: String,
}

/// The answer's button data, in the order the choices are numbered.
pub fn choices(reply: &Reply) -> Vec<String> {
    reply.buttons.iter().flatten().map(|b| b.data.clone()).collect()
}

/// The reply's lines, with its buttons as numbered choices at the end.
pub fn lines(reply: &Reply, lang: Lang) -> Vec<Line> {
    let mut lines = markup::lines(reply);
    let buttons: Vec<_> = reply.buttons.iter().flatten().collect();
    if !buttons.is_empty() {
        lines.push(Line { style: Style::Italic, text: t(lang, "mx-choose", &[]) });
        for (n, b) in buttons.iter().enumerate() {
            lines.push(Line { style: Style::Plain, text: format!("{} · {}", n + 1, b.label) });
        }
    }
    lines
}

/// The messages of an answer, each within `max_len` UTF-16 units.
pub fn messages(reply: &Reply, lang: Lang, max_len: usize) -> Vec<Outgoing> {
    markup::split(&lines(reply, lang), max_len)
        .iter()
        .map(|part| {
            let Message { html, plain } = markup::render(part, Dialect::Matrix);
            Outgoing { plain, html }
        })
        .collect()
}

/// The transaction id of part `n` of the answer to `event_id`: the same every time it is sent.
pub fn txn_id(event_id: &str, n: usize) -> String {
    // Event ids hold characters (`$`, `/`, `+`) that are not safe in a URL path segment.
    let safe: String = event_id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("amity-{safe}-{n}")
}

/// A bare number a person typed ("2", " 2 ", "２"): the choice it picks, counted from 1.
pub fn picked(text: &str) -> Option<usize> {
    let folded: String = text.trim().chars().map(crate::domain::text::fold_full_width).collect();
    if folded.is_empty() || folded.len() > 3 || !folded.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    folded.parse::<usize>().ok().filter(|n| *n >= 1)
}

/// The reaction for choice `n` (counted from 1): a keycap digit, 🔟 for ten; None past ten.
pub fn keycap(n: usize) -> Option<String> {
    match n {
        1..=9 => Some(format!("{n}\u{fe0f}\u{20e3}")),
        10 => Some("\u{1f51f}".to_string()),
        _ => None,
    }
}

/// The choice a reaction's key picks: a keycap digit (with or without the emoji selector, as clients
/// send either), 🔟, or a bare digit.
pub fn reacted(key: &str) -> Option<usize> {
    if key == "\u{1f51f}" {
        return Some(10);
    }
    let bare: String = key.chars().filter(|c| *c != '\u{fe0f}' && *c != '\u{20e3}').collect();
    picked(&bare).filter(|n| *n <= 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Block, Button};

    fn reply() -> Reply {
        let mut r = Reply::new();
        r.push(Block::Heading("Totals".into()));
        r.push(Block::Text("Masks: 1 < 2 & \"ok\"".into()));
        r.button_row(vec![
            Button { label: "Donation".into(), data: "donation".into() },
            Button { label: "Letter".into(), data: "letter".into() },
        ]);
        r.button_row(vec![Button { label: "Cancel".into(), data: "cancel".into() }]);
        r
    }

    #[test]
    fn number_reactions_pick_the_choice_they_show() {
        for n in 1..=10 {
            assert_eq!(reacted(&keycap(n).unwrap()), Some(n));
        }
        assert_eq!(keycap(11), None);
        assert_eq!(reacted("3\u{20e3}"), Some(3), "a keycap without the emoji selector");
        assert_eq!(reacted("2"), Some(2));
        assert_eq!(reacted("👍"), None);
        assert_eq!(reacted("0\u{fe0f}\u{20e3}"), None);
    }

    #[test]
    fn buttons_become_numbered_choices_and_html_is_escaped() {
        let m = messages(&reply(), Lang::En, 4096);
        assert_eq!(m.len(), 1);
        assert!(m[0].html.starts_with("<strong>Totals</strong>"), "{}", m[0].html);
        assert!(m[0].html.contains("1 &lt; 2 &amp; &quot;ok&quot;"), "{}", m[0].html);
        assert!(m[0].plain.contains("Answer with a number (type it, or tap its reaction below):"));
        assert!(m[0].plain.contains("1 · Donation") && m[0].plain.contains("3 · Cancel"), "{}", m[0].plain);
        assert_eq!(choices(&reply()), ["donation", "letter", "cancel"]);
        let zh = messages(&reply(), Lang::Zh, 4096);
        assert!(zh[0].plain.contains("请回复编号"));
    }

    #[test]
    fn a_number_picks_a_choice_and_anything_else_does_not() {
        assert_eq!(picked(" 2 "), Some(2));
        assert_eq!(picked("２"), Some(2));
        assert_eq!(picked("0"), None);
        assert_eq!(picked("2 masks"), None);
        assert_eq!(picked("12345"), None);
        assert_eq!(picked(""), None);
    }

    #[test]
    fn transaction_ids_are_stable_and_path_safe() {
        let a = txn_id("$abc/def+g", 0);
        assert_eq!(a, txn_id("$abc/def+g", 0));
        assert_ne!(a, txn_id("$abc/def+g", 1));
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "{a}");
    }
}
