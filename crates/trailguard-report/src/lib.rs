//! trailguard's reports: an [`Evaluation`] rendered as SARIF 2.1.0 (for GitHub code scanning),
//! a stable JSON document, text for people, or Markdown (for `$GITHUB_STEP_SUMMARY` and pull
//! request comments).
//!
//! Everything goes through one function, [`render`], which takes the evaluation, a [`Format`]
//! and a few [`Options`] and returns the whole document as a `String` (with a trailing newline).
//! The output is byte-identical for the same input: no timestamps, no hash-map ordering.
//!
//! ```
//! use trailguard_engine::Evaluation;
//! use trailguard_report::{render, Format, Options};
//!
//! let evaluation = Evaluation {
//!     snapshots: vec!["snapshot.json".to_string()],
//!     ..Evaluation::default()
//! };
//! let options = Options::default();
//!
//! let text = render(&evaluation, Format::Text, &options).unwrap();
//! assert_eq!(text, "No findings from 0 rules evaluated.\n");
//!
//! let format: Format = "sarif".parse().unwrap();
//! let sarif = render(&evaluation, format, &options).unwrap();
//! assert!(sarif.contains("\"version\": \"2.1.0\""));
//! ```

use std::fmt;
use std::str::FromStr;
use trailguard_engine::{Evaluation, Severity};

mod diff;
mod escape;
mod json;
mod markdown;
mod sarif;
mod sentence;
mod text;

pub use diff::{
    render_diff, ConfigDiff, FindingsDiff, ValueChange, MAX_VALUES_SHOWN, MAX_VALUE_CHARS,
};
pub use escape::{escape_terminal, MAX_SHOWN_CHARS};
pub use sarif::{MAX_RESULTS, MAX_RUNS};

/// The output formats trailguard can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// For people at a terminal: grouped by severity, optionally coloured.
    Text,
    /// A stable JSON document: tool, summary, rules, findings and gaps.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning ingests it.
    Sarif,
    /// GitHub-flavoured Markdown, for step summaries and pull request comments.
    Markdown,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Markdown];

    /// The lowercase name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == s)
            .ok_or_else(|| ReportError::UnknownFormat(s.to_string()))
    }
}

/// How the text report groups its findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// Under a heading per severity, most severe first (the default).
    #[default]
    Severity,
    /// Under a heading per AWS account, sorted by id; each finding names its severity. Accounts
    /// of the snapshots without findings are listed too.
    Account,
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Colour the text format with ANSI escapes. Ignored by the other formats.
    pub color: bool,
    /// The trailguard version written into the report (SARIF `semanticVersion`, JSON `tool`).
    pub tool_version: String,
    /// Write waived findings into SARIF as results with `suppressions`. By default they are
    /// left out and only counted (GitHub code scanning ignores suppressions). The other formats
    /// always list them, marked as waived.
    pub include_waived: bool,
    /// How the text report groups findings. Ignored by the other formats.
    pub group_by: GroupBy,
}

impl Default for Options {
    /// No colour, and this crate's version (the workspace shares one version).
    fn default() -> Self {
        Options {
            color: false,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            include_waived: false,
            group_by: GroupBy::Severity,
        }
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A format name that is not one of `text`, `json`, `sarif`, `markdown`.
    #[error("unknown format `{0}`: expected text, json, sarif or markdown")]
    UnknownFormat(String),
    /// A format `trailguard diff` does not write.
    #[error("a diff is written as text, json or markdown, not {0}")]
    NotForDiff(Format),
    /// SARIF for more accounts than one file may hold, asked for as one document.
    #[error(
        "the SARIF for {accounts} accounts needs {files} files (GitHub accepts at most {max} runs, \
         one per account, in a file)",
        max = MAX_RUNS
    )]
    TooManyRuns {
        /// How many runs (accounts) there are.
        accounts: usize,
        /// How many files they need.
        files: usize,
    },
    /// A resource of a snapshot could not be turned into JSON to compare its values.
    #[error("could not compare the {kind} of the two snapshots")]
    Compare {
        /// The kind of resource (`trails`, `log buckets`, `KMS keys`).
        kind: &'static str,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
    /// The document could not be serialised to JSON.
    #[error("could not serialise the {format} report: {source}")]
    Serialize {
        /// The format being written.
        format: Format,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
}

/// Renders `evaluation` as one complete document in `format`, ending with a newline.
///
/// The same evaluation and options always give the same bytes. SARIF for more than
/// [`MAX_RUNS`] accounts does not fit one document: use [`render_sarif`].
pub fn render(
    evaluation: &Evaluation,
    format: Format,
    options: &Options,
) -> Result<String, ReportError> {
    match format {
        Format::Text => Ok(text::render(evaluation, options)),
        Format::Json => json::render(evaluation, options),
        Format::Sarif => {
            let mut documents = sarif::render_documents(evaluation, options)?;
            match documents.len() {
                1 => Ok(documents.remove(0)),
                files => Err(ReportError::TooManyRuns {
                    accounts: sarif::run_count(evaluation),
                    files,
                }),
            }
        }
        Format::Markdown => Ok(markdown::render(evaluation)),
    }
}

/// The evaluation as SARIF files: one run per account (category `trailguard/ACCOUNT/`), at most
/// [`MAX_RUNS`] runs in each file, as GitHub code scanning requires. Most evaluations need one.
pub fn render_sarif(
    evaluation: &Evaluation,
    options: &Options,
) -> Result<Vec<String>, ReportError> {
    sarif::render_documents(evaluation, options)
}

/// The one-line summary that ends the text and Markdown reports, without a newline, e.g.
/// `12 findings (1 critical, 3 high, 5 medium, 3 low) from 24 rules evaluated; 2 waived; 2
/// collection gaps; 1 waiver to review` or `No findings from 24 rules evaluated.` The count is of
/// the rules that ran on the snapshot, not of the catalogue.
pub fn summary(evaluation: &Evaluation) -> String {
    let rules = format!(
        "{} evaluated",
        plural(evaluation.rules.len(), "rule", "rules")
    );
    let mut tail = match evaluation.waived.len() {
        0 => String::new(),
        n => format!("; {n} waived"),
    };
    if !evaluation.gaps.is_empty() {
        tail.push_str(&format!(
            "; {}",
            plural(evaluation.gaps.len(), "collection gap", "collection gaps")
        ));
    }
    if !evaluation.waiver_notices.is_empty() {
        tail.push_str(&format!(
            "; {} to review",
            plural(evaluation.waiver_notices.len(), "waiver", "waivers")
        ));
    }
    if evaluation.findings.is_empty() {
        return format!("No findings from {rules}{tail}.");
    }
    let counts = evaluation
        .counts()
        .iter()
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{} ({counts}) from {rules}{tail}",
        plural(evaluation.findings.len(), "finding", "findings")
    )
}

/// `value` as pretty-printed JSON ending with a newline: every JSON-based document
/// (the JSON report, SARIF, the JSON diff) is written this way.
fn pretty_json<T: serde::Serialize>(value: &T, format: Format) -> Result<String, ReportError> {
    let mut out = serde_json::to_string_pretty(value)
        .map_err(|source| ReportError::Serialize { format, source })?;
    out.push('\n');
    Ok(out)
}

/// `1 rule`, `2 rules`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A severity's name with a capital, for headings: `Critical`.
fn title_case(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

/// A readable name for a controls framework key of a rule's METADATA.
fn framework_name(framework: &str) -> &str {
    match framework {
        "securityhub" => "AWS Security Hub",
        "cis" => "CIS AWS Foundations Benchmark",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>().unwrap(), format);
        }
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("unknown format `xml`"));
        assert!("SARIF".parse::<Format>().is_err());
    }
}
