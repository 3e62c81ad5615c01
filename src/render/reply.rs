//! The [`Reply`] document: paragraphs, headings, list items, optional buttons and attachments. The core
//! builds it; each transport renders it (plain text here, Telegram HTML and Matrix HTML later).

/// One piece of a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A title line (bold where the transport can).
    Heading(String),
    /// A plain line of text.
    Text(String),
    /// One entry of a list (shown with a bullet).
    Item(String),
    /// A line in a muted or smaller style where possible (notes, hints).
    Note(String),
}

/// A button the user can press; `data` comes back to the core as the text of a new request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub data: String,
}

/// A file the transport should send with the reply (a chart, an export).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Whether the request did what was asked. `amity ask` exits 0 for `Done`, 2 otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The person may not do this.
    Refused,
    /// The command was malformed or named something unknown.
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub blocks: Vec<Block>,
    /// Rows of buttons.
    pub buttons: Vec<Vec<Button>>,
    pub attachments: Vec<Attachment>,
    pub outcome: Outcome,
    /// True when this answers a redelivered update that was already handled: transports should not
    /// send it again.
    pub duplicate: bool,
}

impl Reply {
    pub fn new() -> Reply {
        Reply {
            blocks: Vec::new(),
            buttons: Vec::new(),
            attachments: Vec::new(),
            outcome: Outcome::Done,
            duplicate: false,
        }
    }

    pub fn text(s: impl Into<String>) -> Reply {
        let mut r = Reply::new();
        r.push(Block::Text(s.into()));
        r
    }

    pub fn invalid(s: impl Into<String>) -> Reply {
        let mut r = Reply::text(s);
        r.outcome = Outcome::Invalid;
        r
    }

    pub fn refused(s: impl Into<String>) -> Reply {
        let mut r = Reply::text(s);
        r.outcome = Outcome::Refused;
        r
    }

    pub fn push(&mut self, b: Block) -> &mut Reply {
        self.blocks.push(b);
        self
    }

    pub fn heading(&mut self, s: impl Into<String>) -> &mut Reply {
        self.push(Block::Heading(s.into()))
    }

    pub fn line(&mut self, s: impl Into<String>) -> &mut Reply {
        self.push(Block::Text(s.into()))
    }

    pub fn item(&mut self, s: impl Into<String>) -> &mut Reply {
        self.push(Block::Item(s.into()))
    }

    pub fn note(&mut self, s: impl Into<String>) -> &mut Reply {
        self.push(Block::Note(s.into()))
    }

    /// An empty line between sections (collapsed if the reply is empty or already ends with one).
    pub fn gap(&mut self) -> &mut Reply {
        let blank = match self.blocks.last() {
            None => true,
            Some(Block::Text(s)) => s.is_empty(),
            Some(_) => false,
        };
        if !blank {
            self.blocks.push(Block::Text(String::new()));
        }
        self
    }

    /// Replaces the data of each button for which `f` gives new data.
    pub fn map_button_data(&mut self, f: impl Fn(&str) -> Option<String>) {
        for b in self.buttons.iter_mut().flatten() {
            if let Some(d) = f(&b.data) {
                b.data = d;
            }
        }
    }

    pub fn button_row(&mut self, row: Vec<Button>) -> &mut Reply {
        if !row.is_empty() {
            self.buttons.push(row);
        }
        self
    }

    pub fn is_ok(&self) -> bool {
        self.outcome == Outcome::Done
    }

    /// The reply as plain text (what the console shows and tests read).
    /// The text of every heading, in order (a transport that stored the plain text can bold them).
    pub fn headings(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn plain(&self) -> String {
        super::text::render_plain(self)
    }

    /// The reply as plain-text messages of at most `limit` UTF-16 units each, split at line boundaries.
    pub fn messages(&self, limit: usize) -> Vec<String> {
        super::text::split(&self.plain(), limit)
    }
}

impl Default for Reply {
    fn default() -> Self {
        Reply::new()
    }
}
