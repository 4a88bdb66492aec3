//! The Markdown report, for `$GITHUB_STEP_SUMMARY` and pull request comments.
//!
//! A `## trailguard` heading, a table of counts by severity, a findings table (Severity | Rule |
//! Resource | Finding), the waived findings with their reasons, the waivers to review, the
//! collection gaps, and the one-line summary. Every string that came
//! from a snapshot or a policy is escaped so that it stays inside its table cell and cannot add
//! links, HTML or formatting.

use crate::escape::{is_unsafe, push_escape, shorten};
use crate::{summary, title_case};
use std::fmt::Write as _;
use trailguard_engine::Evaluation;

pub(crate) fn render(evaluation: &Evaluation) -> String {
    let mut out = String::from("## trailguard\n\n");

    out.push_str("| Severity | Findings |\n|---|---:|\n");
    for (severity, count) in evaluation.counts() {
        let _ = writeln!(out, "| {} | {count} |", title_case(severity));
    }
    let _ = writeln!(out, "| **Total** | **{}** |", evaluation.findings.len());
    if !evaluation.waived.is_empty() {
        let _ = writeln!(out, "| Waived | {} |", evaluation.waived.len());
    }
    out.push('\n');

    if !evaluation.findings.is_empty() {
        out.push_str("### Findings\n\n");
        out.push_str("| Severity | Rule | Resource | Finding |\n|---|---|---|---|\n");
        for finding in &evaluation.findings {
            let rule = match evaluation.rule(&finding.rule_id) {
                Some(rule) => format!("[{}]({})", escape(&rule.id), rule.help_uri()),
                None => escape(&finding.rule_id),
            };
            let _ = writeln!(
                out,
                "| {} | {rule} | {} | {} |",
                title_case(finding.severity),
                code(&finding.resource),
                escape(&finding.message)
            );
        }
        out.push('\n');
    }

    if !evaluation.waived.is_empty() {
        out.push_str("### Waived findings\n\n");
        out.push_str(
            "Accepted risks: they do not fail the run, and they come back when their waiver \
             expires.\n\n",
        );
        out.push_str(
            "| Severity | Rule | Resource | Finding | Reason | Owner | Until |\n\
             |---|---|---|---|---|---|---|\n",
        );
        for waived in &evaluation.waived {
            let (finding, waiver) = (&waived.finding, &waived.waiver);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                title_case(finding.severity),
                escape(&finding.rule_id),
                code(&finding.resource),
                escape(&finding.message),
                escape(&waiver.reason),
                escape(&waiver.owner),
                waiver.expires,
            );
        }
        out.push('\n');
    }

    if !evaluation.waiver_notices.is_empty() {
        out.push_str("### Waivers to review\n\n");
        for notice in &evaluation.waiver_notices {
            let _ = writeln!(out, "- {}", escape(&notice.to_string()));
        }
        out.push('\n');
    }

    if !evaluation.gaps.is_empty() {
        out.push_str("### Collection gaps\n\n");
        out.push_str(
            "What could not be read is never treated as a pass: the rules that needed it did \
             not judge the resource.\n\n",
        );
        out.push_str("| Call | Resource | Region | Account | Error |\n|---|---|---|---|---|\n");
        for gap in &evaluation.gaps {
            let mut error = code(&gap.error_code);
            if !gap.message.is_empty() {
                error.push_str(": ");
                error.push_str(&escape(&gap.message));
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {error} |",
                code(&format!("{}:{}", gap.service, gap.operation)),
                code(&gap.resource),
                escape(&gap.region),
                escape(&gap.account_id),
            );
        }
        out.push('\n');
    }

    out.push_str(&escape(&summary(evaluation)));
    out.push('\n');
    out
}

/// `text` safe inside a table cell: [shortened](shorten), Markdown punctuation backslash-escaped
/// (so `|` cannot end the cell and `*`, `_`, `[`, `<` cannot format, link or open HTML), line
/// breaks as `<br>`, control and bidi characters as visible `\u{..}` escapes.
pub(crate) fn escape(text: &str) -> String {
    let text = shorten(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c if is_unsafe(c) => {
                // The backslash escaped, so the page shows `\u{202e}`.
                out.push('\\');
                push_escape(&mut out, c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as inline code inside a table cell (ARNs, bucket names, error codes). A value holding a
/// backtick, a line break or another [unsafe](is_unsafe) character is escaped as plain text
/// instead.
pub(crate) fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let text = shorten(text);
    if text.contains('`') || text.chars().any(is_unsafe) {
        return escape(&text);
    }
    // In a GitHub table a pipe ends the cell even inside a code span unless escaped; the
    // backslash is removed before the span is rendered.
    format!("`{}`", text.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_cells() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("line1\nline2\r\nline3"), "line1<br>line2<br>line3");
        assert_eq!(escape("cloudtrail:*"), "cloudtrail:\\*");
        assert_eq!(escape("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(code("arn:aws:s3:::b"), "`arn:aws:s3:::b`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "a\\`b");
    }

    #[test]
    fn hostile_cells_stay_in_their_cell() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(escape("a\u{1b}[31mb"), "a\\\\u{1b}\\[31mb");
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\\\u{202e}txt.exe");
        assert_eq!(escape("a\0b\tc"), "a\\\\u{0}b c");
        assert_eq!(code("x\u{202e}y"), "x\\\\u{202e}y");
        assert_eq!(code("`rm -rf`"), "\\`rm -rf\\`");
        assert_eq!(code("a|b<i>"), "`a\\|b<i>`");
        assert_eq!(
            code("\u{1f600} caf\u{e9}\u{301}"),
            "`\u{1f600} caf\u{e9}\u{301}`"
        );
        let long = "x".repeat(100_000);
        assert!(code(&long).len() < 2_000);
        assert!(escape(&long).contains("characters left out"));
    }
}
