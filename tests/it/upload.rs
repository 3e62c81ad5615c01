//! A spreadsheet sent to the bot in a chat (`Core::file_refusal`, `Core::receive_file`, `/import`):
//! the dry-run report with Import / Cancel, nothing written before Import, written once however often
//! it is pressed (or redelivered), unknown recipients created only when asked, problems listed with no
//! button, and the refusals (not staff, a group, not a spreadsheet, too large, someone else's file).

use crate::common::*;
use amity::commands::Request;
use amity::commands::import::upload::MAX_UPLOAD;
use amity::render::{Outcome, Reply};

const CSV: &str = "Date,Recipients,Items,Declared value,Currency\n\
                   2020-03-23,Mantova,500 protective suits,90000,EUR\n\
                   2020-03-24,Mantova,\"20,000 masks\",4.5万,CNY\n";

fn staff_bot() -> Bot {
    let bot = spawn_core();
    bot.make_staff(STAFF);
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/rate EUR 7.8 2020-01-01");
    bot
}

/// A message from `who` with a caption, as a transport gives it (its own update id).
fn message(who: &str, caption: &str, update: u32) -> Request {
    let mut r = req_as(who, caption);
    r.update_id = Some(format!("7:{update}"));
    r
}

fn send_file(bot: &Bot, r: &Request, name: &str, bytes: &[u8]) -> Reply {
    if let Some(refusal) = bot.core.file_refusal(r, name, Some(bytes.len() as u64)) {
        check_reply(name, &refusal);
        return refusal;
    }
    let reply = bot.core.receive_file(r, name, bytes);
    check_reply(name, &reply);
    reply
}

/// The data of the card's buttons, in order.
fn buttons(r: &Reply) -> Vec<String> {
    r.buttons.iter().flatten().map(|b| b.data.clone()).collect()
}

fn press(bot: &Bot, who: &str, data: &str, update: u32) -> Reply {
    let r = bot.send(&message(who, data, update));
    check_reply(data, &r);
    r
}

#[test]
fn a_file_is_checked_then_imported_once_however_often_import_is_pressed() {
    let bot = staff_bot();
    let before = bot.counts();
    let card = send_file(&bot, &message(STAFF, "", 1), "march.csv", CSV.as_bytes());
    let text = card.plain();
    assert_eq!(card.outcome, Outcome::Done, "{text}");
    assert!(text.contains("Donations to write: 2"), "{text}");
    assert!(text.contains("Nothing is written until you press Import"), "{text}");
    assert_eq!(bot.counts(), before, "the check writes nothing:\n{text}");
    let data = buttons(&card);
    assert_eq!(data.len(), 2, "Import and Cancel: {data:?}");
    assert!(data[0].starts_with("/import confirm ") && data[1].starts_with("/import cancel "), "{data:?}");
    assert!(data.iter().all(|d| d.len() <= 64), "fits Telegram's callback_data: {data:?}");

    let done = press(&bot, STAFF, &data[0], 2);
    assert_eq!(done.outcome, Outcome::Done, "{}", done.plain());
    assert!(done.plain().contains("Donations written: 2"), "{}", done.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
    let totals = bot.ask_as(STAFF, "/totals").plain();
    assert!(totals.contains("20,000 masks") && totals.contains("500 protective suits"), "{totals}");

    // Pressed again (a second tap, another device): nothing more is written.
    let again = press(&bot, STAFF, &data[0], 3);
    assert!(again.plain().contains("march.csv was already imported"), "{}", again.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
    // The first press redelivered after a crash: its stored answer, nothing written.
    let redelivered = press(&bot, STAFF, &data[0], 2);
    assert!(redelivered.duplicate, "{}", redelivered.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
    // Cancel after the import cannot take it back.
    let cancel = press(&bot, STAFF, &data[1], 4);
    assert!(cancel.plain().contains("already imported"), "{}", cancel.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
    // The file's bytes are gone once it is imported.
    assert_eq!(bot.count("SELECT COUNT(*) FROM uploads WHERE bytes IS NOT NULL"), 0);
    let history = bot.ask_as(STAFF, "/history D-1").plain();
    assert!(history.contains("imported from march.csv, row 2"), "{history}");
}

#[test]
fn the_same_file_sent_twice_is_imported_once() {
    let bot = staff_bot();
    let first = send_file(&bot, &message(STAFF, "", 1), "march.csv", CSV.as_bytes());
    let second = send_file(&bot, &message(STAFF, "", 2), "march.csv", CSV.as_bytes());
    press(&bot, STAFF, &buttons(&first)[0], 3);
    let r = press(&bot, STAFF, &buttons(&second)[0], 4);
    assert!(r.plain().contains("Skipped, already in the ledger: 2"), "{}", r.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
    // Sent once more after that: nothing new, so no button.
    let third = send_file(&bot, &message(STAFF, "", 5), "march.csv", CSV.as_bytes());
    assert!(third.plain().contains("Nothing new"), "{}", third.plain());
    assert!(buttons(&third).is_empty());
}

#[test]
fn a_redelivered_file_message_gets_the_same_card() {
    let bot = staff_bot();
    let first = send_file(&bot, &message(STAFF, "", 1), "march.csv", CSV.as_bytes());
    let again = send_file(&bot, &message(STAFF, "", 1), "march.csv", CSV.as_bytes());
    assert_eq!(buttons(&first), buttons(&again));
    assert_eq!(bot.count("SELECT COUNT(*) FROM uploads"), 1);
}

#[test]
fn cancel_drops_the_file_and_a_later_import_press_writes_nothing() {
    let bot = staff_bot();
    let card = send_file(&bot, &message(STAFF, "", 1), "march.csv", CSV.as_bytes());
    let data = buttons(&card);
    let cancelled = press(&bot, STAFF, &data[1], 2);
    assert!(cancelled.plain().contains("Cancelled: nothing from march.csv was written"), "{}", cancelled.plain());
    let late = press(&bot, STAFF, &data[0], 3);
    assert!(late.plain().contains("was cancelled"), "{}", late.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 0);
    assert_eq!(bot.count("SELECT COUNT(*) FROM uploads WHERE bytes IS NOT NULL"), 0);
}

#[test]
fn unknown_recipients_get_a_button_that_creates_them() {
    let bot = staff_bot();
    let csv = "Date,Recipients,Items\n2020-03-23,Mantova,500 suits\n2020-03-24,Brest (Belarus),5 masks\n";
    let card = send_file(&bot, &message(STAFF, "", 1), "new.csv", csv.as_bytes());
    let text = card.plain();
    assert!(text.contains("“Brest (Belarus)” is not a partner yet") || text.contains("Brest"), "{text}");
    assert!(text.contains("Partners to create (1): Brest (BY)"), "{text}");
    let data = buttons(&card);
    assert!(data[0].ends_with(" create-partners"), "{data:?}");
    assert_eq!(card.buttons[0][0].label, "Import and create 1 partner");
    assert_eq!(bot.count("SELECT COUNT(*) FROM partners"), 1, "nothing created by the check");
    let done = press(&bot, STAFF, &data[0], 2);
    assert!(done.plain().contains("Partners created (1): Brest (BY)"), "{}", done.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM partners"), 2);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 2);
}

#[test]
fn a_file_with_problems_lists_them_and_offers_no_button() {
    let bot = staff_bot();
    let csv =
        "日期,受赠方,物资,金额,币种\n2020-03-23,Mantova,2万只口罩,\"3,5 million\",EUR\n2020-02-30,Mantova,masks,,\n";
    let r = send_file(&bot, &message(STAFF, "", 1), "bad.csv", csv.as_bytes());
    let text = r.plain();
    assert_eq!(r.outcome, Outcome::Invalid, "{text}");
    assert!(text.contains("row 2, 金额: “3,5 million” is not an amount"), "{text}");
    assert!(text.contains("row 3, 日期: “2020-02-30”"), "{text}");
    assert!(text.contains("send the file again"), "{text}");
    assert!(!text.contains("--create-partners") && !text.contains("--dry-run"), "no terminal flags in a chat: {text}");
    assert!(buttons(&r).is_empty());
    assert_eq!(bot.count("SELECT COUNT(*) FROM uploads"), 0, "nothing kept to confirm");
}

#[test]
fn a_long_list_of_problems_is_cut_short_for_a_phone() {
    let bot = staff_bot();
    let mut csv = String::from("Date,Recipients,Items\n");
    for _ in 0..200 {
        csv.push_str("2020-02-30,Mantova,5 masks\n");
    }
    let r = send_file(&bot, &message(STAFF, "", 1), "many.csv", csv.as_bytes());
    let text = r.plain();
    assert!(text.contains("Problems: 200"), "{text}");
    assert!(text.contains("… and 175 more."), "{text}");
    assert!(text.lines().count() < 40, "{text}");
}

#[test]
fn files_are_refused_with_the_reason_before_they_are_fetched() {
    let bot = staff_bot();
    bot.make_staff(STAFF2);
    let stranger = message("999000111", "", 1);
    let r = bot.core.file_refusal(&stranger, "march.csv", Some(100)).expect("refused");
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.plain().contains("Only staff can import"), "{}", r.plain());
    let group = in_group(message(STAFF, "", 2));
    let r = bot.core.file_refusal(&group, "march.csv", Some(100)).expect("refused");
    assert!(r.plain().contains("private chat"), "{}", r.plain());
    let r = bot.core.file_refusal(&message(STAFF, "", 3), "minutes.pdf", Some(100)).expect("refused");
    assert!(r.plain().contains("minutes.pdf is not a spreadsheet I can import"), "{}", r.plain());
    let r = bot.core.file_refusal(&message(STAFF, "", 4), "huge.xlsx", Some(MAX_UPLOAD + 1)).expect("refused");
    assert!(r.plain().contains("up to 20.0 MB"), "{}", r.plain());
    assert!(bot.core.file_refusal(&message(STAFF, "", 5), "March.XLSX", Some(100)).is_none());
    // Somebody else's card: only its sender can press it.
    let card = send_file(&bot, &message(STAFF, "", 6), "march.csv", CSV.as_bytes());
    let r = press(&bot, STAFF2, &buttons(&card)[0], 7);
    assert_eq!(r.outcome, Outcome::Refused, "{}", r.plain());
    assert!(r.plain().contains("Only the person who sent the file"), "{}", r.plain());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 0);
    let r = press(&bot, STAFF, "/import confirm 99", 8);
    assert!(r.plain().contains("no such file"), "{}", r.plain());
}

#[test]
fn a_caption_names_the_kind_and_a_chinese_user_is_answered_in_chinese() {
    let bot = staff_bot();
    bot.ok_as(STAFF, "/lang zh");
    // Headings that do not say what they are: the caption does.
    let csv = "日期,方向,对象,作者\n2020-04-02,收到,Mantova,Mattia Palazzi\n";
    let card = send_file(&bot, &message(STAFF, "信函", 1), "2020.csv", csv.as_bytes());
    let text = card.plain();
    assert_eq!(card.outcome, Outcome::Done, "{text}");
    assert!(text.contains("按“导入”之前不会写入"), "{text}");
    assert_eq!(card.buttons[0][0].label, "导入");
    press(&bot, STAFF, &buttons(&card)[0], 2);
    assert_eq!(bot.count("SELECT COUNT(*) FROM letters"), 1);
    let r = send_file(&bot, &message(STAFF, "tomorrow please", 3), "2020.csv", csv.as_bytes());
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(r.plain().contains("说明文字"), "{}", r.plain());
}

#[test]
fn import_without_a_file_says_how() {
    let bot = staff_bot();
    // The console cannot be sent a file: the terminal's command.
    let text = bot.ok("/import");
    assert!(text.contains("amity import FILE --dry-run"), "{text}");
    let mut tg = req_as(STAFF, "/import");
    tg.transport = "telegram";
    let text = bot.send(&tg).plain();
    assert!(text.contains("Send me a spreadsheet") && text.contains("20.0 MB"), "{text}");
    let mut zh = req_as(STAFF, "/导入");
    zh.transport = "telegram";
    zh.lang_hint = Some("zh".into());
    let zh = bot.send(&zh).plain();
    assert!(zh.contains("表格文件"), "{zh}");
    let r = bot.invalid_as(STAFF, "/import frobnicate");
    assert!(r.contains("/import confirm N"), "{r}");
}
