//! `/export csv|xlsx [KIND] [PERIOD]`: staff get their records as files (CSV per kind, one workbook),
//! exact amounts, internal records marked, headings in their language; others are refused, and so is
//! an export in a group or one too large. Nothing is ever written.

use crate::common::*;
use amity::ChatKind;
use amity::render::{Attachment, Outcome, Reply};

fn csv_text(a: &Attachment) -> String {
    assert_eq!(a.mime, "text/csv");
    assert!(a.bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM, so that Excel reads UTF-8");
    String::from_utf8(a.bytes[3..].to_vec()).unwrap()
}

fn rows(a: &Attachment) -> Vec<Vec<String>> {
    let text = csv_text(a);
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
}

fn ledger() -> Bot {
    let bot = spawn_core();
    bot.make_staff(STAFF);
    bot.ok("/rate USD 7.0835 2020-01-01");
    bot.ok("/partner add Mantova | Italy | partner | aliases: Mantua");
    bot.ok("/donation 2020-05-31 | Mantova | 100 medical goggles; 500 sets protective suits | ¥38,500.5 | status: delivered");
    bot.ok("/donation 2020-03-23 | Germany | 500 protective suits");
    bot.ok("/donation 2021-02-01 | Kenya | 5 crates | 7000 CNY | internal | note: confidential, \"boxed\"");
    bot.ok("/letter 2020-03-04 | sent | Mantova | signed: Governor");
    bot
}

fn export(bot: &Bot, text: &str) -> Reply {
    let r = bot.send(&req_as(STAFF, text));
    assert_eq!(r.outcome, Outcome::Done, "{text}: {}", r.plain());
    r
}

#[test]
fn csv_gives_one_file_per_kind_oldest_first_with_exact_amounts_and_internal_records_marked() {
    let bot = ledger();
    let before = bot.counts();
    let r = export(&bot, "/export csv");
    let names: Vec<&str> = r.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert!(names.iter().any(|n| n.starts_with("amity-donations-all-") && n.ends_with(".csv")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("amity-letters-all-")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("amity-partners-all-")), "{names:?}");
    assert_eq!(names.len(), 3, "kinds with no records give no file: {names:?}");
    let text = r.plain();
    assert!(text.contains("Donations: 3") && text.contains("Events: 0"), "{text}");
    assert!(text.contains("internal records"), "{text}");

    let donations = rows(r.attachments.iter().find(|a| a.file_name.contains("donations")).unwrap());
    let header = &donations[0];
    assert_eq!(header[0], "ID");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let ids: Vec<&str> = donations[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["D-2", "D-1", "D-3"], "oldest first");
    let mantova = &donations[2];
    assert_eq!(mantova[col("Recipients")], "Mantova (IT)");
    assert_eq!(mantova[col("Countries")], "Italy");
    assert_eq!(mantova[col("Declared value")], "38500.5", "as entered");
    assert_eq!(mantova[col("Currency")], "CNY");
    assert_eq!(mantova[col("CNY")], "38500.50");
    assert_eq!(mantova[col("USD")], "5435.24", "38,500.50 / 7.0835, fixed at the value date");
    assert_eq!(mantova[col("Status")], "delivered");
    assert_eq!(mantova[col("Visibility")], "public");
    let kenya = &donations[3];
    assert_eq!(kenya[col("Visibility")], "internal");
    assert_eq!(kenya[col("Note")], "confidential, \"boxed\"", "quotes and commas survive");
    let germany = &donations[1];
    assert_eq!(germany[col("Declared value")], "", "an unvalued gift has no amount, not zero");
    assert_eq!(bot.counts(), before, "an export writes nothing");
}

#[test]
fn a_kind_and_a_period_narrow_the_export_and_xlsx_is_one_workbook() {
    let bot = ledger();
    let r = export(&bot, "/export csv donations 2020");
    assert_eq!(r.attachments.len(), 1);
    let a = &r.attachments[0];
    assert!(a.file_name.starts_with("amity-donations-2020-01-01_2020-12-31-"), "{}", a.file_name);
    assert_eq!(rows(a).len(), 3, "the header and 2020's two donations");

    let r = export(&bot, "/export xlsx");
    assert_eq!(r.attachments.len(), 1, "one workbook");
    let x = &r.attachments[0];
    assert!(x.file_name.starts_with("amity-records-all-") && x.file_name.ends_with(".xlsx"), "{}", x.file_name);
    assert_eq!(x.mime, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(x.bytes.starts_with(b"PK"), "an xlsx is a zip");
    let r = export(&bot, "/export excel letters");
    assert!(r.attachments[0].file_name.starts_with("amity-letters-all-"));
}

#[test]
fn chinese_readers_get_chinese_headings_and_words() {
    let bot = ledger();
    let mut q = req_as(STAFF, "/导出 csv 捐赠");
    q.lang_hint = Some("zh".into());
    let r = bot.send(&q);
    assert_eq!(r.outcome, Outcome::Done, "{}", r.plain());
    assert!(r.plain().contains("捐赠：3"), "{}", r.plain());
    let donations = rows(&r.attachments[0]);
    assert_eq!(&donations[0][..3], ["编号", "日期", "受赠方"]);
    assert!(donations[1].iter().any(|c| c == "德国"), "{:?}", donations[1]);
    assert!(donations[3].iter().any(|c| c == "内部"), "{:?}", donations[3]);
}

#[test]
fn strangers_groups_bad_formats_and_oversized_exports_are_refused_with_the_reason() {
    let bot = ledger();
    let before = bot.counts();
    let out = bot.refused_as(STRANGER, "/export csv");
    assert!(out.contains(STRANGER), "{out}");

    let mut in_group = req_as(STAFF, "/export csv");
    in_group.chat_kind = ChatKind::Group;
    let r = bot.send(&in_group);
    assert_eq!(r.outcome, Outcome::Refused, "{}", r.plain());
    assert!(r.plain().contains("private chat") && r.attachments.is_empty(), "{}", r.plain());

    let out = bot.invalid_as(STAFF, "/export pdf");
    assert!(out.contains("csv or xlsx") && out.contains("/export csv letters"), "{out}");
    let out = bot.invalid_as(STAFF, "/export");
    assert!(out.contains("csv or xlsx"), "{out}");
    let out = bot.invalid_as(STAFF, "/export csv donations 2020-13");
    assert!(!out.is_empty());
    assert_eq!(bot.counts(), before);

    let small = spawn_with(|c| c.reply.max_export_rows = 2);
    small.make_staff(STAFF);
    for d in ["2020-03-01", "2020-03-02", "2020-03-03"] {
        small.ok(&format!("/donation {d} | Germany | 10 masks"));
    }
    let r = small.send(&req_as(STAFF, "/export xlsx donations"));
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(r.attachments.is_empty());
    let text = r.plain();
    assert!(
        text.contains("3 donations") && text.contains("(2)") && text.contains("/export xlsx donations 2020-03"),
        "{text}"
    );
    assert_eq!(small.send(&req_as(STAFF, "/export xlsx donations 2020-03-01..2020-03-02")).outcome, Outcome::Done);
}

#[test]
fn reported_figures_are_a_sheet_of_their_own_one_row_per_figure_and_sources_are_a_column() {
    let bot = ledger();
    bot.ok("/edit D-1 source: https://example.org/mantova");
    bot.ok("/reported 2020-06-30 | donations | nearly 3.5 million yuan ($494,100) | 30 local governments | period: 2020-01..2020-06 | source: China Daily");
    let r = export(&bot, "/export csv");
    assert!(r.plain().contains("Reported figures: 2"), "two figures: {}", r.plain());
    let reported =
        rows(r.attachments.iter().find(|a| a.file_name.starts_with("amity-reported-")).expect("a reported file"));
    let header = &reported[0];
    let col =
        |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {header:?}"));
    assert_eq!(reported.len(), 3, "one row per figure: {reported:?}");
    let money = &reported[1];
    assert_eq!(money[col("ID")], "F-1");
    assert_eq!(money[col("Figure as reported")], "nearly 3.5 million yuan ($494,100)");
    assert_eq!(money[col("Qualifier")], "nearly");
    assert_eq!(
        (money[col("Number")].as_str(), money[col("Currency")].as_str(), money[col("USD")].as_str()),
        ("3500000", "CNY", "494100")
    );
    assert_eq!((money[col("Period from")].as_str(), money[col("Period to")].as_str()), ("2020-01-01", "2020-06-30"));
    assert_eq!(money[col("Source")], "China Daily");
    let count = &reported[2];
    assert_eq!((count[col("Number")].as_str(), count[col("Counted")].as_str()), ("30", "local governments"));
    let donations = rows(r.attachments.iter().find(|a| a.file_name.contains("donations")).unwrap());
    let src = donations[0].iter().position(|h| h == "Source").expect("a source column");
    let mantova = donations.iter().find(|row| row[0] == "D-1").unwrap();
    assert_eq!(mantova[src], "https://example.org/mantova");
    // In Chinese: the words and headings are Chinese, the figures stay as the source worded them.
    bot.ok_as(STAFF, "/lang zh");
    let r = export(&bot, "/导出 csv 报道");
    let zh = rows(&r.attachments[0]);
    assert!(zh[0].contains(&"原文数字".to_string()), "{:?}", zh[0]);
    assert!(
        zh[1].contains(&"nearly 3.5 million yuan ($494,100)".to_string()) && zh[1].contains(&"近".to_string()),
        "{:?}",
        zh[1]
    );
}

#[test]
fn no_exported_text_cell_can_run_as_a_formula() {
    let bot = ledger();
    bot.ok("/edit D-1 note: =HYPERLINK(\"http://evil.example\",\"click\")");
    bot.ok("/edit D-2 note: +1+1");
    bot.ok("/edit D-3 note: @SUM(A1:A9)");
    let r = export(&bot, "/export csv donations");
    let rows = rows(&r.attachments[0]);
    let note = rows[0].iter().position(|h| h == "Note").unwrap();
    let notes: Vec<&str> = rows[1..].iter().map(|r| r[note].as_str()).collect();
    assert_eq!(notes, ["'+1+1", "'=HYPERLINK(\"http://evil.example\",\"click\")", "'@SUM(A1:A9)"]);
    // XLSX: the same text, as a text cell (a reader sees a string, never a formula).
    use calamine::{Data, Reader, Xlsx};
    let r = export(&bot, "/export xlsx donations");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.attachments[0].bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let formulas = book.worksheet_formula(&book.sheet_names()[0].clone()).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the workbook");
    let col = sheet.rows().next().unwrap().iter().position(|c| c == &Data::String("Note".into())).unwrap();
    let cells: Vec<Data> = sheet.rows().skip(1).map(|r| r[col].clone()).collect();
    assert_eq!(cells[1], Data::String("=HYPERLINK(\"http://evil.example\",\"click\")".into()));
}

#[test]
fn an_xlsx_export_reads_back_cell_by_cell_with_types_a_frozen_header_and_the_hxl_row() {
    use calamine::{Data, Reader, Xlsx};
    use std::io::Read;
    let bot = ledger();
    let r = export(&bot, "/export xlsx hxl");
    assert_eq!(r.attachments.len(), 1);
    let bytes = r.attachments[0].bytes.clone();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Donations", "Letters", "Partners"]);
    let donations = book.worksheet_range("Donations").unwrap();
    let rows: Vec<&[Data]> = donations.rows().collect();
    let head = |name: &str| rows[0].iter().position(|c| c == &Data::String(name.into())).unwrap();
    // The second row is the HXL hashtags.
    assert_eq!(rows[1][0], Data::String("#meta+id".into()));
    assert_eq!(rows[1][head("CNY")], Data::String("#value+c_cny".into()));
    assert_eq!(rows[1][head("Recipients")], Data::String("#org+name+receiver".into()));
    // Typed cells: ids and names are text, amounts numbers, dates dates.
    let mantova = rows.iter().find(|r| r[0] == Data::String("D-1".into())).unwrap();
    assert_eq!(mantova[head("CNY")], Data::Float(38500.5));
    assert_eq!(mantova[head("Declared value")], Data::Float(38500.5));
    assert!(matches!(mantova[head("Date")], Data::DateTime(_)), "{:?}", mantova[head("Date")]);
    assert_eq!(mantova[head("Recipients")], Data::String("Mantova (IT)".into()));
    let partners = book.worksheet_range("Partners").unwrap();
    assert_eq!(partners.rows().nth(1).unwrap()[0], Data::String("#meta+id".into()));
    // The two heading rows are frozen: the sheet's pane splits below them.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains(r#"ySplit="2""#) && xml.contains(r#"state="frozen""#), "{xml:.600}");
    // Without hxl, one heading row, frozen.
    let r = export(&bot, "/export xlsx donations");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.attachments[0].bytes.clone())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.rows().nth(1).unwrap()[0], Data::String("D-2".into()), "oldest first, no hashtag row");
}

#[test]
fn amity_export_writes_the_same_files_from_a_terminal() {
    let bot = ledger();
    let out = tempfile::tempdir().unwrap();
    let run = amity()
        .args(["export", "--db"])
        .arg(&bot.db)
        .arg("--out")
        .arg(out.path())
        .args(["csv", "hxl", "donations", "2020"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("Donations: 2") && stdout.contains("File saved:"), "{stdout}");
    let files: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("#meta+id,#date,"), "{text}");
    // A directory that is not there: one line, status 1, nothing written.
    let bad =
        amity().args(["export", "--db"]).arg(&bot.db).args(["--out", "/nonexistent/amity", "xlsx"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a directory"));
    // A malformed export: the reason, status 2.
    let bad = amity().args(["export", "--db"]).arg(&bot.db).arg("--out").arg(out.path()).arg("pdf").output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stdout));
}

#[test]
fn a_terminal_export_streams_csv_past_the_chat_limit_and_matches_the_chats_file() {
    let bot = ledger();
    // The chat's file and the terminal's are the same bytes.
    let chat = export(&bot, "/export csv hxl donations");
    let dir = tempfile::tempdir().unwrap();
    let (r, files) = bot.core.export_to_dir(&req_as(STAFF, ""), "csv hxl donations", dir.path());
    assert_eq!(r.outcome, Outcome::Done, "{}", r.plain());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name().unwrap().to_str().unwrap(), chat.attachments[0].file_name);
    assert_eq!(std::fs::read(&files[0]).unwrap(), chat.attachments[0].bytes);
    // Again: the first file is kept, the second gets a number.
    let (_, again) = bot.core.export_to_dir(&req_as(STAFF, ""), "csv hxl donations", dir.path());
    assert_ne!(again[0], files[0]);
    assert!(again[0].to_str().unwrap().ends_with("-1.csv"), "{again:?}");
    assert_eq!(std::fs::read(&again[0]).unwrap(), chat.attachments[0].bytes);

    // More records than a chat is sent: refused there, streamed from a terminal, oldest first.
    let small = spawn_with(|c| c.reply.max_export_rows = 2);
    small.make_staff(STAFF);
    for d in ["2020-03-03", "2020-03-01", "2020-03-02"] {
        small.ok(&format!("/donation {d} | Germany | 10 masks"));
    }
    small.ok("/partner add Mantova | Italy | partner");
    small.ok("/letter 2020-03-04 | sent | Mantova | signed: Governor");
    assert_eq!(small.send(&req_as(STAFF, "/export csv donations")).outcome, Outcome::Invalid);
    let dir = tempfile::tempdir().unwrap();
    let (r, files) = small.core.export_to_dir(&req_as(STAFF, ""), "csv", dir.path());
    assert_eq!(r.outcome, Outcome::Done, "{}", r.plain());
    assert!(r.plain().contains("Donations: 3"), "{}", r.plain());
    assert_eq!(files.len(), 3, "donations, letters and partners, no empty files: {files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let dates: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(dates, ["2020-03-01", "2020-03-02", "2020-03-03"]);
    assert!(!std::fs::read_dir(dir.path()).unwrap().any(|e| e.unwrap().path().to_str().unwrap().ends_with(".part")));
    // Refusals are the chat's: a group, a stranger.
    let (r, files) = small.core.export_to_dir(&req_as("999000111", ""), "csv", dir.path());
    assert_eq!(r.outcome, Outcome::Refused, "{}", r.plain());
    assert!(files.is_empty());
}

#[test]
fn the_whole_ledgers_export_lists_the_same_rows_as_a_period_covering_it() {
    // The whole ledger is read in one pass of the table, each donation with its children, and sorted
    // by SQLite; a period is read through the date index, children by batch. Same rows, children in
    // the order they were given.
    let bot = ledger();
    bot.ok("/donation 2020-04-01 | Mantova, Kenya, Germany | 3 gloves; 1 mask; 2 goggles");
    bot.ok("/donation 2020-04-01 | Germany | 7 masks");
    let all = rows(&export(&bot, "/export csv donations").attachments[0]);
    let period = rows(&export(&bot, "/export csv donations 2000..2030").attachments[0]);
    assert_eq!(all, period);
    let ids: Vec<&str> = all[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["D-2", "D-4", "D-5", "D-1", "D-3"], "by date, then as entered");
    let col = |name: &str| all[0].iter().position(|h| h == name).unwrap();
    assert_eq!(all[2][col("Recipients")], "Mantova (IT), Kenya, Germany");
    assert_eq!(all[2][col("Items")], "3 gloves; 1 mask; 2 goggles");
}
