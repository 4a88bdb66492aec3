//! Waivers: accepted risks, written down with a reason, an owner and an end date.
//!
//! A waiver file (`trailguard-waivers.toml` by default) holds `[[waiver]]` tables:
//!
//! ```toml
//! [[waiver]]
//! rule = "TG062"                               # a rule id, or "*" for every rule but TG090
//! resource = "AWS::::Account:111111111111"     # the finding's resource; * and ? are wildcards
//! reason = "Break-glass roles, reviewed quarterly (SEC-1234)"
//! owner = "cloud-security@example.com"
//! expires = 2027-03-31                          # a TOML date (or "2027-03-31")
//! ```
//!
//! Waivers stay honest: a waiver must name a rule or resources (`rule = "*"` with a resource
//! made only of `*` and `?` would waive everything, and is refused), its `expires` may be at
//! most [`WaiverLimits::max_expiry_days`] ahead (365 by default, `[waivers]` in
//! `trailguard.toml`), and TG090, the collection gap rule, is waived only by a waiver that names
//! it: `rule = "*"` never hides a gap.
//!
//! [`Waivers::apply`] moves every finding a waiver covers from [`Evaluation::findings`] to
//! [`Evaluation::waived`], so waived findings never fail `--fail-on` but are never silently
//! dropped either. A waiver past its `expires` date stops waiving, and a waiver that covers no
//! finding is stale: both are listed in [`Evaluation::waiver_notices`] for review.
//!
//! ```
//! use trailguard_engine::{Date, WaiverLimits, Waivers};
//!
//! let text = "[[waiver]]\nrule = \"TG001\"\nresource = \"arn:aws:cloudtrail:*:111111111111:trail/*\"\n\
//!             reason = \"sandbox\"\nowner = \"me\"\nexpires = 2027-01-31\n";
//! let today = Date::new(2026, 11, 20).unwrap();
//! let limits = WaiverLimits::default();
//! let waivers = Waivers::from_toml(text, "trailguard-waivers.toml", &limits, today).unwrap();
//! assert_eq!(waivers.len(), 1);
//! assert_eq!(waivers.iter().next().unwrap().source, "trailguard-waivers.toml:1");
//! assert!(waivers.iter().next().unwrap().covers("TG001", "arn:aws:cloudtrail:eu-west-1:111111111111:trail/x"));
//!
//! let error = Waivers::from_toml("[[waiver]]\nrule = \"TG001\"\nreson = \"typo\"\n", "w.toml", &limits, today).unwrap_err();
//! assert!(error.to_string().contains("w.toml:3:1: unknown field `reson`"));
//! ```

use crate::diagnostic::line_column;
use crate::{Diagnostic, EngineError, Evaluation, Finding, GAP_RULE};
use serde::{Deserialize, Serialize};
use std::fmt;
use toml::value::Datetime;
use toml::Spanned;

/// A calendar date (UTC), for waiver expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, when it exists (`2027-02-30` does not).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch(seconds / 86_400)
    }

    /// The date `days` days later.
    pub fn plus_days(self, days: u32) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + u64::from(days))
    }

    /// How many days `self` is after `earlier` (negative when it is before).
    pub fn days_after(self, earlier: Date) -> i64 {
        let days = |d: Date| i64::try_from(d.days_since_epoch()).unwrap_or(i64::MAX);
        days(self) - days(earlier)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`; 0 for earlier dates, which a
    /// waiver never needs).
    fn days_since_epoch(self) -> u64 {
        let (month, day) = (u64::from(self.month), u64::from(self.day));
        let year = u64::from(self.year) - u64::from(month <= 2);
        let era = year / 400;
        let yoe = year - era * 400;
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe).saturating_sub(719_468)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days_since_epoch(days: u64) -> Date {
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What a waiver file may accept: the `[waivers]` table of `trailguard.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WaiverLimits {
    /// How many days ahead of today a waiver's `expires` may be (default 365): a waiver is a
    /// dated promise to look again, not a way to switch a rule off for good.
    pub max_expiry_days: u32,
}

impl Default for WaiverLimits {
    fn default() -> Self {
        WaiverLimits {
            max_expiry_days: 365,
        }
    }
}

/// One accepted risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    /// The rule id it waives, or `*` for every rule but TG090 ([`GAP_RULE`]).
    pub rule: String,
    /// The resource it waives: exact, or a pattern with `*` (any run of characters) and `?`
    /// (one character).
    pub resource: String,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day it waives.
    pub expires: Date,
    /// Where it is written: `file:line`.
    pub source: String,
}

impl Waiver {
    /// Whether it waives a finding of `rule` on `resource` (whatever the date). `rule = "*"`
    /// covers every rule but [`GAP_RULE`]: a collection gap is waived only by name.
    pub fn covers(&self, rule: &str, resource: &str) -> bool {
        let rule_matches = self.rule == rule || (self.rule == "*" && rule != GAP_RULE);
        rule_matches && glob_match(&self.resource, resource)
    }

    /// Whether it has expired on `today` (it still waives on its `expires` day).
    pub fn expired(&self, today: Date) -> bool {
        today > self.expires
    }
}

/// A finding a waiver covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaivedFinding {
    /// The finding, as the rule reported it.
    #[serde(flatten)]
    pub finding: Finding,
    /// The waiver that covers it (the first in the file, when several do).
    pub waiver: Waiver,
}

/// Why a waiver needs a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverStatus {
    /// Past its `expires` date: it waives nothing any more.
    Expired,
    /// In force, but it covers no finding: the risk is gone, or the waiver has a typo.
    Stale,
}

/// A waiver that needs a look, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverNotice {
    /// Expired or stale.
    pub status: WaiverStatus,
    /// How many findings it covers (for an expired waiver: those now reported again).
    pub matched: usize,
    /// The waiver.
    pub waiver: Waiver,
}

impl fmt::Display for WaiverNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = &self.waiver;
        match self.status {
            WaiverStatus::Expired => {
                write!(
                    f,
                    "{}: waiver for {} on {} expired on {}",
                    w.source, w.rule, w.resource, w.expires
                )?;
                match self.matched {
                    0 => write!(f, "; it covers no finding any more"),
                    1 => write!(f, "; the 1 finding it covered is reported again"),
                    n => write!(f, "; the {n} findings it covered are reported again"),
                }
            }
            WaiverStatus::Stale => write!(
                f,
                "{}: waiver for {} on {} matches no finding (stale: remove it, or fix its rule or resource)",
                w.source, w.rule, w.resource
            ),
        }
    }
}

/// The waivers of one file, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waivers {
    list: Vec<Waiver>,
}

/// The file as written: nothing unknown is accepted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    resource: Spanned<String>,
    reason: Spanned<String>,
    owner: Spanned<String>,
    expires: Spanned<RawDate>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Toml(Datetime),
    Text(String),
}

impl Waivers {
    /// Reads a waiver file, as of `today`. Every problem is reported at once, each as
    /// `file:line:col`: besides malformed entries, a waiver for every rule on every resource
    /// (`rule = "*"` with a resource made only of `*` and `?`), and an `expires` more than
    /// `limits.max_expiry_days` after `today`. An expired waiver is not an error: it stops
    /// waiving, and [`Waivers::apply`] lists it for review.
    pub fn from_toml(
        text: &str,
        file: &str,
        limits: &WaiverLimits,
        today: Date,
    ) -> Result<Waivers, EngineError> {
        let parsed: WaiverFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| line_column(text, span.start));
            let mut diagnostic = Diagnostic::new(file, line, column, e.message().trim());
            if e.message().contains("unknown field") || e.message().contains("missing field") {
                diagnostic = diagnostic
                    .hint("each [[waiver]] has the keys rule, resource, reason, owner and expires");
            }
            EngineError::Waivers(vec![diagnostic])
        })?;

        let mut problems = Vec::new();
        let mut list = Vec::new();
        for entry in parsed.waiver {
            let (line, _) = line_column(text, entry.span().start);
            let raw = entry.into_inner();
            let at = |span: std::ops::Range<usize>, message: String| {
                let (line, column) = line_column(text, span.start);
                Diagnostic::new(file, line, column, message)
            };
            for (key, value) in [
                ("rule", &raw.rule),
                ("resource", &raw.resource),
                ("reason", &raw.reason),
                ("owner", &raw.owner),
            ] {
                if value.get_ref().trim().is_empty() {
                    problems.push(at(value.span(), format!("`{key}` is empty")));
                }
            }
            let rule = raw.rule.get_ref().trim();
            if !rule.is_empty()
                && rule != "*"
                && !rule
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                problems.push(
                    at(raw.rule.span(), format!("`rule` {rule:?} is not a rule id")).hint(
                        "name one rule by its id, such as \"TG062\", or \"*\" for every rule",
                    ),
                );
            }
            let expires = match raw.expires.get_ref() {
                RawDate::Toml(datetime) => match (datetime.date, datetime.time, datetime.offset) {
                    (Some(d), None, None) => Date::new(d.year, d.month, d.day),
                    _ => None,
                },
                RawDate::Text(text) => Date::parse(text.trim()),
            };
            let resource = raw.resource.get_ref().trim();
            if rule == "*" && only_wildcards(resource) {
                problems.push(
                    at(
                        raw.resource.span(),
                        format!(
                            "waiver for every rule (`rule` \"*\") on every resource (`resource` \
                             {resource:?}) would hide every finding"
                        ),
                    )
                    .hint(
                        "name the rule (rule = \"TG062\") or the resources (resource = \
                         \"arn:aws:s3:::acme-logs\") the accepted risk is about; a resource \
                         made only of * and ? names none",
                    ),
                );
            }
            let Some(expires) = expires else {
                problems.push(
                    at(raw.expires.span(), "`expires` is not a date".to_string())
                        .hint("write a day, such as expires = 2027-03-31"),
                );
                continue;
            };
            if expires.days_after(today) > i64::from(limits.max_expiry_days) {
                problems.push(
                    at(
                        raw.expires.span(),
                        format!(
                            "`expires` {expires} is more than {} days after today ({today}): \
                             the latest allowed is {}",
                            limits.max_expiry_days,
                            today.plus_days(limits.max_expiry_days)
                        ),
                    )
                    .hint(
                        "a waiver is a dated promise to look again: give an earlier date and \
                         renew it after review, or raise max_expiry_days in the [waivers] table \
                         of trailguard.toml",
                    ),
                );
            }
            list.push(Waiver {
                rule: rule.to_string(),
                resource: resource.to_string(),
                reason: raw.reason.get_ref().trim().to_string(),
                owner: raw.owner.get_ref().trim().to_string(),
                expires,
                source: format!("{file}:{line}"),
            });
        }
        if problems.is_empty() {
            Ok(Waivers { list })
        } else {
            Err(EngineError::Waivers(problems))
        }
    }

    /// How many waivers there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The waivers, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Waiver> {
        self.list.iter()
    }

    /// How many findings each waiver hides in an evaluation they were applied to
    /// ([`Waivers::apply`]): the findings it moved to [`Evaluation::waived`], in file order.
    /// An expired waiver hides none; a finding two waivers cover counts for the first.
    pub fn hidden(&self, evaluation: &Evaluation) -> Vec<(&Waiver, usize)> {
        self.list
            .iter()
            .map(|w| {
                let n = evaluation
                    .waived
                    .iter()
                    .filter(|f| f.waiver.source == w.source)
                    .count();
                (w, n)
            })
            .collect()
    }

    /// Moves every finding a waiver in force on `today` covers into `evaluation.waived`, and
    /// lists the expired and stale waivers in `evaluation.waiver_notices`.
    pub fn apply(&self, evaluation: &mut Evaluation, today: Date) {
        let mut matched = vec![0usize; self.list.len()];
        let mut kept = Vec::with_capacity(evaluation.findings.len());
        for finding in std::mem::take(&mut evaluation.findings) {
            let mut waiver = None;
            for (i, w) in self.list.iter().enumerate() {
                if w.covers(&finding.rule_id, &finding.resource) {
                    matched[i] += 1;
                    if waiver.is_none() && !w.expired(today) {
                        waiver = Some(w);
                    }
                }
            }
            match waiver {
                Some(w) => evaluation.waived.push(WaivedFinding {
                    finding,
                    waiver: w.clone(),
                }),
                None => kept.push(finding),
            }
        }
        evaluation.findings = kept;
        for (w, matched) in self.list.iter().zip(matched) {
            let status = if w.expired(today) {
                WaiverStatus::Expired
            } else if matched == 0 {
                WaiverStatus::Stale
            } else {
                continue;
            };
            evaluation.waiver_notices.push(WaiverNotice {
                status,
                matched,
                waiver: w.clone(),
            });
        }
    }
}

/// Whether a resource pattern is made only of wildcards (`*`, `?`), and so names no resource:
/// with `*` it matches every resource, with `?` alone every resource of that length.
fn only_wildcards(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(|c| c == '*' || c == '?')
}

/// Whether `text` matches `pattern`, where `*` is any run of characters (`/` and `:` included)
/// and `?` is one character. Linear: the classic two-pointer match with one backtrack point.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Severity;

    const TODAY: Date = Date {
        year: 2026,
        month: 11,
        day: 21,
    };

    fn finding(rule: &str, resource: &str) -> Finding {
        Finding {
            rule_id: rule.to_string(),
            severity: Severity::High,
            resource: resource.to_string(),
            message: format!("{rule} on {resource}"),
            properties: Default::default(),
            location: None,
            account: None,
        }
    }

    /// A waiver file read on [`TODAY`] with the default limits.
    fn parse(text: &str) -> Result<Waivers, EngineError> {
        Waivers::from_toml(text, "w.toml", &WaiverLimits::default(), TODAY)
    }

    fn waiver(rule: &str, resource: &str, expires: &str) -> String {
        format!(
            "[[waiver]]\nrule = \"{rule}\"\nresource = \"{resource}\"\nreason = \"accepted\"\n\
             owner = \"sec\"\nexpires = {expires}\n\n"
        )
    }

    #[test]
    fn globs_match_like_shells_do_across_colons_and_slashes() {
        for (pattern, text, expected) in [
            ("arn:aws:s3:::logs", "arn:aws:s3:::logs", true),
            ("arn:aws:s3:::logs", "arn:aws:s3:::logs2", false),
            ("arn:aws:s3:::log?", "arn:aws:s3:::logs", true),
            ("arn:aws:s3:::log?", "arn:aws:s3:::log", false),
            (
                "arn:aws:iam::111111111111:*",
                "arn:aws:iam::111111111111:role/a/b",
                true,
            ),
            (
                "arn:aws:*:*:111111111111:*",
                "arn:aws:cloudtrail:us-east-1:111111111111:trail/x",
                true,
            ),
            (
                "arn:aws:*:*:111111111111:*",
                "arn:aws:cloudtrail:us-east-1:222222222222:trail/x",
                false,
            ),
            ("*", "anything", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("", "", true),
            ("*", "", true),
        ] {
            assert_eq!(glob_match(pattern, text), expected, "{pattern} vs {text}");
        }
    }

    #[test]
    fn dates_are_checked_and_today_is_a_real_day() {
        assert_eq!(Date::parse("2028-02-29"), Date::new(2028, 2, 29));
        assert!(Date::parse("2027-02-29").is_none());
        assert!(Date::parse("2027-13-01").is_none());
        assert!(Date::parse("27-01-01").is_none());
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(20_512).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
        assert!(Date::today() > Date::new(2025, 1, 1).unwrap());
    }

    #[test]
    fn waived_expired_and_stale_are_told_apart() {
        let text = [
            waiver("TG001", "arn:aws:cloudtrail:*:trail/a", "2027-01-01"),
            waiver("TG002", "arn:aws:cloudtrail:*:trail/b", "2026-11-20"),
            waiver("TG003", "nothing-like-this", "2027-01-01"),
            // Still in force on its last day.
            waiver("*", "arn:aws:s3:::c", "\"2026-11-21\""),
        ]
        .concat();
        let waivers = parse(&text).unwrap();
        let mut evaluation = Evaluation {
            findings: vec![
                finding("TG001", "arn:aws:cloudtrail:us-east-1:1:trail/a"),
                finding("TG002", "arn:aws:cloudtrail:us-east-1:1:trail/b"),
                finding("TG030", "arn:aws:s3:::c"),
                finding("TG031", "arn:aws:s3:::d"),
            ],
            ..Evaluation::default()
        };
        waivers.apply(&mut evaluation, TODAY);
        let ids = |f: &[Finding]| f.iter().map(|f| f.rule_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&evaluation.findings), ["TG002", "TG031"]);
        let waived: Vec<(&str, &str)> = evaluation
            .waived
            .iter()
            .map(|w| (w.finding.rule_id.as_str(), w.waiver.source.as_str()))
            .collect();
        assert_eq!(waived, [("TG001", "w.toml:1"), ("TG030", "w.toml:22")]);
        let notices: Vec<String> = evaluation
            .waiver_notices
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            notices,
            [
                "w.toml:8: waiver for TG002 on arn:aws:cloudtrail:*:trail/b expired on 2026-11-20; \
                 the 1 finding it covered is reported again",
                "w.toml:15: waiver for TG003 on nothing-like-this matches no finding (stale: \
                 remove it, or fix its rule or resource)",
            ]
        );
    }

    #[test]
    fn every_mistake_in_a_waiver_file_is_located() {
        for (text, expected) in [
            (
                "[[waiver]]\nrule = \"TG001\"\n",
                "w.toml:1:1: missing field `resource`",
            ),
            (
                "[[waivers]]\n",
                "w.toml:1:3: unknown field `waivers`, expected `waiver`",
            ),
            ("[[waiver]\n", "w.toml:1:10:"),
            (
                &waiver("TG001", "x", "2027-02-30"),
                "w.toml:6:11: invalid date",
            ),
            (
                &waiver("TG001", "x", "2027-01-01T10:00:00Z"),
                "w.toml:6:11: `expires` is not a date",
            ),
            (
                &waiver("TG 001", "x", "2027-01-01"),
                "w.toml:2:8: `rule` \"TG 001\" is not a rule id",
            ),
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?}:\n{error}");
        }
        // Several problems are all reported at once.
        let text = [
            waiver("TG001", " ", "2027-01-01"),
            waiver("TG002", "x", "\"soon\""),
        ]
        .concat();
        let error = parse(&text).unwrap_err().to_string();
        assert!(
            error.starts_with("2 problems in the waiver file:"),
            "{error}"
        );
        assert!(
            error.contains("w.toml:3:12: `resource` is empty"),
            "{error}"
        );
        assert!(
            error.contains("w.toml:13:11: `expires` is not a date"),
            "{error}"
        );
    }

    #[test]
    fn dates_count_days_across_months_years_and_leap_days() {
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(TODAY.plus_days(0), TODAY);
        assert_eq!(TODAY.plus_days(10), day(2026, 12, 1));
        assert_eq!(TODAY.plus_days(365), day(2027, 11, 21));
        assert_eq!(day(2028, 2, 28).plus_days(1), day(2028, 2, 29));
        assert_eq!(day(2028, 2, 28).plus_days(366), day(2029, 2, 28));
        assert_eq!(day(2027, 11, 21).days_after(TODAY), 365);
        assert_eq!(TODAY.days_after(day(2027, 11, 21)), -365);
        assert_eq!(day(2000, 3, 1).days_after(day(2000, 2, 28)), 2);
        for days in [0, 1, 59, 60, 365, 366, 10_000, 30_000] {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
    }

    #[test]
    fn waiver_for_every_rule_on_every_resource_is_refused() {
        // Regression: rule = "*", resource = "*" hid every finding, gaps included, silently.
        for resource in ["*", "**", "*?*", "?", "???*"] {
            let error = parse(&waiver("*", resource, "2027-01-01"))
                .unwrap_err()
                .to_string();
            assert!(
                error.contains(&format!(
                    "w.toml:3:12: waiver for every rule (`rule` \"*\") on every resource \
                     (`resource` {resource:?}) would hide every finding"
                )),
                "{resource}: {error}"
            );
            assert!(error.contains("hint: name the rule"), "{error}");
        }
        // A rule, or a resource that names something, is fine.
        for (rule, resource) in [
            ("TG030", "*"),
            ("*", "arn:aws:s3:::*"),
            ("*", "AWS::::Account:*"),
        ] {
            assert!(
                parse(&waiver(rule, resource, "2027-01-01")).is_ok(),
                "{rule} {resource}"
            );
        }
    }

    #[test]
    fn waiver_expiring_beyond_the_maximum_is_refused() {
        // Regression: expires = 9999-12-31 waived for ever.
        let at = |days: u32| {
            waiver(
                "TG030",
                "arn:aws:s3:::b",
                &TODAY.plus_days(days).to_string(),
            )
        };
        assert!(parse(&at(365)).is_ok());
        let error = parse(&at(366)).unwrap_err().to_string();
        assert!(
            error.contains(
                "w.toml:6:11: `expires` 2027-11-22 is more than 365 days after today \
                 (2026-11-21): the latest allowed is 2027-11-21"
            ),
            "{error}"
        );
        assert!(error.contains("max_expiry_days"), "{error}");
        let error = parse(&waiver("TG030", "b", "9999-12-31"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`expires` 9999-12-31 is more than 365 days"),
            "{error}"
        );
        // The maximum is the caller's (trailguard.toml's [waivers] max_expiry_days).
        let short = WaiverLimits {
            max_expiry_days: 30,
        };
        assert!(Waivers::from_toml(&at(30), "w.toml", &short, TODAY).is_ok());
        let error = Waivers::from_toml(&at(31), "w.toml", &short, TODAY)
            .unwrap_err()
            .to_string();
        assert!(error.contains("more than 30 days after today"), "{error}");
        // An expired waiver is not refused: it stops waiving and is listed for review.
        assert!(parse(&waiver("TG030", "b", "2001-01-01")).is_ok());
    }

    #[test]
    fn waiver_for_every_rule_never_hides_a_collection_gap() {
        // Regression: a `rule = "*"` waiver hid TG090 findings without a word.
        let text = [
            waiver("*", "arn:aws:s3:::b", "2027-01-01"),
            waiver("TG090", "arn:aws:s3:::c", "2027-01-01"),
        ]
        .concat();
        let waivers = parse(&text).unwrap();
        let all = waivers.iter().next().unwrap();
        assert!(all.covers("TG030", "arn:aws:s3:::b"));
        assert!(!all.covers(GAP_RULE, "arn:aws:s3:::b"));
        let mut evaluation = Evaluation {
            findings: vec![
                finding("TG030", "arn:aws:s3:::b"),
                finding("TG090", "arn:aws:s3:::b"),
                finding("TG090", "arn:aws:s3:::c"),
            ],
            ..Evaluation::default()
        };
        waivers.apply(&mut evaluation, TODAY);
        let pairs = |f: Vec<&Finding>| {
            f.iter()
                .map(|f| format!("{} {}", f.rule_id, f.resource))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(evaluation.findings.iter().collect()),
            ["TG090 arn:aws:s3:::b"]
        );
        assert_eq!(
            pairs(evaluation.waived.iter().map(|w| &w.finding).collect()),
            ["TG030 arn:aws:s3:::b", "TG090 arn:aws:s3:::c"]
        );
        let hidden: Vec<(&str, usize)> = waivers
            .hidden(&evaluation)
            .into_iter()
            .map(|(w, n)| (w.source.as_str(), n))
            .collect();
        assert_eq!(hidden, [("w.toml:1", 1), ("w.toml:8", 1)]);
    }

    #[test]
    fn every_new_waiver_problem_is_reported_with_the_others() {
        let text = [
            waiver("*", "*", "9999-12-31"),
            waiver("TG001", " ", "2027-01-01"),
        ]
        .concat();
        let error = parse(&text).unwrap_err().to_string();
        assert!(
            error.starts_with("3 problems in the waiver file:"),
            "{error}"
        );
        for needle in [
            "w.toml:3:12: waiver for every rule",
            "w.toml:6:11: `expires` 9999-12-31 is more than 365 days",
            "w.toml:10:12: `resource` is empty",
        ] {
            assert!(error.contains(needle), "no {needle:?} in {error}");
        }
    }

    #[test]
    fn an_empty_file_has_no_waivers() {
        assert!(parse("").unwrap().is_empty());
    }
}
