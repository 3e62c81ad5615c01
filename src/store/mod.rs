//! The store: the only code that speaks SQL. It opens the SQLite file (WAL, `synchronous=FULL`,
//! foreign keys on), applies the plain-SQL migrations in `migrations/` in order, and offers one write
//! transaction per command (`BEGIN IMMEDIATE`) that also records the incoming update id, so the same
//! update never writes twice. A command reads in one read transaction ([`Store::pinned`]); expensive
//! reads and whole answers are memoised until the database changes ([`Store::cached`],
//! [`Store::memo_get`]); a transport's bookkeeping (inbox, button keys) commits without a disk sync of
//! its own ([`Store::bookkeeping`]), synced by the next ledger write or [`sync_wal`].

pub mod backups;
pub mod dialogues;
pub mod digests;
pub mod history;
pub mod inbox;
pub mod people;
pub mod rates;
pub mod records;
pub mod reports;
pub mod telegram;
pub mod uploads;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;

/// What a migration needs done in Rust, after the SQL of every pending migration, in the same
/// transaction.
fn after_migration(tx: &Connection, version: i64) -> Result<()> {
    if version == 7 {
        // The running sums were made again with CHECKs: refill them from the donations, after taking
        // out (soft delete, with a history entry) any donation whose fixed amount is above the bound
        // that writes now enforce, which an older amity saved saturated at i64::MAX fen.
        let bound = crate::domain::money::MAX_FIXED * 100;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare(
                "SELECT id FROM donations WHERE deleted_at IS NULL AND (cny_fen > ?1 OR usd_cents > ?1) ORDER BY id",
            )?;
            stmt.query_map([bound], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?
        };
        for id in ids {
            let rid = crate::domain::RecordId::new(crate::domain::RecordKind::Donation, id);
            let before = records::get_record(tx, rid)?.map(|(r, _)| r);
            let reason = "repair: fixed value above CNY 1,000,000,000,000, the most one donation may hold";
            tx.execute(
                "UPDATE donations SET deleted_at = ?2, deleted_reason = ?3 WHERE id = ?1",
                params![id, now_utc(), reason],
            )?;
            history::record(tx, "amity", rid, history::Action::Delete, before.as_ref(), None, Some(reason), None)?;
            log::warn!("upgrade: {rid} had a fixed value above the bound and was deleted (see /history {rid})");
        }
        records::rebuild_sums(tx)?;
        log::info!("upgrade: running sums recomputed from the donations");
    }
    Ok(())
}

/// The migrations, in order. Each runs once and is recorded in
/// `schema_migrations`.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "ledger", include_str!("../../migrations/0001_ledger.sql")),
    (2, "digests", include_str!("../../migrations/0002_digests.sql")),
    (3, "telegram", include_str!("../../migrations/0003_telegram.sql")),
    (4, "ledger sums", include_str!("../../migrations/0004_ledger_sums.sql")),
    (5, "telegram menus", include_str!("../../migrations/0005_telegram_menus.sql")),
    (6, "digest headings", include_str!("../../migrations/0006_digest_headings.sql")),
    (7, "ledger bounds", include_str!("../../migrations/0007_ledger_bounds.sql")),
    (8, "update id retention", include_str!("../../migrations/0008_update_id_retention.sql")),
    (9, "inbox", include_str!("../../migrations/0009_inbox.sql")),
    (10, "digest document", include_str!("../../migrations/0010_digest_document.sql")),
    (11, "reported figures and sources", include_str!("../../migrations/0011_reported_and_sources.sql")),
    (12, "filter sums", include_str!("../../migrations/0012_filter_sums.sql")),
    (13, "reach sums", include_str!("../../migrations/0013_reach_sums.sql")),
    (14, "imported rows", include_str!("../../migrations/0014_imported_rows.sql")),
    (15, "uploads", include_str!("../../migrations/0015_uploads.sql")),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("the database schema is version {found}, newer than this amity ({known}); upgrade amity")]
    TooNew { found: i64, known: i64 },
    /// A write would take a ledger-wide running sum past what SQLite counts in an integer; refused.
    #[error("the ledger's totals would exceed 92,233,720,368,547,758.07 (the most amity can count)")]
    TotalTooLarge,
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// `execute` and `query_row` through the connection's statement cache: the write path runs the same
/// few dozen statements for every record, and preparing one costs more than running it (a profile of a
/// 10,000-row import spent half its time in SQLite's parser before these).
pub(crate) trait Cached {
    fn run<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    fn one<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn run<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn one<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

pub struct Store {
    conn: Connection,
    cache: std::cell::RefCell<ReadCache>,
    /// Changes made through [`Store::untracked`] (transport bookkeeping), which no cached read depends on.
    untracked_changes: std::cell::Cell<u64>,
    /// `PRAGMA data_version` read once for a whole command (see [`Store::pinned`]).
    pinned_version: std::cell::Cell<Option<i64>>,
    /// A read transaction opened by [`Store::pinned`] is open.
    reading: std::cell::Cell<bool>,
    /// How long an update's idempotency key counts (see [`Store::set_update_retention`]).
    update_retention: chrono::Duration,
    /// Reconciliations of donation reports, kept across writes (see [`Store::itemized_kept`]).
    kept: std::cell::RefCell<std::collections::HashMap<String, KeptItemized>>,
}

pub use crate::config::DEFAULT_UPDATE_RETENTION_HOURS;

/// A report's reconciliation, the newest tick of its days and the reach clock when it was reckoned.
#[derive(Clone)]
struct KeptItemized {
    version: i64,
    tick: i64,
    reckoned: reports::Reckoned,
}

/// Rows forgotten per transaction while pruning old keys.
pub const PRUNE_BATCH: usize = 2000;

/// Answers of expensive reads (totals over the whole ledger), kept until the database changes: a write
/// through this connection (`total_changes`) or a commit by another process (`PRAGMA data_version`).
#[derive(Default)]
struct ReadCache {
    stamp: (u64, i64),
    entries: std::collections::HashMap<String, Box<dyn std::any::Any + Send>>,
}

/// Most answers kept at once; the cache is emptied when full.
const CACHE_ENTRIES: usize = 256;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.conn.path()).finish()
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the database file.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    fn setup(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Reads of a large ledger go through the page cache without a system call per page.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        // Pages read through the mapping need no cache of their own; the page cache holds pages being
        // written and pages read from the write-ahead log. 512 KiB instead of SQLite's 2 MiB default: the
        // same query times on the 1,000,000-donation ledger, a quarter of the memory.
        conn.pragma_update(None, "cache_size", -512i64)?;
        // The hot statements (role, language, cache stamp, inbox, the write path) are prepared once and kept.
        conn.set_prepared_statement_cache_capacity(256);
        let mut store = Store {
            conn,
            cache: Default::default(),
            untracked_changes: Default::default(),
            pinned_version: Default::default(),
            reading: Default::default(),
            update_retention: chrono::Duration::hours(i64::from(DEFAULT_UPDATE_RETENTION_HOURS)),
            kept: Default::default(),
        };
        store.migrate()?;
        store.renormalize_partner_names()?;
        Ok(store)
    }

    /// Brings the partner names' lookup forms that an older amity computed differently up to today's
    /// [`crate::domain::norm_name`] ([`records::stale_partner_norms`]), so a change to the folding of
    /// names is carried over to the stored names at the next start. Safe to run at every start: it
    /// reads the names once and writes only when a form differs.
    fn renormalize_partner_names(&mut self) -> Result<()> {
        let stale = records::stale_partner_norms(&self.conn)?;
        if stale.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        records::update_partner_norms(&tx, &stale)?;
        tx.commit()?;
        log::info!("upgrade: the lookup forms of {} partner names were normalised again", stale.len());
        Ok(())
    }

    /// Applies every migration not yet applied. Safe to run at every start.
    pub fn migrate(&mut self) -> Result<Vec<i64>> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current = self.schema_version()?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > known {
            return Err(StoreError::TooNew { found: current, known });
        }
        // Every pending migration in one transaction: an upgrade is done whole or not at all. The Rust
        // steps run after all the SQL, because they read and write records through today's code,
        // which expects today's schema (a repair that ran at its own version would read columns that
        // a later migration adds).
        let mut applied = Vec::new();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (version, name, sql) in MIGRATIONS {
            if *version <= current {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![version, name, now_utc()],
            )?;
            applied.push((*version, *name));
        }
        for (version, _) in &applied {
            after_migration(&tx, *version)?;
        }
        tx.commit()?;
        for (version, name) in &applied {
            log::info!("applied migration {version} ({name})");
        }
        Ok(applied.into_iter().map(|(v, _)| v).collect())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?)
    }

    /// Memoises a read until the database changes. `key` must name the query and all its parameters.
    /// What the ledger itemizes of a report ([`reports::itemized`]). A donation report's answer is
    /// kept across writes and given again while none of its days has changed since
    /// (`reach_versions`, migration 0013): logging today's donation, a letter or a rate does not make
    /// every past report be reckoned again. Other reports read small tables and are not kept.
    pub fn itemized_kept(&self, staff: bool, rep: &crate::domain::Reported) -> Result<Vec<Option<i64>>> {
        if rep.of != crate::domain::ReportedOf::Donations {
            return reports::itemized(&self.conn, staff, rep);
        }
        let period = rep.period();
        let from = period.from.map(records::date_sql).unwrap_or_default();
        let to = period.to.map(records::date_sql).unwrap_or_else(|| "9999-12-31".into());
        let (version, tick): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT COALESCE(MAX(version), 0) FROM reach_versions WHERE day >= ?1 AND day <= ?2),
                    (SELECT tick FROM reach_clock)",
            params![from, to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let key = format!("{staff}\u{1f}{}", serde_json::to_string(rep).map_err(|e| corrupt(e.to_string()))?);
        let prior = self.kept.borrow().get(&key).cloned();
        if let Some(k) = &prior
            && k.version == version
        {
            return Ok(k.reckoned.values.clone());
        }
        // Its days changed: brought up to date from what changed since it was reckoned.
        let reckoned = reports::reckon(&self.conn, staff, rep, prior.as_ref().map(|k| (&k.reckoned, k.tick)))?;
        let values = reckoned.values.clone();
        let mut kept = self.kept.borrow_mut();
        if kept.len() >= 512 {
            kept.clear();
        }
        kept.insert(key, KeptItemized { version, tick, reckoned });
        Ok(values)
    }

    pub fn cached<T: Clone + Send + 'static>(
        &self,
        key: String,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let stamp = self.cache_stamp()?;
        if let Some(v) = self.memo_at::<T>(stamp, &key) {
            return Ok(v);
        }
        let value = f(&self.conn)?;
        self.keep_at(stamp, key, &value);
        Ok(value)
    }

    /// A value kept by [`Store::memo_put`] under `key`, if the database has not changed since.
    pub fn memo_get<T: Clone + Send + 'static>(&self, key: &str) -> Result<Option<T>> {
        let stamp = self.cache_stamp()?;
        Ok(self.memo_at(stamp, key))
    }

    /// Keeps a value computed from the database as it is now (e.g. a whole reading command's answer),
    /// until the database changes.
    pub fn memo_put<T: Clone + Send + 'static>(&self, key: String, value: &T) -> Result<()> {
        let stamp = self.cache_stamp()?;
        self.keep_at(stamp, key, value);
        Ok(())
    }

    /// What the cache's entries are valid for: this connection's tracked writes and other processes'
    /// commits.
    fn cache_stamp(&self) -> Result<(u64, i64)> {
        let data_version = match self.pinned_version.get() {
            Some(v) => v,
            None => self.data_version()?,
        };
        Ok((self.tracked_changes(), data_version))
    }

    fn memo_at<T: Clone + 'static>(&self, stamp: (u64, i64), key: &str) -> Option<T> {
        let mut cache = self.cache.borrow_mut();
        if cache.stamp != stamp {
            cache.entries.clear();
            cache.stamp = stamp;
        }
        cache.entries.get(key).and_then(|b| b.downcast_ref::<T>()).cloned()
    }

    fn keep_at<T: Clone + Send + 'static>(&self, stamp: (u64, i64), key: String, value: &T) {
        let mut cache = self.cache.borrow_mut();
        // Only kept if nothing changed while computing (the stamp was read before).
        if cache.stamp == stamp && self.tracked_changes() == stamp.0 {
            if cache.entries.len() >= CACHE_ENTRIES {
                cache.entries.clear();
            }
            cache.entries.insert(key, Box::new(value.clone()));
        }
    }

    /// Runs `f` (one command) in one read transaction, with other processes' commits checked once, at
    /// the start, instead of at every cached read: the command reads one snapshot of the database (or
    /// its own writes), takes SQLite's shared-memory locks once rather than once per query (a `/totals`
    /// makes six), and skips a query per cached read. A write ([`Store::write`]) ends the read
    /// transaction first, since a snapshot older than another process's commit cannot be written from.
    pub fn pinned<T>(&mut self, f: impl FnOnce(&mut Store) -> T) -> T {
        let outer = self.pinned_version.get();
        let began = outer.is_none()
            && self.conn.is_autocommit()
            && self.conn.prepare_cached("BEGIN DEFERRED").and_then(|mut s| s.execute([])).is_ok();
        if outer.is_none() {
            self.reading.set(began);
            match self.data_version() {
                Ok(v) => self.pinned_version.set(Some(v)),
                Err(e) => log::warn!("reading data_version: {e}"),
            }
        }
        // A panic (a handler bug) must not leave the transaction open for the next command.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        if outer.is_none() {
            self.end_read();
        }
        self.pinned_version.set(outer);
        r.unwrap_or_else(|p| std::panic::resume_unwind(p))
    }

    /// Ends the read transaction [`Store::pinned`] opened, if it is still open.
    fn end_read(&self) {
        if self.reading.replace(false)
            && let Err(e) = self.conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]))
        {
            log::warn!("ending a read transaction: {e}");
        }
    }

    /// SQLite's count of commits by other connections (changes when another process writes).
    fn data_version(&self) -> Result<i64> {
        Ok(self.conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?)
    }

    /// Rows changed through this connection, bookkeeping excluded.
    fn tracked_changes(&self) -> u64 {
        self.conn.total_changes().wrapping_sub(self.untracked_changes.get())
    }

    /// Runs writes that no cached read depends on (a transport's inbox and button keys), so that they
    /// keep the read cache: without this, every Telegram update received would empty it.
    pub fn untracked<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let before = self.conn.total_changes();
        let r = f(&self.conn);
        let after = self.conn.total_changes();
        self.untracked_changes.set(self.untracked_changes.get().wrapping_add(after.wrapping_sub(before)));
        r
    }

    /// Runs bookkeeping writes whose loss in a power cut costs little (a transport's inbox), committed
    /// with `synchronous=NORMAL`: in the operating system's hands at once, so a crash or `kill -9` of
    /// amity loses nothing, but on disk only at the next sync: the next ledger write (always `FULL`,
    /// which syncs every commit before it), a checkpoint, or [`sync_wal`]. Saves a disk sync per
    /// batch of updates.
    pub fn relaxed<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.prepare_cached("PRAGMA synchronous = NORMAL")?.execute([])?;
        let r = f(&self.conn);
        let restored = self.conn.prepare_cached("PRAGMA synchronous = FULL").and_then(|mut s| s.execute([]));
        let r = r?;
        restored?;
        Ok(r)
    }

    /// Transport bookkeeping (an inbox, button keys): [`Store::untracked`] and [`Store::relaxed`] at once.
    pub fn bookkeeping<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.untracked(|_| self.relaxed(f))
    }

    /// Read access (queries outside a write transaction).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// How long an update's idempotency key counts: a key recorded longer ago than this is taken as
    /// absent (the update is new), because no redelivery comes that late and the transport may use
    /// the id again (Telegram picks update ids at random after a week without updates). From
    /// `[database] keep_update_ids_hours`; older keys are deleted by [`prune_processed`].
    pub fn set_update_retention(&mut self, hours: u32) {
        self.update_retention = chrono::Duration::hours(i64::from(hours));
    }

    /// The moment before which idempotency keys no longer count: now (the core's clock while it
    /// handles a request, see [`at_time`]) less the retention.
    pub fn update_cutoff(&self) -> String {
        ts_before(self.update_retention)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction. With an update key, the key is recorded with the
    /// reply text `f` returns; if the key was already recorded (within the retention: see
    /// [`Store::set_update_retention`]), `f` does not run and the stored reply is returned as
    /// `Err(Duplicate)`. Any error rolls everything back: nothing half-written.
    pub fn write<T, E>(
        &mut self,
        update_key: Option<&str>,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<(T, String), E>,
    ) -> std::result::Result<WriteOutcome<T>, E>
    where
        E: From<StoreError>,
    {
        self.end_read();
        let cutoff = self.update_cutoff();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| E::from(StoreError::from(e)))?;
        if let Some(key) = update_key {
            let prior: Option<String> = tx
                .query_row(
                    "SELECT reply FROM processed_updates WHERE update_key = ?1 AND at >= ?2",
                    params![key, cutoff],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| E::from(StoreError::from(e)))?;
            if let Some(reply) = prior {
                return Ok(WriteOutcome::Duplicate(reply));
            }
        }
        let (value, reply) = f(&tx)?;
        if let Some(key) = update_key {
            // Replacing a key older than the retention, which no longer counted.
            tx.execute(
                "INSERT OR REPLACE INTO processed_updates (update_key, at, reply) VALUES (?1, ?2, ?3)",
                params![key, now_utc(), reply],
            )
            .map_err(|e| E::from(StoreError::from(e)))?;
        }
        tx.commit().map_err(|e| E::from(StoreError::from(e)))?;
        Ok(WriteOutcome::Done(value, reply))
    }

    /// Begins one write transaction (`BEGIN IMMEDIATE`) whose writes the caller's own reads through
    /// [`Store::conn`] see, for a bulk write that reads what it wrote (an import: a partner created on
    /// row 3 is a recipient on row 9). Ended by [`Store::end_bulk`]; nothing is written until then.
    pub fn begin_bulk(&self) -> Result<()> {
        self.end_read();
        // A page cache large enough for the tables and indexes a bulk write touches (64 MiB at most,
        // whatever the file's size), so pages are not spilled and read again; back to 512 KiB after.
        self.conn.pragma_update(None, "cache_size", -65536i64)?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Runs a long read (an export of every record) with the bulk write's page cache, so the pages
    /// of the tables and indexes it walks are not spilled and initialised again; back to 512 KiB after.
    pub fn with_large_cache<T>(&self, f: impl FnOnce(&Store) -> T) -> Result<T> {
        self.conn.pragma_update(None, "cache_size", -65536i64)?;
        let out = f(self);
        self.conn.pragma_update(None, "cache_size", -512i64)?;
        Ok(out)
    }

    /// Commits (`true`) or rolls back the transaction [`Store::begin_bulk`] began.
    pub fn end_bulk(&self, commit: bool) -> Result<()> {
        if self.conn.is_autocommit() {
            self.conn.pragma_update(None, "cache_size", -512i64)?;
            return Ok(());
        }
        let ended = self.conn.execute_batch(if commit { "COMMIT" } else { "ROLLBACK" });
        self.conn.pragma_update(None, "cache_size", -512i64)?;
        ended?;
        Ok(())
    }

    /// The stored reply of an update already handled (within the retention), if any.
    pub fn processed_reply(&self, update_key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT reply FROM processed_updates WHERE update_key = ?1 AND at >= ?2")?
            .query_row(params![update_key, self.update_cutoff()], |r| r.get(0))
            .optional()?)
    }

    /// `PRAGMA integrity_check` result ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// Records that the update `update_key` was handled with `reply`, inside a write transaction the
/// caller holds (a bulk write, which [`Store::write`] does not wrap).
pub fn record_processed(conn: &Connection, update_key: &str, reply: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO processed_updates (update_key, at, reply) VALUES (?1, ?2, ?3)",
        params![update_key, now_utc(), reply],
    )?;
    Ok(())
}

/// Forgets idempotency keys recorded before `before` (RFC 3339, as [`Store::update_cutoff`] gives),
/// at most `limit` of them (a long-running transport prunes in small transactions, so the store is
/// never held long). Returns how many went.
pub fn prune_processed(conn: &Connection, before: &str, limit: usize) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM processed_updates WHERE update_key IN
             (SELECT update_key FROM processed_updates WHERE at < ?1 LIMIT ?2)",
        )?
        .execute(params![before, limit as i64])?)
}

/// Flushes the write-ahead log of the database at `db` to disk (what a `FULL` commit does), so that
/// [`Store::relaxed`] commits before it survive a power cut. Needs no connection: a sync applies to the
/// file, whoever wrote it. A missing log (nothing written yet, or all checkpointed away) is fine.
pub fn sync_wal(db: &Path) -> std::io::Result<()> {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    match std::fs::File::open(&wal) {
        Ok(f) => f.sync_data(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Copies the database at `from` to a new file `to` with SQLite's online backup (safe while another
/// process writes), then runs `integrity_check` on the copy. Returns the number of pages copied.
pub fn backup(from: &Path, to: &Path) -> Result<i32> {
    if to.exists() {
        return Err(corrupt(format!("{} already exists; choose a new file name", to.display())));
    }
    let src = Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    src.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut dst = Connection::open(to)?;
    let pages = {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        backup.progress().pagecount
    };
    let check: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(corrupt(format!("the copy failed its integrity check: {check}")));
    }
    Ok(pages)
}

/// The file beside a database that `amity serve` holds locked while it runs (see [`ServeLock`]).
pub fn serve_lock_path(db: &Path) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".serve-lock");
    std::path::PathBuf::from(s)
}

/// `amity serve`'s claim on its database: an exclusive lock on [`serve_lock_path`] for as long as it
/// runs (the operating system releases it when the process ends, however it ends). `amity restore`
/// refuses to replace a database whose lock is held.
#[derive(Debug)]
pub struct ServeLock {
    _file: std::fs::File,
}

impl ServeLock {
    pub fn take(db: &Path) -> std::result::Result<ServeLock, String> {
        let path = serve_lock_path(db);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(ServeLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(format!("another amity serve is running on {} (it holds {})", db.display(), path.display()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(format!("{}: {e}", path.display())),
        }
    }
}

/// What [`restore`] did.
#[derive(Debug)]
pub struct Restored {
    pub pages: i32,
    /// Where the database it replaced was kept (None when there was none).
    pub kept: Option<std::path::PathBuf>,
    pub schema: i64,
}

/// Checks that `file` is a sound amity database this amity can open: SQLite at all, `integrity_check`
/// ok, amity's tables, a schema not newer than this binary's. Returns its schema version.
pub fn check_backup(file: &Path) -> std::result::Result<i64, String> {
    let name = file.display();
    if !file.is_file() {
        return Err(format!("{name}: no such file"));
    }
    let conn = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("{name}: not a database ({e})"))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| format!("{name}: not an SQLite database ({e})"))?;
    if check != "ok" {
        let check = check.lines().map(str::trim).filter(|l| !l.is_empty()).take(3).collect::<Vec<_>>().join("; ");
        return Err(format!("{name}: the file is damaged (integrity_check: {check})"));
    }
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_migrations', 'donations', 'partners', 'changes')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| format!("{name}: {e}"))?;
    if tables < 4 {
        return Err(format!("{name}: an SQLite database, but not amity's (no ledger tables)"));
    }
    let version: i64 = conn
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(|e| format!("{name}: {e}"))?;
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if version > known {
        return Err(format!(
            "{name}: its schema is version {version}, newer than this amity's ({known}); restore it with a newer amity"
        ));
    }
    Ok(version)
}

/// Replaces the database at `db` with the backup `file`, after checking the backup
/// ([`check_backup`]) and keeping the database it replaces as `kept` (a checked copy). Refused while
/// `amity serve` holds the database. The copy goes in through SQLite's online backup, so another
/// process reading the file meanwhile sees the old database or the new one, never a mix; the result
/// is migrated to this amity's schema and checked again.
pub fn restore(file: &Path, db: &Path, kept: &Path) -> std::result::Result<Restored, String> {
    check_backup(file)?;
    let _lock = ServeLock::take(db).map_err(|e| format!("{e}; stop it before restoring"))?;
    let had = db.exists();
    if had {
        backup(db, kept).map_err(|e| format!("keeping the current database as {}: {e}", kept.display()))?;
    }
    let src =
        Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| e.to_string())?;
    let mut dst = Connection::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    dst.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| e.to_string())?;
    let pages = {
        let b = rusqlite::backup::Backup::new(&src, &mut dst).map_err(|e| e.to_string())?;
        b.run_to_completion(256, std::time::Duration::from_millis(5), None).map_err(|e| e.to_string())?;
        b.progress().pagecount
    };
    drop(dst);
    let store = Store::open(db).map_err(|e| format!("the restored database does not open: {e}"))?;
    let check: String =
        store.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if check != "ok" {
        return Err(format!("the restored database failed its integrity check: {check}"));
    }
    Ok(Restored {
        pages,
        kept: had.then(|| kept.to_path_buf()),
        schema: store.schema_version().map_err(|e| e.to_string())?,
    })
}

/// What a write transaction did.
#[derive(Debug)]
pub enum WriteOutcome<T> {
    Done(T, String),
    /// The update was handled before; here is the reply given then.
    Duplicate(String),
}

thread_local! {
    /// The core's clock while it handles a request (see [`at_time`]).
    static NOW: std::cell::Cell<Option<DateTime<Utc>>> = const { std::cell::Cell::new(None) };
}

/// The current time, UTC, as stored: the core's clock while it handles a request, so that stored
/// timestamps (history, creation) agree with the time the command saw (the undo window compares them).
pub fn now_utc() -> String {
    NOW.with(|n| n.get()).unwrap_or_else(Utc::now).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// [`now_utc`] less `d`, in the same form (now itself should that underflow).
pub fn ts_before(d: chrono::Duration) -> String {
    let now = NOW.with(|n| n.get()).unwrap_or_else(Utc::now);
    now.checked_sub_signed(d).unwrap_or(now).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Runs `f` with [`now_utc`] answering `now` (on this thread).
pub fn at_time<T>(now: DateTime<Utc>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<DateTime<Utc>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            NOW.with(|n| n.set(self.0));
        }
    }
    let _restore = Restore(NOW.with(|n| n.replace(Some(now))));
    f()
}

pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    fn write_rate(store: &mut Store, day: &str) {
        let out = store.write::<_, StoreError>(None, |tx| {
            tx.execute(
                "INSERT INTO rates (currency, date, cny_per_unit, created_by, created_at) VALUES ('USD', ?1, '7.1', 'test', ?1)",
                [day],
            )?;
            Ok(((), String::new()))
        });
        assert!(matches!(out, Ok(WriteOutcome::Done(..))));
    }

    #[test]
    fn a_command_reads_in_one_transaction_and_may_write_from_it() {
        let (_dir, mut store) = temp_store();
        store.pinned(|s| {
            assert!(!s.conn().is_autocommit(), "the command reads inside a transaction");
            write_rate(s, "2020-01-01");
            assert!(s.conn().is_autocommit(), "the write ended the read transaction and committed");
        });
        assert!(store.conn().is_autocommit());
        let n: i64 = store.conn().query_row("SELECT COUNT(*) FROM rates", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_panic_inside_a_command_leaves_no_transaction_behind() {
        let (_dir, mut store) = temp_store();
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.pinned(|_| panic!("a handler bug"));
        }));
        assert!(res.is_err());
        // The next command starts clean and can write.
        store.pinned(|s| write_rate(s, "2020-01-02"));
        assert!(store.conn().is_autocommit());
    }

    #[test]
    fn relaxed_commits_are_visible_and_the_sync_mode_is_restored() {
        let (dir, store) = temp_store();
        store
            .bookkeeping(|c| {
                Ok(c.execute("INSERT INTO telegram_buttons (key, data, created_at) VALUES ('k', 'd', 'now')", [])?)
            })
            .unwrap();
        let mode: i64 = store.conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, 2, "FULL again for ledger writes");
        sync_wal(&dir.path().join("t.db")).unwrap();
        sync_wal(&dir.path().join("absent.db")).unwrap();
    }
}
