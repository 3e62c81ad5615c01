//! `amity import`: spreadsheets into the ledger through the one-line forms' parsers, all rows or none.
//! Round trips (export → import gives the same records and the same answers, with English and Chinese
//! headings, CSV and XLSX), every problem with its row and column and nothing written, re-imports and
//! overlapping files that write nothing twice, unknown recipients refused or created, workbook cells
//! (dates, numbers), formula guards taken off, GB18030, 10,000 rows, and the binary's exit codes.

use crate::common::*;
use amity::commands::import::{Options, Source, Summary};
use amity::render::{Outcome, Reply};

fn import_as(bot: &Bot, who: &str, bytes: &[u8], name: &str, opts: &Options) -> (Reply, Option<Summary>) {
    let (r, s) = bot.core.import(&req_as(who, ""), Source::Bytes(bytes), name, opts, &mut |_, _| {});
    check_reply(name, &r);
    (r, s)
}

fn import(bot: &Bot, bytes: &[u8], name: &str) -> (Reply, Summary) {
    let (r, s) = import_as(bot, STAFF, bytes, name, &Options::default());
    (r, s.expect("the file is read"))
}

fn import_ok(bot: &Bot, bytes: &[u8], name: &str) -> Summary {
    let (r, s) = import(bot, bytes, name);
    assert_eq!(r.outcome, Outcome::Done, "{name}:\n{}", r.plain());
    assert!(s.committed, "{}", r.plain());
    s
}

fn staff_bot() -> Bot {
    let bot = spawn_core();
    bot.make_staff(STAFF);
    bot
}

/// What a reader sees of a ledger: the answers that count, with record ids left out (an import numbers
/// its records in the file's order, oldest first, where the ledger it came from numbered them in the
/// order they were logged), and lists sorted (they are sorted by date, then id).
fn answers(bot: &Bot) -> Vec<String> {
    [
        "/totals",
        "/donations",
        "/donations Germany",
        "/letters",
        "/events",
        "/receptions",
        "/partners",
        "/reported",
        "/donors",
    ]
    .iter()
    .map(|c| {
        let text = bot.ask_as(STAFF, c).plain();
        let mut lines: Vec<String> = text.lines().map(without_ids).collect();
        lines.sort();
        lines.join("\n")
    })
    .collect()
}

/// `D-12`, `L-3`, `P-7` … as `X-n`.
fn without_ids(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if "DLERPF".contains(c) && chars.peek() == Some(&'-') && !out.ends_with(|p: char| p.is_alphanumeric()) {
            let mut rest = chars.clone();
            rest.next();
            if rest.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars = rest;
                while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
                out.push_str("X-n");
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn written(s: &Summary) -> u64 {
    s.written.iter().map(|(_, n)| n).sum()
}

#[test]
fn an_xlsx_export_imported_into_an_empty_ledger_gives_the_same_records_and_answers() {
    let from = seeded();
    from.make_staff(STAFF);
    let r = from.ask_as(STAFF, "/export xlsx");
    let book = &r.attachments[0];
    let to = staff_bot();
    let s = import_ok(&to, &book.bytes, &book.file_name);
    assert_eq!(s.skipped, 0);
    assert_eq!(answers(&to), answers(&from));
    for table in [
        "donations",
        "donation_items",
        "donation_recipients",
        "letters",
        "events",
        "receptions",
        "partners",
        "reported",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(to.count(&sql), from.count(&sql), "{table}");
    }
    // And again: nothing twice.
    let before = to.counts();
    let (r, s) = import(&to, &book.bytes, &book.file_name);
    assert_eq!(r.outcome, Outcome::Done);
    assert_eq!(written(&s), 0, "{}", r.plain());
    assert!(r.plain().contains("Nothing new"), "{}", r.plain());
    assert_eq!(to.counts(), before);
}

#[test]
fn chinese_csv_exports_imported_file_by_file_give_the_same_answers() {
    let from = seeded();
    from.make_staff(STAFF);
    from.ok_as(STAFF, "/lang zh");
    let r = from.ask_as(STAFF, "/export csv");
    assert!(r.attachments.len() >= 5, "{}", r.plain());
    let header = String::from_utf8(r.attachments[0].bytes.clone()).unwrap();
    assert!(header.contains("日期"), "Chinese headings: {header:.80}");
    let to = staff_bot();
    // Any order: partners come first within a file; across files, the partners' file first.
    let mut files: Vec<_> = r.attachments.iter().collect();
    files.sort_by_key(|a| !a.file_name.contains("partners"));
    for a in files {
        import_ok(&to, &a.bytes, &a.file_name);
    }
    from.ok_as(STAFF, "/lang en");
    assert_eq!(answers(&to), answers(&from));
}

#[test]
fn importing_a_ledgers_own_export_back_writes_nothing() {
    let bot = seeded();
    bot.make_staff(STAFF);
    let r = bot.ask_as(STAFF, "/export xlsx");
    let before = bot.counts();
    let (reply, s) = import(&bot, &r.attachments[0].bytes, &r.attachments[0].file_name);
    assert_eq!(reply.outcome, Outcome::Done, "{}", reply.plain());
    assert_eq!(written(&s), 0, "{}", reply.plain());
    assert!(s.skipped > 20, "{}", reply.plain());
    assert_eq!(bot.counts(), before);
}

const HEAD: &str = "Date,Recipient,Items,Value,Currency,Donor,Status,Note\n";

#[test]
fn an_overlapping_file_writes_only_its_new_rows_and_identical_rows_stay_two() {
    let bot = staff_bot();
    let first = format!(
        "{HEAD}2020-03-23,Germany,500 suits,,,,,\n2020-03-24,Japan,100 masks,,,,,\n2020-03-24,Japan,100 masks,,,,,\n"
    );
    let s = import_ok(&bot, first.as_bytes(), "march.csv");
    assert_eq!(written(&s), 3, "two identical shipments on one day are two donations");
    // The same sheet later, a row added (and the identical pair grown to three).
    let second = format!("{first}2020-03-24,Japan,100 masks,,,,,\n2020-03-25,Italy,1000 gloves,,,,,\n");
    let (r, s) = import(&bot, second.as_bytes(), "march-updated.csv");
    assert_eq!(r.outcome, Outcome::Done, "{}", r.plain());
    assert_eq!((written(&s), s.skipped), (2, 3), "{}", r.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 5);
    let totals = bot.ask_as(STAFF, "/totals").plain();
    assert!(totals.contains("300 masks"), "{totals}");
}

#[test]
fn every_problem_is_listed_with_its_row_and_column_and_nothing_is_written() {
    let bot = staff_bot();
    bot.ok("/partner add Mantova | Italy | partner");
    let before = bot.counts();
    let csv = "日期,受赠方,物资,金额,币种,状态\n\
               2020-03-23,Mantova,2万只口罩,4.5万,元,已送达\n\
               2020-03-24,Mantova,100 goggles,\"3,5 million\",EUR,shipped\n\
               2020-02-30,Japan,masks,,,\n\
               2020-03-26,Mantva,100 masks,,,\n\
               2020-03-27,Japan,100 masks,,,lost\n\
               ,Japan,100 masks,,,\n";
    let (r, s) = import(&bot, csv.as_bytes(), "office.csv");
    let text = r.plain();
    assert_eq!(r.outcome, Outcome::Invalid, "{text}");
    assert!(!s.committed);
    assert_eq!(bot.counts(), before, "nothing written:\n{text}");
    // Row 4 has two problems: both are listed (each field is checked whatever the others are).
    assert_eq!(s.problem_count, 6, "{text}");
    for want in [
        "row 3, 金额: “3,5 million” is not an amount",
        "row 4, 日期: “2020-02-30”",
        "row 4, 物资: The line “masks” does not start with a quantity",
        "row 5, 受赠方: “Mantva”",
        "row 6, 状态: “lost” is not one of: pledged, shipped, delivered",
        "row 7: 日期 is missing",
        "Nothing was written",
    ] {
        assert!(text.contains(want), "{want:?} in:\n{text}");
    }
    assert!(text.contains("Mantova"), "the close name is offered:\n{text}");
    assert!(text.contains("--create-partners"), "{text}");
    // Row 2 was fine: a dry run of the rows without problems would write it.
    assert!(!text.contains("row 2"), "{text}");
}

#[test]
fn a_dry_run_says_what_would_be_written_and_writes_nothing() {
    let bot = staff_bot();
    bot.ok("/rate EUR 7.8 2020-01-01");
    let before = bot.counts();
    let csv = format!("{HEAD}2020-03-23,Nordrhein-Westfalen (Germany),500 suits,90000,EUR,,,\n");
    let opts = Options { dry_run: true, create_partners: true, ..Options::default() };
    let (r, s) = import_as(&bot, STAFF, csv.as_bytes(), "nrw.csv", &opts);
    let text = r.plain();
    assert_eq!(r.outcome, Outcome::Done, "{text}");
    assert!(!s.unwrap().committed);
    assert!(text.contains("dry run") && text.contains("Donations to write: 1"), "{text}");
    assert!(text.contains("Partners to create (1): Nordrhein-Westfalen (DE)"), "{text}");
    assert_eq!(bot.counts(), before);
}

#[test]
fn unknown_recipients_are_created_with_the_country_the_row_gives() {
    let bot = staff_bot();
    let csv = "Date,Recipients,Country,Items\n2020-03-23,Mantova,Italy,500 suits\n2020-03-24,Nowhere Town,,5 masks\n";
    let opts = Options { create_partners: true, ..Options::default() };
    let (r, _) = import_as(&bot, STAFF, csv.as_bytes(), "new.csv", &opts);
    let text = r.plain();
    assert_eq!(r.outcome, Outcome::Invalid, "{text}");
    assert!(text.contains("row 3, Recipients: “Nowhere Town” is not a partner yet"), "{text}");
    let csv =
        "Date,Recipients,Country,Items\n2020-03-23,Mantova,Italy,500 suits\n2020-03-24,Brest (Belarus),,5 masks\n";
    let (r, s) = import_as(&bot, STAFF, csv.as_bytes(), "new.csv", &opts);
    let s = s.unwrap();
    assert!(s.committed, "{}", r.plain());
    assert_eq!(s.partners_created, ["Mantova (IT)", "Brest (BY)"]);
    assert!(bot.ok("/partner Mantova").contains("Italy"));
    assert!(bot.ask_as(STAFF, "/donations Belarus").plain().contains("5 masks"));
    // Once created, the same names are found, not created again.
    let (_, s) =
        import_as(&bot, STAFF, "Date,Recipients,Items\n2020-04-01,Mantova,9 masks\n".as_bytes(), "more.csv", &opts);
    assert!(s.unwrap().partners_created.is_empty());
}

#[test]
fn workbook_cells_keep_their_types_dates_numbers_and_a_currency_column() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("捐赠").unwrap();
    for (c, h) in ["日期", "受赠方", "物资", "金额", "币种", "备注"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_datetime_with_format(1, 0, ExcelDateTime::from_ymd(2020, 3, 23).unwrap(), &date).unwrap();
    ws.write_string(1, 1, "Japan").unwrap();
    ws.write_string(1, 2, "45,000 masks").unwrap();
    ws.write_number(1, 3, 90000.0).unwrap();
    ws.write_string(1, 4, "CNY").unwrap();
    ws.write_string(1, 5, "=1+1 is text here").unwrap();
    // A date that lost its format: the bare serial number (2020-03-24).
    ws.write_number(2, 0, 43914.0).unwrap();
    ws.write_string(2, 1, "Germany").unwrap();
    ws.write_number(2, 3, 38500.5).unwrap();
    ws.write_string(2, 4, "EUR").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let bot = staff_bot();
    bot.ok("/rate EUR 7.8 2020-01-01");
    let s = import_ok(&bot, &bytes, "office.xlsx");
    assert_eq!(written(&s), 2);
    let list = bot.ask_as(STAFF, "/donations").plain();
    assert!(list.contains("2020-03-23") && list.contains("45,000 masks") && list.contains("90,000"), "{list}");
    assert!(list.contains("2020-03-24") && list.contains("38,500.5"), "{list}");
    let note: String =
        bot.conn().query_row("SELECT note FROM donations WHERE date = '2020-03-23'", [], |r| r.get(0)).unwrap();
    assert_eq!(note, "=1+1 is text here");
}

#[test]
fn an_exported_formula_guard_is_taken_off_on_the_way_back() {
    let from = staff_bot();
    from.ok("/donation 2020-03-23 | Japan | 100 masks | note: =HYPERLINK(\"x\")");
    let r = from.ask_as(STAFF, "/export csv donations");
    assert!(String::from_utf8_lossy(&r.attachments[0].bytes).contains("'=HYPERLINK"));
    let to = staff_bot();
    import_ok(&to, &r.attachments[0].bytes, &r.attachments[0].file_name);
    let note: String = to.conn().query_row("SELECT note FROM donations", [], |r| r.get(0)).unwrap();
    assert_eq!(note, "=HYPERLINK(\"x\")");
}

#[test]
fn a_gb18030_csv_from_a_chinese_excel_reads() {
    let (bytes, _, _) = encoding_rs::GB18030.encode("日期,受赠方,物资\n2020年3月23日,日本,4.5万只口罩\n");
    let bot = staff_bot();
    import_ok(&bot, &bytes, "捐赠.csv");
    assert!(bot.ask_as(STAFF, "/donations Japan").plain().contains("45,000"));
}

#[test]
fn imported_records_say_their_file_and_row_in_history() {
    let bot = staff_bot();
    import_ok(&bot, format!("{HEAD}2020-03-23,Germany,500 suits,,,,,\n").as_bytes(), "march.csv");
    let h = bot.ask_as(STAFF, "/history D-1").plain();
    assert!(h.contains("imported from march.csv, row 2"), "{h}");
}

#[test]
fn only_staff_import_and_a_file_of_no_known_kind_is_explained() {
    let bot = staff_bot();
    let (r, _) = import_as(&bot, STRANGER, HEAD.as_bytes(), "x.csv", &Options::default());
    assert_eq!(r.outcome, Outcome::Refused);
    let (r, _) = import_as(&bot, STAFF, b"a,b,c\n1,2,3\n", "data.csv", &Options::default());
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(r.plain().contains("--kind donations"), "{}", r.plain());
    let (r, _) = import_as(&bot, STAFF, b"Date,Items\n2020-01-01,5 masks\n", "donations.csv", &Options::default());
    assert!(r.plain().contains("no column for Recipients"), "{}", r.plain());
}

#[test]
fn ten_thousand_rows_import_in_one_transaction() {
    let bot = staff_bot();
    let mut csv = String::from(HEAD);
    for i in 0..10_000 {
        csv.push_str(&format!(
            "2020-{:02}-{:02},Germany,{} masks,{},CNY,,,\n",
            1 + i % 12,
            1 + i % 28,
            1 + i % 7,
            100 + i
        ));
    }
    let s = import_ok(&bot, csv.as_bytes(), "big.csv");
    assert_eq!(written(&s), 10_000);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 10_000);
    // Σ (100 + i) for i < 10,000, and Σ masks.
    let cny: i64 = (0..10_000).map(|i| 100 + i).sum();
    let masks: i64 = (0..10_000).map(|i| 1 + i % 7).sum();
    let totals = bot.ask_as(STAFF, "/totals").plain();
    let fmt = |n: i64| amity::domain::money::fmt_int(n as i128);
    assert!(totals.contains(&fmt(cny)), "{} in {totals}", fmt(cny));
    assert!(totals.contains(&format!("{} masks", fmt(masks))), "{totals}");
    // Added in chunks of 5,000 (the import's memory stays flat): the same sums as rebuilt from the tables.
    let added = running_sums(&bot);
    amity::store::records::rebuild_sums(&bot.conn()).unwrap();
    assert_eq!(added, running_sums(&bot));
    // Again: nothing twice.
    let (_, s) = import(&bot, csv.as_bytes(), "big.csv");
    assert_eq!((written(&s), s.skipped), (0, 10_000));
}

#[test]
fn the_binary_imports_and_exits_2_when_a_row_has_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{HEAD}2020-03-23,Germany,500 suits,,,,,\n")).unwrap();
    let out = amity().arg("import").arg(&good).arg("--db").arg(&db).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Donations written: 1"), "{text}");
    assert!(out.stderr.is_empty(), "no progress bar off a terminal: {}", String::from_utf8_lossy(&out.stderr));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, format!("{HEAD}2020-13-23,Germany,500 suits,,,,,\n")).unwrap();
    let out = amity().args(["import", "--dry-run"]).arg(&bad).arg("--db").arg(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("row 2, Date"));
    let out = amity().arg("import").arg(&good).args(["--kind", "bananas"]).arg("--db").arg(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--kind") && err.lines().count() == 1, "{err}");
}

/// Every running sum (the tables of migrations 0004, 0012 and 0013, and each donation's reach mask),
/// as text rows, sorted; the version tables are left out (they only have to move).
fn running_sums(bot: &Bot) -> Vec<String> {
    let conn = bot.conn();
    let mut out = Vec::new();
    for table in [
        "ledger_sums",
        "item_sums",
        "country_item_sums",
        "partner_item_sums",
        "reach_sums",
        "reach_items",
        "reach_partners",
        "reach_countries",
        "reach_partner_countries",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.extend(rows);
    }
    let mut stmt = conn.prepare("SELECT id, reach FROM donations ORDER BY id").unwrap();
    out.extend(
        stmt.query_map([], |r| Ok(format!("reach {}: {}", r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .unwrap()
            .map(Result::unwrap),
    );
    out
}

#[test]
fn the_running_sums_an_import_adds_at_once_equal_the_sums_rebuilt_from_the_tables() {
    let bot = staff_bot();
    // A ledger logged through the chat first: the import adds to sums that are there.
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/partner add Nordrhein-Westfalen | Germany | friendship");
    bot.ok("/rate EUR 7.8 2020-01-01");
    bot.ok("/rate USD 7.0 2020-01-01");
    bot.ok("/donation 2020-03-23 | Mantova | 500 protective suits | 38500 CNY");
    bot.ok("/donation 2020-03-24 | Germany | 45000 masks | internal");
    // On days, with recipients and items, that rows of the file share: their sums meet in one row.
    bot.ok("/donation 2020-04-01 | Mantova | 500 masks | 1000 EUR");
    bot.ok("/donation 2020-04-04 | Nordrhein-Westfalen | 1000 masks | 90000 CNY");
    bot.ok("/donation 2020-04-06 | Germany | 7 gloves | 12 EUR");
    let partners = "Name,Kind,Country\nSao Paulo,partner,Brazil\nLori Province,friendship,Armenia\n";
    import_ok(&bot, partners.as_bytes(), "partners.csv");
    let mut csv = String::from("Date,Recipients,Items,Declared value,Currency,Status,Note\n");
    for i in 0..120 {
        let (to, items, value, currency) = match i % 6 {
            0 => ("Mantova", "500 masks; 20 protective suits", "1000", "EUR"),
            1 => ("\"Sao Paulo, Brazil\"", "300 masks", "", ""),
            2 => ("\"Lori Province, Japan\"", "10 litres disinfectant", "250", "USD"),
            3 => ("Nordrhein-Westfalen", "1000 masks; 5 thermometers", "90000", "CNY"),
            4 => ("\"Mantova, Sao Paulo\"", "40 goggles", "3000", "CNY"),
            _ => ("Germany", "7 gloves", "12", "EUR"),
        };
        let day = i % 28 + 1;
        let status = if i % 4 == 0 { "delivered" } else { "shipped" };
        csv.push_str(&format!("2020-04-{day:02},{to},{items},{value},{currency},{status},row {i}\n"));
    }
    let s = import_ok(&bot, csv.as_bytes(), "donations.csv");
    assert_eq!(s.written, vec![(amity::domain::RecordKind::Donation, 120)]);
    let added = running_sums(&bot);
    let conn = bot.conn();
    amity::store::records::rebuild_sums(&conn).unwrap();
    drop(conn);
    assert_eq!(added, running_sums(&bot), "an import's sums added at once differ from the tables' sums");
    // And the answers that read them say what the rows say.
    let totals = bot.ask_as(STAFF, "/totals").plain();
    assert!(totals.contains("125 donations"), "{totals}");
}

#[test]
fn an_import_row_that_would_take_a_total_past_what_amity_counts_is_that_rows_problem() {
    let bot = staff_bot();
    bot.ok("/donation 2021-06-01 | Uruguay | 5 masks | 1000 CNY");
    // Room left in the CNY total: 10,000 CNY (1,000,000 fen).
    bot.conn().execute("UPDATE ledger_sums SET cny_fen = 9223372036854775807 - 1000000", []).unwrap();
    let before = bot.counts();
    let csv = "Date,Recipients,Items,Declared value,Currency\n2021-06-02,Uruguay,5 masks,4000,CNY\n2021-06-03,Uruguay,5 masks,5000,CNY\n2021-06-04,Uruguay,5 masks,3000,CNY\n";
    let (r, s) = import(&bot, csv.as_bytes(), "full.csv");
    assert_ne!(r.outcome, Outcome::Done);
    assert!(!s.committed);
    // Rows 2 and 3 fit (9,000 CNY); row 4 would not.
    assert_eq!(s.problem_count, 1, "{}", r.plain());
    assert_eq!(s.problems[0].row, 4, "{}", r.plain());
    assert!(s.problems[0].text.contains("92,233,720,368,547,758"), "{}", s.problems[0].text);
    assert_eq!(bot.counts(), before, "nothing written");
}
