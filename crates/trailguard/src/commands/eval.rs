//! `trailguard eval`: judge saved snapshots.

use super::{policy_sources, Outcome};
use crate::cli::{BackendArg, EvalArgs, FailOn, FormatArg, ReportArgs};
use crate::output::{emit, use_color};
use anyhow::Context;
use std::path::{Path, PathBuf};
use trailguard_engine::{Backend, Config, Date, PolicyEngine, Severity, WaiverLimits, Waivers};
use trailguard_report::{render, render_sarif, Format, Options, MAX_RUNS};
use trailguard_snapshot::{Snapshot, SnapshotFile};

/// The file `--config` defaults to, when it exists.
pub const DEFAULT_CONFIG: &str = "trailguard.toml";
/// The file `--waivers` defaults to, when it exists.
pub const DEFAULT_WAIVERS: &str = "trailguard-waivers.toml";

pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    // Read every input before evaluating anything, so a bad file fails fast and alone.
    let files = args
        .snapshots
        .iter()
        .map(|path| Snapshot::load_limited(path, args.read.max_snapshot_size))
        .collect::<Result<Vec<_>, _>>()?;
    report(&files, &args.report)
}

/// Evaluates snapshots and writes the report `args` ask for; shared by `eval` and `scan`.
pub fn report(files: &[SnapshotFile], args: &ReportArgs) -> anyhow::Result<Outcome> {
    let config = config(args.files.config.as_deref())?;
    let today = Date::today();
    let waivers = waivers(args.files.waivers.as_deref(), &config.waivers, today)?;
    let engine = PolicyEngine::with_budget(
        &policy_sources(&args.policy)?,
        &config.params,
        args.limits.budget(),
    )?;
    let backend = match args.backend {
        BackendArg::Rvm => Backend::Rvm,
        BackendArg::Interpreter => Backend::Interpreter,
    };
    let mut evaluation = engine.evaluate_files(files, &args.sarif_root, backend)?;
    waivers.apply(&mut evaluation, today);
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
    };
    let options = Options {
        color: args.format == FormatArg::Text && use_color(args.color, args.output.is_some()),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        include_waived: args.sarif_include_waived,
    };
    if format == Format::Sarif {
        write_sarif(
            &render_sarif(&evaluation, &options)?,
            args.output.as_deref(),
        )?;
    } else {
        emit(
            &render(&evaluation, format, &options)?,
            args.output.as_deref(),
        )?;
    }
    Ok(if evaluation.fails(threshold(args.fail_on)) {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}

/// Writes SARIF documents: one to `output` (or standard output); several, when there are more
/// than [`MAX_RUNS`] accounts, to `output`, then `STEM-2.EXT`, `STEM-3.EXT`, ... beside it.
fn write_sarif(documents: &[String], output: Option<&Path>) -> anyhow::Result<()> {
    let (Some(output), [_, _, ..]) = (output, documents) else {
        return match documents {
            [one] => emit(one, output),
            _ => anyhow::bail!(
                "the SARIF for these accounts needs {} files (GitHub code scanning accepts at \
                 most {MAX_RUNS} runs, one per account, in a file); give -o FILE and they are \
                 written as FILE, FILE-2, ...",
                documents.len()
            ),
        };
    };
    let mut written = Vec::new();
    for (i, document) in documents.iter().enumerate() {
        let path = numbered(output, i + 1);
        emit(document, Some(&path))?;
        written.push(path.display().to_string());
    }
    crate::output::eprintln(&format!(
        "wrote {} SARIF files ({MAX_RUNS} accounts a file, GitHub's limit); upload each \
         separately: {}",
        written.len(),
        written.join(", ")
    ));
    Ok(())
}

/// `results.sarif` for 1, `results-2.sarif` for 2, ...
fn numbered(path: &Path, n: usize) -> PathBuf {
    if n == 1 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
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

/// The rule parameters and waiver limits: `--config FILE`, else `trailguard.toml` when the
/// current directory has one, else the defaults.
pub fn config(config: Option<&Path>) -> anyhow::Result<Config> {
    match read_file(config, DEFAULT_CONFIG, "config file")? {
        Some((text, file)) => Ok(Config::from_toml(&text, &file)?),
        None => Ok(Config::default()),
    }
}

/// The waivers, checked against `limits` as of `today`: `--waivers FILE`, else
/// `trailguard-waivers.toml` when the current directory has one, else none.
pub fn waivers(path: Option<&Path>, limits: &WaiverLimits, today: Date) -> anyhow::Result<Waivers> {
    match read_file(path, DEFAULT_WAIVERS, "waiver file")? {
        Some((text, file)) => Ok(Waivers::from_toml(&text, &file, limits, today)?),
        None => Ok(Waivers::default()),
    }
}

/// `given`, else `default` when the current directory has it.
pub fn chosen<'a>(given: Option<&'a Path>, default: &'a str) -> Option<&'a Path> {
    given.or_else(|| Some(Path::new(default)).filter(|p| p.is_file()))
}

/// The text and name of `given`, else of `default` when the current directory has it.
fn read_file(
    given: Option<&Path>,
    default: &str,
    what: &str,
) -> anyhow::Result<Option<(String, String)>> {
    let Some(path) = chosen(given, default) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?;
    Ok(Some((text, path.display().to_string())))
}
