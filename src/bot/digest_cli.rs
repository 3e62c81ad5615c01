//! The `amity digest …` subcommands: `preview` (what a digest would send at a moment, chart written to a
//! PNG file), `send` (send now, recorded like a scheduled one) and `run` (the scheduler loop with the
//! console sender, for `target = "console"` digests).

use super::digests::{Scheduler, Supervision, supervise};
use crate::Core;
use crate::digest::console::{ConsoleSender, save};
use crate::digest::outbox::DigestSender as _;
use crate::digest::outbox::{Enqueued, Outgoing, Plan, plan};
use crate::digest::spec::{DigestSpec, specs};
use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `2024-06-03T09:00:00+08:00`, or `2024-06-03 09:00` / `2024-06-03T09:00` in the digest's time zone, or
/// `2024-06-03` (noon there).
pub fn parse_at(s: &str, tz: chrono_tz::Tz) -> anyhow::Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(12, 0, 0)));
    let Some(local) = local else {
        bail!("--at {s:?}: use 2024-06-03 09:00 (in the digest's time zone), 2024-06-03, or 2024-06-03T09:00:00+08:00")
    };
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .context("--at: that local time does not exist")
}

fn spec_named(core: &Core, name: &str) -> anyhow::Result<DigestSpec> {
    let all = specs(core.config())?;
    let names = all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
    all.iter()
        .find(|s| s.name == name)
        .cloned()
        .with_context(|| format!("no digest named {name:?} in the config (configured: {names})"))
}

/// Prints the digest `name` as it would fire at `at` (default now) and writes its chart into `out_dir`.
pub fn preview(core: &Core, name: &str, at: Option<&str>, out_dir: &Path, mut out: impl Write) -> anyhow::Result<()> {
    let spec = spec_named(core, name)?;
    let at = match at {
        Some(s) => parse_at(s, spec.schedule.tz())?,
        None => Utc::now(),
    };
    let cfg = core.config();
    let built = core.with_store_locked(|s| -> anyhow::Result<_> {
        match plan(s, &spec, at)? {
            Plan::Covered(row) => Ok(Err(row)),
            Plan::Due(p) => {
                Ok(Ok(crate::digest::build(s.conn(), &spec, &cfg.office.name, &p, cfg.reply.max_list_items)?))
            }
        }
    })?;
    let d = match built {
        Ok(d) => d,
        Err(row) => {
            writeln!(
                out,
                "The {name} digest for {} to {} is already in the outbox ({}).",
                row.from,
                row.to,
                row.state.as_str()
            )?;
            return Ok(());
        }
    };
    writeln!(
        out,
        "# digest {name} → {} at {at} (period {} to {}; not sent)\n",
        spec.target, d.period.from, d.period.to
    )?;
    if d.empty && spec.skip_empty {
        writeln!(out, "# nothing new: this digest skips such periods, so nothing would be sent\n")?;
    }
    let parts = Outgoing::of_digest(&d, cfg.reply.max_message_len.min(crate::digest::console::MAX_LEN));
    let n = parts.parts.len();
    for (i, p) in parts.parts.iter().enumerate() {
        match p {
            crate::digest::outbox::Part::Text(lines) => {
                let t = crate::render::markup::render(lines, crate::render::markup::Dialect::Telegram).plain;
                writeln!(out, "── message {}/{n} ──\n{t}\n", i + 1)?
            }
            crate::digest::outbox::Part::Photo { photo, caption } => {
                let path = save(out_dir, photo)?;
                writeln!(out, "── message {}/{n}: photo ──\nchart: {}\ncaption: {caption}", i + 1, path.display())?;
            }
        }
    }
    Ok(())
}

/// Sends `name` now: delivered at once when its target is the console, otherwise queued in the outbox
/// for the running bot (`amity serve`), which sends it within a minute.
pub fn send(core: &Core, name: &str, out_dir: PathBuf) -> anyhow::Result<()> {
    let sender = ConsoleSender::stdout(out_dir);
    let sched = Scheduler::new(core, &sender)?;
    let spec = spec_named(core, name)?;
    let now = Utc::now();
    let e = if sched.specs().iter().any(|s| s.name == name && sender.handles_target(&s.target)) {
        sched.send_now(name, now)?
    } else {
        core.with_store_locked(|s| crate::digest::outbox::enqueue(s, core.config(), &spec, now, true, now))?
    };
    match e {
        Enqueued::Row(r) => eprintln!("digest {name}: {} to {} → {} ({})", r.from, r.to, r.target, r.state.as_str()),
        Enqueued::Covered(r) => {
            eprintln!("digest {name}: {} to {} is already in the outbox ({})", r.from, r.to, r.state.as_str())
        }
    }
    Ok(())
}

/// The scheduler loop with the console sender: ticks every `interval` until killed; a failing tick
/// restarts the scheduler after a growing pause (see [`crate::digest::outbox::supervise`]).
pub fn run(core: &Core, out_dir: PathBuf, interval: std::time::Duration) -> anyhow::Result<()> {
    let sender = ConsoleSender::stdout(out_dir);
    let sched = Scheduler::new(core, &sender)?;
    let n = sched.specs().iter().filter(|s| sender.handles_target(&s.target)).count();
    eprintln!("amity digest run: {n} console digest(s) of {}; ticking every {interval:?}", sched.specs().len());
    drop(sched);
    supervise(
        core,
        &sender,
        Supervision {
            tick: interval,
            now: Box::new(Utc::now),
            nap: Box::new(|d| {
                std::thread::sleep(d);
                false
            }),
            pace: Box::new(|| crate::digest::outbox::Pace::new(sender.per_chat_per_minute() as usize)),
        },
    );
    Ok(())
}

impl ConsoleSender {
    fn handles_target(&self, t: &crate::digest::Target) -> bool {
        use crate::digest::outbox::DigestSender;
        self.handles(t)
    }
}
