//! Builds the benchmark database (see `benches/support/dbgen.rs`): 5,000 partners in 200 countries and
//! 1,000,000 donations, written with direct SQL inserts in one transaction (not through commands).
//!
//! cargo run --release --example gen_bench_db             # the cached file `cargo bench` uses; prints its path
//! cargo run --release --example gen_bench_db -- PATH     # a fresh file at PATH (replaced if present)

#[path = "../benches/support/dbgen.rs"]
mod dbgen;

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let path = match std::env::args_os().nth(1) {
        Some(p) => {
            let p = PathBuf::from(p);
            for suffix in ["", "-wal", "-shm"] {
                let mut s = p.as_os_str().to_owned();
                s.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(s));
            }
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            dbgen::generate(&p)?;
            p
        }
        None => dbgen::ensure(&dbgen::default_path()),
    };
    println!("{}", path.display());
    Ok(())
}
