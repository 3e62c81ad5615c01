//! The whole-ledger totals are read from running sums kept on every write (migration 0004). Whatever
//! happens to donations — created, edited (items, value, visibility, recipients), deleted, restored by
//! undo, valued in USD later — the sums must equal a scan of the live donations.

use crate::common::*;
use amity::store::reports::{self, DonationTotals, Scope};
use proptest::prelude::*;

/// Item key, unit and quantity.
type ItemRow = (String, Option<String>, i64);

fn comparable(t: &DonationTotals) -> (Vec<i64>, Vec<ItemRow>) {
    let mut items: Vec<_> = t.items.iter().map(|i| (i.key.clone(), i.unit.clone(), i.quantity)).collect();
    items.sort();
    let mut kinds: Vec<i64> = t.partners_by_kind.iter().map(|(_, n)| *n).collect();
    kinds.sort();
    let mut nums =
        vec![t.count, t.valued, t.cny_fen, t.usd_cents, t.usd_missing, t.shared, t.countries, t.direct_countries];
    nums.extend(kinds);
    (nums, items)
}

fn assert_sums_match(bot: &Bot) {
    bot.core.with_store_locked(|s| {
        for staff in [false, true] {
            let fast = reports::donation_totals(s.conn(), &Scope::all(staff)).unwrap();
            let scan = reports::scanned_donation_totals(s.conn(), &Scope::all(staff)).unwrap();
            assert_eq!(comparable(&fast), comparable(&scan), "staff={staff}");
        }
    });
}

#[test]
fn running_sums_follow_creates_edits_deletes_undos_and_late_rates() {
    let bot = spawn_core();
    bot.ok("/partner add Lyon | France | friendship");
    bot.ok("/partner add Mantova | Italy | partner");
    assert_sums_match(&bot);
    bot.ok("/donation 2020-03-01 | Lyon | 500 masks; 20 sets protective suits | 1000 CNY");
    bot.ok("/donation 2020-03-02 | Japan, Republic of Korea | 45,000 masks");
    bot.ok("/donation 2020-03-03 | Mantova | 100 medical goggles | 38,500 CNY | internal");
    assert_sums_match(&bot);
    bot.ok("/edit D-1 items: 600 Masks");
    bot.ok("/edit D-3 visibility: public");
    bot.ok("/edit D-2 recipient: Japan");
    bot.ok("/edit D-1 value: 2000 CNY");
    assert_sums_match(&bot);
    bot.ok("/delete D-2 entered twice");
    assert_sums_match(&bot);
    bot.ok("/undo"); // restores D-2
    assert_sums_match(&bot);
    bot.ok("/rate USD 7.0835 2020-01-01"); // fills the USD of every valued donation
    assert_sums_match(&bot);
    bot.ok("/undo"); // nothing of the rate is undoable; takes back the restore of D-2 instead
    assert_sums_match(&bot);
    let totals = bot.ok("/totals");
    let scanned = bot.ok("/totals 1900..2100");
    let money = |s: &str| s.lines().find(|l| l.contains("donation")).unwrap_or_default().to_string();
    assert_eq!(money(&totals), money(&scanned));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn any_sequence_of_changes_keeps_the_sums_equal_to_a_scan(ops in prop::collection::vec(0u8..9, 1..25)) {
        let bot = spawn_core();
        bot.ok("/partner add Lyon | France | friendship");
        bot.ok("/rate EUR 7.8 2020-01-01");
        let mut n = 0;
        for op in ops {
            let id = if n > 0 { format!("D-{}", (op as usize % n) + 1) } else { "D-1".into() };
            let text = match op {
                0 => "/donation 2020-03-01 | Lyon | 500 masks | 1000 CNY".to_string(),
                1 => "/donation 2020-03-02 | Japan, Korea | 45,000 masks; 3 boxes gloves".to_string(),
                2 => "/donation 2020-03-03 | Italy | 100 goggles | €500 | internal".to_string(),
                3 => format!("/edit {id} items: 7 boxes gloves"),
                4 => format!("/edit {id} visibility: internal"),
                5 => format!("/delete {id} test"),
                6 => "/undo".to_string(),
                7 => format!("/edit {id} value: 12 USD"),
                _ => "/rate USD 7.0835 2020-01-01".to_string(),
            };
            let r = bot.ask(&text);
            if op <= 2 && r.is_ok() {
                n += 1;
            }
            assert_sums_match(&bot);
        }
    }
}

#[test]
fn sums_rebuilt_after_a_bulk_load_match_a_scan() {
    let bot = spawn_core();
    bot.ok("/donation 2020-03-01 | Japan | 500 masks | 1000 CNY");
    let conn = bot.conn();
    // A bulk load that bypasses amity (as the benchmark generator does), then a rebuild.
    conn.execute_batch(
        "INSERT INTO donations (date, donor, value, currency, value_date, rate, cny_fen, status, internal, created_by, created_at)
           VALUES ('2020-04-01', 'x', '5', 'CNY', '2020-04-01', '1', 500, 'delivered', 0, 'x', 'x');
         INSERT INTO donation_recipients (donation_id, seq, country) VALUES (2, 0, 'FR');
         INSERT INTO donation_items (donation_id, seq, quantity, item, item_key) VALUES (2, 0, 7, 'gloves', 'glove');",
    )
    .unwrap();
    amity::store::records::rebuild_sums(&conn).unwrap();
    drop(conn);
    assert_sums_match(&bot);
}
