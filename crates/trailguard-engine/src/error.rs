//! Engine errors. Each names the policy file, rule or snapshot it is about.

use crate::Diagnostic;

/// Why policies could not be loaded or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A policy file or directory could not be read.
    #[error("cannot read policy {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
    /// `trailguard.toml` is invalid.
    #[error("{0}")]
    Config(Diagnostic),
    /// The snapshots given together could not be merged into one (serde_json failed to write a
    /// copy of a resource that merging compares).
    #[error("cannot merge the snapshots: {0}")]
    Merge(#[source] trailguard_snapshot::SnapshotError),
    /// The waiver file is invalid; every problem found is listed.
    #[error("{}", render_problems("the waiver file", .0))]
    Waivers(Vec<Diagnostic>),
    /// One or more policies are invalid; every problem found is listed.
    #[error("{}", render(.0))]
    Policies(Vec<Diagnostic>),
    /// A rule's `deny` is not a set of objects with `resource` and `message`.
    #[error("rule {rule} ({source_path}): {message}")]
    BadOutput {
        /// The rule id.
        rule: String,
        /// Its file.
        source_path: String,
        /// What is wrong with its output.
        message: String,
    },
    /// A rule failed while evaluating.
    #[error("rule {rule} ({source_path}) failed: {message}")]
    Evaluation {
        /// The rule id.
        rule: String,
        /// Its file.
        source_path: String,
        /// regorus's error.
        message: String,
    },
    /// A rule's evaluation panicked inside the Rego engine (a bug there, caught).
    #[error("rule {rule} ({source_path}) could not be evaluated: {message}")]
    Panic {
        /// The rule id.
        rule: String,
        /// Its file.
        source_path: String,
        /// What happened.
        message: String,
    },
    /// regorus could not analyse the loaded policies, for a reason it places in no file.
    #[error("the Rego engine could not prepare the policies: {0}")]
    Prepare(String),
    /// No evaluation thread could be started.
    #[error("cannot start an evaluation thread: {0}")]
    Thread(String),
    /// A rule id that no loaded policy declares.
    #[error("no loaded rule has the id {0}")]
    UnknownRule(String),
    /// The snapshot could not be turned into the policy `input` document (a map key JSON cannot
    /// hold, a value whose serialiser failed).
    #[error("cannot give the snapshot to the policies as `input`: {message}")]
    Input {
        /// What could not be converted.
        message: String,
    },
    /// A rule ran longer than the per-rule time limit ([`crate::Budget`]) and was stopped.
    #[error(
        "rule {rule} ({source_path}) was stopped after {limit}, the time limit for one rule: \
         fix the rule (a loop over a huge range? nested comprehensions?) or raise the limit \
         with --rule-timeout SECONDS"
    )]
    TimeLimit {
        /// The rule id (for `policy test`, the test's name).
        rule: String,
        /// Its file.
        source_path: String,
        /// The limit, as `60 s`.
        limit: String,
    },
    /// While a rule ran, the process's memory passed the memory limit ([`crate::Budget`]): the
    /// rule was stopped (and, if other rules ran beside it, run again alone and stopped again).
    #[error(
        "rule {rule} ({source_path}) was stopped when the memory in use passed {limit}, the \
         memory limit: fix the rule (a comprehension building a huge set, array or string?) or \
         raise the limit with --max-memory SIZE"
    )]
    MemoryLimit {
        /// The rule id (for `policy test`, the test's name).
        rule: String,
        /// Its file.
        source_path: String,
        /// The limit, as `256 MiB`.
        limit: String,
    },
    /// The process held more than the memory limit before any rule ran (a snapshot too large
    /// for the limit).
    #[error(
        "the memory in use ({usage}: the policies, the snapshot and its conversion for them) is \
         already more than the memory limit of {limit} before any rule runs: raise the limit \
         with --max-memory SIZE, or split the snapshot"
    )]
    MemoryLimitBeforeRules {
        /// What was in use, as `300 MiB`.
        usage: String,
        /// The limit, as `256 MiB`.
        limit: String,
    },
}

fn render(diagnostics: &[Diagnostic]) -> String {
    render_problems("policies", diagnostics)
}

/// `invalid policy:` / `3 problems in policies:` (or `the waiver file`), one diagnostic a line.
fn render_problems(what: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = match (diagnostics.len(), what) {
        (1, "policies") => "invalid policy:".to_string(),
        (1, _) => format!("invalid {}:", what.trim_start_matches("the ")),
        (n, _) => format!("{n} problems in {what}:"),
    };
    for d in diagnostics {
        out.push('\n');
        out.push_str(&d.to_string());
    }
    out
}
