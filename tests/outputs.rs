//! Where `-o` writes, end to end: a device or FIFO is written into and never replaced, a link is
//! followed, modes are kept, split SARIF is all-or-nothing and leaves no stale part, a kill
//! mid-write leaves no temporary; SARIF URIs for snapshots outside `--sarif-root`; account ids
//! checked as a snapshot loads.
//!
//! The tests run as root here and in CI: `/dev/null` is written to for real, and afterwards must
//! still be the same character device (`/dev/zero` stands in on a host whose `/dev/null` is
//! already a regular file). Nothing else outside a temporary directory is written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{check_sarif, multitool_validate, root, trailguard, trailguard_in};
use serde_json::{json, Value};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEMO: &str = "inputs/demo.json";

fn demo() -> String {
    root().join(DEMO).to_string_lossy().into_owned()
}

/// The `.trailguard-*` files (temporaries, copies kept aside) left in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".trailguard-"))
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A snapshot of `count` accounts, each with no trail at all.
fn accounts_without_trails(count: usize) -> String {
    let accounts: serde_json::Map<String, Value> = (0..count)
        .map(|i| {
            let id = format!("{:012}", 100_000_000_000_u64 + i as u64);
            (
                id.clone(),
                json!({"AccountId": id, "Regions": ["us-east-1"], "TrailArns": []}),
            )
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "schema_version": 1,
        "collected_at": "2026-11-20T00:00:00Z",
        "accounts": accounts,
    }))
    .unwrap()
}

/// The character device the `/dev/null` test writes to: `/dev/null` itself, or `/dev/zero` (which
/// discards writes the same way) on a machine whose `/dev/null` an earlier program replaced with a
/// regular file, as an old trailguard did. The host's state is not the code under test, so it picks
/// another device rather than fail for it; with neither, it fails and says why.
fn discarding_char_device() -> &'static str {
    for path in ["/dev/null", "/dev/zero"] {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_char_device() => return path,
            _ => eprintln!("{path} is not a character device on this machine"),
        }
    }
    panic!("neither /dev/null nor /dev/zero is a character device here: nothing to test with");
}

#[test]
fn dev_null_is_written_into_not_replaced() {
    let device = discarding_char_device();
    let before = std::fs::symlink_metadata(device).unwrap();
    for format in ["sarif", "json", "text", "markdown"] {
        let run = trailguard(&["eval", DEMO, "--format", format, "-o", device]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{format}");
        let after = std::fs::symlink_metadata(device).unwrap();
        assert!(
            after.file_type().is_char_device(),
            "{format}: {device} is no longer a character device"
        );
        assert_eq!(
            (after.rdev(), after.ino()),
            (before.rdev(), before.ino()),
            "{format}"
        );
    }
    // `collect -o` and `scan --snapshot-out` share the writer; `diff -o` and `accounts -o` too.
    let run = trailguard(&["diff", DEMO, DEMO, "-o", device]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::symlink_metadata(device)
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn dev_stdout_is_written_into_not_replaced() {
    let plain = trailguard(&["eval", DEMO, "--format", "json"]);
    let through = trailguard(&["eval", DEMO, "--format", "json", "-o", "/dev/stdout"]);
    assert_eq!(through.code, 0, "{}", through.stderr);
    assert_eq!(through.stdout, plain.stdout);
}

#[test]
fn a_fifo_is_written_into_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let run = trailguard(&[
        "eval",
        DEMO,
        "--format",
        "json",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = reader.join().unwrap();
    assert_eq!(read, trailguard(&["eval", DEMO, "--format", "json"]).stdout);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert_eq!(names(dir.path()), ["report.fifo"]);
}

#[test]
fn a_symlink_is_written_through_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let real = dir.path().join("reports/real.sarif");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink("reports/real.sarif", dir.path().join("link.sarif")).unwrap();
    // A link to a file not there yet: the file is made where the link points.
    std::os::unix::fs::symlink("reports/new.json", dir.path().join("dangling.json")).unwrap();
    let run = trailguard_in(
        dir.path(),
        &["eval", &demo(), "--format", "sarif", "-o", "link.sarif"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = trailguard_in(
        dir.path(),
        &["eval", &demo(), "--format", "json", "-o", "dangling.json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for link in ["link.sarif", "dangling.json"] {
        let meta = std::fs::symlink_metadata(dir.path().join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} was replaced");
    }
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("\"version\": \"2.1.0\""));
    assert!(dir.path().join("reports/new.json").is_file());
    assert_eq!(
        names(&dir.path().join("reports")),
        ["new.json", "real.sarif"]
    );
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn every_output_was_written_0600_now_the_usual_mode() {
    let dir = tempfile::tempdir().unwrap();
    // An existing file keeps its mode.
    for wanted in [0o644, 0o664, 0o640] {
        let out = dir.path().join("existing.sarif");
        std::fs::write(&out, "old").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(wanted)).unwrap();
        let run = trailguard(&[
            "eval",
            DEMO,
            "--format",
            "sarif",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(mode(&out), wanted, "{wanted:o}");
    }
    // A new file gets 0666 less the umask.
    for (umask, wanted) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let out = dir.path().join(format!("new-{umask}.json"));
        let status = Command::new("sh")
            .args([
                "-c",
                &format!("umask {umask} && exec \"$0\" \"$@\""),
                env!("CARGO_BIN_EXE_trailguard"),
                "eval",
                DEMO,
                "--format",
                "json",
                "-o",
                out.to_str().unwrap(),
            ])
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(&out), wanted, "umask {umask}");
    }
}

/// Starts `trailguard eval -o out` that waits `hold` between writing its temporary files and
/// renaming them.
fn spawn_held(dir: &Path, args: &[&str], hold: Duration) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trailguard"));
    common::without_settings(command.args(args).current_dir(dir))
        .env(
            "TRAILGUARD_TEST_HOLD_WRITE_MS",
            hold.as_millis().to_string(),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().unwrap()
}

/// Waits for the child, at most `limit`: kills it and fails past that.
fn wait_at_most(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("trailguard did not exit within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

fn wait_until(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_kill_mid_write_left_a_temporary_file() {
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.sarif");
        std::fs::write(&out, "the previous report\n").unwrap();
        let child = spawn_held(
            dir.path(),
            &["eval", &demo(), "--format", "sarif", "-o", "out.sarif"],
            Duration::from_secs(30),
        );
        wait_until("the temporary file", Duration::from_secs(30), || {
            !temporaries(dir.path()).is_empty()
        });
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = wait_at_most(child, Duration::from_secs(10));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "SIG{signal}: {stderr}");
        assert_eq!(
            stderr, "trailguard: interrupted; the files being written were left as they were\n",
            "SIG{signal}"
        );
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "the previous report\n"
        );
        assert_eq!(temporaries(dir.path()), Vec::<String>::new(), "SIG{signal}");
        assert_eq!(names(dir.path()), ["out.sarif"], "SIG{signal}");
    }
}

#[test]
fn ctrl_c_while_a_fifo_waits_for_its_reader_still_exits() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    mkfifo(&fifo);
    let child = spawn_held(
        dir.path(),
        &["eval", &demo(), "--format", "json", "-o", "report.fifo"],
        Duration::ZERO,
    );
    // Wait until it has evaluated and blocks opening the FIFO, which nobody reads (a fixed
    // sleep was flaky on a busy machine: the signal came before the handler was installed).
    let pid = child.id();
    wait_until("the open of the FIFO", Duration::from_secs(60), || {
        std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|task| {
                std::fs::read_to_string(task.path().join("wchan"))
                    .is_ok_and(|w| w.trim() == "wait_for_partner")
            })
    });
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = wait_at_most(child, Duration::from_secs(5));
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "trailguard: interrupted\n"
    );
    assert_eq!(names(dir.path()), ["report.fifo"]);
}

#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), "").unwrap();
    let run = trailguard_in(
        dir.path(),
        &["eval", &demo(), "--format", "sarif", "-o", "file/out.sarif"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot write the SARIF report to file/out.sarif"),
        "{}",
        run.stderr
    );
    assert_eq!(names(dir.path()), ["file"]);
}

/// `trailguard eval SNAPSHOT --format sarif -o out.sarif` in `dir`.
fn split_sarif(dir: &Path, snapshot: &str) -> common::Run {
    trailguard_in(
        dir,
        &["eval", snapshot, "--format", "sarif", "-o", "out.sarif"],
    )
}

#[test]
fn split_sarif_was_not_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("45.json"), accounts_without_trails(45)).unwrap();
    std::fs::write(dir.path().join("out.sarif"), "old 1").unwrap();
    std::fs::write(dir.path().join("out-3.sarif"), "old 3").unwrap();
    // Part 2 cannot be written: its name leads (through a link) below a regular file.
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    std::os::unix::fs::symlink("blocker/out-2.sarif", dir.path().join("out-2.sarif")).unwrap();
    let run = split_sarif(dir.path(), "45.json");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot write the SARIF report to out-2.sarif"),
        "{}",
        run.stderr
    );
    // Part 1 was written before part 2 failed; now none is.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.sarif")).unwrap(),
        "old 1"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out-3.sarif")).unwrap(),
        "old 3"
    );
    assert_eq!(
        names(dir.path()),
        [
            "45.json",
            "blocker",
            "out-2.sarif",
            "out-3.sarif",
            "out.sarif"
        ]
    );
    // Unblocked, all three are written, through the link.
    std::fs::remove_file(dir.path().join("blocker")).unwrap();
    std::fs::create_dir(dir.path().join("blocker")).unwrap();
    let run = split_sarif(dir.path(), "45.json");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for part in ["out.sarif", "blocker/out-2.sarif", "out-3.sarif"] {
        check_sarif(&dir.path().join(part));
    }
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn split_sarif_left_stale_parts_of_an_earlier_larger_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("45.json"), accounts_without_trails(45)).unwrap();
    std::fs::write(dir.path().join("25.json"), accounts_without_trails(25)).unwrap();
    std::fs::write(dir.path().join("1.json"), accounts_without_trails(1)).unwrap();
    // Not a part: a gap in the numbering ends the earlier run's parts.
    std::fs::write(dir.path().join("out-5.sarif"), "someone else's").unwrap();
    let sarifs = |dir: &Path| -> Vec<String> {
        names(dir)
            .into_iter()
            .filter(|n| n.starts_with("out"))
            .collect()
    };

    let run = split_sarif(dir.path(), "45.json");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        sarifs(dir.path()),
        ["out-2.sarif", "out-3.sarif", "out-5.sarif", "out.sarif"]
    );

    let run = split_sarif(dir.path(), "25.json");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("removed 1 SARIF file(s) left from an earlier run"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sarifs(dir.path()),
        ["out-2.sarif", "out-5.sarif", "out.sarif"]
    );
    let runs: usize = ["out.sarif", "out-2.sarif"]
        .iter()
        .map(|p| {
            let log: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.path().join(p)).unwrap())
                    .unwrap();
            log["runs"].as_array().unwrap().len()
        })
        .sum();
    assert_eq!(runs, 25);

    // One account: one file, and the earlier part 2 goes too.
    let run = split_sarif(dir.path(), "1.json");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sarifs(dir.path()), ["out-5.sarif", "out.sarif"]);
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn sarif_outside_the_root_had_a_bare_absolute_path_as_uri() {
    // A snapshot in a temporary directory, the repository as --sarif-root.
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    std::fs::copy(root().join(DEMO), &snapshot).unwrap();
    let out = dir.path().join("outside.sarif");
    let run = trailguard(&[
        "eval",
        snapshot.to_str().unwrap(),
        "--format",
        "sarif",
        "--sarif-root",
        root().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let uri = log["runs"][0]["artifacts"][0]["location"]["uri"]
        .as_str()
        .unwrap();
    // A relative reference from the root that leads to the snapshot.
    let real = snapshot.canonicalize().unwrap();
    assert_eq!(root().join(uri).canonicalize().unwrap(), real, "{uri}");
    assert!(uri.starts_with("../") && !uri.contains("//"), "{uri}");
    for result in log["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            uri
        );
    }
    check_sarif(&out);
    multitool_validate(&out);
}

#[test]
fn the_microsoft_sarif_validator_finds_no_problem_in_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.sarif");
    let run = trailguard(&[
        "eval",
        DEMO,
        "--format",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = multitool_validate(&out);
    assert!(report.contains("1 files scanned"), "{report}");
}

#[test]
fn the_microsoft_sarif_validator_rejects_a_bare_absolute_uri() {
    // The check above means something: the validator sees the old bug.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.sarif");
    let run = trailguard(&[
        "eval",
        DEMO,
        "--format",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&out)
        .unwrap()
        .replace("\"inputs/demo.json\"", "\"/tmp/demo.json\"");
    let bad = dir.path().join("bad.sarif");
    std::fs::write(&bad, text).unwrap();
    let result = std::panic::catch_unwind(|| multitool_validate(&bad));
    let message = *result.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("SARIF1004"), "{message}");
}

#[test]
fn any_string_was_accepted_as_an_account_id() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot: PathBuf = dir.path().join("bad.json");
    let text = accounts_without_trails(2).replace("\"100000000001\": {", "\"x/../prod\": {");
    std::fs::write(&snapshot, &text).unwrap();
    let line = text.lines().position(|l| l.contains("x/../prod")).unwrap() + 1;
    let run = trailguard_in(
        dir.path(),
        &["eval", "bad.json", "--format", "sarif", "-o", "out.sarif"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with(&format!("error: not a valid snapshot bad.json:{line}:")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "invalid account id \"x/../prod\": an AWS account id is exactly 12 ASCII digits"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(names(dir.path()), ["bad.json"]);
}
