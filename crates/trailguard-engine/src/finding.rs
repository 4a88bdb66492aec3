//! What evaluation produces: rules, their severities, and findings.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Hardening.
    Low,
    /// Weakens the trail's trustworthiness.
    Medium,
    /// An attacker can act unseen, or logs can be lost.
    High,
    /// Logs are exposed or destroyable by anyone.
    Critical,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The lowercase name used in METADATA, CLI flags and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// GitHub code scanning's `security-severity` for this severity.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            other => Err(format!(
                "unknown severity `{other}`: expected critical, high, medium or low"
            )),
        }
    }
}

/// The id of the rule that reports collection gaps. A waiver for every rule (`rule = "*"`)
/// never covers it: a gap is waived only by a waiver that names this id.
pub const GAP_RULE: &str = "TG090";

/// The severity of one finding: the `severity` its rule's `deny` member names, or the rule's
/// METADATA severity (`declared`) when the member names none. A rule grades a finding this way
/// when one rule's findings differ in how bad they are (TG090 takes the severity of the rules a
/// gap blinds). Anything but `"critical"`, `"high"`, `"medium"` or `"low"` is an error, described
/// for the rule's author.
pub(crate) fn finding_severity(
    declared: Severity,
    value: Option<&regorus::Value>,
) -> Result<Severity, String> {
    let Some(value) = value else {
        return Ok(declared);
    };
    if let regorus::Value::String(text) = value {
        if let Ok(severity) = text.parse() {
            return Ok(severity);
        }
    }
    let shown = value
        .to_json_str()
        .unwrap_or_else(|_| "a value that is not JSON".to_string());
    Err(format!(
        "`severity` of a `deny` member must be \"critical\", \"high\", \"medium\" or \"low\" \
         (or left out for the rule's METADATA severity, {declared}), but it is {shown}"
    ))
}

/// A rule's METADATA, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMeta {
    /// Stable id, e.g. `TG020`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Why it matters.
    pub description: String,
    /// How bad a finding is.
    pub severity: Severity,
    /// Framework → control ids (`securityhub` → `CloudTrail.4`, `cis` → `v1.4.0-v5.0.0/3.2`: CIS
    /// ids name the benchmark versions whose numbering they use).
    pub controls: BTreeMap<String, Vec<String>>,
    /// How to fix it (Markdown).
    pub remediation: String,
    /// The Rego package, e.g. `data.trailguard.rules.tg020`.
    pub package: String,
    /// The file the rule came from (`policies/...` for built-ins).
    pub source: String,
    /// Whether the rule is built in.
    pub builtin: bool,
}

impl RuleMeta {
    /// The control ids as `framework/id` tags, e.g. `securityhub/CloudTrail.4`,
    /// `cis/v1.4.0-v5.0.0/3.2`.
    pub fn control_tags(&self) -> Vec<String> {
        self.controls
            .iter()
            .flat_map(|(framework, ids)| ids.iter().map(move |id| format!("{framework}/{id}")))
            .collect()
    }

    /// Where the rule's documentation lives.
    pub fn help_uri(&self) -> String {
        if self.builtin {
            format!(
                "https://github.com/trailguard/trailguard/blob/main/docs/rules.md#{}",
                self.id.to_lowercase()
            )
        } else {
            "https://github.com/trailguard/trailguard/blob/main/policies/README.md".to_string()
        }
    }
}

/// Where in a snapshot file a finding's resource is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceLocation {
    /// The snapshot file, relative to the SARIF root (forward slashes).
    pub uri: String,
    /// 1-based line where the resource's object starts.
    pub line: usize,
}

/// One thing a rule found wrong with one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id.
    pub rule_id: String,
    /// The finding's severity: its rule's METADATA severity, unless the rule's `deny` member
    /// names another (`"severity": "high"`, see [`finding_severity`]).
    pub severity: Severity,
    /// The resource: an ARN, a bucket name, or `AWS::::Account:ID`.
    pub resource: String,
    /// A message naming the resource.
    pub message: String,
    /// Any other keys the rule put in its finding object (besides `resource`, `message` and
    /// `severity`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, serde_json::Value>,
    /// Where the resource is in the snapshot file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
    /// The AWS account the resource belongs to, when the snapshot tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use regorus::Value;

    #[test]
    fn a_deny_member_may_grade_its_own_finding() {
        let high = Value::from("high");
        assert_eq!(
            finding_severity(Severity::Medium, Some(&high)),
            Ok(Severity::High)
        );
        assert_eq!(finding_severity(Severity::Low, None), Ok(Severity::Low));
        for bad in [Value::from("HIGH"), Value::from("severe"), Value::from(3)] {
            let error = finding_severity(Severity::Medium, Some(&bad)).unwrap_err();
            assert!(
                error.starts_with("`severity` of a `deny` member must be \"critical\", \"high\""),
                "{error}"
            );
            assert!(error.contains("METADATA severity, medium"), "{error}");
        }
    }
}
