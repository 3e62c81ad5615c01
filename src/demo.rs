//! Demo data: the seed article's records as the commands a staff member would type
//! (`demo/seed-article.txt`), run through the core so that they obey every rule a real entry does.

use crate::commands::{Core, Request};

/// The demo script, one command per line.
pub const SEED_SCRIPT: &str = include_str!("../demo/seed-article.txt");

/// The commands of a script, without comments and blank lines.
pub fn commands(script: &str) -> impl Iterator<Item = &str> {
    script.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether the database already holds any record (then the demo is not loaded again).
pub fn has_records(core: &Core) -> bool {
    core.with_store_locked(|s| {
        s.conn()
            .query_row("SELECT EXISTS(SELECT 1 FROM partners) OR EXISTS(SELECT 1 FROM donations)", [], |r| {
                r.get::<_, bool>(0)
            })
            .unwrap_or(true)
    })
}

/// Runs the demo script as the console operator. Stops at the first command that fails.
pub fn load(core: &Core) -> Result<usize, String> {
    let mut n = 0;
    for line in commands(SEED_SCRIPT) {
        let reply = core.handle(&Request::console(line));
        if !reply.is_ok() {
            return Err(format!("demo line failed: {line}\n{}", reply.plain()));
        }
        n += 1;
    }
    Ok(n)
}
