//! Plain-text rendering of a [`Reply`] and the splitting of long text into messages that fit a
//! transport's limit, always at line boundaries when a line fits, never in the middle of a character.

use super::reply::{Block, Reply};

/// Renders a reply as plain text: headings as they are, list items with a bullet, buttons listed as
/// numbered choices (the console lets the user type the number).
pub fn render_plain(r: &Reply) -> String {
    let mut out = String::new();
    for b in &r.blocks {
        match b {
            Block::Heading(s) | Block::Text(s) | Block::Note(s) => out.push_str(s),
            Block::Item(s) => {
                // Continuation lines of an entry are indented under its bullet.
                out.push_str("• ");
                out.push_str(&s.replace('\n', "\n  "));
            }
        }
        out.push('\n');
    }
    let mut n = 0;
    for row in &r.buttons {
        let mut line = String::new();
        for b in row {
            n += 1;
            if !line.is_empty() {
                line.push_str("   ");
            }
            line.push_str(&format!("[{n}] {}", b.label));
        }
        out.push_str(&line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Length as Telegram counts it: UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    // One unit per character (every byte but a continuation byte starts one), two for a character
    // outside the Basic Multilingual Plane (a four-byte sequence, lead byte 0xF0 and up).
    s.bytes().map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0)).sum()
}

/// Splits text into chunks of at most `limit` UTF-16 code units. Breaks between lines; a single line
/// longer than the limit is broken at the last space that fits, else between characters. Chunks are
/// trimmed of blank lines at their edges; no chunk is empty.
pub fn split(text: &str, limit: usize) -> Vec<String> {
    // One splitter for plain and styled text: `markup::split` over the lines, all plain.
    let lines = super::markup::lines_of_plain(text, &[]);
    super::markup::split(&lines, limit)
        .iter()
        .map(|chunk| chunk.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"))
        .collect()
}

/// Byte index at which to cut `s` so the first part has at most `limit` UTF-16 units: the last space
/// within the limit if there is one in its second half, else the last character boundary.
pub(super) fn cut_point(s: &str, limit: usize) -> usize {
    let mut units = 0;
    let mut last_fit = 0;
    let mut last_space = None;
    for (i, ch) in s.char_indices() {
        let u = ch.len_utf16();
        if units + u > limit {
            break;
        }
        units += u;
        last_fit = i + ch.len_utf8();
        if ch == ' ' && units > limit / 2 {
            last_space = Some(i);
        }
    }
    match last_space {
        Some(i) if i > 0 => i,
        _ => last_fit.max(s.chars().next().map_or(0, char::len_utf8)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_at_line_boundaries() {
        let text = (0..100).map(|i| format!("line {i:03} of the list")).collect::<Vec<_>>().join("\n");
        let parts = split(&text, 200);
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(utf16_len(p) <= 200);
            assert!(p.starts_with("line "));
        }
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn a_long_line_is_cut_at_a_space() {
        let text = "word ".repeat(100);
        let parts = split(text.trim(), 50);
        assert!(parts.iter().all(|p| utf16_len(p) <= 50 && !p.starts_with(' ')));
        assert_eq!(parts.join(" ").split(' ').count(), 100);
    }

    #[test]
    fn emoji_count_as_two_units() {
        let text = "😀".repeat(30);
        let parts = split(&text, 20);
        assert!(parts.iter().all(|p| utf16_len(p) <= 20));
        assert_eq!(parts.concat(), text);
    }

    proptest! {
        #[test]
        fn utf16_len_counts_what_telegram_counts(s in "\\PC{0,200}") {
            prop_assert_eq!(utf16_len(&s), s.encode_utf16().count());
        }

        #[test]
        fn split_keeps_every_non_space_character(s in "\\PC{0,2000}", limit in 16usize..300) {
            let parts = split(&s, limit);
            for p in &parts {
                prop_assert!(utf16_len(p) <= limit);
            }
            let kept: String = parts.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let orig: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(kept, orig);
        }
    }
}
