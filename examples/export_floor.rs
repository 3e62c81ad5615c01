//! The floor of a whole-ledger export: SQLite alone running the query `amity export csv donations`
//! runs (every live donation with its recipients and items as JSON arrays, in date order, 512 KiB page
//! cache as the export sets it), every column of every row read and nothing formatted or written. What
//! amity adds on top of it is the decoding, the formatting and the writing (README, Performance).
//!
//! cargo run --release --example export_floor -- BENCH.db     # prints rows, seconds, rows a second

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let path = std::env::args_os().nth(1).ok_or_else(|| anyhow::anyhow!("usage: export_floor DB"))?;
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.pragma_update(None, "cache_size", -512i64)?;
    for (what, children) in [("rows alone", false), ("rows with their children", true)] {
        let sql = format!(
            "SELECT {}{}{} FROM donations t NOT INDEXED WHERE t.deleted_at IS NULL ORDER BY t.date, t.id",
            amity::store::records::DONATION_COLS_T,
            if children { ", " } else { "" },
            if children { amity::store::records::DONATION_CHILDREN_T } else { "" },
        );
        let start = Instant::now();
        let mut stmt = conn.prepare(&sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        let (mut count, mut bytes) = (0u64, 0usize);
        while let Some(row) = rows.next()? {
            for i in 0..n {
                bytes += match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t.len(),
                    _ => 8,
                };
            }
            count += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        println!("{what}: {count} rows, {bytes} bytes read, {secs:.2} s, {:.0} rows/s", count as f64 / secs);
    }
    Ok(())
}
