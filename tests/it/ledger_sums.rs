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
    // Each country's and partner's all-time totals read their items from the filter sums (migration
    // 0012): they must equal plain SQL over the tables.
    let conn = bot.conn();
    let countries: Vec<String> = conn
        .prepare("SELECT DISTINCT country FROM donation_recipients")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let partners: Vec<i64> = conn
        .prepare("SELECT id FROM partners")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut filters: Vec<(reports::Filter, String)> = countries
        .iter()
        .map(|c| {
            (
                reports::Filter::Country(amity::domain::CountryCode::from_alpha2(c).unwrap()),
                format!(" AND t.id IN (SELECT donation_id FROM donation_recipients WHERE country = '{c}')"),
            )
        })
        .collect();
    filters.extend(partners.iter().map(|p| {
        (
            reports::Filter::Partner(*p),
            format!(" AND t.id IN (SELECT donation_id FROM donation_recipients WHERE partner_id = {p})"),
        )
    }));
    for staff in [false, true] {
        for (filter, sql) in &filters {
            let scope = Scope { from: None, to: None, staff, filter: filter.clone() };
            let vis = if staff { "" } else { " AND t.internal = 0" };
            let (scan, _) = reports::donation_scan(&conn, &scope, None).unwrap();
            assert_eq!(comparable(&scan), oracle(&conn, &format!("t.deleted_at IS NULL{vis}{sql}")), "{scope:?}");
        }
    }
    // No row of the filter sums outlives what it counts.
    assert_eq!(bot.count("SELECT COUNT(*) FROM country_item_sums WHERE quantity <= 0"), 0);
    assert_eq!(bot.count("SELECT COUNT(*) FROM partner_item_sums WHERE quantity <= 0"), 0);
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
    fn any_sequence_of_changes_keeps_the_sums_equal_to_a_scan(ops in prop::collection::vec(0u8..11, 1..25)) {
        let bot = spawn_core();
        bot.ok("/partner add Lyon | France | friendship");
        bot.ok("/partner add Mantova | Italy | partner");
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
                9 => format!("/edit {id} recipient: Lyon, Mantova, Japan"),
                10 => "/donation 2020-03-04 | Mantova, Lyon | 5 masks; 2 masks".to_string(),
                _ => "/rate USD 7.0835 2020-01-01".to_string(),
            };
            let r = bot.ask(&text);
            if (op <= 2 || op == 10) && r.is_ok() {
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

/// The totals of a filter as plain SQL computes them, one statement each (what amity did before it
/// read a filter's donations in one pass): the oracle for `reports::donation_scan`.
fn oracle(c: &rusqlite::Connection, scope_sql: &str) -> (Vec<i64>, Vec<ItemRow>) {
    let one = |sql: String| -> i64 { c.query_row(&sql, [], |r| r.get(0)).unwrap() };
    let sel = format!("SELECT t.id FROM donations t WHERE {scope_sql}");
    let mut nums = vec![
        one(format!("SELECT COUNT(*) FROM donations t WHERE {scope_sql}")),
        one(format!("SELECT COUNT(t.value) FROM donations t WHERE {scope_sql}")),
        one(format!("SELECT COALESCE(SUM(t.cny_fen), 0) FROM donations t WHERE {scope_sql}")),
        one(format!("SELECT COALESCE(SUM(t.usd_cents), 0) FROM donations t WHERE {scope_sql}")),
        one(format!(
            "SELECT COUNT(*) FROM donations t WHERE {scope_sql} AND t.value IS NOT NULL AND t.usd_cents IS NULL"
        )),
        one(format!(
            "SELECT COUNT(*) FROM (SELECT donation_id FROM donation_recipients WHERE donation_id IN ({sel}) GROUP BY donation_id HAVING COUNT(*) > 1)"
        )),
        one(format!("SELECT COUNT(DISTINCT country) FROM donation_recipients WHERE donation_id IN ({sel})")),
        one(format!(
            "SELECT COUNT(DISTINCT country) FROM donation_recipients WHERE partner_id IS NULL AND donation_id IN ({sel})"
        )),
    ];
    let mut st = c
        .prepare(&format!(
            "SELECT COUNT(DISTINCT r.partner_id) FROM donation_recipients r JOIN partners p ON p.id = r.partner_id
             WHERE r.donation_id IN ({sel}) GROUP BY p.kind"
        ))
        .unwrap();
    let mut kinds: Vec<i64> = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    kinds.sort();
    nums.extend(kinds);
    let mut st = c
        .prepare(&format!(
            "SELECT item_key, unit, SUM(quantity) FROM donation_items WHERE donation_id IN ({sel}) GROUP BY item_key, unit"
        ))
        .unwrap();
    let mut items: Vec<ItemRow> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect();
    items.sort();
    (nums, items)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// For every kind of filter and period, the one-pass totals and page equal plain SQL.
    #[test]
    fn a_filters_totals_and_page_from_one_pass_equal_plain_sql(
        donations in prop::collection::vec(
            (
                1u32..28,
                prop::sample::subsequence(vec!["Lyon", "Mantova", "Japan", "France", "Kenya"], 1..4),
                prop::sample::select(vec!["500 masks", "20 sets protective suits; 5 masks", "100 medical goggles"]),
                prop::sample::select(vec!["-", "1000 CNY", "25 USD"]),
                prop::sample::select(vec!["Office", "Education Department"]),
                any::<bool>(),
            ),
            1..14,
        ),
        deleted in prop::collection::vec(any::<bool>(), 14),
    ) {
        let bot = spawn_core();
        bot.ok("/partner add Lyon | France | friendship");
        bot.ok("/partner add Mantova | Italy | partner");
        bot.ok("/rate USD 7 2020-01-01");
        for (i, (day, to, items, value, donor, internal)) in donations.iter().enumerate() {
            let vis = if *internal { " | internal" } else { "" };
            bot.ok(&format!("/donation 2020-02-{day:02} | {} | {items} | {value} | donor: {donor}{vis}", to.join(", ")));
            if deleted[i] {
                bot.ok(&format!("/delete D-{} test", i + 1));
            }
        }
        let lyon = bot.count("SELECT id FROM partners WHERE name = 'Lyon'");
        let filters: Vec<(reports::Filter, String)> = vec![
            (reports::Filter::All, String::new()),
            (reports::Filter::Country(amity::domain::CountryCode::from_alpha2("FR").unwrap()), " AND t.id IN (SELECT donation_id FROM donation_recipients WHERE country = 'FR')".into()),
            (reports::Filter::Partner(lyon), format!(" AND t.id IN (SELECT donation_id FROM donation_recipients WHERE partner_id = {lyon})")),
            (reports::Filter::Item("mask".into()), " AND t.id IN (SELECT donation_id FROM donation_items WHERE item_key = 'mask')".into()),
            (reports::Filter::Donor("Office".into()), " AND t.donor = 'Office'".into()),
        ];
        let conn = bot.conn();
        for staff in [false, true] {
            for (filter, filter_sql) in &filters {
                for (from, to) in [(None, None), (Some("2020-02-05"), Some("2020-02-20"))] {
                    let scope = Scope {
                        from: from.map(|d: &str| d.parse().unwrap()),
                        to: to.map(|d: &str| d.parse().unwrap()),
                        staff,
                        filter: filter.clone(),
                    };
                    let mut w = String::from("t.deleted_at IS NULL");
                    if !staff { w.push_str(" AND t.internal = 0"); }
                    if let (Some(f), Some(t)) = (from, to) { w.push_str(&format!(" AND t.date >= '{f}' AND t.date <= '{t}'")); }
                    w.push_str(filter_sql);
                    let (scan, page) = reports::donation_scan(&conn, &scope, Some((3, 2))).unwrap();
                    prop_assert_eq!(comparable(&scan), oracle(&conn, &w), "{:?}", scope);
                    let mut st = conn.prepare(&format!("SELECT t.id FROM donations t WHERE {w} ORDER BY t.date DESC, t.id DESC LIMIT 3 OFFSET 2")).unwrap();
                    let want: Vec<i64> = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
                    prop_assert_eq!(page, want, "{:?}", scope);
                }
            }
        }
    }
}
