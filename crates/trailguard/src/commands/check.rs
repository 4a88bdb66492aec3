//! `trailguard check-config`: validate the config file, the waiver file and custom policies in
//! one go, reporting every problem, for a pre-commit hook or a CI step before `scan`.

use super::eval::{chosen, params, waivers, DEFAULT_CONFIG, DEFAULT_WAIVERS};
use super::{policy_sources, Outcome};
use crate::cli::CheckConfigArgs;
use crate::output::{emit, eprintln};
use std::collections::BTreeSet;
use trailguard_engine::{Date, Params, PolicyEngine};

pub fn run(args: &CheckConfigArgs) -> anyhow::Result<Outcome> {
    let mut report = Vec::new();
    let mut problems: Vec<String> = Vec::new();

    match chosen(args.files.config.as_deref(), DEFAULT_CONFIG) {
        None => report.push(format!("{DEFAULT_CONFIG}: none (the defaults apply)")),
        Some(path) => match params(Some(path)) {
            Ok(_) => report.push(format!("{}: ok", path.display())),
            Err(e) => problems.push(format!("{e:#}")),
        },
    }

    // The policies are compiled with default parameters, so that a broken config does not hide
    // the policies' own problems.
    let rules: Option<BTreeSet<String>> = match policy_sources(&args.policy)
        .map_err(|e| format!("{e:#}"))
        .and_then(|sources| {
            let custom = sources.iter().filter(|s| !s.builtin).count();
            PolicyEngine::new(&sources, &Params::default())
                .map(|engine| (engine, custom))
                .map_err(|e| e.to_string())
        }) {
        Ok((engine, custom)) => {
            let rules = engine.rules();
            report.push(format!(
                "policies: {} rules compiled ({custom} custom policy files)",
                rules.len()
            ));
            Some(rules.into_iter().map(|r| r.id).collect())
        }
        Err(e) => {
            problems.push(e);
            None
        }
    };

    let mut warnings = Vec::new();
    match chosen(args.files.waivers.as_deref(), DEFAULT_WAIVERS) {
        None => report.push(format!("{DEFAULT_WAIVERS}: none")),
        Some(path) => match waivers(Some(path)) {
            Err(e) => problems.push(format!("{e:#}")),
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
                let today = Date::today();
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
                }
                problems.extend(unknown);
            }
        },
    }

    let mut text = report.join("\n");
    text.push('\n');
    emit(&text, None)?;
    for warning in &warnings {
        eprintln(warning);
    }
    match problems.len() {
        0 => Ok(Outcome::Clean),
        1 => anyhow::bail!("{}", problems.remove(0)),
        n => anyhow::bail!("{n} problems:\n{}", problems.join("\n")),
    }
}
