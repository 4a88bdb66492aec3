//! The `sarif` target: arbitrary evaluations written as SARIF, which must stay valid SARIF
//! 2.1.0 that GitHub code scanning ingests.
//!
//! The fuzzer's bytes are decoded (with the `arbitrary` crate) into a [`SarifInput`]: rules,
//! findings, waived findings, waiver notices, gaps, snapshot URIs and accounts made of arbitrary
//! strings (Unicode, control characters, empty strings), arbitrary lines and many accounts. It
//! becomes an [`Evaluation`] with the invariants the engine guarantees (unique rule ids of the
//! form METADATA accepts, every finding from a rule and of its severity) and nothing else.

use arbitrary::{Arbitrary, Unstructured};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use trailguard_engine::{
    Date, Evaluation, Finding, RuleMeta, Severity, SourceLocation, WaivedFinding, Waiver,
    WaiverNotice, WaiverStatus,
};
use trailguard_report::{render, render_sarif, Format, Options, ReportError, MAX_RUNS};
use trailguard_snapshot::Gap;

/// The official SARIF 2.1.0 schema (OASIS), as the report crate's tests use it.
const SCHEMA: &str = include_str!("../../../tests/fixtures/sarif/sarif-schema-2.1.0.json");

/// An evaluation as the fuzzer describes it; see the module documentation.
#[derive(Debug, Arbitrary)]
pub struct SarifInput {
    rules: Vec<RuleInput>,
    findings: Vec<FindingInput>,
    waived: Vec<(FindingInput, WaiverInput)>,
    notices: Vec<(bool, u32, WaiverInput)>,
    gaps: Vec<GapInput>,
    snapshots: Vec<String>,
    accounts: Vec<String>,
    /// This many more accounts, numbered: more than fit one SARIF file.
    numbered_accounts: u8,
    include_waived: bool,
    tool_version: String,
}

#[derive(Debug, Arbitrary)]
struct RuleInput {
    id: String,
    title: String,
    description: String,
    severity: u8,
    controls: Vec<(String, Vec<String>)>,
    remediation: String,
    builtin: bool,
}

#[derive(Debug, Arbitrary)]
struct FindingInput {
    /// Which rule reported it (an index into the rules).
    rule: u16,
    resource: String,
    message: String,
    properties: Vec<(bool, String, JsonInput)>,
    location: Option<(LocationUri, usize)>,
    account: Option<String>,
}

#[derive(Debug, Arbitrary)]
enum LocationUri {
    /// One of the evaluation's snapshots (by index), as the engine locates findings.
    Snapshot(u8),
    /// Any other string.
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum JsonInput {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Array(Vec<JsonInput>),
    Object(Vec<(String, JsonInput)>),
}

#[derive(Debug, Arbitrary)]
struct WaiverInput {
    rule: String,
    resource: String,
    reason: String,
    owner: String,
    expires: (u16, u8, u8),
    source: String,
}

#[derive(Debug, Arbitrary)]
struct GapInput {
    account_id: String,
    service: String,
    operation: String,
    region: String,
    resource: String,
    error_code: String,
    message: String,
}

impl JsonInput {
    fn value(self) -> Value {
        match self {
            JsonInput::Null => Value::Null,
            JsonInput::Bool(b) => Value::Bool(b),
            JsonInput::Int(n) => Value::from(n),
            JsonInput::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            JsonInput::Text(s) => Value::String(s),
            JsonInput::Array(items) => Value::Array(items.into_iter().map(Self::value).collect()),
            JsonInput::Object(entries) => {
                Value::Object(entries.into_iter().map(|(k, v)| (k, v.value())).collect())
            }
        }
    }
}

impl WaiverInput {
    fn waiver(self) -> Waiver {
        let (year, month, day) = self.expires;
        Waiver {
            rule: self.rule,
            resource: self.resource,
            reason: self.reason,
            owner: self.owner,
            expires: Date::new(year, month, day)
                .or_else(|| Date::new(2027, 3, 31))
                .expect("a real date"),
            source: self.source,
        }
    }
}

/// A rule id of the form METADATA accepts (upper-case ASCII letters, digits and `-`, starting
/// with a letter, at most 32 characters): the engine rejects every other.
fn rule_id(raw: &str, index: usize) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-')
        .take(31)
        .collect();
    if kept.starts_with(|c: char| c.is_ascii_uppercase()) {
        kept
    } else if kept.is_empty() && index % 2 == 0 {
        // The collection-gap rule, which gap notifications refer to.
        "TG090".to_string()
    } else {
        format!("R{kept}")
    }
}

fn severity(n: u8) -> Severity {
    Severity::ALL[usize::from(n) % Severity::ALL.len()]
}

impl SarifInput {
    /// The evaluation and options this input describes.
    pub fn into_evaluation(self) -> (Evaluation, Options) {
        let mut rules: Vec<RuleMeta> = Vec::new();
        for (i, rule) in self.rules.into_iter().enumerate() {
            let id = rule_id(&rule.id, i);
            if rules.iter().any(|r| r.id == id) {
                continue;
            }
            rules.push(RuleMeta {
                package: format!("data.fuzz.r{i}"),
                source: format!("fuzz/r{i}.rego"),
                id,
                title: rule.title,
                description: rule.description,
                severity: severity(rule.severity),
                controls: rule.controls.into_iter().collect(),
                remediation: rule.remediation,
                builtin: rule.builtin,
            });
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        // A snapshot's URI is the path of a file (`relative_uri`), never empty.
        let non_empty = |uri: String| {
            if uri.is_empty() {
                "snapshot.json".to_string()
            } else {
                uri
            }
        };
        let snapshots: Vec<String> = self.snapshots.into_iter().map(non_empty).collect();
        let finding = |input: FindingInput| -> Option<Finding> {
            let rule = rules.get(usize::from(input.rule) % rules.len().max(1))?;
            let location = input.location.map(|(uri, line)| SourceLocation {
                uri: match uri {
                    LocationUri::Snapshot(i) => snapshots
                        .get(usize::from(i) % snapshots.len().max(1))
                        .cloned()
                        .unwrap_or_default(),
                    LocationUri::Other(uri) => non_empty(uri),
                },
                line,
            });
            let properties = input
                .properties
                .into_iter()
                .map(|(tags, key, value)| {
                    (if tags { "tags".to_string() } else { key }, value.value())
                })
                .collect();
            Some(Finding {
                rule_id: rule.id.clone(),
                severity: rule.severity,
                resource: input.resource,
                message: input.message,
                properties,
                location,
                account: input.account,
            })
        };
        let findings: Vec<Finding> = self.findings.into_iter().filter_map(finding).collect();
        let waived: Vec<WaivedFinding> = self
            .waived
            .into_iter()
            .filter_map(|(f, w)| {
                finding(f).map(|finding| WaivedFinding {
                    finding,
                    waiver: w.waiver(),
                })
            })
            .collect();
        let waiver_notices = self
            .notices
            .into_iter()
            .map(|(expired, matched, w)| WaiverNotice {
                status: if expired {
                    WaiverStatus::Expired
                } else {
                    WaiverStatus::Stale
                },
                matched: matched as usize,
                waiver: w.waiver(),
            })
            .collect();
        let gaps = self
            .gaps
            .into_iter()
            .map(|g| Gap {
                account_id: g.account_id,
                service: g.service,
                operation: g.operation,
                region: g.region,
                resource: g.resource,
                error_code: g.error_code,
                message: g.message,
            })
            .collect();
        let mut accounts: BTreeSet<String> = self.accounts.into_iter().collect();
        accounts.extend((0..self.numbered_accounts).map(|n| format!("{:012}", n)));
        let evaluation = Evaluation {
            rules,
            findings,
            waived,
            waiver_notices,
            gaps,
            snapshots,
            accounts: accounts.into_iter().collect(),
            prints: Vec::new(),
            profile: Vec::new(),
        };
        let options = Options {
            color: false,
            tool_version: self.tool_version,
            include_waived: self.include_waived,
            ..Options::default()
        };
        (evaluation, options)
    }
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the SARIF schema is JSON");
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

/// Renders the evaluation `data` describes (see [`SarifInput`]) as SARIF. Every document must
/// parse as JSON, validate against the SARIF 2.1.0 schema and keep GitHub's ingestion rules:
/// at most 20 runs a file, one tool and category per run, every result's `ruleId` among the
/// run's rules with a `ruleIndex` that agrees, a non-empty message, a location with
/// `startLine` ≥ 1 and a URI whenever there is a snapshot, `partialFingerprints`; and no
/// finding may go missing.
pub fn sarif(data: &[u8]) {
    let Ok(input) = SarifInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (evaluation, options) = input.into_evaluation();
    let documents = match render_sarif(&evaluation, &options) {
        Ok(documents) => documents,
        Err(e) => panic!("SARIF rendering failed: {e}"),
    };
    assert!(!documents.is_empty(), "no SARIF document at all");
    match render(&evaluation, Format::Sarif, &options) {
        Ok(one) => assert!(documents.len() == 1 && one == documents[0]),
        Err(ReportError::TooManyRuns { files, .. }) => assert_eq!(files, documents.len()),
        Err(e) => panic!("render failed: {e}"),
    }

    let mut categories = BTreeSet::new();
    let mut results = 0;
    for text in &documents {
        assert!(
            text.ends_with('\n'),
            "a SARIF document must end with a newline"
        );
        let log: Value = match serde_json::from_str(text) {
            Ok(log) => log,
            Err(e) => panic!("the SARIF is not JSON ({e}):\n{text}"),
        };
        let errors: Vec<String> = validator()
            .iter_errors(&log)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF: {errors:#?}\n{text}");
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().expect("runs");
        assert!(
            (1..=MAX_RUNS).contains(&runs.len()),
            "{} runs in one file",
            runs.len()
        );
        for run in runs {
            results += check_run(run, &evaluation, &mut categories);
        }
    }
    let expected = evaluation.findings.len()
        + if options.include_waived {
            evaluation.waived.len()
        } else {
            0
        };
    assert_eq!(results, expected, "results went missing");
}

/// Checks one run against GitHub's rules; returns how many results it has.
fn check_run(run: &Value, evaluation: &Evaluation, categories: &mut BTreeSet<String>) -> usize {
    let driver = &run["tool"]["driver"];
    let id = run["automationDetails"]["id"].as_str().expect("a category");
    let category = id.rsplit_once('/').map_or("", |(c, _)| c).to_string();
    assert!(
        categories.insert(category.clone()),
        "two runs with category {category:?}"
    );
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    assert_eq!(index.len(), rules.len(), "duplicate rule ids");
    for rule in driver["rules"].as_array().into_iter().flatten() {
        let tags = rule["properties"]["tags"].as_array().map_or(0, Vec::len);
        assert!(tags <= 20, "{tags} tags on rule {}", rule["id"]);
    }
    let results = run["results"].as_array().expect("results");
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let Some(&at) = index.get(rule_id) else {
            panic!("result ruleId {rule_id:?} is not among the run's rules")
        };
        assert_eq!(result["ruleIndex"].as_u64(), Some(at as u64), "ruleIndex");
        let message = result["message"]["text"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "a result without message text");
        let locations = result["locations"].as_array().expect("locations");
        assert!(!locations.is_empty(), "a result without locations");
        if !evaluation.snapshots.is_empty() {
            let physical = &locations[0]["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_default();
            assert!(!uri.is_empty(), "a result without a URI: {result}");
            // A URI reference: unreserved characters, `/` and percent-encoded bytes only.
            assert!(
                uri.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
                "a URI that is not percent-encoded: {uri:?}"
            );
            let line = physical["region"]["startLine"].as_i64().unwrap_or(0);
            assert!(line >= 1, "startLine {line}");
        }
        assert!(
            result["partialFingerprints"]["primaryLocationLineHash"].is_string(),
            "no partialFingerprints.primaryLocationLineHash"
        );
    }
    results.len()
}
