//! Reading a spreadsheet for an import, as rows of cells that keep what the spreadsheet knew of them
//! (text, a number, a date). CSV is streamed row by row, so memory stays flat whatever the file's
//! size: UTF-8 with or without a byte-order mark, or GB18030 (what Excel saves as "CSV" on a Chinese
//! Windows; that one is decoded whole), separated by commas, semicolons or tabs (found from the
//! heading line). XLSX, XLS and ODS workbooks are read with calamine, every sheet a table.

use chrono::NaiveDate;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

/// One cell as the file gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell of a workbook (a CSV has text only).
    Number(f64),
    /// A date cell of a workbook.
    Date(NaiveDate),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a one-line form's field would hold it: numbers without a needless `.0`, dates in
    /// ISO 8601, and text without the `'` an export puts before a cell that would start a formula.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => unneutralised(s.trim()).to_string(),
            Cell::Number(x) => number_text(*x),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The cell of a date column: a workbook's number there is a date serial that lost its format
    /// (days since 1899-12-30, as Excel counts).
    pub fn date_text(&self) -> String {
        match self {
            Cell::Number(x) if (1.0..=2_958_465.0).contains(x) && x.fract() == 0.0 => {
                let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date");
                match base.checked_add_days(chrono::Days::new(*x as u64)) {
                    Some(d) => d.format("%Y-%m-%d").to_string(),
                    None => number_text(*x),
                }
            }
            other => other.text(),
        }
    }
}

/// A workbook number as text: whole numbers without a fraction, others as the shortest decimal that
/// reads back as the same number (`0.1`, not `0.1000000000000000055`).
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// A text cell without the `'` an export adds before a formula sign (see `export::neutralised`).
fn unneutralised(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// Where an import's rows come from.
pub enum Source<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

/// How far a table has been read: `done` of `total` (bytes of a CSV, rows of a sheet).
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub done: u64,
    pub total: Option<u64>,
}

/// One table of a file: a CSV, or a sheet of a workbook.
pub struct Table<'a> {
    /// The sheet's name (a CSV: the file's name).
    pub name: String,
    rows: Rows<'a>,
    /// Rows read so far (the heading row is row 1).
    pub row: u64,
}

enum Rows<'a> {
    Csv { reader: csv::Reader<Box<dyn Read + 'a>>, record: csv::StringRecord, total: Option<u64> },
    Sheet { rows: std::vec::IntoIter<Vec<Cell>>, total: u64 },
}

impl Table<'_> {
    /// The next row, numbered as a spreadsheet shows it; `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<(u64, Vec<Cell>), String>> {
        let cells = match &mut self.rows {
            Rows::Csv { reader, record, .. } => match reader.read_record(record) {
                Ok(false) => return None,
                Ok(true) => record
                    .iter()
                    .map(|s| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) })
                    .collect(),
                Err(e) => return Some(Err(csv_error(&e))),
            },
            Rows::Sheet { rows, .. } => rows.next()?,
        };
        self.row += 1;
        Some(Ok((self.row, cells)))
    }

    pub fn progress(&self) -> Progress {
        match &self.rows {
            Rows::Csv { reader, total, .. } => Progress { done: reader.position().byte(), total: *total },
            Rows::Sheet { total, .. } => Progress { done: self.row, total: Some(*total) },
        }
    }
}

fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "line {}: the text is not UTF-8 (save the file as “CSV UTF-8”)",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        _ => e.to_string(),
    }
}

/// Whether a file is a workbook (by its first bytes: a ZIP for XLSX and ODS, OLE for XLS).
pub fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The tables of a file: one for a CSV, one per sheet of a workbook (in the workbook's order).
pub fn open<'a>(source: Source<'a>, file_name: &str) -> Result<Vec<Table<'a>>, String> {
    let head: Vec<u8> = match &source {
        Source::Path(p) => {
            let mut f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut buf = [0u8; 8];
            let n = f.read(&mut buf).map_err(|e| e.to_string())?;
            buf[..n].to_vec()
        }
        Source::Bytes(b) => b.iter().take(8).copied().collect(),
    };
    if is_workbook(&head) {
        return open_workbook(source);
    }
    Ok(vec![open_csv(source, file_name)?])
}

fn open_workbook(source: Source<'_>) -> Result<Vec<Table<'static>>, String> {
    use calamine::Reader;
    let bytes = match source {
        Source::Path(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?,
        Source::Bytes(b) => b.to_vec(),
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("not a workbook I can read: {e}"))?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| format!("sheet “{name}”: {e}"))?;
        let rows: Vec<Vec<Cell>> = range.rows().map(|r| r.iter().map(cell_of).collect()).collect();
        let total = rows.len() as u64;
        tables.push(Table { name, rows: Rows::Sheet { rows: rows.into_iter(), total }, row: 0 });
    }
    Ok(tables)
}

fn cell_of(d: &calamine::Data) -> Cell {
    use calamine::Data;
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(x) => Cell::Number(*x),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => Cell::Date(t.date()),
            _ => Cell::Number(dt.as_f64()),
        },
        // "2020-03-23T00:00:00": the date part.
        Data::DateTimeIso(s) => match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
            Ok(d) => Cell::Date(d),
            Err(_) => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// Bytes read to find the encoding and the separator.
const SAMPLE: usize = 64 * 1024;

fn open_csv<'a>(source: Source<'a>, file_name: &str) -> Result<Table<'a>, String> {
    let (mut input, total): (Box<dyn BufRead + 'a>, Option<u64>) = match source {
        Source::Path(p) => {
            let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let size = f.metadata().ok().map(|m| m.len());
            (Box::new(BufReader::with_capacity(SAMPLE, f)), size)
        }
        Source::Bytes(b) => (Box::new(b), Some(b.len() as u64)),
    };
    let sample = input.fill_buf().map_err(|e| e.to_string())?.to_vec();
    let utf8 = match std::str::from_utf8(&sample) {
        Ok(_) => true,
        // Cut in the middle of a character at the sample's end: still UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    let (reader, sample_text): (Box<dyn Read + 'a>, String) = if utf8 {
        let text = String::from_utf8_lossy(&sample).into_owned();
        (Box::new(input), text)
    } else {
        let mut all = Vec::new();
        input.read_to_end(&mut all).map_err(|e| e.to_string())?;
        let (text, _, bad) = encoding_rs::GB18030.decode(&all);
        if bad {
            return Err(format!(
                "{file_name}: the text is neither UTF-8 nor GB18030; save it as “CSV UTF-8” and import it again"
            ));
        }
        let text = text.into_owned();
        let sample_text: String = text.chars().take(SAMPLE).collect();
        (Box::new(Cursor::new(text.into_bytes())), sample_text)
    };
    let delimiter = sniff_delimiter(&sample_text);
    let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(reader);
    Ok(Table {
        name: file_name.to_string(),
        rows: Rows::Csv { reader, record: csv::StringRecord::new(), total },
        row: 0,
    })
}

/// The separator of a CSV's heading line: the most frequent of comma, semicolon and tab outside
/// quotes (comma when there is none).
fn sniff_delimiter(sample: &str) -> u8 {
    let line = sample.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    let mut quoted = false;
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if c as u32 == u32::from(*d) {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().filter(|(_, n)| *n > 0).max_by_key(|(_, n)| *n).map_or(b',', |(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut t = open(Source::Bytes(bytes), "t.csv").unwrap().remove(0);
        let mut out = Vec::new();
        while let Some(r) = t.next_row() {
            out.push(r.unwrap().1.iter().map(Cell::text).collect());
        }
        out
    }

    #[test]
    fn csv_with_a_bom_semicolons_and_quotes() {
        let got = rows("\u{feff}date;note\n2020-03-23;\"a; b\"\n".as_bytes());
        assert_eq!(got[0][0].trim_start_matches('\u{feff}'), "date");
        assert_eq!(got[1], vec!["2020-03-23", "a; b"]);
    }

    #[test]
    fn gb18030_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("日期,受赠方\n2020-03-23,曼托瓦\n");
        let got = rows(&bytes);
        assert_eq!(got[1], vec!["2020-03-23", "曼托瓦"]);
    }

    #[test]
    fn an_exported_formula_guard_is_taken_off() {
        assert_eq!(Cell::Text("'=1+1".into()).text(), "=1+1");
        assert_eq!(Cell::Text("'tis".into()).text(), "'tis");
        assert_eq!(Cell::Number(38500.0).text(), "38500");
        assert_eq!(Cell::Number(0.1).text(), "0.1");
        assert_eq!(Cell::Number(43913.0).date_text(), "2020-03-23");
    }
}
