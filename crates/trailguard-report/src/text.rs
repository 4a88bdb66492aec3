//! The text report, for people at a terminal.
//!
//! ```text
//! CRITICAL (1)
//!   TG030  Log bucket acme-trail-logs is public through its bucket policy
//!          arn:aws:s3:::acme-trail-logs  (snapshot.json:120)
//!          fix: Remove the public access, then turn on Block Public Access so it cannot come back.
//!          docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg030
//!
//! Collection gaps (1)
//!   s3:GetBucketPolicy  acme-trail-logs  us-east-1  account 111122223333  AccessDenied
//!
//! 1 finding (1 critical, 0 high, 0 medium, 0 low) from 24 rules evaluated; 1 collection gap
//! ```
//!
//! Each finding shows the first sentence of its rule's remediation and the rule's documentation
//! (the `helpUri` SARIF gives the same rule). With [`GroupBy::Account`] the findings are listed
//! under a heading per account instead, each with its severity beside the rule id.
//!
//! Every string that came from a snapshot or a policy goes through [`terminal`]: control and bidi
//! characters are shown as `\u{..}` escapes, so a hostile resource name or message cannot write
//! escape sequences to the terminal or reorder what it shows, and a very long one is cut.

use crate::escape::terminal;
use crate::sentence::{first_sentence, MAX_HINT_CHARS};
use crate::{summary, GroupBy, Options};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use trailguard_engine::{Evaluation, Finding, Severity};

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;91m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[34m",
    }
}

/// Wraps `text` in `style` when colour is on.
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// The finding's resource, then its place in the snapshot, dimmed: `ARN  (file:line)`.
    fn located(&self, finding: &Finding) -> String {
        match &finding.location {
            Some(location) => format!(
                "{}  {}",
                terminal(&finding.resource),
                self.paint(
                    DIM,
                    &format!("({}:{})", terminal(&location.uri), location.line)
                )
            ),
            None => terminal(&finding.resource),
        }
    }
}

/// The width of the severity column when findings are grouped by account (`critical`).
const SEVERITY_WIDTH: usize = 8;

pub(crate) fn render(evaluation: &Evaluation, options: &Options) -> String {
    let painter = Painter {
        color: options.color,
    };
    let mut out = String::new();

    let width = evaluation
        .findings
        .iter()
        .chain(evaluation.waived.iter().map(|w| &w.finding))
        .map(|f| terminal(&f.rule_id).chars().count())
        .max()
        .unwrap_or(0)
        .max(5);

    match options.group_by {
        GroupBy::Severity => by_severity(&mut out, evaluation, &painter, width),
        GroupBy::Account => by_account(&mut out, evaluation, &painter, width),
    }
    let indent = " ".repeat(2 + width + 2);

    if !evaluation.waived.is_empty() {
        let header = format!("WAIVED ({})", evaluation.waived.len());
        let _ = writeln!(out, "{}", painter.paint(BOLD, &header));
        for waived in &evaluation.waived {
            let (finding, waiver) = (&waived.finding, &waived.waiver);
            let id = format!("{:<width$}", terminal(&finding.rule_id));
            let _ = writeln!(
                out,
                "  {}  {}",
                painter.paint(DIM, &id),
                terminal(&finding.message)
            );
            let _ = writeln!(out, "{indent}{}", painter.located(finding));
            let _ = writeln!(
                out,
                "{indent}{}",
                painter.paint(
                    DIM,
                    &format!(
                        "waived until {} by {}: {}  ({})",
                        waiver.expires,
                        terminal(&waiver.owner),
                        terminal(&waiver.reason),
                        terminal(&waiver.source)
                    )
                )
            );
        }
        out.push('\n');
    }

    if !evaluation.waiver_notices.is_empty() {
        let header = format!("Waivers to review ({})", evaluation.waiver_notices.len());
        let _ = writeln!(out, "{}", painter.paint(BOLD, &header));
        for notice in &evaluation.waiver_notices {
            let _ = writeln!(out, "  {}", terminal(&notice.to_string()));
        }
        out.push('\n');
    }

    if !evaluation.gaps.is_empty() {
        let header = format!("Collection gaps ({})", evaluation.gaps.len());
        let _ = writeln!(out, "{}", painter.paint(BOLD, &header));
        for gap in &evaluation.gaps {
            let mut line = format!(
                "  {}:{}  {}  {}",
                terminal(&gap.service),
                terminal(&gap.operation),
                terminal(&gap.resource),
                painter.paint(
                    DIM,
                    &format!(
                        "{}  account {}",
                        terminal(&gap.region),
                        terminal(&gap.account_id)
                    )
                ),
            );
            let _ = write!(line, "  {}", terminal(&gap.error_code));
            if !gap.message.is_empty() {
                let _ = write!(line, ": {}", terminal(&gap.message));
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }

    out.push_str(&terminal(&summary(evaluation)));
    out.push('\n');
    out
}

/// The findings under a heading per severity, most severe first.
fn by_severity(out: &mut String, evaluation: &Evaluation, painter: &Painter, width: usize) {
    let indent = " ".repeat(2 + width + 2);
    for (severity, count) in evaluation.counts() {
        if count == 0 {
            continue;
        }
        let header = format!("{} ({count})", severity.as_str().to_uppercase());
        let _ = writeln!(out, "{}", painter.paint(severity_style(severity), &header));
        for finding in evaluation
            .findings
            .iter()
            .filter(|f| f.severity == severity)
        {
            let id = format!("{:<width$}", terminal(&finding.rule_id));
            let _ = writeln!(
                out,
                "  {}  {}",
                painter.paint(severity_style(severity), &id),
                terminal(&finding.message)
            );
            details(out, evaluation, painter, finding, &indent);
        }
        out.push('\n');
    }
}

/// The findings under a heading per account, sorted by id, each with its severity; then those
/// whose account is not known. Accounts of the snapshots without findings say so.
fn by_account(out: &mut String, evaluation: &Evaluation, painter: &Painter, width: usize) {
    let indent = " ".repeat(2 + width + 2 + SEVERITY_WIDTH + 2);
    let mut accounts: BTreeMap<Option<&str>, Vec<&Finding>> = evaluation
        .accounts
        .iter()
        .map(|id| (Some(id.as_str()), Vec::new()))
        .collect();
    for finding in &evaluation.findings {
        accounts
            .entry(finding.account.as_deref())
            .or_default()
            .push(finding);
    }
    // `None` sorts first in a BTreeMap; the findings without an account come last.
    let unknown = accounts.remove(&None);
    let groups = accounts
        .into_iter()
        .map(|(id, findings)| (id.map(|id| format!("ACCOUNT {}", terminal(id))), findings))
        .chain(unknown.map(|findings| (None, findings)));
    for (heading, findings) in groups {
        let heading = heading.unwrap_or_else(|| "UNKNOWN ACCOUNT".to_string());
        let header = format!("{heading} ({})", findings.len());
        let _ = writeln!(out, "{}", painter.paint(BOLD, &header));
        if findings.is_empty() {
            out.push_str("  no findings\n");
        }
        for finding in findings {
            let style = severity_style(finding.severity);
            let id = format!("{:<width$}", terminal(&finding.rule_id));
            let severity = format!("{:<SEVERITY_WIDTH$}", finding.severity.as_str());
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                painter.paint(style, &id),
                painter.paint(style, &severity),
                terminal(&finding.message)
            );
            details(out, evaluation, painter, finding, &indent);
        }
        out.push('\n');
    }
}

/// The lines under a finding's message: where the resource is, the first sentence of the rule's
/// remediation, and the rule's documentation.
fn details(
    out: &mut String,
    evaluation: &Evaluation,
    painter: &Painter,
    finding: &Finding,
    indent: &str,
) {
    let _ = writeln!(out, "{indent}{}", painter.located(finding));
    let Some(rule) = evaluation.rule(&finding.rule_id) else {
        return;
    };
    let hint = first_sentence(&rule.remediation, MAX_HINT_CHARS);
    if !hint.is_empty() {
        let _ = writeln!(out, "{indent}fix: {}", terminal(&hint));
    }
    let _ = writeln!(
        out,
        "{indent}{}",
        painter.paint(DIM, &format!("docs: {}", terminal(&rule.help_uri())))
    );
}
