//! The `amity` binary's own behaviour at the command line: a mistake is one clear line and a non-zero
//! status, never a stack trace; `ask` prints the answer, saves the files a reply carries, and exits 2
//! when refused or malformed.

use crate::common::amity;

#[test]
fn a_bad_config_is_one_line_and_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("amity.toml");
    std::fs::write(&cfg, "[telegram]\nlane_idle_secs = 0\n").unwrap();
    let out = amity().arg("check-config").arg("--config").arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains("lane_idle_secs must be at least 1"), "{err}");
    assert!(!err.contains("backtrace") && err.lines().count() == 1, "{err}");

    let out = amity().arg("serve").arg("--db").arg(dir.path().join("x.db")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no bot token: set TELOXIDE_TOKEN"), "{err}");
}

#[test]
fn ask_saves_an_export_beside_it_and_exits_2_when_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let ok = amity()
        .current_dir(dir.path())
        .arg("ask")
        .arg("--db")
        .arg(&db)
        .arg("/donation 2020-03-23 | Germany | 500 protective suits")
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let out =
        amity().current_dir(dir.path()).arg("ask").arg("--db").arg(&db).arg("/export csv donations").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let saved = text.lines().find(|l| l.starts_with("File saved: ")).unwrap_or_else(|| panic!("{text}"));
    let name = saved.trim_start_matches("File saved: ./").split(' ').next().unwrap();
    let csv = std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(csv.contains("D-1,2020-03-23,Nordrhein") || csv.contains("D-1,2020-03-23,Germany"), "{csv}");
    // The same export again does not overwrite the first file.
    let again =
        amity().current_dir(dir.path()).arg("ask").arg("--db").arg(&db).arg("/export csv donations").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("-1.csv"));
    let refused = amity()
        .current_dir(dir.path())
        .arg("ask")
        .arg("--db")
        .arg(&db)
        .arg("--as")
        .arg("987654321")
        .arg("/export csv")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}
