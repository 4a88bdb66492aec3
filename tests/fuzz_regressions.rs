//! The fuzz corpus and every crash the fuzzers found, replayed through the fuzz oracles.
//!
//! For each target of `trailguard_fuzz::TARGETS`, every file of `fuzz/corpus/TARGET/` (the
//! inputs the fuzzer kept for their coverage) and of `fuzz/regressions/TARGET/` (each input that
//! once broke an invariant or crashed, named for what it was) goes through the target's oracle,
//! which panics, naming what broke, if the parser misbehaves. Each file runs on its own thread
//! named after it, with a 2 MiB stack (Rust's default for threads), so a recursion-depth
//! regression overflows the stack here just as it crashed the fuzzer; that aborts the test
//! binary, which fails the run. An input that takes longer than [`TIME_LIMIT`] fails too (the
//! fuzzer reports a hang as a crash: `-timeout`). Empty or missing directories fail: a corpus
//! that was not found must not pass vacuously; a target whose fuzzer never crashed has no
//! regressions directory (git keeps no empty directory), which is fine.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Rust's default thread stack, and what the CLI's evaluation threads get.
const STACK: usize = 2 << 20;

/// The longest one input may take, in a debug build on a slow CI machine; every input of the
/// corpus takes well under a second.
const TIME_LIMIT: Duration = Duration::from_secs(30);

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `fuzz/KIND/TARGET`, sorted. The corpus must hold some; a target may have no
/// regressions.
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    if kind == "regressions" && !dir.exists() {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        kind == "regressions" || !files.is_empty(),
        "{} holds no inputs",
        dir.display()
    );
    files
}

/// Replays every file of `fuzz/KIND/TARGET` through the target's oracle; fails naming every file
/// that broke an invariant.
fn replay(kind: &str, target: &str) {
    let oracle = trailguard_fuzz::oracle(target).unwrap();
    let mut failures = Vec::new();
    for path in files(kind, target) {
        let data = std::fs::read(&path).unwrap();
        let name = format!(
            "fuzz/{kind}/{target}/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        if let Err(failure) = run_on_thread(&name, move || oracle(&data)) {
            failures.push(format!("{name}: {failure}"));
        }
    }
    assert!(
        failures.is_empty(),
        "inputs that fail their oracle (see the panics above): {failures:#?}"
    );
}

/// Runs `f` on a thread named `name` with a [`STACK`]-byte stack: an error when it panics or
/// takes longer than [`TIME_LIMIT`] (the thread is then left running; the test fails anyway).
fn run_on_thread(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), &'static str> {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(STACK)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = done.send(outcome.is_ok());
        })
        .unwrap();
    match finished.recv_timeout(TIME_LIMIT) {
        Ok(true) => Ok(()),
        Ok(false) => Err("broke an invariant"),
        Err(_) => Err("took longer than the time limit"),
    }
}

/// A policy nested 100,000 levels deep (regorus's parser would take forever, its time doubling
/// with each level) is refused at once, with a diagnostic at the bracket that goes too deep.
#[test]
fn a_policy_nested_100000_levels_deep_is_refused_with_a_diagnostic() {
    use trailguard_engine::{EngineError, Params, PolicyEngine, PolicySource, MAX_NESTING};
    let outcome = run_on_thread("deep-policy", || {
        let levels = 100_000;
        let text = format!(
            "package deep\nimport rego.v1\n\nx := {}1{}\n",
            "[".repeat(levels),
            "]".repeat(levels)
        );
        let source = PolicySource::custom("custom/deep.rego", text);
        let Err(EngineError::Policies(diagnostics)) =
            PolicyEngine::new(&[source], &Params::default())
        else {
            panic!("a 100,000-level nested policy was not refused");
        };
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        let column = 6 + MAX_NESTING;
        assert_eq!(diagnostics.len(), 1, "{shown:#?}");
        assert!(
            shown[0].starts_with(&format!(
                "custom/deep.rego:4:{column}: brackets, braces and parentheses are nested more than {MAX_NESTING} levels deep"
            )),
            "{shown:#?}"
        );
        assert!(shown[0].contains("\n  hint: "), "{shown:#?}");
    });
    assert_eq!(outcome, Ok(()));
}

/// The inputs behind each fix so far (see the README's "Fuzzing"): one of them going missing
/// must fail, not quietly shrink the replay.
#[test]
fn the_regressions_of_every_fix_are_there() {
    for file in [
        "policy/deep-brackets-exponential-parse.rego",
        "policy/deep-braces-exponential-parse.rego",
        "policy/tab-column-past-end-of-line.rego",
        "policy/metadata-error-at-end-of-yaml-past-line.rego",
        "snapshot/empty-file-column-0.json",
        "snapshot/eof-after-newline-column-0.json",
        "params/deep-arrays-10000.toml",
        "waivers/deep-inline-tables-10000.toml",
        "filter_pattern/regex-over-whole-float-text-serde-vs-regorus.txt",
        "filter_pattern/regex-stacked-quantifiers-stack-overflow.txt",
    ] {
        let path = fuzz_dir().join("regressions").join(file);
        assert!(path.is_file(), "{} is missing", path.display());
    }
}

macro_rules! replay_tests {
    ($($target:ident),*) => {
        /// Every target of the fuzz crate has its two tests here.
        #[test]
        fn every_target_is_replayed() {
            let names: Vec<&str> = trailguard_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, [$(stringify!($target)),*]);
            for name in names {
                assert!(fuzz_dir().join("fuzz_targets").join(format!("{name}.rs")).is_file(), "no fuzz target {name}");
            }
        }

        mod corpus {
            $(
                #[test]
                fn $target() {
                    super::replay("corpus", stringify!($target));
                }
            )*
        }

        mod regressions {
            $(
                #[test]
                fn $target() {
                    super::replay("regressions", stringify!($target));
                }
            )*
        }
    };
}

replay_tests!(
    snapshot,
    policy,
    params,
    waivers,
    sarif,
    filter_pattern,
    event_pattern
);
