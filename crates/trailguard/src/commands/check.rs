//! `trailguard check-config`: validate the config file, the waiver file and custom policies in
//! one go, reporting every problem, for a pre-commit hook or a CI step before `scan`; given
//! snapshots, also say how many findings each waiver hides in them today.

use super::eval::{chosen, config, waivers, DEFAULT_CONFIG, DEFAULT_WAIVERS};
use super::{policy_sources, Outcome};
use crate::cli::CheckConfigArgs;
use crate::output::{emit, eprintln};
use std::collections::BTreeSet;
use std::path::Path;
use trailguard_engine::{Config, Date, PolicyEngine, Waiver, Waivers};

pub fn run(args: &CheckConfigArgs) -> anyhow::Result<Outcome> {
    let mut report = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let today = Date::today();

    // A broken config is reported, and the rest is checked with the defaults, so that it does
    // not hide the other files' problems.
    let settings = match chosen(args.files.config.as_deref(), DEFAULT_CONFIG) {
        None => {
            report.push(format!("{DEFAULT_CONFIG}: none (the defaults apply)"));
            Config::default()
        }
        Some(path) => match config(Some(path)) {
            Ok(settings) => {
                report.push(format!("{}: ok", path.display()));
                settings
            }
            Err(e) => {
                problems.push(crate::output::one_line(&e));
                Config::default()
            }
        },
    };

    let engine = match policy_sources(&args.policy)
        .map_err(|e| crate::output::one_line(&e))
        .and_then(|sources| {
            let custom = sources.iter().filter(|s| !s.builtin).count();
            PolicyEngine::new(&sources, &settings.params)
                .map(|engine| (engine, custom))
                .map_err(|e| e.to_string())
        }) {
        Ok((engine, custom)) => {
            report.push(format!(
                "policies: {} rules compiled ({custom} custom policy files)",
                engine.rules().len()
            ));
            Some(engine)
        }
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let rules: Option<BTreeSet<String>> = engine
        .as_ref()
        .map(|engine| engine.rules().into_iter().map(|r| r.id).collect());

    let mut warnings = Vec::new();
    // The waivers to count with: none without a file, `None` when the file has problems.
    let mut checked = Some(Waivers::default());
    match chosen(args.files.waivers.as_deref(), DEFAULT_WAIVERS) {
        None => report.push(format!("{DEFAULT_WAIVERS}: none")),
        Some(path) => match waivers(Some(path), &settings.waivers, today) {
            Err(e) => {
                problems.push(crate::output::one_line(&e));
                checked = None;
            }
            Ok(waivers) => {
                let mut unknown = Vec::new();
                for waiver in waivers.iter() {
                    let known = rules.as_ref().is_none_or(|ids| ids.contains(&waiver.rule));
                    if waiver.rule != "*" && !known {
                        unknown.push(format!(
                            "{}: waiver for rule {} names no rule of the catalogue (built-in \
                             or --policy): it can never match\n  hint: `trailguard policy \
                             list` shows the rule ids",
                            waiver.source, waiver.rule
                        ));
                    }
                }
                // Expired waivers are for review, not errors: their findings simply come back.
                warnings.extend(waivers.iter().filter(|w| w.expired(today)).map(|w| {
                    format!(
                        "warning: {}: waiver for {} on {} expired on {}: its findings are \
                         reported again",
                        w.source, w.rule, w.resource, w.expires
                    )
                }));
                if unknown.is_empty() {
                    report.push(format!(
                        "{}: {} ({} expired)",
                        path.display(),
                        match waivers.len() {
                            1 => "1 waiver".to_string(),
                            n => format!("{n} waivers"),
                        },
                        warnings.len()
                    ));
                    checked = Some(waivers);
                } else {
                    checked = None;
                }
                problems.extend(unknown);
            }
        },
    }

    // The snapshots are read and evaluated whenever the policies compiled, so that a bad one
    // is reported with the rest; the counts are shown only when every file is valid (a broken
    // config or waiver file would make them wrong).
    if let (false, Some(engine)) = (args.snapshots.is_empty(), &engine) {
        let valid = problems.is_empty();
        let none = Waivers::default();
        match hidden(engine, checked.as_ref().unwrap_or(&none), args, today) {
            Ok(lines) if valid && checked.is_some() => report.extend(lines),
            Ok(_) => {}
            Err(e) => problems.push(crate::output::one_line(&e)),
        }
    }

    let mut text = report.join("\n");
    text.push('\n');
    emit(&text, None, "check-config report")?;
    for warning in &warnings {
        eprintln(warning);
    }
    match problems.len() {
        0 => Ok(Outcome::Clean),
        1 => anyhow::bail!("{}", problems.remove(0)),
        n => anyhow::bail!("{n} problems:\n{}", problems.join("\n")),
    }
}

/// Evaluates the snapshots as `eval` does and says, per waiver, how many findings it hides
/// today: a summary line, then `FILE:LINE: hides N findings (RULE on RESOURCE)` per waiver.
fn hidden(
    engine: &PolicyEngine,
    waivers: &Waivers,
    args: &CheckConfigArgs,
    today: Date,
) -> anyhow::Result<Vec<String>> {
    let files = crate::snapshots::load_all(&args.snapshots, args.read.max_snapshot_size)?;
    let mut evaluation = engine.evaluate_files(&files, Path::new("."))?;
    waivers.apply(&mut evaluation, today);
    let total = evaluation.findings.len() + evaluation.waived.len();
    let names: Vec<String> = args
        .snapshots
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut lines = vec![format!(
        "{}: {} of {total} findings hidden by waivers today",
        names.join(", "),
        evaluation.waived.len()
    )];
    for (waiver, n) in waivers.hidden(&evaluation) {
        lines.push(hides(waiver, n, &evaluation, today));
    }
    Ok(lines)
}

/// One waiver's line: what it hides, and why nothing when it hides nothing.
fn hides(
    waiver: &Waiver,
    n: usize,
    evaluation: &trailguard_engine::Evaluation,
    today: Date,
) -> String {
    let what = format!("({} on {})", waiver.rule, waiver.resource);
    let count = |n: usize| match n {
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    };
    if waiver.expired(today) {
        let back = evaluation
            .findings
            .iter()
            .filter(|f| waiver.covers(&f.rule_id, &f.resource))
            .count();
        return format!(
            "{}: hides no finding {what}: expired on {}, {} reported again",
            waiver.source,
            waiver.expires,
            count(back)
        );
    }
    match n {
        0 => format!(
            "{}: hides no finding {what}: stale, remove it or fix its rule or resource",
            waiver.source
        ),
        n => format!("{}: hides {} {what}", waiver.source, count(n)),
    }
}
