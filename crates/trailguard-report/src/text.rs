//! The text report, for people at a terminal.
//!
//! ```text
//! CRITICAL (1)
//!   TG030  Log bucket acme-trail-logs is public through its bucket policy
//!          arn:aws:s3:::acme-trail-logs  (snapshot.json:120)
//!
//! Collection gaps (1)
//!   s3:GetBucketPolicy  acme-trail-logs  us-east-1  account 111122223333  AccessDenied
//!
//! 1 finding (1 critical, 0 high, 0 medium, 0 low) from 24 rules evaluated; 1 collection gap
//! ```
//!
//! Every string that came from a snapshot or a policy goes through [`terminal`]: control and bidi
//! characters are shown as `\u{..}` escapes, so a hostile resource name or message cannot write
//! escape sequences to the terminal or reorder what it shows, and a very long one is cut.

use crate::escape::terminal;
use crate::{summary, Options};
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
            let _ = writeln!(out, "{indent}{}", painter.located(finding));
        }
        out.push('\n');
    }

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
