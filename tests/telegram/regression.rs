//! Regression tests of issue 12 that need the Telegram transport: one per defect, named after what
//! broke. Pacing is checked on what the pacer decides (a clock the test moves) and, end to end, on
//! bounds a slow machine cannot break (a slow run only spreads answers out).

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_id_was_answered_days_ago_is_answered_not_dropped() {
    let mut app = spawn_app().await;
    let first = app.fake.inject(private(STRANGER, "/help"));
    app.handled(first).await;
    // As if the bot had answered, three days ago, an update with the id the next one gets (Telegram
    // picks ids at random after a week without updates, so an old id can come again).
    let next = first + 1;
    let then = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let c = rusqlite::Connection::open(&app.db).unwrap();
    c.execute(
        "INSERT INTO telegram_updates (bot_id, update_id, body, received_at, answered_at) VALUES (?1, ?2, '', ?3, ?3)",
        rusqlite::params![BOT_ID, next, then],
    )
    .unwrap();
    c.execute(
        "INSERT INTO processed_updates (update_key, at, reply) VALUES (?1, ?2, 'Saved D-99 (long ago)')",
        rusqlite::params![format!("telegram:{BOT_ID}:{next}"), then],
    )
    .unwrap();
    let id = app.fake.inject(private(STAFF, "/donation 2020-03-23 | Germany | 500 protective suits"));
    assert_eq!(id, next);
    // Not `say`: the old row is marked answered already; wait for the answer itself.
    let reqs = app.fake.wait_for("the new update's answer", |r| r.iter().any(|x| is_answer(x, STAFF))).await;
    let answer = reqs.iter().find(|x| is_answer(x, STAFF)).unwrap();
    assert!(visible(answer.text()).starts_with("Saved D-1"), "{}", answer.text());
    assert_eq!(app.count("SELECT COUNT(*) FROM donations"), 1);
    app.handled(id).await;
    app.stop().await;
}
