//! The reply document as styled lines, split into messages within a transport's limit, and rendered
//! as plain text, Telegram's HTML (`<b>`, `<i>`) or Matrix's `formatted_body` HTML (`<strong>`, `<em>`,
//! `<br>`), each message with its plain fallback. Every transport renders from here: a heading is
//! bold because it is a heading, never because a line happens to equal one.
//!
//! Splitting (also behind [`super::text::split`]): between lines when a line fits, else a long line is
//! cut at its last space in the second half of the limit, else between characters; lengths in UTF-16
//! code units (what Telegram counts), measured on the plain text (markup does not count once parsed).

use super::reply::{Block, Reply};
use super::text::utf16_len;
use serde::{Deserialize, Serialize};

/// How a line is shown where the transport can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Style {
    Plain,
    Bold,
    Italic,
}

/// One line of a reply's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub style: Style,
    pub text: String,
}

/// The markup a transport speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Telegram's `parse_mode = HTML`: `<b>`, `<i>`, `&lt; &gt; &amp;`; lines joined with `\n`.
    Telegram,
    /// Matrix `org.matrix.custom.html`: `<strong>`, `<em>`, lines joined with `<br>`; `"` escaped too.
    Matrix,
}

/// One message: its HTML in the dialect asked for and the plain text it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub html: String,
    pub plain: String,
}

/// The reply's text (blocks only: buttons become a keyboard or numbered choices elsewhere) as styled
/// lines, exactly the lines [`Reply::plain`] shows before its buttons.
pub fn lines(reply: &Reply) -> Vec<Line> {
    let mut out = Vec::new();
    for b in &reply.blocks {
        let (style, text) = match b {
            Block::Heading(s) => (Style::Bold, s.clone()),
            Block::Note(s) => (Style::Italic, s.clone()),
            Block::Text(s) => (Style::Plain, s.clone()),
            // Continuation lines of an entry are indented under its bullet.
            Block::Item(s) => (Style::Plain, format!("• {}", s.replace('\n', "\n  "))),
        };
        for l in text.split('\n') {
            let style = if l.trim().is_empty() { Style::Plain } else { style };
            out.push(Line { style, text: l.to_string() });
        }
    }
    out
}

/// Lines from plain text and the heading lines it had (digests stored before the outbox kept the
/// document, migration 0010): a line equal to a heading is bold.
pub fn lines_of_plain(text: &str, headings: &[String]) -> Vec<Line> {
    text.split('\n')
        .map(|l| Line {
            style: if !l.trim().is_empty() && headings.iter().any(|h| h == l) { Style::Bold } else { Style::Plain },
            text: l.to_string(),
        })
        .collect()
}

/// Splits lines into messages of at most `limit` UTF-16 units of plain text each (see the module
/// docs); blank lines at a message's edges are dropped and no message is empty.
pub fn split(lines: &[Line], limit: usize) -> Vec<Vec<Line>> {
    let limit = limit.max(16);
    let mut chunks = Vec::new();
    let mut cur: Vec<Line> = Vec::new();
    let mut cur_len = 0;
    for line in lines {
        let mut rest = line.text.as_str();
        loop {
            let len = utf16_len(rest);
            let sep = usize::from(!cur.is_empty());
            if cur_len + sep + len <= limit {
                cur.push(Line { style: line.style, text: rest.to_string() });
                cur_len += sep + len;
                break;
            }
            if !cur.is_empty() {
                push_chunk(&mut chunks, std::mem::take(&mut cur));
                cur_len = 0;
                continue;
            }
            // The line alone is too long: cut it.
            let cut = super::text::cut_point(rest, limit);
            push_chunk(&mut chunks, vec![Line { style: line.style, text: rest[..cut].trim_end().to_string() }]);
            rest = rest[cut..].trim_start();
            if rest.is_empty() {
                break;
            }
        }
    }
    push_chunk(&mut chunks, cur);
    chunks
}

fn push_chunk(chunks: &mut Vec<Vec<Line>>, mut c: Vec<Line>) {
    while c.first().is_some_and(|l| l.text.is_empty()) {
        c.remove(0);
    }
    while c.last().is_some_and(|l| l.text.is_empty()) {
        c.pop();
    }
    if c.iter().any(|l| !l.text.trim().is_empty()) {
        chunks.push(c);
    }
}

/// Escapes text for HTML (Telegram's parse mode accepts exactly these entities; Matrix clients any).
pub fn escape(s: &str, dialect: Dialect) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if dialect == Dialect::Matrix => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// One message's lines as plain text and as HTML.
pub fn render(lines: &[Line], dialect: Dialect) -> Message {
    let plain = lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    let (b, i, nl) = match dialect {
        Dialect::Telegram => (("<b>", "</b>"), ("<i>", "</i>"), "\n"),
        Dialect::Matrix => (("<strong>", "</strong>"), ("<em>", "</em>"), "<br>"),
    };
    let html = lines
        .iter()
        .map(|l| {
            let e = escape(&l.text, dialect);
            match l.style {
                Style::Bold if !e.trim().is_empty() => format!("{}{e}{}", b.0, b.1),
                Style::Italic if !e.trim().is_empty() => format!("{}{e}{}", i.0, i.1),
                _ => e,
            }
        })
        .collect::<Vec<_>>()
        .join(nl);
    Message { html, plain }
}

/// The reply's text as messages within `limit`, in `dialect`.
pub fn messages(reply: &Reply, limit: usize, dialect: Dialect) -> Vec<Message> {
    split(&lines(reply), limit).iter().map(|c| render(c, dialect)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Reply {
        let mut r = Reply::new();
        r.heading("Totals <2020>");
        r.line("Totals <2020>");
        r.item("a & b\nsecond \"line\"");
        r.gap();
        r.note("fine print");
        r
    }

    #[test]
    fn a_heading_is_bold_because_it_is_one_not_because_a_line_equals_it() {
        let m = messages(&sample(), 4096, Dialect::Telegram);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].html,
            "<b>Totals &lt;2020&gt;</b>\nTotals &lt;2020&gt;\n• a &amp; b\n  second \"line\"\n\n<i>fine print</i>"
        );
        assert_eq!(m[0].plain, sample().plain().trim_end());
    }

    #[test]
    fn matrix_html_uses_strong_em_and_line_breaks() {
        let m = messages(&sample(), 4096, Dialect::Matrix);
        assert_eq!(
            m[0].html,
            "<strong>Totals &lt;2020&gt;</strong><br>Totals &lt;2020&gt;<br>• a &amp; b<br>  second &quot;line&quot;<br><br><em>fine print</em>"
        );
    }

    proptest! {
        /// Every message fits the limit, keeps every visible character in order, and a heading's line
        /// stays bold wherever it lands.
        #[test]
        fn messages_fit_keep_every_character_and_keep_headings_bold(
            items in prop::collection::vec("[a-z <>&]{0,90}", 0..40),
            limit in 16usize..200,
        ) {
            let mut r = Reply::new();
            for (i, s) in items.iter().enumerate() {
                match i % 3 { 0 => r.heading(s.clone()), 1 => r.item(s.clone()), _ => r.line(s.clone()) };
            }
            let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let chunks = split(&lines(&r), limit);
            let mut all = String::new();
            for c in &chunks {
                let m = render(c, Dialect::Telegram);
                prop_assert!(utf16_len(&m.plain) <= limit);
                all.push_str(&visible(&m.plain));
                for l in c {
                    prop_assert_eq!(l.style == Style::Bold, m.html.contains(&format!("<b>{}</b>", escape(&l.text, Dialect::Telegram))) && l.style == Style::Bold);
                }
            }
            prop_assert_eq!(all, visible(&r.plain()));
        }
    }
}
