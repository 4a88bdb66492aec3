//! `trailguard diff`: compare two snapshots.

use super::eval::{config, threshold, waivers};
use super::{policy_sources, Outcome};
use crate::cli::{DiffArgs, DiffFormat};
use crate::output::emit;
use trailguard_engine::{Date, Evaluation, PolicyEngine};
use trailguard_report::{render_diff, ConfigDiff, FindingsDiff, Format, Options};

pub fn run(args: &DiffArgs) -> anyhow::Result<Outcome> {
    // Both files are read (and checked) before anything is evaluated.
    let limit = args.read.max_snapshot_size;
    crate::snapshots::stdin_at_most_once([&args.old, &args.new])?;
    let old = crate::snapshots::load(&args.old, limit)?;
    let new = crate::snapshots::load(&args.new, limit)?;
    let config = config(args.files.config.as_deref())?;
    let engine = PolicyEngine::with_budget(
        &policy_sources(&args.policy)?,
        &config.params,
        args.limits.budget(),
    )?;
    let today = Date::today();
    let waivers = waivers(args.files.waivers.as_deref(), &config.waivers, today)?;
    // Waived findings are accepted risks: they are neither new nor fixed.
    let unwaived = |snapshot| -> anyhow::Result<_> {
        let mut evaluation = Evaluation {
            findings: engine.evaluate(snapshot)?,
            ..Evaluation::default()
        };
        waivers.apply(&mut evaluation, today);
        Ok(evaluation.findings)
    };
    let findings = FindingsDiff::between(&unwaived(&old.snapshot)?, &unwaived(&new.snapshot)?);
    let changes = ConfigDiff::between(&old.snapshot, &new.snapshot)?;
    let format = match args.format {
        DiffFormat::Text => Format::Text,
        DiffFormat::Json => Format::Json,
        DiffFormat::Markdown => Format::Markdown,
    };
    let report = render_diff(&changes, &findings, format, &Options::default())?;
    emit(&report, args.output.as_deref(), "report")?;
    Ok(if findings.fails(threshold(args.fail_on)) {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}
