//! One module per subcommand.

mod accounts;
mod check;
mod collect;
mod diff;
mod eval;
mod policy;

use crate::cli::{Cli, Command, PolicyArgs};
use anyhow::Context;
use trailguard_engine::{builtin_sources, load_path, overlay, Override, PolicySource};

/// How a successful run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: findings at or above `--fail-on`, or failed tests.
    Failed,
}

impl From<Outcome> for std::process::ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Clean => std::process::ExitCode::SUCCESS,
            Outcome::Failed => std::process::ExitCode::from(1),
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Eval(args) => eval::run(&args),
        Command::Collect(args) => collect::collect(&args),
        Command::Scan(args) => collect::scan(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Accounts(args) => accounts::run(&args),
        Command::CheckConfig(args) => check::run(&args),
        Command::Permissions => collect::permissions(),
        Command::Policy(command) => policy::run(command),
        Command::Schema => {
            let schema = trailguard_snapshot::Snapshot::json_schema()
                .context("cannot generate the snapshot's JSON Schema")?;
            let mut text = serde_json::to_string_pretty(&schema).context("cannot print schema")?;
            text.push('\n');
            crate::output::emit(&text, None, "JSON Schema")?;
            Ok(Outcome::Clean)
        }
    }
}

/// The policy sources `--policy` and `--no-builtin` select. Without the built-in rules, the
/// built-in helpers (`policies/lib`) stay loaded so custom rules can import them. A user file
/// with a built-in's package replaces it with `--override-builtin` or `--no-builtin`, and is an
/// error otherwise ([`overlay`]). A file named twice (`--policy p --policy ./p`) is read once.
pub fn policy_sources(args: &PolicyArgs) -> anyhow::Result<Vec<PolicySource>> {
    let overrides = if args.override_builtin || args.no_builtin {
        Override::Allowed
    } else {
        Override::Refused
    };
    sources(args, overrides)
}

/// [`policy_sources`], with the override decision made by the caller.
pub fn sources(args: &PolicyArgs, overrides: Override) -> anyhow::Result<Vec<PolicySource>> {
    let builtin = builtin_sources()
        .into_iter()
        .filter(|s| !args.no_builtin || s.path.starts_with("policies/lib/"))
        .collect();
    let mut user = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in &args.policies {
        for source in load_path(path)? {
            // The same file reached twice (a directory given twice, or as `p` and `./p`).
            let key = std::fs::canonicalize(&source.path)
                .with_context(|| format!("cannot read policy {}", source.path))?;
            if seen.insert(key) {
                user.push(source);
            }
        }
    }
    Ok(overlay(builtin, user, overrides)?)
}
