//! Shared harness of the end-to-end tests: run the real `trailguard` binary from the repository
//! root, in a temporary directory when a test writes files.

#![allow(dead_code)] // Each test file uses a different part of the harness.

pub mod moto;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The day `days` days from today (UTC), as `YYYY-MM-DD`: a waiver expiry within the default
/// limit (365 days ahead) whenever the tests run.
pub fn in_days(days: u32) -> String {
    trailguard_engine::Date::today().plus_days(days).to_string()
}

/// The demo's config: it raises the waiver limit so inputs/waivers.toml (in force until 2099)
/// is accepted.
pub const DEMO_CONFIG: &str = "inputs/trailguard.toml";

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `trailguard ARGS` in `dir`, with none of trailguard's settings from the environment.
pub fn trailguard_in(dir: &Path, args: &[&str]) -> Run {
    trailguard_env(dir, args, &[])
}

/// Runs `trailguard ARGS` from the repository root.
pub fn trailguard(args: &[&str]) -> Run {
    trailguard_in(&root(), args)
}

/// Settings trailguard reads from the environment: removed from every run, so that a
/// developer's own shell cannot change what a test sees.
const SETTINGS: [&str; 5] = [
    "NO_COLOR",
    "TRAILGUARD_RULE_TIMEOUT",
    "TRAILGUARD_MAX_MEMORY",
    "TRAILGUARD_MAX_SNAPSHOT_SIZE",
    "TRAILGUARD_TEST_HOLD_WRITE_MS",
];

/// `command` without the [`SETTINGS`] of the test's own environment.
pub fn without_settings(command: &mut Command) -> &mut Command {
    for name in SETTINGS {
        command.env_remove(name);
    }
    command
}

/// Runs `trailguard ARGS` in `dir` with extra environment variables.
pub fn trailguard_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trailguard"));
    without_settings(command.args(args).current_dir(dir));
    for (k, v) in env {
        command.env(k, v);
    }
    run(&mut command)
}

/// Runs a prepared command of the binary to its end.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the trailguard binary runs");
    Run {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A Python with `jsonschema` and `moto`: `TRAILGUARD_TEST_PYTHON`, else the venv `scripts/test`
/// made, else a system python3 that has them. Never skips: without one the calling test fails and says how to get one.
pub fn python() -> String {
    if let Ok(python) = std::env::var("TRAILGUARD_TEST_PYTHON") {
        return python;
    }
    let venv = root().join("target/test-venv/bin/python");
    if venv.exists() {
        return venv.to_string_lossy().into_owned();
    }
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema, moto"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "no Python with jsonschema and moto: run the suite with ./scripts/test, which installs it into \
         target/test-venv (or set TRAILGUARD_TEST_PYTHON)"
    );
    "python3".to_string()
}

/// Validates a SARIF file against the official 2.1.0 schema and GitHub's ingestion rules
/// (tests/tools/check_sarif.py); returns the checker's output.
pub fn check_sarif(file: &Path) -> String {
    let root = root();
    let output = Command::new(python())
        .arg(root.join("tests/tools/check_sarif.py"))
        .arg(root.join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
        .arg(file)
        .output()
        .expect("the SARIF checker runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "SARIF check failed:\n{text}");
    text
}

/// Microsoft's SARIF validator (the SARIF Multitool): `TRAILGUARD_TEST_SARIF_MULTITOOL`, else
/// where `scripts/test` installs it. Never skips: without it the calling test fails and says how
/// to get it.
pub fn sarif_multitool() -> PathBuf {
    let path = match std::env::var_os("TRAILGUARD_TEST_SARIF_MULTITOOL") {
        Some(path) => PathBuf::from(path),
        None => root().join(
            "target/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
        ),
    };
    assert!(
        path.is_file(),
        "no SARIF Multitool at {}: run the suite with ./scripts/test, which installs it with npm \
         into target/sarif-multitool (or set TRAILGUARD_TEST_SARIF_MULTITOOL)",
        path.display()
    );
    path
}

/// Runs Microsoft's SARIF validator with GitHub's rules and SARIF's (`validate --rule-kind
/// Gh;Sarif`) on `file`; fails the test on any error or warning it reports (it exits 0 either
/// way, so its output is read). Returns the output.
pub fn multitool_validate(file: &Path) -> String {
    let output = Command::new(sarif_multitool())
        .args(["validate", "--rule-kind", "Gh;Sarif"])
        .arg(file)
        .output()
        .expect("the SARIF Multitool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the SARIF Multitool failed:\n{text}"
    );
    assert!(
        text.contains("Analysis completed successfully"),
        "the SARIF Multitool did not finish:\n{text}"
    );
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .collect();
    assert!(
        problems.is_empty(),
        "the SARIF Multitool reports {} problem(s) in {}:\n{}",
        problems.len(),
        file.display(),
        problems.join("\n")
    );
    text
}

/// Runs `trailguard ARGS --format sarif -o DIR/NAME` from the repository root, expects exit 0,
/// validates the file with [`check_sarif`] and returns the parsed log and the checker's report.
pub fn sarif_log(dir: &Path, name: &str, args: &[&str]) -> (serde_json::Value, String) {
    let out = dir.join(name);
    let mut all = args.to_vec();
    all.extend(["--format", "sarif", "-o", out.to_str().unwrap()]);
    let run = trailguard(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = check_sarif(&out);
    let log = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    (log, report)
}

/// (rule id, resource) of every finding of a JSON report.
pub fn findings(json: &str) -> std::collections::BTreeSet<(String, String)> {
    let report: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not a JSON report ({e}):\n{json}"));
    finding_pairs(&report["findings"])
}

/// (rule id, resource) of every finding of a JSON array of findings.
pub fn finding_pairs(list: &serde_json::Value) -> std::collections::BTreeSet<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// (rule id, resource) of a SARIF result: its `ruleId` and its logical location's
/// `fullyQualifiedName`, the pair GitHub's fingerprint is made of.
pub fn sarif_result_key(result: &serde_json::Value) -> (String, String) {
    (
        result["ruleId"].as_str().unwrap().to_string(),
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

/// Writes a file below `dir`, creating directories.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Compares `actual` with the golden file `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites it.
pub fn assert_golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs from the output; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}
