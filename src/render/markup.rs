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
use std::borrow::Cow;

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
    pieces(reply).into_iter().map(|(style, text)| Line { style, text: text.into_owned() }).collect()
}

/// [`lines`] borrowing the reply's text where it can (only an item's lines, which gain a bullet or an
/// indent, are new strings): what [`messages`] renders from, since it runs for every answer.
fn pieces(reply: &Reply) -> Vec<(Style, Cow<'_, str>)> {
    let mut out = Vec::new();
    let styled = |style: Style, l: &str| if l.trim().is_empty() { Style::Plain } else { style };
    for b in &reply.blocks {
        match b {
            Block::Heading(s) | Block::Note(s) | Block::Text(s) => {
                let style = match b {
                    Block::Heading(_) => Style::Bold,
                    Block::Note(_) => Style::Italic,
                    _ => Style::Plain,
                };
                out.extend(s.split('\n').map(|l| (styled(style, l), Cow::Borrowed(l))));
            }
            // Continuation lines of an entry are indented under its bullet.
            Block::Item(s) => {
                for (i, l) in s.split('\n').enumerate() {
                    let mut line = String::with_capacity(l.len() + 4);
                    line.push_str(if i == 0 { "• " } else { "  " });
                    line.push_str(l);
                    out.push((styled(Style::Plain, &line), Cow::Owned(line)));
                }
            }
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
    split_refs(lines.iter().map(|l| (l.style, l.text.as_str())), limit)
        .into_iter()
        .map(|c| c.into_iter().map(|(style, text)| Line { style, text: text.to_string() }).collect())
        .collect()
}

/// [`split`] over borrowed lines: every message's lines are slices of the lines given.
fn split_refs<'a>(lines: impl IntoIterator<Item = (Style, &'a str)>, limit: usize) -> Vec<Vec<(Style, &'a str)>> {
    let limit = limit.max(16);
    let mut chunks = Vec::new();
    let mut cur: Vec<(Style, &'a str)> = Vec::new();
    let mut cur_len = 0;
    for (style, text) in lines {
        let mut rest = text;
        loop {
            let len = utf16_len(rest);
            let sep = usize::from(!cur.is_empty());
            if cur_len + sep + len <= limit {
                cur.push((style, rest));
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
            push_chunk(&mut chunks, vec![(style, rest[..cut].trim_end())]);
            rest = rest[cut..].trim_start();
            if rest.is_empty() {
                break;
            }
        }
    }
    push_chunk(&mut chunks, cur);
    chunks
}

fn push_chunk<'a>(chunks: &mut Vec<Vec<(Style, &'a str)>>, c: Vec<(Style, &'a str)>) {
    let Some(first) = c.iter().position(|l| !l.1.is_empty()) else { return };
    let last = c.iter().rposition(|l| !l.1.is_empty()).unwrap_or(first);
    if c[first..=last].iter().any(|l| !l.1.trim().is_empty()) {
        chunks.push(c[first..=last].to_vec());
    }
}

/// Escapes text for HTML (Telegram's parse mode accepts exactly these entities; Matrix clients any).
pub fn escape(s: &str, dialect: Dialect) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, dialect);
    out
}

/// [`escape`], appended to `out`: runs of ordinary text are copied whole.
fn escape_into(out: &mut String, s: &str, dialect: Dialect) {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>') || (b == b'"' && dialect == Dialect::Matrix);
    let mut rest = s;
    while let Some(i) = rest.bytes().position(special) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// One message's lines as plain text and as HTML.
pub fn render(lines: &[Line], dialect: Dialect) -> Message {
    render_refs(&lines.iter().map(|l| (l.style, l.text.as_str())).collect::<Vec<_>>(), dialect)
}

/// [`render`] over borrowed lines, written straight into the two strings.
fn render_refs(lines: &[(Style, &str)], dialect: Dialect) -> Message {
    let (b, i, nl) = match dialect {
        Dialect::Telegram => (("<b>", "</b>"), ("<i>", "</i>"), "\n"),
        Dialect::Matrix => (("<strong>", "</strong>"), ("<em>", "</em>"), "<br>"),
    };
    let size: usize = lines.iter().map(|l| l.1.len() + 1).sum();
    let (mut plain, mut html) = (String::with_capacity(size), String::with_capacity(size + size / 8 + 16));
    for (n, &(style, text)) in lines.iter().enumerate() {
        if n > 0 {
            plain.push('\n');
            html.push_str(nl);
        }
        plain.push_str(text);
        let tags = match style {
            // Whitespace is never wrapped: nothing there to make bold.
            _ if text.trim().is_empty() => None,
            Style::Bold => Some(b),
            Style::Italic => Some(i),
            Style::Plain => None,
        };
        if let Some((open, _)) = tags {
            html.push_str(open);
        }
        escape_into(&mut html, text, dialect);
        if let Some((_, close)) = tags {
            html.push_str(close);
        }
    }
    Message { html, plain }
}

/// The reply's text as messages within `limit`, in `dialect`.
pub fn messages(reply: &Reply, limit: usize, dialect: Dialect) -> Vec<Message> {
    let pieces = pieces(reply);
    split_refs(pieces.iter().map(|(style, text)| (*style, text.as_ref())), limit)
        .iter()
        .map(|c| render_refs(c, dialect))
        .collect()
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
