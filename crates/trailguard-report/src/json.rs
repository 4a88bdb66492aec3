//! The JSON report: one stable document for scripts.
//!
//! ```json
//! {
//!   "tool": {"name": "trailguard", "version": "0.1.0"},
//!   "summary": {"total": 3, "critical": 0, "high": 1, "medium": 1, "low": 1, "waived": 1,
//!               "rules": 24, "gaps": 1},
//!   "snapshots": ["snapshot.json"],
//!   "rules": [...],
//!   "findings": [...],
//!   "waived": [{...finding, "waiver": {"rule", "resource", "reason", "owner", "expires", "source"}}],
//!   "waivers": [{"status": "expired" | "stale", "matched": 0, "waiver": {...}}],
//!   "gaps": [{"account_id", "service", "operation", "region", "resource", "error_code", "message"}]
//! }
//! ```
//!
//! Every key the report itself names is snake_case, as a finding's are (`rule_id`). A gap is kept
//! in the snapshot with AWS's PascalCase names (`ErrorCode`), which the snapshot mirrors; here it
//! is written with the same fields in snake_case, like everything beside it.

use crate::{pretty_json, Format, Options, ReportError};
use serde::Serialize;
use trailguard_engine::{Evaluation, Finding, RuleMeta, Severity, WaivedFinding, WaiverNotice};
use trailguard_snapshot::Gap;

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool<'a>,
    summary: Summary,
    snapshots: &'a [String],
    rules: &'a [RuleMeta],
    findings: &'a [Finding],
    waived: &'a [WaivedFinding],
    waivers: &'a [WaiverNotice],
    gaps: Vec<GapEntry<'a>>,
}

/// A collection gap as the report writes it: the snapshot's fields, in snake_case.
#[derive(Serialize)]
struct GapEntry<'a> {
    account_id: &'a str,
    service: &'a str,
    operation: &'a str,
    region: &'a str,
    resource: &'a str,
    error_code: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
}

impl<'a> From<&'a Gap> for GapEntry<'a> {
    fn from(gap: &'a Gap) -> Self {
        GapEntry {
            account_id: &gap.account_id,
            service: &gap.service,
            operation: &gap.operation,
            region: &gap.region,
            resource: &gap.resource,
            error_code: &gap.error_code,
            message: &gap.message,
        }
    }
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    waived: usize,
    rules: usize,
    gaps: usize,
}

pub(crate) fn render(evaluation: &Evaluation, options: &Options) -> Result<String, ReportError> {
    let count = |severity: Severity| {
        evaluation
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let document = Document {
        tool: Tool {
            name: "trailguard",
            version: &options.tool_version,
        },
        summary: Summary {
            total: evaluation.findings.len(),
            critical: count(Severity::Critical),
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            waived: evaluation.waived.len(),
            rules: evaluation.rules.len(),
            gaps: evaluation.gaps.len(),
        },
        snapshots: &evaluation.snapshots,
        rules: &evaluation.rules,
        findings: &evaluation.findings,
        waived: &evaluation.waived,
        waivers: &evaluation.waiver_notices,
        gaps: evaluation.gaps.iter().map(GapEntry::from).collect(),
    };
    pretty_json(&document, Format::Json)
}
