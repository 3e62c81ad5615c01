//! Roles and visibility: who may log, who may manage staff, what non-staff see, and where logging is
//! allowed. Every refusal names the person's own id and writes nothing.

use crate::common::*;
use amity::render::Outcome;

const WRITES: &[&str] = &[
    "/donation 2020-03-23 | Germany | 500 protective suits",
    "/letter 2020-03-20 | sent | Mantova | signed: Governor",
    "/event 2020-05-20 | webinar | Thailand | Topic",
    "/reception 2020-03-31 | Taiyuan airport | 13 | Ambassadors",
    "/partner add Lori Province | Armenia | friendship",
    "/edit D-1 status: pledged",
    "/delete D-1 entered twice",
    "/undo",
];

fn ledger() -> Bot {
    let bot = spawn_core();
    bot.ok("/partner add Mantova | Italy | partner");
    bot.ok("/rate USD 7 2020-01-01");
    bot.ok("/donation 2020-03-01 | Mantova | 100 masks | ¥7,000");
    bot.ok("/donation 2020-03-02 | Mantova | 3 secret boxes | ¥70,000 | internal");
    bot.ok("/donation 2020-03-03 | Kenya | 5 hidden crates | - | internal | note: confidential shipment");
    bot.ok("/letter 2020-03-04 | sent | Mantova | signed: Governor | internal");
    bot.ok("/event 2020-03-05 | visit | Mantova | Private visit | internal");
    bot.ok("/reception 2020-03-06 | Taiyuan airport | 4 | Quiet guests | internal");
    bot.make_staff(STAFF);
    bot
}

#[test]
fn strangers_are_refused_logging_with_their_id() {
    let bot = ledger();
    for cmd in WRITES.iter().chain(["/history D-1", "/rate USD 7.1 2020-02-01", "/staff add 5"].iter()) {
        let out = bot.refused_as(STRANGER, cmd);
        assert!(out.contains(&format!("Your id is {STRANGER}")), "{cmd}:\n{out}");
    }
    let out = bot.refused_as(STRANGER, WRITES[0]);
    assert_eq!(
        out.trim(),
        format!("Only staff can log entries. Your id is {STRANGER}; an admin can add you with /staff add {STRANGER}.")
    );
    // Even a malformed logging command is refused for the role first (no parsing hints to strangers).
    bot.refused_as(STRANGER, "/donation garbage");
}

#[test]
fn staff_can_log_but_not_manage_staff() {
    let bot = ledger();
    let out = bot.ok_as(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits");
    assert!(out.starts_with("Saved D-4"), "{out}");
    bot.ok_as(STAFF, "/letter 2020-03-20 | sent | Mantova | signed: Governor");
    bot.ok_as(STAFF, "/event 2020-05-20 | webinar | Thailand | Topic");
    bot.ok_as(STAFF, "/reception 2020-03-31 | Taiyuan airport | 13 | Ambassadors");
    bot.ok_as(STAFF, "/partner add Lori Province | Armenia | friendship");
    bot.ok_as(STAFF, "/rate EUR 7.8 2020-01-01");
    bot.ok_as(STAFF, "/history D-4");
    assert_eq!(bot.count(&format!("SELECT COUNT(*) FROM donations WHERE created_by = 'tg:{STAFF}'")), 1);
    for cmd in ["/staff add 5", "/staff remove 5", "/staff list"] {
        let out = bot.refused_as(STAFF, cmd);
        assert!(out.contains("Only admins") && out.contains(STAFF), "{cmd}:\n{out}");
    }
    // A removed member is a stranger again.
    bot.ok("/staff remove 123456789");
    bot.refused_as(STAFF, "/donation 2020-03-23 | Germany | 1 box");
    // An admin added in chat can manage staff.
    bot.ok(&format!("/staff add {STAFF2} admin"));
    bot.ok_as(STAFF2, "/staff add 77 staff");
}

#[test]
fn internal_records_are_hidden_from_non_staff() {
    let bot = ledger();
    let secrets = ["secret boxes", "hidden crates", "confidential", "Private visit", "Quiet guests", "Kenya"];
    for q in [
        "/totals",
        "/donations",
        "/donations Italy",
        "/donations Mantova",
        "/partner Mantova",
        "/letters",
        "/events",
        "/receptions",
        "/countries",
        "/search secret",
        "/search confidential",
        "/search Private",
        "/search Quiet",
        "/partners",
    ] {
        let mut public = bot.ok_as(STRANGER, q);
        if q.starts_with("/search") {
            // The title repeats the query; the rest must be empty.
            assert!(public.contains("Nothing found"), "{q}:\n{public}");
            public = public.lines().skip(1).collect::<Vec<_>>().join("\n");
        }
        for s in secrets {
            assert!(!public.contains(s), "{q} shows {s:?} to a stranger:\n{public}");
        }
        assert!(!public.contains("CNY 77,000") && !public.contains("70,000"), "{q}:\n{public}");
        if !q.starts_with("/search")
            && !q.starts_with("/letters")
            && !q.starts_with("/events")
            && !q.starts_with("/receptions")
            && !q.starts_with("/partners")
        {
            assert!(public.contains("Public records only"), "{q}:\n{public}");
        }
    }
    // The stranger's totals count only the public donation.
    let out = bot.ok_as(STRANGER, "/totals");
    assert!(out.contains("One donation: CNY 7,000 ($1,000)"), "{out}");
    assert!(out.contains("No letters") && out.contains("No events") && out.contains("No receptions"), "{out}");
    let out = bot.ok_as(STRANGER, "/partners");
    assert!(out.contains("one donation (CNY 7,000)"), "{out}");
    assert!(!out.contains("3 donations"), "internal donations counted in the tally:\n{out}");
    let out = bot.ok_as(STRANGER, "/countries");
    assert!(!out.contains("(KE)"), "{out}");

    // Staff see everything, marked internal.
    let out = bot.ok_as(STAFF, "/totals");
    assert!(out.contains("3 donations: CNY 77,000 ($11,000)"), "{out}");
    assert!(out.contains("Including internal records"), "{out}");
    let out = bot.ok_as(STAFF, "/donations");
    assert!(out.contains("secret boxes") && out.contains("hidden crates") && out.contains("internal"), "{out}");
    for (q, s) in [
        ("/partner Mantova", "secret boxes"),
        ("/search confidential", "hidden crates"),
        ("/countries", "(KE)"),
        ("/letters", "Governor"),
        ("/events", "Private visit"),
        ("/receptions", "Quiet guests"),
    ] {
        let out = bot.ok_as(STAFF, q);
        assert!(out.contains(s), "{q} hides {s:?} from staff:\n{out}");
    }
}

#[test]
fn staff_only_ledger_when_public_read_is_off() {
    let bot = spawn_with(|c| c.access.public_read = false);
    bot.make_staff(STAFF);
    let out = bot.refused_as(STRANGER, "/totals");
    assert!(out.contains(STRANGER), "{out}");
    bot.ok_as(STRANGER, "/help");
    bot.ok_as(STRANGER, "/start");
    bot.ok_as(STAFF, "/totals");
}

#[test]
fn logging_in_groups_is_refused_unless_allowed() {
    let bot = ledger();
    for cmd in WRITES {
        let out = bot.refused_req(&in_group(req_as(STAFF, cmd)));
        assert!(out.contains("private chat"), "{cmd}:\n{out}");
        bot.refused_req(&in_group(req(cmd)));
    }
    let mut channel = req(WRITES[0]);
    channel.chat_kind = amity::ChatKind::Channel;
    bot.refused_req(&channel);
    // Reading works in groups.
    let r = bot.send(&in_group(req_as(STRANGER, "/totals")));
    assert_eq!(r.outcome, Outcome::Done);

    let open = spawn_with(|c| c.access.logging_in_groups = true);
    open.make_staff(STAFF);
    let r = open.send(&in_group(req_as(STAFF, WRITES[0])));
    assert_eq!(r.outcome, Outcome::Done, "{}", r.plain());
    // Still staff only.
    open.refused_req(&in_group(req_as(STRANGER, WRITES[0])));
}

#[test]
fn forwarded_messages_never_write() {
    let bot = ledger();
    for cmd in WRITES.iter().chain(["/staff add 5", "/partner add X | Italy | partner"].iter()) {
        let out = bot.refused_req(&forwarded(req(cmd)));
        assert!(out.contains("forwarded"), "{cmd}:\n{out}");
        bot.refused_req(&forwarded(req_as(STAFF, cmd)));
    }
    // A forwarded reading command is answered.
    let r = bot.send(&forwarded(req("/totals")));
    assert_eq!(r.outcome, Outcome::Done);
}

#[test]
fn a_username_is_not_an_identity() {
    let bot = ledger();
    // The staff member's display name on someone else's id gives no rights.
    let mut r = req_as(STRANGER, WRITES[0]);
    r.user_name = Some("Li Wei".into());
    bot.refused_req(&r);
    // The same number on another transport is another person.
    let out = bot.refused_req(&req_as(&format!("@{STAFF}:example.org"), WRITES[0]));
    assert!(out.contains(STAFF), "{out}");
}

#[test]
fn in_a_group_staff_get_the_public_figures_because_everyone_reads_the_answer() {
    let bot = ledger();
    let private = bot.ok_as(STAFF, "/totals");
    assert!(private.contains("CNY 77,000") && private.contains("Including internal records"), "{private}");
    for cmd in ["/totals", "/donations", "/donations Italy", "/letters", "/events", "/receptions", "/search secret"] {
        let r = bot.send(&in_group(req_as(STAFF, cmd)));
        assert_eq!(r.outcome, Outcome::Done, "{cmd}: {}", r.plain());
        let out = r.plain();
        for hidden in ["70,000", "77,000", "secret boxes", "hidden crates", "Private visit", "Quiet guests"] {
            assert!(!out.contains(hidden), "{cmd} in a group shows {hidden:?}:\n{out}");
        }
    }
    let out = bot.send(&in_group(req_as(STAFF, "/totals"))).plain();
    assert!(
        out.contains("CNY 7,000") && out.contains("internal records are shown to staff in a private chat"),
        "{out}"
    );
    // A record's history is the record: refused in a group when it is internal, shown when public.
    let out = bot.refused_req(&in_group(req_as(STAFF, "/history D-2")));
    assert!(out.contains("D-2 is an internal record"), "{out}");
    assert_eq!(bot.send(&in_group(req_as(STAFF, "/history D-1"))).outcome, Outcome::Done);
    assert_eq!(bot.send(&req_as(STAFF, "/history D-2")).outcome, Outcome::Done);
}
