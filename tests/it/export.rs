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
