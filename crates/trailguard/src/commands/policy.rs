//! `trailguard policy list | test | doc`.

use super::{policy_sources, Outcome};
use crate::cli::{ListFormat, PolicyArgs, PolicyCommand};
use crate::output::emit;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::Path;
use trailguard_engine::{
    run_tests_within, Budget, Outcome as TestOutcome, Params, PolicyEngine, RuleMeta, PARAMETERS,
};

pub fn run(command: PolicyCommand) -> anyhow::Result<Outcome> {
    match command {
        PolicyCommand::List { policy, format } => {
            let rules = load_rules(&policy)?;
            let text = match format {
                ListFormat::Text => list_table(&rules, crate::wrap::stdout_width()),
                ListFormat::Json => {
                    let mut json =
                        serde_json::to_string_pretty(&rules).context("cannot print rules")?;
                    json.push('\n');
                    json
                }
            };
            emit(&text, None, "rule list")?;
            Ok(Outcome::Clean)
        }
        PolicyCommand::Doc { policy, output } => {
            let rules = load_rules(&policy)?;
            emit(
                &catalogue_markdown(&rules),
                output.as_deref(),
                "rule catalogue",
            )?;
            Ok(Outcome::Clean)
        }
        PolicyCommand::Test { paths, limits } => test(&paths, limits.budget()),
    }
}

fn load_rules(args: &PolicyArgs) -> anyhow::Result<Vec<RuleMeta>> {
    Ok(PolicyEngine::new(&policy_sources(args)?, &Params::default())?.rules())
}

fn test(paths: &[std::path::PathBuf], budget: Budget) -> anyhow::Result<Outcome> {
    // Testing a working copy of the built-ins (`policy test policies/`) replaces them.
    let sources = super::sources(
        &PolicyArgs {
            policies: paths.to_vec(),
            no_builtin: false,
            override_builtin: true,
        },
        trailguard_engine::Override::Allowed,
    )?;
    // The tests of the given paths; without paths, the built-ins' own.
    let run = run_tests_within(
        &sources,
        |s| s.builtin == paths.is_empty(),
        &Params::default(),
        budget,
    )?;
    if run.results.is_empty() {
        anyhow::bail!(
            "no tests found in {}: a test is a rule whose name starts with test_",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut out = String::new();
    for result in &run.results {
        let ms = result.duration.as_secs_f64() * 1000.0;
        let _ = match &result.outcome {
            TestOutcome::Pass => writeln!(out, "PASS  {} ({ms:.1} ms)", result.name),
            TestOutcome::Fail => writeln!(
                out,
                "FAIL  {}  {}:{}",
                result.name, result.file, result.line
            ),
            TestOutcome::Error(e) => {
                writeln!(
                    out,
                    "ERROR {}  {}:{}\n      {e}",
                    result.name, result.file, result.line
                )
            }
        };
        // As `opa test` does, what a test printed is shown when it did not pass; each of its
        // lines indented, so none reads as a result line.
        if result.outcome != TestOutcome::Pass {
            for print in &result.prints {
                for line in trailguard_report::escape_terminal(print).lines() {
                    let _ = writeln!(out, "      print: {line}");
                }
            }
        }
    }
    let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
    emit(&out, None, "test results")?;
    Ok(if run.failed() == 0 {
        Outcome::Clean
    } else {
        Outcome::Failed
    })
}

fn controls_text(rule: &RuleMeta) -> String {
    rule.controls
        .iter()
        .map(|(framework, ids)| {
            let name = match framework.as_str() {
                "securityhub" => "SH",
                "cis" => "CIS",
                other => other,
            };
            format!("{name} {}", ids.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The widest the CONTROLS column gets before its text wraps.
const MAX_CONTROLS_WIDTH: usize = 34;

/// The narrowest the TITLE column gets, however narrow the terminal.
const MIN_TITLE_WIDTH: usize = 20;

/// `policy list` as a table `width` characters wide: ID, SEVERITY, TITLE and CONTROLS, the titles
/// (and long control lists) wrapped inside their column so the columns stay aligned.
fn list_table(rules: &[RuleMeta], width: usize) -> String {
    let id_width = rules
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let controls: Vec<String> = rules.iter().map(controls_text).collect();
    let controls_width = controls
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .clamp("CONTROLS".len(), MAX_CONTROLS_WIDTH);
    let title_width = width
        .saturating_sub(id_width + 2 + 8 + 2 + 2 + controls_width)
        .max(MIN_TITLE_WIDTH);
    let mut out = String::new();
    let mut row = |id: &str, severity: &str, title: &str, controls: &str| {
        let titles = crate::wrap::wrap(title, title_width);
        let controls = crate::wrap::wrap(controls, controls_width);
        for i in 0..titles.len().max(controls.len()) {
            let (id, severity) = if i == 0 { (id, severity) } else { ("", "") };
            let title = titles.get(i).map_or("", String::as_str);
            let controls = controls.get(i).map_or("", String::as_str);
            let line = format!("{id:<id_width$}  {severity:<8}  {title:<title_width$}  {controls}");
            let _ = writeln!(out, "{}", line.trim_end());
        }
    };
    row("ID", "SEVERITY", "TITLE", "CONTROLS");
    for (rule, controls) in rules.iter().zip(&controls) {
        row(&rule.id, rule.severity.as_str(), &rule.title, controls);
    }
    let _ = writeln!(out, "{} rules", rules.len());
    out
}

/// The rule catalogue as Markdown; `docs/rules.md` is this output for the built-in rules.
pub fn catalogue_markdown(rules: &[RuleMeta]) -> String {
    let mut out = String::from(
        "# trailguard rule catalogue\n\n\
         Generated by `trailguard policy doc`; do not edit by hand.\n\n\
         | ID | Severity | Rule | Controls |\n|---|---|---|---|\n",
    );
    for rule in rules {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} |",
            rule.id,
            rule.id.to_lowercase(),
            rule.severity,
            rule.title.replace('|', "\\|"),
            controls_text(rule)
        );
    }
    out.push_str(
        "\n## Parameters\n\n\
         Rules read tunable values as `data.trailguard.params`. Set them in the `[params]` table \
         of `trailguard.toml` (read from the current directory, or `--config FILE`); unknown \
         keys are an error.\n\n\
         | Parameter | Default | Meaning |\n|---|---|---|\n",
    );
    for (key, default, meaning) in PARAMETERS {
        let _ = writeln!(out, "| `{key}` | `{default}` | {meaning} |");
    }
    for rule in rules {
        let _ = write!(
            out,
            "\n## {}\n\n**{}** · severity **{}**",
            rule.id, rule.title, rule.severity
        );
        if !rule.controls.is_empty() {
            let _ = write!(out, " · {}", controls_text(rule));
        }
        let source = Path::new(&rule.source).display();
        let _ = writeln!(out, " · `{source}`\n");
        if !rule.description.is_empty() {
            let _ = writeln!(out, "{}\n", rule.description);
        }
        if !rule.remediation.is_empty() {
            let _ = writeln!(out, "**Remediation.** {}\n", rule.remediation);
        }
    }
    out
}
