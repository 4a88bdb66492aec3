//! SARIF 2.1.0, shaped for GitHub code scanning (SPEC section 6).

mod drivers;

use drivers::Drivers;

use crate::{framework_name, pretty_json, Format, Options, ReportError};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use serde_sarif::sarif::{
    Artifact, ArtifactLocation, Invocation, Location, LogicalLocation, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, ReportingDescriptorReference,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Suppression, Tool,
    ToolComponent,
};
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use trailguard_engine::{
    Evaluation, Finding, RuleMeta, Severity, WaivedFinding, Waiver, WaiverNotice, WaiverStatus,
    GAP_RULE,
};
use trailguard_snapshot::Gap;

/// The most results GitHub code scanning accepts in one run. Beyond it, the most severe are kept
/// and a notification says how many were left out.
pub const MAX_RESULTS: usize = 25_000;

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/trailguard/trailguard";
const TOOL_NAME: &str = "trailguard";
const AUTOMATION_ID: &str = "trailguard/";
/// GitHub shows at most 10 tags per rule (and rejects more than 20).
const MAX_TAGS: usize = 10;

/// The most runs GitHub code scanning accepts in one SARIF file. With more accounts than this,
/// the runs are spread over several files.
pub const MAX_RUNS: usize = 20;

/// The SARIF documents for an evaluation: one run per account, at most [`MAX_RUNS`] runs per
/// document, each document a complete SARIF log ending with a newline.
pub(crate) fn render_documents(
    evaluation: &Evaluation,
    options: &Options,
) -> Result<Vec<String>, ReportError> {
    // Each run carries every rule's descriptor (GitHub reads rules per run), so with many
    // accounts the documents are large: each run's driver is written once for all runs that
    // share it (see `drivers`), and the runs are moved into their documents, not copied.
    let (runs, drivers) = runs(evaluation, options);
    let drivers = drivers.render()?;
    let mut runs = runs.into_iter().peekable();
    let mut documents: Vec<String> = Vec::new();
    while documents.is_empty() || runs.peek().is_some() {
        let chunk: Vec<Run> = runs.by_ref().take(MAX_RUNS).collect();
        let count = chunk.len();
        let log = Sarif::builder()
            .schema(SCHEMA_URI)
            .version(Value::from("2.1.0"))
            .runs(chunk)
            .build();
        let document = pretty_json(&log, Format::Sarif)?;
        documents.push(drivers.substitute(&document, count)?);
    }
    Ok(documents)
}

/// How many runs (accounts) the evaluation's SARIF has.
pub(crate) fn run_count(evaluation: &Evaluation) -> usize {
    groups(evaluation).len()
}

/// What goes into one account's run.
#[derive(Default)]
struct Group<'a> {
    findings: Vec<&'a Finding>,
    waived: Vec<&'a WaivedFinding>,
    gaps: Vec<&'a Gap>,
    notices: Vec<&'a WaiverNotice>,
}

/// The run category of findings whose account the snapshot cannot tell, when it holds several.
const UNATTRIBUTED: &str = "unattributed";

/// The evaluation split by account: every account the snapshots hold gets a run, even a clean
/// one, so GitHub closes the alerts of an account once it is fixed. Findings the snapshot cannot
/// place belong to the only account, or to an `unattributed` run when there are several. Waiver
/// notices go to the first run.
fn groups<'a>(evaluation: &'a Evaluation) -> BTreeMap<Option<&'a str>, Group<'a>> {
    let mut accounts: BTreeSet<&str> = evaluation.accounts.iter().map(String::as_str).collect();
    accounts.extend(
        evaluation
            .findings
            .iter()
            .filter_map(|f| f.account.as_deref()),
    );
    accounts.extend(
        evaluation
            .waived
            .iter()
            .filter_map(|w| w.finding.account.as_deref()),
    );
    accounts.extend(evaluation.gaps.iter().map(|g| g.account_id.as_str()));
    let fallback = match accounts.len() {
        0 => None,
        1 => accounts.first().copied(),
        _ => Some(UNATTRIBUTED),
    };
    let key = |account: Option<&'a str>| -> Option<&'a str> { account.or(fallback) };
    let mut groups: BTreeMap<Option<&'a str>, Group<'a>> = BTreeMap::new();
    for account in &accounts {
        groups.entry(Some(account)).or_default();
    }
    for finding in &evaluation.findings {
        groups
            .entry(key(finding.account.as_deref()))
            .or_default()
            .findings
            .push(finding);
    }
    for waived in &evaluation.waived {
        groups
            .entry(key(waived.finding.account.as_deref()))
            .or_default()
            .waived
            .push(waived);
    }
    for gap in &evaluation.gaps {
        groups
            .entry(Some(gap.account_id.as_str()))
            .or_default()
            .gaps
            .push(gap);
    }
    if groups.is_empty() {
        groups.insert(None, Group::default());
    }
    if let Some(group) = groups.values_mut().next() {
        group.notices.extend(evaluation.waiver_notices.iter());
    }
    groups
}

/// One run per account, each with a stand-in for its driver, and the drivers they stand for.
fn runs(evaluation: &Evaluation, options: &Options) -> (Vec<Run>, Drivers) {
    let rule_index: HashMap<&str, usize> = evaluation
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.id.as_str(), i))
        .collect();
    let artifacts = artifact_uris(evaluation);
    let driver = ToolComponent::builder()
        .name(TOOL_NAME)
        .semantic_version(options.tool_version.clone())
        .information_uri(INFORMATION_URI)
        .rules(
            evaluation
                .rules
                .iter()
                .map(reporting_descriptor)
                .collect::<Vec<_>>(),
        )
        .build();
    let rules = Rules {
        meta: &evaluation.rules,
        index: &rule_index,
    };
    let mut drivers = Drivers::new(driver);
    let runs = groups(evaluation)
        .into_iter()
        .map(|(account, group)| {
            run(
                account,
                &group,
                &mut drivers,
                &rules,
                &artifacts,
                options.include_waived,
            )
        })
        .collect();
    (runs, drivers)
}

/// The rules that ran, and each one's position in `tool.driver.rules`.
struct Rules<'a> {
    meta: &'a [RuleMeta],
    index: &'a HashMap<&'a str, usize>,
}

impl Rules<'_> {
    /// The METADATA severity of a rule, by id.
    fn declared(&self, id: &str) -> Option<Severity> {
        self.index
            .get(id)
            .and_then(|&i| self.meta.get(i))
            .map(|rule| rule.severity)
    }
}

/// The (stand-in of the) run's driver. GitHub takes an alert's security severity from its rule,
/// never from the result: where a rule's results in this run are graded otherwise than its
/// METADATA says (a `deny` member's own `severity`, as TG090's), the rule here carries the most
/// severe of them, so GitHub shows no gap as less severe than trailguard reports it. Each result
/// keeps its own `level` (and `security-severity` property).
fn run_driver(
    drivers: &mut Drivers,
    rules: &Rules<'_>,
    kept: &[(&Finding, Option<&Waiver>)],
) -> ToolComponent {
    let mut graded: BTreeMap<&str, Severity> = BTreeMap::new();
    for (finding, _) in kept {
        graded
            .entry(finding.rule_id.as_str())
            .and_modify(|s| *s = (*s).max(finding.severity))
            .or_insert(finding.severity);
    }
    let mut grading: Vec<(usize, Severity)> = graded
        .into_iter()
        .filter_map(|(id, severity)| {
            let &i = rules.index.get(id)?;
            let rule = rules.meta.get(i)?;
            (rule.severity != severity).then_some((i, severity))
        })
        .collect();
    grading.sort();
    drivers.stand_in(grading, |i, severity| {
        rules
            .meta
            .get(i)
            .map(|rule| graded_descriptor(rule, severity))
    })
}

fn run(
    account: Option<&str>,
    group: &Group<'_>,
    drivers: &mut Drivers,
    rules: &Rules<'_>,
    artifacts: &[String],
    include_waived: bool,
) -> Run {
    let rule_index = rules.index;
    // Keep the most severe results when GitHub's limit would be exceeded, findings before
    // waived ones. The sort is stable, so the evaluation's own order (severity, rule id,
    // resource) holds within a severity.
    let mut kept: Vec<(&Finding, Option<&Waiver>)> =
        group.findings.iter().map(|f| (*f, None)).collect();
    if include_waived {
        kept.extend(group.waived.iter().map(|w| (&w.finding, Some(&w.waiver))));
    }
    let total = kept.len();
    let omitted = total.saturating_sub(MAX_RESULTS);
    if omitted > 0 {
        kept.sort_by_key(|(finding, waiver)| (waiver.is_some(), Reverse(finding.severity)));
        kept.truncate(MAX_RESULTS);
    }
    let results: Vec<SarifResult> = kept
        .iter()
        .map(|(finding, waiver)| result(finding, *waiver, rules, artifacts))
        .collect();
    let driver = run_driver(drivers, rules, &kept);

    let mut notifications: Vec<Notification> = group
        .gaps
        .iter()
        .map(|gap| gap_notification(gap, rule_index))
        .collect();
    notifications.extend(
        group
            .notices
            .iter()
            .map(|notice| waiver_notification(notice)),
    );
    if omitted > 0 {
        notifications.push(
            Notification::builder()
                .level("warning")
                .message(
                    Message::builder()
                        .text(format!(
                            "{omitted} of {total} results were left out of this run: GitHub \
                             code scanning accepts at most {MAX_RESULTS} results per run, so \
                             only the most severe are included. Use the json format \
                             to see them all."
                        ))
                        .build(),
                )
                .properties(
                    PropertyBag::builder()
                        .additional_properties(BTreeMap::from([
                            ("omittedResults".to_string(), Value::from(omitted)),
                            ("totalResults".to_string(), Value::from(total)),
                        ]))
                        .build(),
                )
                .build(),
        );
    }
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(true)
            .tool_execution_notifications(notifications)
            .build()
    };

    let mut properties =
        BTreeMap::from([("waivedResults".to_string(), Value::from(group.waived.len()))]);
    if let Some(account) = account {
        properties.insert("account".to_string(), Value::from(account));
    }
    let automation_id = match account {
        Some(account) => format!("{AUTOMATION_ID}{account}/"),
        None => AUTOMATION_ID.to_string(),
    };
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(RunAutomationDetails::builder().id(automation_id).build())
        .invocations(vec![invocation])
        .results(results)
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build();
    if !artifacts.is_empty() {
        run.artifacts = Some(
            artifacts
                .iter()
                .map(|uri| {
                    Artifact::builder()
                        .location(ArtifactLocation::builder().uri(uri_reference(uri)).build())
                        .roles(vec![Value::from("analysisTarget")])
                        .build()
                })
                .collect(),
        );
    }
    run
}

fn gap_notification(gap: &Gap, rule_index: &HashMap<&str, usize>) -> Notification {
    let mut message = format!(
        "Could not read {}:{} for {} in {} (account {}): {}",
        gap.service, gap.operation, gap.resource, gap.region, gap.account_id, gap.error_code
    );
    if !gap.message.is_empty() {
        message.push_str(": ");
        message.push_str(&gap.message);
    }
    if !message.ends_with('.') {
        message.push('.');
    }
    let properties = BTreeMap::from([
        ("account".to_string(), Value::from(gap.account_id.clone())),
        ("errorCode".to_string(), Value::from(gap.error_code.clone())),
        ("operation".to_string(), Value::from(gap.operation.clone())),
        ("region".to_string(), Value::from(gap.region.clone())),
        ("resource".to_string(), Value::from(gap.resource.clone())),
        ("service".to_string(), Value::from(gap.service.clone())),
    ]);
    let notification = Notification::builder()
        .level("warning")
        .message(Message::builder().text(message).build())
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        );
    match rule_index.get(GAP_RULE) {
        Some(&index) => notification
            .associated_rule(rule_reference(GAP_RULE, index))
            .build(),
        None => notification.build(),
    }
}

fn waiver_notification(notice: &WaiverNotice) -> Notification {
    let status = match notice.status {
        WaiverStatus::Expired => "expired",
        WaiverStatus::Stale => "stale",
    };
    let w = &notice.waiver;
    Notification::builder()
        .level("warning")
        .message(Message::builder().text(format!("{notice}.")).build())
        .properties(
            PropertyBag::builder()
                .additional_properties(BTreeMap::from([
                    ("waiverStatus".to_string(), Value::from(status)),
                    ("waiver".to_string(), Value::from(w.source.clone())),
                    ("rule".to_string(), Value::from(w.rule.clone())),
                    ("resource".to_string(), Value::from(w.resource.clone())),
                    ("expires".to_string(), Value::from(w.expires.to_string())),
                    ("matchedResults".to_string(), Value::from(notice.matched)),
                ]))
                .build(),
        )
        .build()
}

/// The snapshot URIs, deduplicated, in the evaluation's order.
/// Characters of a path that a URI reference must percent-encode: all but RFC 3986's unreserved
/// ones and the `/` between segments (a space, `%`, `#`, `?`, a `:` that would read as a scheme,
/// and every non-ASCII byte of UTF-8).
const URI_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// [`URI_ENCODED`] less the `:`, for the path of a `file:` URI (`file:///C:/...`).
const FILE_PATH_ENCODED: &AsciiSet = &URI_ENCODED.remove(b':');

/// A snapshot's path (`relative_uri`) as a SARIF `uri`: a relative reference GitHub resolves
/// against the repository root (`inputs/demo.json`, `../snapshots/demo.json` for a file beside
/// it), or, where no relative path exists, an absolute `file:///` URI whose path keeps the
/// drive's `:`.
fn uri_reference(path: &str) -> String {
    match path.strip_prefix("file:///") {
        Some(rest) => format!("file:///{}", utf8_percent_encode(rest, FILE_PATH_ENCODED)),
        None => utf8_percent_encode(path, URI_ENCODED).to_string(),
    }
}

fn artifact_uris(evaluation: &Evaluation) -> Vec<String> {
    let mut uris: Vec<String> = Vec::new();
    for uri in &evaluation.snapshots {
        if !uris.contains(uri) {
            uris.push(uri.clone());
        }
    }
    uris
}

fn rule_reference(id: &str, index: usize) -> ReportingDescriptorReference {
    ReportingDescriptorReference::builder()
        .id(id)
        .index(to_i64(index))
        .build()
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// SARIF's `level` for a severity (a rule's default configuration writes it as its string,
/// `error`, `warning` or `note`).
fn result_level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// GitHub's `problem.severity` for a severity.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "recommendation",
    }
}

fn reporting_descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    graded_descriptor(rule, rule.severity)
}

/// The rule's descriptor, with `severity` for its level, problem severity and security severity.
fn graded_descriptor(rule: &RuleMeta, severity: Severity) -> ReportingDescriptor {
    let mut tags = vec!["security".to_string(), "cloudtrail".to_string()];
    for tag in rule.control_tags() {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.truncate(MAX_TAGS);
    let properties = BTreeMap::from([
        ("precision".to_string(), Value::from("very-high")),
        (
            "problem.severity".to_string(),
            Value::from(problem_severity(severity)),
        ),
        (
            "security-severity".to_string(),
            Value::from(severity.security_severity()),
        ),
    ]);
    let full_description = if rule.description.trim().is_empty() {
        rule.title.clone()
    } else {
        rule.description.clone()
    };
    let (help_text, help_markdown) = help(rule, &full_description);

    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(rule_name(rule))
        .short_description(
            MultiformatMessageString::builder()
                .text(non_empty(&rule.title, &rule.id))
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(full_description)
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .help_uri(rule.help_uri())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(result_level(severity).to_string())
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(properties)
                .build(),
        )
        .build()
}

fn non_empty(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

/// The rule's help as plain text and as Markdown: description, remediation, controls.
fn help(rule: &RuleMeta, description: &str) -> (String, String) {
    let mut text = description.trim_end().to_string();
    let mut markdown = text.clone();
    let remediation = rule.remediation.trim();
    if !remediation.is_empty() {
        text.push_str("\n\nRemediation\n\n");
        text.push_str(remediation);
        markdown.push_str("\n\n## Remediation\n\n");
        markdown.push_str(remediation);
    }
    let controls: Vec<(&str, String)> = rule
        .controls
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(framework, ids)| (framework_name(framework), ids.join(", ")))
        .collect();
    if !controls.is_empty() {
        text.push_str("\n\nControls\n");
        markdown.push_str("\n\n## Controls\n");
        for (framework, ids) in &controls {
            text.push_str(&format!("\n{framework}: {ids}"));
            markdown.push_str(&format!("\n- {framework}: {ids}"));
        }
    }
    (text, markdown)
}

/// A PascalCase identifier from the rule's title: `Log file validation disabled` ->
/// `LogFileValidationDisabled`. Apostrophes join (`trail's` -> `Trails`); any other character
/// that is not a letter or digit separates words. Falls back to the rule id.
pub(crate) fn rule_name(rule: &RuleMeta) -> String {
    let name = pascal_case(&rule.title);
    if name.is_empty() {
        pascal_case(&rule.id)
    } else {
        name
    }
}

fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .map(|word| {
            let mut chars = word
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<Vec<_>>();
            if let Some(first) = chars.first_mut() {
                first.make_ascii_uppercase();
            }
            chars.into_iter().collect::<String>()
        })
        .collect()
}

/// The fingerprint GitHub matches alerts on: hex SHA-256 of rule id, NUL, resource (first 32
/// hex digits). It ignores the message and the line, so an alert survives re-collection.
pub(crate) fn fingerprint(rule_id: &str, resource: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(resource.as_bytes());
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One finding as a SARIF result. Without a location it points at line 1 of the first snapshot.
fn result(
    finding: &Finding,
    waiver: Option<&Waiver>,
    rules: &Rules<'_>,
    artifacts: &[String],
) -> SarifResult {
    let rule_index = rules.index;
    let physical = match &finding.location {
        Some(location) => Some((location.uri.clone(), location.line.max(1))),
        None => artifacts.first().map(|uri| (uri.clone(), 1)),
    }
    .map(|(uri, line)| {
        let artifact = match artifacts.iter().position(|a| *a == uri) {
            Some(index) => ArtifactLocation::builder()
                .uri(uri_reference(&uri))
                .index(to_i64(index))
                .build(),
            None => ArtifactLocation::builder().uri(uri_reference(&uri)).build(),
        };
        PhysicalLocation::builder()
            .artifact_location(artifact)
            .region(Region::builder().start_line(to_i64(line)).build())
            .build()
    });
    let logical = vec![LogicalLocation::builder()
        .fully_qualified_name(finding.resource.clone())
        .kind("resource")
        .build()];
    let location = match physical {
        Some(physical) => Location::builder()
            .physical_location(physical)
            .logical_locations(logical)
            .build(),
        None => Location::builder().logical_locations(logical).build(),
    };

    let hash = fingerprint(&finding.rule_id, &finding.resource);
    let fingerprints = BTreeMap::from([
        ("primaryLocationLineHash".to_string(), hash.clone()),
        ("trailguard/v1".to_string(), hash),
    ]);
    let message = non_empty(
        &finding.message,
        &format!("{}: {}", finding.rule_id, finding.resource),
    );

    let mut result = SarifResult::builder()
        .rule_id(finding.rule_id.clone())
        .level(result_level(finding.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .build();
    if let Some(&index) = rule_index.get(finding.rule_id.as_str()) {
        result.rule_index = Some(to_i64(index));
    }
    // A finding graded otherwise than its rule says its own security severity too, for the
    // consumers that read it from the result.
    let mut properties = finding.properties.clone();
    if rules
        .declared(&finding.rule_id)
        .is_some_and(|declared| declared != finding.severity)
    {
        properties.insert(
            "security-severity".to_string(),
            Value::from(finding.severity.security_severity()),
        );
    }
    if !properties.is_empty() {
        result.properties = Some(property_bag(&properties));
    }
    if let Some(waiver) = waiver {
        result.suppressions = Some(vec![suppression(waiver)]);
    }
    result
}

/// A waiver as SARIF sees it: an accepted suppression kept outside the analysed file.
fn suppression(waiver: &Waiver) -> Suppression {
    Suppression::builder()
        .kind(Value::from("external"))
        .status(Value::from("accepted"))
        .justification(waiver.reason.clone())
        .properties(
            PropertyBag::builder()
                .additional_properties(BTreeMap::from([
                    ("owner".to_string(), Value::from(waiver.owner.clone())),
                    (
                        "expires".to_string(),
                        Value::from(waiver.expires.to_string()),
                    ),
                    ("waiver".to_string(), Value::from(waiver.source.clone())),
                ]))
                .build(),
        )
        .build()
}

/// A finding's extra keys as a SARIF property bag. SARIF reserves `tags` (an array of unique
/// strings); a rule's `tags` key that is not one is kept under `finding.tags` instead.
fn property_bag(properties: &BTreeMap<String, Value>) -> PropertyBag {
    let mut additional = properties.clone();
    let mut tags = None;
    if let Some(value) = additional.remove("tags") {
        match string_set(&value) {
            Some(list) => tags = Some(list),
            None => {
                additional.insert("finding.tags".to_string(), value);
            }
        }
    }
    let mut bag = PropertyBag::builder()
        .additional_properties(additional)
        .build();
    bag.tags = tags;
    bag
}

/// The value as a list of unique strings, if it is one.
fn string_set(value: &Value) -> Option<Vec<String>> {
    let items = value.as_array()?;
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let s = item.as_str()?.to_string();
        if out.contains(&s) {
            return None;
        }
        out.push(s);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pascal_case_names() {
        assert_eq!(
            pascal_case("log file validation disabled"),
            "LogFileValidationDisabled"
        );
        assert_eq!(
            pascal_case("Rotation disabled on the trail's KMS key"),
            "RotationDisabledOnTheTrailsKMSKey"
        );
        assert_eq!(
            pascal_case("a trail exists but is not logging (IsLogging false)"),
            "ATrailExistsButIsNotLoggingIsLoggingFalse"
        );
        assert_eq!(pascal_case("  --  "), "");
    }

    #[test]
    fn fingerprint_is_hex_and_ignores_nothing_but_the_key() {
        let a = fingerprint(
            "TG020",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/main",
        );
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        // The separator matters: ("TG0", "20x") must differ from ("TG02", "0x").
        assert_ne!(fingerprint("TG0", "20x"), fingerprint("TG02", "0x"));
    }

    #[test]
    fn snapshot_paths_become_uri_references() {
        assert_eq!(uri_reference("inputs/demo.json"), "inputs/demo.json");
        assert_eq!(uri_reference("/tmp/a-b_c.~/s.json"), "/tmp/a-b_c.~/s.json");
        // Regression: a path with a space, `#` or `%` was written as is, which is no URI.
        assert_eq!(
            uri_reference("audit 2026/#1 100%.json"),
            "audit%202026/%231%20100%25.json"
        );
        // A colon in the first segment would read as a scheme.
        assert_eq!(uri_reference("c:snap.json"), "c%3Asnap.json");
        assert_eq!(uri_reference("prüfung.json"), "pr%C3%BCfung.json");
        assert_eq!(
            uri_reference("../snap shots/s.json"),
            "../snap%20shots/s.json"
        );
        assert_eq!(
            uri_reference("file:///D:/audit 1/s.json"),
            "file:///D:/audit%201/s.json"
        );
    }

    fn rule(id: &str, severity: Severity) -> RuleMeta {
        RuleMeta {
            id: id.to_string(),
            title: format!("Rule {id}"),
            description: format!("Why {id} matters."),
            severity,
            controls: BTreeMap::new(),
            remediation: format!("Fix {id}:\n\n```sh\naws cloudtrail update-trail\n```"),
            package: format!("data.trailguard.rules.{}", id.to_lowercase()),
            source: format!("policies/{}.rego", id.to_lowercase()),
            builtin: true,
        }
    }

    /// 45 accounts (three documents), each with a TG020 finding; two of them have a TG090
    /// finding graded above its METADATA (two more drivers), and one a message that spells a
    /// stand-in's name.
    fn many_accounts() -> Evaluation {
        let mut evaluation = Evaluation {
            rules: vec![
                rule("TG020", Severity::Medium),
                rule("TG090", Severity::Medium),
            ],
            snapshots: vec!["snapshot.json".into()],
            ..Evaluation::default()
        };
        let finding = |rule: &str, severity, account: &str, message: String| Finding {
            rule_id: rule.to_string(),
            severity,
            resource: format!("arn:aws:cloudtrail:us-east-1:{account}:trail/main"),
            message,
            properties: BTreeMap::new(),
            location: None,
            account: Some(account.to_string()),
        };
        for i in 0..45 {
            let account = format!("{:012}", 100_000_000_000_u64 + i);
            let message = if i == 5 {
                format!("{}0 is not a driver", "\u{1}trailguard-driver-")
            } else {
                "Trail main does not validate its log files".to_string()
            };
            evaluation
                .findings
                .push(finding("TG020", Severity::Medium, &account, message));
            let graded = match i {
                3 | 30 => Some(Severity::High),
                7 => Some(Severity::Critical),
                _ => None,
            };
            if let Some(severity) = graded {
                let gap = "Could not read s3:GetBucketPolicy".to_string();
                evaluation
                    .findings
                    .push(finding("TG090", severity, &account, gap));
            }
            evaluation.accounts.push(account);
        }
        evaluation
    }

    #[test]
    fn drivers_written_once_give_what_serialising_each_runs_own_gives() {
        let evaluation = many_accounts();
        let options = Options::default();
        let (runs, drivers) = runs(&evaluation, &options);
        // The catalogue's driver, and one per other grading (High twice, Critical once).
        let stand_ins: BTreeSet<&str> = runs.iter().map(|r| r.tool.driver.name.as_str()).collect();
        assert_eq!(stand_ins.len(), 3, "{stand_ins:?}");
        // The reference, as each run's driver was built before drivers were shared: the
        // catalogue's, with TG090 (descriptor 1) graded where the account's finding is.
        let base = drivers.resolve(&runs[0].tool.driver).unwrap();
        assert_eq!(
            base.rules.as_ref().unwrap()[1],
            reporting_descriptor(&evaluation.rules[1])
        );
        let resolved: Vec<Run> = runs
            .iter()
            .enumerate()
            .map(|(i, run)| {
                let mut expected = base.clone();
                let graded = match i {
                    3 | 30 => Some(Severity::High),
                    7 => Some(Severity::Critical),
                    _ => None,
                };
                if let Some(severity) = graded {
                    expected.rules.as_mut().unwrap()[1] =
                        graded_descriptor(&evaluation.rules[1], severity);
                }
                assert_eq!(
                    drivers.resolve(&run.tool.driver).unwrap(),
                    expected,
                    "run {i}"
                );
                let mut run = run.clone();
                run.tool.driver = expected;
                run
            })
            .collect();
        let reference: Vec<String> = resolved
            .chunks(MAX_RUNS)
            .map(|chunk| {
                let log = Sarif::builder()
                    .schema(SCHEMA_URI)
                    .version(Value::from("2.1.0"))
                    .runs(chunk.to_vec())
                    .build();
                pretty_json(&log, Format::Sarif).unwrap()
            })
            .collect();
        let documents = render_documents(&evaluation, &options).unwrap();
        assert_eq!(documents.len(), 3);
        for (document, reference) in documents.iter().zip(&reference) {
            assert!(document == reference, "the documents differ");
        }
        // A message that spells a stand-in's name is left as it is.
        assert!(documents[0].contains("\"\\u0001trailguard-driver-0 is not a driver\""));
    }

    #[test]
    fn a_document_missing_a_runs_driver_is_an_error_not_a_run_without_rules() {
        let evaluation = many_accounts();
        let (_, drivers) = runs(&evaluation, &Options::default());
        let rendered = drivers.render().unwrap();
        assert!(rendered.substitute("{\n  \"runs\": []\n}\n", 1).is_err());
    }

    #[test]
    fn reserved_tags_property_is_kept_valid() {
        let props = BTreeMap::from([("tags".to_string(), serde_json::json!([1, 2]))]);
        let bag = property_bag(&props);
        assert!(bag.tags.is_none());
        assert!(bag.additional_properties.contains_key("finding.tags"));
        let props = BTreeMap::from([("tags".to_string(), serde_json::json!(["a", "b"]))]);
        assert_eq!(property_bag(&props).tags.unwrap(), ["a", "b"]);
    }
}
