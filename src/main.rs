//! The `amity` command line: parses arguments, loads the config, wires the core to a transport.

use amity::commands::{Core, Request};
use amity::config::Config;
use amity::domain::UserKey;
use amity::transport::console;
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "amity", version, about = "A foreign-affairs office's outreach ledger you talk to")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Common {
    /// The SQLite file (default: the config's database.path, "amity.db").
    #[arg(long)]
    db: Option<PathBuf>,
    /// The configuration file (TOML; see config.example.toml). Without it, defaults apply.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Chat with amity in this terminal.
    Chat {
        #[command(flatten)]
        common: Common,
        /// Load the seed article's records first (into amity-demo.db unless --db is given).
        #[arg(long)]
        demo: bool,
    },
    /// Answer one command and exit: 0 when done, 2 when refused or malformed.
    Ask {
        #[command(flatten)]
        common: Common,
        /// Ask as this chat user id (Telegram numeric id or Matrix id) instead of the local operator.
        #[arg(long = "as")]
        as_user: Option<String>,
        /// The command, e.g. "/donations Germany".
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        text: Vec<String>,
    },
    /// Export the records as files, exactly as /export does: csv|xlsx [hxl] [KIND] [PERIOD].
    Export {
        #[command(flatten)]
        common: Common,
        /// The directory the files are written to (default: the current one).
        #[arg(long, default_value = ".")]
        out: std::path::PathBuf,
        /// What to export, e.g. `xlsx`, `csv donations 2020`, `xlsx hxl` (options may come before or after).
        #[arg(required = true, num_args = 1..)]
        what: Vec<String>,
    },
    /// Import a spreadsheet (CSV, XLSX) into the ledger: every row, or none when one has a problem.
    Import {
        #[command(flatten)]
        common: Common,
        /// The file: a CSV (UTF-8 or GB18030; commas, semicolons or tabs) or a workbook (XLSX, XLS, ODS).
        file: PathBuf,
        /// What every table holds: donations, letters, events, receptions, partners or reported
        /// (default: from the sheet's or file's name, else from the headings).
        #[arg(long)]
        kind: Option<String>,
        /// Only this sheet of a workbook.
        #[arg(long)]
        sheet: Option<String>,
        /// Check every row and say what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create recipients and partners the ledger does not have yet (country from "Name (Country)"
        /// or a country column).
        #[arg(long)]
        create_partners: bool,
    },
    /// Serve Telegram chats (token from TELOXIDE_TOKEN or [telegram] token_file) until SIGTERM or Ctrl-C.
    Serve {
        #[command(flatten)]
        common: Common,
    },
    /// Scheduled digests: preview one, send one now, or run the scheduler for console digests.
    Digest {
        #[command(subcommand)]
        action: DigestAction,
    },
    /// Load the seed article's records into a database that has none.
    Demo {
        #[command(flatten)]
        common: Common,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Copy the database to a file while amity may be running (SQLite online backup), then check the copy.
    Backup {
        #[command(flatten)]
        common: Common,
        /// Where to write the copy (must not exist).
        out: PathBuf,
    },
    /// Replace the database with a backup, after checking it; the database replaced is kept beside it
    /// as a dated copy. Refused while amity serve runs on the database.
    Restore {
        #[command(flatten)]
        common: Common,
        /// The backup to restore (e.g. one made by `amity backup`).
        file: PathBuf,
    },
    /// Check a configuration file and exit.
    CheckConfig {
        #[arg(long)]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum DigestAction {
    /// Print what the digest would send at a moment (default now) and write its chart to a PNG file.
    Preview {
        name: String,
        #[command(flatten)]
        common: Common,
        /// "2024-06-03 09:00" (in the digest's time zone), "2024-06-03", or RFC 3339.
        #[arg(long)]
        at: Option<String>,
        /// Where the chart PNG is written (default: the system's temp directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Send the digest now, recorded like a scheduled one (console targets at once; others queued for `serve`).
    Send {
        name: String,
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run the scheduler for `target = "console"` digests, printing them here, until killed.
    Run {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Seconds between ticks.
        #[arg(long, default_value_t = 20)]
        interval: u64,
    },
}

fn load_config(common: &Common, default_db: Option<&str>) -> anyhow::Result<Config> {
    let mut cfg = match &common.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    if let Some(db) = &common.db {
        cfg.database.path = db.clone();
    } else if let (None, Some(d)) = (&common.config, default_db) {
        cfg.database.path = PathBuf::from(d);
    }
    Ok(cfg)
}

fn open(cfg: Config) -> anyhow::Result<Core> {
    let path = cfg.database.path.clone();
    Core::open(cfg).with_context(|| format!("cannot open the database {}", path.display()))
}

fn load_demo(core: &Core) -> anyhow::Result<()> {
    if amity::demo::has_records(core) {
        eprintln!("The database already has records; the demo data was not loaded again.");
        return Ok(());
    }
    let n = amity::demo::load(core).map_err(anyhow::Error::msg)?;
    eprintln!("Loaded the seed article's records ({n} commands).");
    Ok(())
}

fn main() -> std::process::ExitCode {
    amity::allocator::tune();
    // matrix-sdk and ruma log through `tracing`, whose spans (a line per store read and push rule) would
    // bury amity's own lines at `info`: below `warn` they are shown only when RUST_LOG names them. The
    // SDK's HTTP client logs every refused request as an error, expected ones too (a 404 for account
    // data not set yet), and the crypto layer warns at every message that no key backup is set up (the
    // bot keeps its keys in its own store); amity logs the failures that matter itself.
    let filters = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into());
    pretty_env_logger::formatted_builder()
        .parse_filters(&format!("tracing=warn,matrix_sdk=warn,ruma=warn,matrix_sdk::http_client=off,matrix_sdk_crypto::backups=error,{filters}"))
        .init();
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // What went wrong and why, in one line each; never a stack trace (even with RUST_BACKTRACE set).
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Chat { common, demo } => {
            let core = open(load_config(&common, demo.then_some("amity-demo.db"))?)?;
            if demo {
                load_demo(&core)?;
            }
            let interactive = std::io::stdin().is_terminal();
            if interactive {
                eprintln!(
                    "amity — console chat over {}. Type /help for commands, /quit to leave.",
                    core.config().database.path.display()
                );
            }
            console::chat(
                &core,
                &Request::console(""),
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                interactive,
            )?;
        }
        Command::Ask { common, as_user, text } => {
            let core = open(load_config(&common, None)?)?;
            let mut req = Request::console(text.join(" "));
            if let Some(u) = as_user {
                let Some(user) = UserKey::parse(&u) else {
                    bail!(
                        "--as {u:?} is not a user id (a Telegram numeric id like 123456789 or a Matrix id like @me:example.org)"
                    );
                };
                req = req.as_user(user);
            }
            let reply = console::ask(&core, &req);
            // A closed pipe (e.g. `| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{}", reply.plain());
            for line in console::save_files(&reply, std::path::Path::new("."))? {
                let _ = writeln!(std::io::stdout(), "{line}");
            }
            if !reply.is_ok() {
                std::process::exit(2);
            }
        }
        Command::Export { common, out, what } => {
            if !out.is_dir() {
                bail!("--out {}: not a directory; create it first or give another", out.display());
            }
            let core = open(load_config(&common, None)?)?;
            let (reply, written) = core.export_to_dir(&Request::console(""), &what.join(" "), &out);
            let _ = writeln!(std::io::stdout(), "{}", reply.plain());
            for path in written {
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let _ = writeln!(std::io::stdout(), "File saved: {} ({size} bytes)", path.display());
            }
            for line in console::save_files(&reply, &out)? {
                let _ = writeln!(std::io::stdout(), "{line}");
            }
            if !reply.is_ok() {
                std::process::exit(2);
            }
        }
        Command::Import { common, file, kind, sheet, dry_run, create_partners } => {
            let kind = match kind.as_deref() {
                None => None,
                Some(k) => Some(amity::commands::import::parse_kind(k).with_context(|| {
                    format!("--kind {k:?}: not a kind of record (donations, letters, events, receptions, partners, reported)")
                })?),
            };
            let core = open(load_config(&common, None)?)?;
            let opts = amity::commands::import::Options { kind, sheet, dry_run, create_partners, ..Default::default() };
            let name =
                file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
            let bar = std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{msg} [{bar:30}] {percent:>3}% {elapsed_precise} (eta {eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar
            });
            let mut progress = |table: &str, p: amity::commands::import::Progress| {
                if let Some(bar) = &bar {
                    bar.set_message(table.to_string());
                    bar.set_length(p.total.unwrap_or(p.done).max(p.done));
                    bar.set_position(p.done);
                }
            };
            let (reply, _) = core.import(
                &Request::console(""),
                amity::commands::import::Source::Path(&file),
                &name,
                &opts,
                &mut progress,
            );
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let _ = writeln!(std::io::stdout(), "{}", reply.plain());
            if !reply.is_ok() {
                std::process::exit(2);
            }
        }
        Command::Serve { common } => {
            // Everything the config names outside itself, and the token, before the database is
            // created or anything starts.
            let cfg = load_config(&common, None)?;
            cfg.check_paths()?;
            amity::transport::serve(open(cfg.clone())?, &cfg)?
        }
        Command::Digest { action } => {
            let tmp = || std::env::temp_dir().join("amity-digests");
            match action {
                DigestAction::Preview { name, common, at, out } => {
                    let core = open(load_config(&common, None)?)?;
                    amity::bot::digest_cli::preview(
                        &core,
                        &name,
                        at.as_deref(),
                        &out.unwrap_or_else(tmp),
                        std::io::stdout(),
                    )?;
                }
                DigestAction::Send { name, common, out } => {
                    amity::bot::digest_cli::send(&open(load_config(&common, None)?)?, &name, out.unwrap_or_else(tmp))?;
                }
                DigestAction::Run { common, out, interval } => {
                    let core = open(load_config(&common, None)?)?;
                    amity::bot::digest_cli::run(
                        &core,
                        out.unwrap_or_else(tmp),
                        std::time::Duration::from_secs(interval.max(1)),
                    )?;
                }
            }
        }
        Command::Demo { common } => {
            let core = open(load_config(&common, None)?)?;
            load_demo(&core)?;
        }
        Command::Migrate { common } => {
            let core = open(load_config(&common, None)?)?;
            let v = core.with_store_locked(|s| s.schema_version())?;
            println!("database {} is at schema version {v}", core.config().database.path.display());
        }
        Command::Backup { common, out } => {
            let cfg = load_config(&common, None)?;
            let pages = amity::store::backup(&cfg.database.path, &out)?;
            println!("backed up {} to {} ({pages} pages, integrity ok)", cfg.database.path.display(), out.display());
        }
        Command::Restore { common, file } => {
            let cfg = load_config(&common, None)?;
            let db = &cfg.database.path;
            let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
            let mut kept = db.as_os_str().to_owned();
            kept.push(format!(".before-restore-{stamp}"));
            let kept = PathBuf::from(kept);
            let done = amity::store::restore(&file, db, &kept).map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "restored {} into {} ({} pages, schema {}, integrity ok)",
                file.display(),
                db.display(),
                done.pages,
                done.schema
            );
            if let Some(k) = done.kept {
                println!("the database it replaced is kept as {}", k.display());
            }
        }
        Command::CheckConfig { config } => {
            let cfg = Config::load(&config)?;
            amity::digest::spec::specs(&cfg)?;
            cfg.check_paths()?;
            println!("{}: ok", config.display());
        }
    }
    Ok(())
}
