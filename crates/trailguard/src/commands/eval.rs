//! `trailguard eval`: judge saved snapshots.

use super::{policy_sources, Outcome};
use crate::cli::{BackendArg, EvalArgs, FailOn, FormatArg, ReportArgs};
use crate::output::{emit, use_color};
use anyhow::Context;
use std::path::Path;
use trailguard_engine::{Backend, Params, PolicyEngine, Severity};
use trailguard_report::{render, Format, Options};
use trailguard_snapshot::{Snapshot, SnapshotFile};

/// The file `--config` defaults to, when it exists.
const DEFAULT_CONFIG: &str = "trailguard.toml";

pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    // Read every input before evaluating anything, so a bad file fails fast and alone.
    let files = args
        .snapshots
        .iter()
        .map(|path| Snapshot::load(path))
        .collect::<Result<Vec<_>, _>>()?;
    report(&files, &args.report)
}

/// Evaluates snapshots and writes the report `args` ask for; shared by `eval` and `scan`.
pub fn report(files: &[SnapshotFile], args: &ReportArgs) -> anyhow::Result<Outcome> {
    let params = params(args.config.as_deref())?;
    let engine = PolicyEngine::new(&policy_sources(&args.policy)?, &params)?;
    let backend = match args.backend {
        BackendArg::Rvm => Backend::Rvm,
        BackendArg::Interpreter => Backend::Interpreter,
    };
    let evaluation = engine.evaluate_files(files, &args.sarif_root, backend)?;
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
    };
    let options = Options {
        color: args.format == FormatArg::Text && use_color(args.color, args.output.is_some()),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let report = render(&evaluation, format, &options)?;
    emit(&report, args.output.as_deref())?;
    Ok(if evaluation.fails(threshold(args.fail_on)) {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}

/// The severity `--fail-on` names, if any.
pub fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Never => None,
    }
}

/// The rule parameters: `--config FILE`, else `trailguard.toml` when the current directory has
/// one, else the defaults.
pub fn params(config: Option<&Path>) -> anyhow::Result<Params> {
    let path = match config {
        Some(path) => path,
        None if Path::new(DEFAULT_CONFIG).is_file() => Path::new(DEFAULT_CONFIG),
        None => return Ok(Params::default()),
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    Ok(Params::from_toml(&text, &path.display().to_string())?)
}
