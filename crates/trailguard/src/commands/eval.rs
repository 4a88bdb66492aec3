//! `trailguard eval`: judge saved snapshots.

use super::{policy_sources, Outcome};
use crate::cli::{EvalArgs, FailOn, FormatArg, GroupByArg, ReportArgs};
use crate::output::{emit, use_color};
use anyhow::Context;
use std::path::{Path, PathBuf};
use trailguard_engine::{Config, Date, PolicyEngine, RuleCost, Severity, WaiverLimits, Waivers};
use trailguard_report::{render, render_sarif, Format, GroupBy, Options, MAX_RUNS};
use trailguard_snapshot::SnapshotFile;

/// The file `--config` defaults to, when it exists.
pub const DEFAULT_CONFIG: &str = "trailguard.toml";
/// The file `--waivers` defaults to, when it exists.
pub const DEFAULT_WAIVERS: &str = "trailguard-waivers.toml";

pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    // Read every input before evaluating anything, so a bad file fails fast and alone.
    let files = crate::snapshots::load_all(&args.snapshots, args.read.max_snapshot_size)?;
    report(&files, &args.report, args.profile)
}

/// `eval --profile`: each rule's time and result count, slowest first, and the
/// total.
fn profile_table(costs: &[RuleCost]) -> String {
    let width = costs.iter().map(|c| c.rule.len()).max().unwrap_or(4).max(4);
    let mut out = format!(
        "{:<width$}  {:>10}  {:>7}\n",
        "RULE", "TIME (ms)", "RESULTS"
    );
    for cost in costs {
        out.push_str(&format!(
            "{:<width$}  {:>10.1}  {:>7}\n",
            cost.rule,
            cost.duration.as_secs_f64() * 1000.0,
            cost.results
        ));
    }
    let total: f64 = costs
        .iter()
        .map(|c| c.duration.as_secs_f64() * 1000.0)
        .sum();
    let results: usize = costs.iter().map(|c| c.results).sum();
    out.push_str(&format!(
        "{:<width$}  {total:>10.1}  {results:>7}\n(times add up across threads)",
        "total"
    ));
    out
}

/// Evaluates snapshots and writes the report `args` ask for; shared by `eval` and `scan`.
pub fn report(files: &[SnapshotFile], args: &ReportArgs, profile: bool) -> anyhow::Result<Outcome> {
    let config = config(args.files.config.as_deref())?;
    let today = Date::today();
    let waivers = waivers(args.files.waivers.as_deref(), &config.waivers, today)?;
    let engine = PolicyEngine::with_budget(
        &policy_sources(&args.policy)?,
        &config.params,
        args.limits.budget(),
    )?;
    let mut evaluation = engine.evaluate_files(files, &args.sarif_root)?;
    for print in &evaluation.prints {
        crate::output::eprintln(&format!("print ({}): {}", print.rule, print.text));
    }
    if profile || args.profile_rules {
        crate::output::eprintln(&profile_table(&evaluation.profile));
    }
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
        group_by: match args.group_by {
            GroupByArg::Severity => GroupBy::Severity,
            GroupByArg::Account => GroupBy::Account,
        },
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
            "report",
        )?;
    }
    Ok(if evaluation.fails(threshold(args.fail_on)) {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}

/// Writes SARIF documents: one to `output` (or standard output); several, when there are more
/// than [`MAX_RUNS`] accounts, to `output`, then `STEM-2.EXT`, `STEM-3.EXT`, ... beside it, all or
/// none of them. Parts of an earlier run beyond this run's count (`STEM-4.EXT` when this run
/// writes 3) are removed with the same all-or-nothing write, so an upload of `STEM*.EXT` never
/// picks up a stale part.
fn write_sarif(documents: &[String], output: Option<&Path>) -> anyhow::Result<()> {
    let Some(output) = output else {
        return match documents {
            [one] => emit(one, None, "SARIF report"),
            _ => anyhow::bail!(
                "the SARIF for these accounts needs {} files (GitHub code scanning accepts at \
                 most {MAX_RUNS} runs, one per account, in a file); give -o FILE and they are \
                 written as FILE, FILE-2, ...",
                documents.len()
            ),
        };
    };
    let paths: Vec<PathBuf> = (1..=documents.len()).map(|n| numbered(output, n)).collect();
    let stale = stale_parts(output, documents.len())?;
    let files: Vec<(&Path, &[u8])> = paths
        .iter()
        .zip(documents)
        .map(|(path, document)| (path.as_path(), document.as_bytes()))
        .collect();
    let stale_refs: Vec<&Path> = stale.iter().map(PathBuf::as_path).collect();
    crate::output::write_files(&files, &stale_refs, "SARIF report")?;
    let list = |paths: &[PathBuf]| {
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if paths.len() > 1 {
        crate::output::eprintln(&format!(
            "wrote {} SARIF files ({MAX_RUNS} accounts a file, GitHub's limit); upload each \
             separately: {}",
            paths.len(),
            list(&paths)
        ));
    }
    if !stale.is_empty() {
        crate::output::eprintln(&format!(
            "removed {} SARIF file(s) left from an earlier run with more accounts: {}",
            stale.len(),
            list(&stale)
        ));
    }
    Ok(())
}

/// The parts an earlier run may have left beyond `count`: `STEM-(count+1).EXT` and on, as long as
/// they exist (an earlier run numbered its parts without gaps).
fn stale_parts(output: &Path, count: usize) -> anyhow::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    for n in count.max(1) + 1.. {
        let path = numbered(output, n);
        match std::fs::symlink_metadata(&path) {
            Ok(_) => stale.push(path),
            // Below a file (`-o file/out.sarif`) nothing can be: the write says why.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                break
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "cannot tell whether {} is left from an earlier run",
                        path.display()
                    )
                })
            }
        }
    }
    Ok(stale)
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
