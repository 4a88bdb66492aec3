//! The fuzz oracles of trailguard: every parser that reads a user's file, run on arbitrary input,
//! with the invariants it must keep asserted.
//!
//! Each oracle takes the raw bytes a fuzzer produced and returns normally when the parser
//! behaved: it accepted the input and the result is sound, or it rejected it with an error that
//! points inside the text. A broken invariant **panics**: a panic is how an oracle reports a
//! failure to libFuzzer (which saves the input as a crash) and to `cargo test` (which fails the
//! test naming the file). So are the crashes the parsers cause themselves (a panic, a stack
//! overflow), which is the point of fuzzing them.
//!
//! | target | oracle | what it reads |
//! |---|---|---|
//! | `snapshot` | [`snapshot`] | a snapshot file: `Snapshot::from_json`, the round trip through `to_json_pretty`, the line locator |
//! | `policy` | [`policy`] | a Rego policy file: regorus's parser and compiler, the METADATA block, `PolicyEngine::new` |
//! | `params` | [`params`] | `trailguard.toml`: `Params::from_toml` |
//! | `waivers` | [`waivers`] | a waiver file: `Waivers::from_toml` |
//! | `sarif` | [`sarif`] | arbitrary rules, findings, gaps and waivers rendered as SARIF: valid SARIF 2.1.0 and GitHub's ingestion rules |
//! | `filter_pattern` | [`filter_pattern`] | a CloudWatch Logs filter pattern: errors inside the text, AWS's length limit, the same match from serde_json, regorus and text events |
//! | `event_pattern` | [`event_pattern`] | an EventBridge event pattern: the same verdict and matches from serde_json and regorus values |
//!
//! The fuzz targets in `fuzz/fuzz_targets/` each call one of these; `tests/fuzz_regressions.rs`
//! replays the committed corpus and every saved crash through them on every `cargo test`.
//!
//! ```
//! // Valid input and invalid input both pass: only a broken invariant panics.
//! trailguard_fuzz::params(b"[params]\nretention_days = 400\n");
//! trailguard_fuzz::params(b"[params]\nretention_days = \"a year\"\n");
//! assert_eq!(trailguard_fuzz::TARGETS.len(), 7);
//! ```

// A panic IS the oracle's failure signal (libFuzzer records the input as a crash, a test fails),
// so the workspace's bans on panicking do not apply to this crate: it is never linked into the
// trailguard binary.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod config;
mod location;
mod patterns;
mod policy;
mod sarif;
mod snapshot;

pub use config::{params, waivers};
pub use patterns::{event_pattern, filter_pattern};
pub use policy::policy;
pub use sarif::{sarif, SarifInput};
pub use snapshot::snapshot;

/// An oracle: runs one parser on fuzzer bytes and panics when an invariant breaks.
pub type Oracle = fn(&[u8]);

/// Every fuzz target by name (the name of its file in `fuzz/fuzz_targets/` and of its corpus
/// directory), with its oracle.
pub const TARGETS: [(&str, Oracle); 7] = [
    ("snapshot", snapshot),
    ("policy", policy),
    ("params", params),
    ("waivers", waivers),
    ("sarif", sarif),
    ("filter_pattern", filter_pattern),
    ("event_pattern", event_pattern),
];

/// The oracle of the target named `name`.
pub fn oracle(name: &str) -> Option<Oracle> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
}
