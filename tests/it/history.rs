//! History and corrections: /edit keeps the old value, /delete drops a record from totals, /undo takes
//! back a person's last create, edit or delete within the window unless someone changed it since; and
//! the same transport update never writes twice.

use crate::common::*;
use amity::render::Outcome;
use chrono::Duration;

fn ledger() -> Bot {
    let bot = spawn_core();
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/rate USD 7 2020-01-01");
    bot.make_staff(STAFF);
    bot.make_staff(STAFF2);
    bot
}

#[test]
fn edit_changes_one_field_and_history_shows_before_and_after() {
    let bot = ledger();
    bot.ok_as(STAFF, "/donation 2020-05-31 | Mantova | 100 medical goggles | ¥7,000 | status: pledged");
    let out = bot.ok_as(STAFF, "/edit D-1 status: delivered");
    assert!(out.starts_with("Edited D-1"), "{out}");
    assert!(out.contains("pledged → delivered"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE status = 'delivered'"), 1);
    let out = bot.ok_as(STAFF, "/history D-1");
    assert!(out.contains("created") && out.contains("edited"), "{out}");
    assert!(out.contains("Status: pledged → delivered"), "{out}");
    assert!(out.contains(&format!("tg:{STAFF}")), "{out}");
    // The history's times are the core's clock (2020-07-01 12:00 in Shanghai).
    assert!(out.contains("2020-07-01 12:00"), "{out}");

    // Other fields and other kinds.
    bot.ok_as(STAFF, "/edit D-1 items: 200 medical goggles");
    assert!(bot.ok("/donations").contains("200 medical goggles"));
    bot.ok_as(STAFF, "/edit D-1 value: ¥14,000");
    assert_eq!(bot.count("SELECT usd_cents FROM donations WHERE id = 1"), 200_000);
    bot.ok_as(STAFF, "/edit D-1 visibility: internal");
    assert!(!bot.ok_as(STRANGER, "/donations").contains("goggles"));
    bot.ok_as(STAFF, "/edit d1 note: checked");
    bot.ok_as(STAFF, "/letter 2020-04-10 | received | Mantova | from: Mayor | \"Thanks\"");
    bot.ok_as(STAFF, "/edit L-1 quote: \"Many thanks\"");
    assert!(bot.ok("/letters").contains("“Many thanks”"));
    bot.ok_as(STAFF, "/edit P-1 aliases: Mantua, 曼托瓦");
    assert!(bot.ok("/partner 曼托瓦").starts_with("Mantova"));
    assert_eq!(bot.count("SELECT COUNT(*) FROM changes WHERE action = 'edit'"), 7);

    // Malformed edits: one reason, the form, nothing written.
    for (cmd, why) in [
        ("/edit D-1 colour: red", "colour"),
        ("/edit D-1 status: lost", "lost"),
        ("/edit D-1 date: 2020-02-30", "2020-02-29"),
        ("/edit D-1 value: 500 XYZ", "XYZ"),
        ("/edit D-1 items: -5 masks", "negative"),
        ("/edit D-1", "FIELD"),
        ("/edit", "ID"),
        ("/edit X-1 status: delivered", "X-1"),
        ("/edit D-1 status: delivered", "already"),
    ] {
        let out = bot.invalid_as(STAFF, cmd);
        assert!(out.contains(why), "{cmd}: reason {why:?} not given:\n{out}");
        if !cmd.ends_with("status: delivered") {
            assert_explains(cmd, &out);
        }
    }
    let out = bot.invalid_as(STAFF, "/edit D-99 status: delivered");
    assert!(out.contains("D-99"), "{out}");
    let out = bot.invalid_as(STAFF, "/history D-99");
    assert!(out.contains("D-99"), "{out}");
}

#[test]
fn delete_needs_a_reason_and_drops_the_record_from_totals() {
    let bot = ledger();
    bot.ok_as(STAFF, "/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000");
    bot.ok_as(STAFF, "/donation 2020-06-01 | Mantova | 5 masks | ¥700");
    let out = bot.invalid_as(STAFF, "/delete D-1");
    assert!(out.contains("REASON"), "{out}");
    assert_explains("/delete D-1", &out);
    let out = bot.ok_as(STAFF, "/delete D-1 entered twice");
    assert!(out.starts_with("Deleted D-1"), "{out}");
    let out = bot.ok("/totals");
    assert!(out.contains("One donation: CNY 700 ($100)"), "{out}");
    assert!(!bot.ok("/donations").contains("goggles"));
    assert!(!bot.ok("/search goggles").contains("D-1"));
    assert!(!bot.ok("/partner Mantova").contains("goggles"));
    assert!(!bot.ok("/countries").contains("CNY 7,700"));
    // Kept in the database and the history, with the reason.
    assert_eq!(
        bot.count("SELECT COUNT(*) FROM donations WHERE deleted_at IS NOT NULL AND deleted_reason = 'entered twice'"),
        1
    );
    let out = bot.ok("/history D-1");
    assert!(out.contains("deleted") && out.contains("entered twice"), "{out}");
    let out = bot.invalid_as(STAFF, "/delete D-1 again");
    assert!(out.contains("already deleted"), "{out}");
    let out = bot.invalid_as(STAFF, "/edit D-1 status: pledged");
    assert!(out.contains("deleted"), "{out}");
}

#[test]
fn undo_takes_back_create_edit_and_delete() {
    let bot = ledger();
    // Create.
    bot.ok_as(STAFF, "/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000");
    let out = bot.ok_as(STAFF, "/undo");
    assert!(out.starts_with("Undone: D-1"), "{out}");
    assert!(bot.ok("/totals").contains("No donations"));
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE deleted_at IS NULL"), 0);

    // Edit.
    bot.ok_as(STAFF, "/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000 | status: pledged");
    bot.ok_as(STAFF, "/edit D-2 status: shipped");
    let out = bot.ok_as(STAFF, "/undo");
    assert!(out.contains("D-2") && out.contains("back"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE id = 2 AND status = 'pledged'"), 1);

    // Delete.
    bot.ok_as(STAFF, "/delete D-2 mistake");
    assert!(bot.ok("/totals").contains("No donations"));
    let out = bot.ok_as(STAFF, "/undo");
    assert!(out.contains("restored"), "{out}");
    assert!(bot.ok("/totals").contains("One donation: CNY 7,000 ($1,000)"));

    // Each undo goes one step further back; then the create itself; then nothing.
    // Typed by its Chinese name: answered in Chinese (no language chosen).
    let out = bot.ok_as(STAFF, "/撤销");
    assert!(out.contains("已移除"), "{out}");
    let out = bot.invalid_as(STAFF, "/undo");
    assert!(out.contains("no change to undo"), "{out}");
    let out = bot.ok_as(STAFF, "/history D-2");
    assert!(out.contains("undone"), "{out}");
}

#[test]
fn undo_window_follows_the_clock() {
    let bot = spawn_with(|c| c.access.undo_window_hours = 24);
    bot.make_staff(STAFF);
    bot.ok_as(STAFF, "/donation 2020-05-31 | Japan | 10 masks");
    bot.advance(Duration::hours(23));
    bot.ok_as(STAFF, "/donation 2020-05-31 | Japan | 20 masks");
    bot.advance(Duration::hours(23));
    // The second entry is 23 hours old: undone. The first is now 46 hours old: too old.
    bot.ok_as(STAFF, "/undo");
    let out = bot.invalid_as(STAFF, "/undo");
    assert!(out.contains("D-1") && out.contains("24 hours"), "{out}");
    assert!(out.contains("/edit") || out.contains("/delete"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE deleted_at IS NULL"), 1);
}

#[test]
fn someone_elses_later_change_blocks_undo() {
    let bot = ledger();
    bot.ok_as(STAFF, "/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000 | status: pledged");
    bot.ok_as(STAFF2, "/edit D-1 status: shipped");
    let out = bot.invalid_as(STAFF, "/undo");
    assert!(out.contains("D-1") && out.contains("/history D-1"), "{out}");
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations WHERE deleted_at IS NULL AND status = 'shipped'"), 1);
    // The other person can undo their own edit; then the first one's create is theirs to undo again.
    bot.ok_as(STAFF2, "/undo");
    let out = bot.invalid_as(STAFF, "/undo");
    assert!(out.contains("D-1"), "the record was changed twice since; undo stays blocked:\n{out}");
    // Undo is per person: a third person has nothing to undo.
    bot.make_staff("31337");
    let out = bot.invalid_as("31337", "/undo");
    assert!(out.contains("no change"), "{out}");
}

#[test]
fn the_same_update_writes_once() {
    let bot = ledger();
    let mk = |text: &str, id: &str| {
        let mut r = req_as(STAFF, text);
        r.transport = "telegram";
        r.update_id = Some(id.into());
        r
    };
    let first = bot.send(&mk("/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000", "42"));
    assert_eq!(first.outcome, Outcome::Done);
    assert!(!first.duplicate);
    let before = bot.counts();
    let second = bot.send(&mk("/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000", "42"));
    assert!(second.duplicate, "{}", second.plain());
    assert_eq!(second.plain(), first.plain());
    assert_eq!(before, bot.counts());
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 1);
    // Another update id writes; the same id on another transport is another update.
    bot.send(&mk("/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000", "43"));
    let mut other = mk("/donation 2020-05-31 | Mantova | 100 goggles | ¥7,000", "42");
    other.transport = "matrix";
    assert!(!bot.send(&other).duplicate);
    assert_eq!(bot.count("SELECT COUNT(*) FROM donations"), 3);
    // A redelivered /undo, /edit, /delete or /staff add is not applied twice.
    for (i, cmd) in ["/edit D-1 status: shipped", "/delete D-2 twice", "/undo"].iter().enumerate() {
        let id = format!("5{i}");
        let a = bot.send(&mk(cmd, &id));
        assert_eq!(a.outcome, Outcome::Done, "{cmd}: {}", a.plain());
        let before = bot.counts();
        assert!(bot.send(&mk(cmd, &id)).duplicate, "{cmd}");
        assert_eq!(before, bot.counts(), "{cmd}");
    }
    // A refused update is not recorded: after the problem is fixed, a retry may write.
    let bad = mk("/donation 2020-05-31 | Atlantis | 1 box", "60");
    assert_eq!(bot.send(&bad).outcome, Outcome::Invalid);
    assert_eq!(bot.count("SELECT COUNT(*) FROM processed_updates WHERE update_key = 'telegram:60'"), 0);
}

#[test]
fn a_partner_that_records_name_cannot_be_deleted_or_undone_away() {
    let bot = spawn_core();
    bot.ok("/partner add Lyon | France | friendship");
    bot.ok("/donation 2020-03-01 | Lyon | 500 masks");
    let r = bot.invalid("/delete P-1 duplicate");
    assert!(r.contains("P-1") && r.contains("one record"), "{r}");
    // Undo takes back the donation first, then the partner.
    bot.ok("/undo");
    bot.ok("/undo");
    assert_eq!(bot.count("SELECT COUNT(*) FROM partners WHERE deleted_at IS NULL"), 0);
}
