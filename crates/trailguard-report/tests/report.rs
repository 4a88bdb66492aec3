//! End-to-end tests of the four formats over a small hand-built evaluation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use trailguard_engine::{
    Date, Evaluation, Finding, RuleMeta, Severity, SourceLocation, WaiverLimits, Waivers,
};
use trailguard_report::{
    render, render_sarif, summary, Format, GroupBy, Options, ReportError, MAX_RESULTS, MAX_RUNS,
};
use trailguard_snapshot::Gap;

const SNAPSHOT: &str = "inputs/demo/snapshot.json";
const TRAIL: &str = "arn:aws:cloudtrail:us-east-1:111122223333:trail/main";
const BUCKET: &str = "arn:aws:s3:::acme-trail-logs";

fn rule(id: &str, title: &str, severity: Severity, controls: &[(&str, &[&str])]) -> RuleMeta {
    RuleMeta {
        id: id.to_string(),
        title: title.to_string(),
        description: format!("Why {title} matters."),
        severity,
        controls: controls
            .iter()
            .map(|(framework, ids)| {
                (
                    framework.to_string(),
                    ids.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect(),
        remediation: format!("Fix {id}:\n\n```sh\naws cloudtrail update-trail --name main\n```"),
        package: format!("data.trailguard.rules.{}", id.to_lowercase()),
        source: format!("policies/{}.rego", id.to_lowercase()),
        builtin: true,
    }
}

fn finding(
    rule_id: &str,
    severity: Severity,
    resource: &str,
    message: &str,
    line: Option<usize>,
) -> Finding {
    Finding {
        rule_id: rule_id.to_string(),
        severity,
        resource: resource.to_string(),
        message: message.to_string(),
        properties: BTreeMap::new(),
        location: line.map(|line| SourceLocation {
            uri: SNAPSHOT.to_string(),
            line,
        }),
        account: None,
    }
}

fn evaluation() -> Evaluation {
    let mut low = finding(
        "TG011",
        Severity::Low,
        TRAIL,
        "Trail main | has no tags\nat all",
        Some(12),
    );
    low.properties = BTreeMap::from([("region".to_string(), json!("us-east-1"))]);
    Evaluation {
        rules: vec![
            rule(
                "TG011",
                "Trail is not tagged",
                Severity::Low,
                &[("securityhub", &["CloudTrail.9"])],
            ),
            rule(
                "TG020",
                "Log file validation disabled",
                Severity::Medium,
                &[
                    ("cis", &["v1.4.0-v5.0.0/3.2", "v6.0.0/4.2"]),
                    ("securityhub", &["CloudTrail.4"]),
                ],
            ),
            rule(
                "TG030",
                "Log bucket is publicly accessible",
                Severity::Critical,
                &[("securityhub", &["CloudTrail.6"])],
            ),
            rule(
                "TG090",
                "The collector could not read something a rule needs",
                Severity::Medium,
                &[],
            ),
        ],
        findings: vec![
            finding(
                "TG030",
                Severity::Critical,
                BUCKET,
                "Log bucket acme-trail-logs is public through its bucket policy",
                Some(120),
            ),
            finding(
                "TG020",
                Severity::Medium,
                TRAIL,
                "Trail main does not validate its log files",
                Some(14),
            ),
            finding(
                "TG090",
                Severity::Medium,
                "AWS::::Account:111122223333",
                "Could not read s3:GetBucketPolicy for acme-trail-logs",
                None,
            ),
            low,
        ],
        gaps: vec![Gap {
            account_id: "111122223333".to_string(),
            service: "s3".to_string(),
            operation: "GetBucketPolicy".to_string(),
            region: "us-east-1".to_string(),
            resource: "acme-trail-logs".to_string(),
            error_code: "AccessDenied".to_string(),
            message: "User is not authorized".to_string(),
        }],
        snapshots: vec![SNAPSHOT.to_string()],
        ..Evaluation::default()
    }
}

fn options() -> Options {
    Options {
        color: false,
        tool_version: "1.2.3".to_string(),
        include_waived: false,
        group_by: GroupBy::Severity,
    }
}

fn sarif(evaluation: &Evaluation) -> (String, Value) {
    let out = render(evaluation, Format::Sarif, &options()).unwrap();
    let value = serde_json::from_str(&out).unwrap();
    (out, value)
}

fn schema_errors(instance: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (out, log) = sarif(&evaluation());
    assert!(out.ends_with("}\n"));
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "schema errors: {errors:#?}");

    // An evaluation with nothing in it is valid too.
    let empty = Evaluation::default();
    let (_, log) = sarif(&empty);
    assert!(schema_errors(&log).is_empty());
    assert_eq!(log["runs"][0]["results"], json!([]));
}

#[test]
fn sarif_header_and_driver() {
    let (_, log) = sarif(&evaluation());
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    // The only account (named by the gap) owns every result, so the run is its category.
    assert_eq!(run["automationDetails"]["id"], "trailguard/111122223333/");
    assert_eq!(
        run["properties"],
        json!({"account": "111122223333", "waivedResults": 0})
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "trailguard");
    assert_eq!(driver["semanticVersion"], "1.2.3");
    assert_eq!(
        driver["informationUri"],
        "https://github.com/trailguard/trailguard"
    );
    assert_eq!(
        run["artifacts"],
        json!([{"location": {"uri": SNAPSHOT}, "roles": ["analysisTarget"]}])
    );

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["TG011", "TG020", "TG030", "TG090"]);
    let tg020 = &rules[1];
    assert_eq!(tg020["name"], "LogFileValidationDisabled");
    assert_eq!(
        tg020["shortDescription"]["text"],
        "Log file validation disabled"
    );
    assert_eq!(
        tg020["fullDescription"]["text"],
        "Why Log file validation disabled matters."
    );
    assert!(tg020["help"]["text"]
        .as_str()
        .unwrap()
        .contains("Remediation"));
    assert!(tg020["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## Remediation"));
    assert!(tg020["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("CloudTrail.4"));
    assert_eq!(
        tg020["helpUri"],
        "https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg020"
    );
    assert_eq!(tg020["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        tg020["properties"]["tags"],
        json!([
            "security",
            "cloudtrail",
            "cis/v1.4.0-v5.0.0/3.2",
            "cis/v6.0.0/4.2",
            "securityhub/CloudTrail.4"
        ])
    );
    // CIS ids carry the benchmark versions whose numbering they use.
    assert!(tg020["help"]["markdown"].as_str().unwrap().contains(
        "- CIS AWS Foundations Benchmark: v1.4.0-v5.0.0/3.2, v6.0.0/4.2\n- AWS Security Hub: CloudTrail.4"
    ));
    assert!(tg020["help"]["text"]
        .as_str()
        .unwrap()
        .contains("CIS AWS Foundations Benchmark: v1.4.0-v5.0.0/3.2, v6.0.0/4.2"));
    assert_eq!(tg020["properties"]["precision"], "very-high");
    assert_eq!(tg020["properties"]["problem.severity"], "warning");

    let expected = [
        ("TG011", "3.0", "note", "recommendation"),
        ("TG020", "5.5", "warning", "warning"),
        ("TG030", "9.5", "error", "error"),
        ("TG090", "5.5", "warning", "warning"),
    ];
    for (rule, (id, security, level, problem)) in rules.iter().zip(expected) {
        assert_eq!(rule["id"], id);
        // GitHub wants the score as a string, and the "security" tag beside it.
        assert_eq!(rule["properties"]["security-severity"], json!(security));
        assert!(rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("security")));
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        assert_eq!(rule["properties"]["problem.severity"], problem);
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(!rule[field]["text"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn sarif_follows_a_findings_own_severity() {
    // TG090 (declared medium) graded high for the gap of one account, as the rules it blinds.
    let mut evaluation = evaluation();
    let gap = evaluation
        .findings
        .iter_mut()
        .find(|f| f.rule_id == "TG090")
        .unwrap();
    gap.severity = Severity::High;
    let (_, log) = sarif(&evaluation);
    let run = &log["runs"][0];
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "TG090")
        .unwrap();
    assert_eq!(result["level"], "error");
    assert_eq!(result["properties"]["security-severity"], "8.0");
    // GitHub reads the security severity from the rule: this run's TG090 says high.
    let rule = &run["tool"]["driver"]["rules"][3];
    assert_eq!(rule["id"], "TG090");
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert_eq!(rule["properties"]["problem.severity"], "error");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    // Findings graded as their rule says carry no property of their own.
    let critical = &run["results"][0];
    assert_eq!(critical["ruleId"], "TG030");
    assert!(critical.get("properties").is_none());
    assert_eq!(
        run["tool"]["driver"]["rules"][2]["properties"]["security-severity"],
        "9.5"
    );
}

#[test]
fn sarif_results() {
    let (_, log) = sarif(&evaluation());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for result in results {
        let location = &result["locations"][0];
        assert!(location["physicalLocation"]["artifactLocation"]["uri"].is_string());
        assert!(
            location["physicalLocation"]["region"]["startLine"]
                .as_i64()
                .unwrap()
                >= 1
        );
        assert_eq!(location["logicalLocations"][0]["kind"], "resource");
        let prints = &result["partialFingerprints"];
        assert!(prints["primaryLocationLineHash"].is_string());
        assert_eq!(prints["primaryLocationLineHash"], prints["trailguard/v1"]);
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
    }

    let critical = &results[0];
    assert_eq!(critical["ruleId"], "TG030");
    assert_eq!(critical["ruleIndex"], 2);
    assert_eq!(critical["level"], "error");
    assert_eq!(
        critical["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": SNAPSHOT, "index": 0}, "region": {"startLine": 120}})
    );
    assert_eq!(
        critical["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        BUCKET
    );
    assert!(critical.get("properties").is_none());

    // No location: line 1 of the first snapshot.
    let gap_finding = &results[2];
    assert_eq!(gap_finding["ruleId"], "TG090");
    assert_eq!(gap_finding["level"], "warning");
    assert_eq!(
        gap_finding["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    assert_eq!(
        gap_finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        SNAPSHOT
    );

    let low = &results[3];
    assert_eq!(low["level"], "note");
    assert_eq!(low["properties"], json!({"region": "us-east-1"}));
}

#[test]
fn sarif_fingerprints_follow_rule_and_resource_only() {
    let mut evaluation = evaluation();
    let (_, before) = sarif(&evaluation);
    let hash = |log: &Value, i: usize| {
        log["runs"][0]["results"][i]["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Same rule and resource, other message and line: same fingerprint.
    evaluation.findings[1].message = "Something else entirely".to_string();
    evaluation.findings[1].location = Some(SourceLocation {
        uri: "other/snapshot.json".to_string(),
        line: 999,
    });
    let (_, after) = sarif(&evaluation);
    assert_eq!(hash(&before, 1), hash(&after, 1));
    // TG020 and TG011 are on the same trail but are different rules; TG030 another resource.
    let all: Vec<String> = (0..4).map(|i| hash(&before, i)).collect();
    for i in 0..4 {
        for j in (i + 1)..4 {
            assert_ne!(all[i], all[j]);
        }
    }
    // Same rule, another resource: another fingerprint.
    evaluation.findings[1].resource =
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/other".into();
    let (_, other) = sarif(&evaluation);
    assert_ne!(hash(&before, 1), hash(&other, 1));
}

#[test]
fn sarif_gaps_are_notifications() {
    let (_, log) = sarif(&evaluation());
    let invocations = log["runs"][0]["invocations"].as_array().unwrap();
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0]["executionSuccessful"], true);
    let notes = invocations[0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "warning");
    let text = notes[0]["message"]["text"].as_str().unwrap();
    for part in [
        "s3:GetBucketPolicy",
        "acme-trail-logs",
        "us-east-1",
        "111122223333",
        "AccessDenied",
    ] {
        assert!(text.contains(part), "{text} lacks {part}");
    }
    assert_eq!(
        notes[0]["associatedRule"],
        json!({"id": "TG090", "index": 3})
    );
}

#[test]
fn every_format_is_byte_identical_on_rerender() {
    let evaluation = evaluation();
    for format in Format::ALL {
        for color in [false, true] {
            let options = Options { color, ..options() };
            let a = render(&evaluation, format, &options).unwrap();
            let b = render(&evaluation.clone(), format, &options).unwrap();
            assert_eq!(a, b, "{format}");
            assert!(a.ends_with('\n'), "{format}");
        }
    }
}

#[test]
fn sarif_truncates_to_the_most_severe_results() {
    let mut evaluation = evaluation();
    let total = MAX_RESULTS + 10;
    // 10 critical, then lows, then 5 high at the end (out of order, to be sure we sort).
    let mut findings = Vec::with_capacity(total);
    for i in 0..10 {
        findings.push(finding(
            "TG030",
            Severity::Critical,
            &format!("arn:aws:s3:::crit-{i}"),
            "public",
            Some(1),
        ));
    }
    for i in 0..(total - 15) {
        findings.push(finding(
            "TG011",
            Severity::Low,
            &format!("arn:aws:s3:::low-{i:05}"),
            "untagged",
            Some(2),
        ));
    }
    for i in 0..5 {
        findings.push(finding(
            "TG020",
            Severity::Medium,
            &format!("arn:aws:s3:::med-{i}"),
            "no validation",
            None,
        ));
    }
    evaluation.findings = findings;

    let (_, log) = sarif(&evaluation);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), MAX_RESULTS);
    let level = |r: &Value| r["level"].as_str().unwrap().to_string();
    assert!(results[..10].iter().all(|r| level(r) == "error"));
    assert!(results[10..15].iter().all(|r| level(r) == "warning"));
    assert!(results[15..].iter().all(|r| level(r) == "note"));
    // The lows kept are the first ones, in order.
    assert_eq!(
        results[15]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "arn:aws:s3:::low-00000"
    );

    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2, "the gap and the truncation");
    let truncation = &notes[1];
    assert_eq!(truncation["level"], "warning");
    let text = truncation["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("10 of {total} results were left out of this run")),
        "{text}"
    );
    assert_eq!(truncation["properties"]["omittedResults"], 10);

    // Exactly at the limit: nothing left out, no notification.
    evaluation.findings.truncate(MAX_RESULTS);
    let (_, log) = sarif(&evaluation);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        MAX_RESULTS
    );
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
}

/// `count` accounts, each with one TG020 finding on its own trail.
fn accounts(count: usize) -> Evaluation {
    let mut evaluation = evaluation();
    evaluation.gaps.clear();
    evaluation.findings = (0..count)
        .map(|i| {
            let account = format!("{:012}", 100_000_000_000 + i);
            let mut finding = finding(
                "TG020",
                Severity::Medium,
                &format!("arn:aws:cloudtrail:us-east-1:{account}:trail/main"),
                "Trail main does not validate its log files",
                Some(i + 1),
            );
            finding.account = Some(account.clone());
            evaluation.accounts.push(account);
            finding
        })
        .collect();
    evaluation
}

fn run_ids(log: &Value) -> Vec<String> {
    log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["automationDetails"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sarif_has_one_run_per_account_and_a_clean_account_still_gets_its_run() {
    let mut evaluation = accounts(3);
    // The third account is clean: its run must still be there, or GitHub would never close the
    // alerts it had before.
    evaluation.findings.pop();
    // A finding the snapshot cannot place goes to its own category when there are several
    // accounts.
    let mut custom = finding("ACME1", Severity::Low, "something-else", "custom", None);
    custom.account = None;
    evaluation.findings.push(custom);
    let (_, log) = sarif(&evaluation);
    assert_eq!(
        run_ids(&log),
        [
            "trailguard/100000000000/",
            "trailguard/100000000001/",
            "trailguard/100000000002/",
            "trailguard/unattributed/"
        ]
    );
    let counts: Vec<usize> = log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["results"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [1, 1, 0, 1]);
    assert!(schema_errors(&log).is_empty());
}

#[test]
fn sarif_for_more_than_twenty_accounts_is_spread_over_files() {
    let evaluation = accounts(MAX_RUNS * 2 + 1);
    let error = render(&evaluation, Format::Sarif, &options()).unwrap_err();
    assert!(
        matches!(
            error,
            ReportError::TooManyRuns {
                accounts: 41,
                files: 3
            }
        ),
        "{error}"
    );
    let documents = render_sarif(&evaluation, &options()).unwrap();
    let logs: Vec<Value> = documents
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let sizes: Vec<usize> = logs.iter().map(|l| run_ids(l).len()).collect();
    assert_eq!(sizes, [MAX_RUNS, MAX_RUNS, 1]);
    let mut ids: Vec<String> = logs.iter().flat_map(run_ids).collect();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "every category appears once");
    assert!(logs.iter().all(|l| schema_errors(l).is_empty()));
}

#[test]
fn sarif_limits_results_per_run_not_per_file() {
    // Two accounts: one over the limit, one small. Only the big one is truncated.
    let mut evaluation = accounts(2);
    let big = evaluation.accounts[0].clone();
    for i in 0..MAX_RESULTS {
        let mut f = finding(
            "TG011",
            Severity::Low,
            &format!("arn:aws:cloudtrail:us-east-1:{big}:trail/t{i:05}"),
            "untagged",
            None,
        );
        f.account = Some(big.clone());
        evaluation.findings.push(f);
    }
    let (_, log) = sarif(&evaluation);
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs[0]["results"].as_array().unwrap().len(), MAX_RESULTS);
    assert_eq!(runs[1]["results"].as_array().unwrap().len(), 1);
    let notes = runs[0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes[0]["properties"]["omittedResults"], 1);
    assert_eq!(
        notes[0]["properties"]["totalResults"],
        json!(MAX_RESULTS + 1)
    );
    // The one left out is a low one: the medium TG020 of that account is kept.
    assert_eq!(runs[0]["results"][0]["ruleId"], "TG020");
    assert!(runs[1]["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
}

fn waived_evaluation() -> Evaluation {
    let waivers = Waivers::from_toml(
        &format!(
            "[[waiver]]\nrule = \"TG020\"\nresource = \"{TRAIL}\"\nreason = \"Replaced next sprint\"\n\
             owner = \"sec@acme.example\"\nexpires = 2030-01-31\n\n\
             [[waiver]]\nrule = \"TG030\"\nresource = \"arn:aws:s3:::*\"\nreason = \"old\"\n\
             owner = \"sec@acme.example\"\nexpires = 2020-01-31\n"
        ),
        "waivers.toml",
        // The dates are fixed: a limit that accepts 2030 on the fixed day.
        &WaiverLimits {
            max_expiry_days: 3650,
        },
        Date::new(2026, 11, 21).unwrap(),
    )
    .unwrap();
    let mut evaluation = evaluation();
    waivers.apply(&mut evaluation, Date::new(2026, 11, 21).unwrap());
    evaluation
}

#[test]
fn sarif_counts_waived_findings_and_emits_them_as_suppressions_only_when_asked() {
    let evaluation = waived_evaluation();
    assert_eq!(evaluation.waived.len(), 1);
    let (_, log) = sarif(&evaluation);
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["TG030", "TG090", "TG011"], "TG020 is waived");
    assert_eq!(run["properties"]["waivedResults"], 1);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let expired = notes
        .iter()
        .find(|n| n["properties"]["waiverStatus"] == "expired")
        .unwrap();
    assert_eq!(
        expired["message"]["text"],
        "waivers.toml:8: waiver for TG030 on arn:aws:s3:::* expired on 2020-01-31; the 1 \
         finding it covered is reported again."
    );

    let options = Options {
        include_waived: true,
        ..options()
    };
    let log: Value =
        serde_json::from_str(&render(&evaluation, Format::Sarif, &options).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[3]["ruleId"], "TG020");
    assert_eq!(
        results[3]["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "Replaced next sprint",
            "properties": {"expires": "2030-01-31", "owner": "sec@acme.example", "waiver": "waivers.toml:1"}
        }])
    );
    assert!(schema_errors(&log).is_empty());
}

#[test]
fn text_markdown_and_json_list_waived_findings_with_their_reason() {
    let evaluation = waived_evaluation();
    let text = render(&evaluation, Format::Text, &options()).unwrap();
    assert!(text.contains("WAIVED (1)\n  TG020  Trail main does not validate its log files\n"));
    assert!(text.contains(
        "waived until 2030-01-31 by sec@acme.example: Replaced next sprint  (waivers.toml:1)"
    ));
    assert!(text.contains("Waivers to review (1)\n  waivers.toml:8: waiver for TG030"));
    assert!(
        text.ends_with("; 1 waived; 1 collection gap; 1 waiver to review\n"),
        "{text}"
    );

    let markdown = render(&evaluation, Format::Markdown, &options()).unwrap();
    assert!(markdown.contains("| Waived | 1 |"));
    assert!(markdown.contains(
        "| Medium | TG020 | `arn:aws:cloudtrail:us-east-1:111122223333:trail/main` | Trail main \
         does not validate its log files | Replaced next sprint | sec@acme.example | 2030-01-31 |"
    ), "{markdown}");
    assert!(markdown.contains("### Waivers to review\n\n- waivers.toml:8: waiver for TG030 on arn:aws:s3:::\\* expired"), "{markdown}");

    let json: Value =
        serde_json::from_str(&render(&evaluation, Format::Json, &options()).unwrap()).unwrap();
    assert_eq!(json["summary"]["waived"], 1);
    assert_eq!(json["summary"]["total"], 3);
    assert_eq!(json["waived"][0]["rule_id"], "TG020");
    assert_eq!(
        json["waived"][0]["waiver"]["reason"],
        "Replaced next sprint"
    );
    assert_eq!(json["waivers"][0]["status"], "expired");
    assert_eq!(json["waivers"][0]["matched"], 1);
}

#[test]
fn json_document() {
    let out = render(&evaluation(), Format::Json, &options()).unwrap();
    assert!(out.ends_with("}\n"));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["tool"],
        json!({"name": "trailguard", "version": "1.2.3"})
    );
    assert_eq!(
        doc["summary"],
        json!({"total": 4, "critical": 1, "high": 0, "medium": 2, "low": 1, "waived": 0, "rules": 4, "gaps": 1})
    );
    assert_eq!(doc["rules"].as_array().unwrap().len(), 4);
    assert_eq!(doc["rules"][1]["id"], "TG020");
    assert_eq!(doc["findings"].as_array().unwrap().len(), 4);
    assert_eq!(doc["findings"][0]["rule_id"], "TG030");
    assert_eq!(
        doc["gaps"][0],
        json!({"account_id": "111122223333", "service": "s3", "operation": "GetBucketPolicy",
               "region": "us-east-1", "resource": "acme-trail-logs", "error_code": "AccessDenied",
               "message": "User is not authorized"})
    );
    assert_eq!(doc["snapshots"], json!([SNAPSHOT]));
    // Key order is the documented one (top-level keys are indented by two spaces).
    let positions: Vec<usize> = [
        "tool",
        "summary",
        "snapshots",
        "rules",
        "findings",
        "waived",
        "waivers",
        "gaps",
    ]
    .iter()
    .map(|k| out.find(&format!("\n  \"{k}\": ")).unwrap())
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
}

/// The keys of `value` that are not snake_case, as paths; a finding's `properties` are the rule's
/// own keys and are left as the rule wrote them.
fn keys_not_in_snake_case(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let at = format!("{path}.{key}");
                if !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    out.push(at.clone());
                }
                if key != "properties" {
                    keys_not_in_snake_case(child, &at, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                keys_not_in_snake_case(item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn json_keys_are_snake_case_in_findings_and_gaps_alike() {
    let mut evaluation = waived_evaluation();
    evaluation.findings[0].account = Some("111122223333".to_string());
    evaluation.findings[0].properties =
        BTreeMap::from([("RuleOwnKey".to_string(), json!({"Nested": 1}))]);
    let doc: Value =
        serde_json::from_str(&render(&evaluation, Format::Json, &options()).unwrap()).unwrap();
    assert!(!doc["gaps"].as_array().unwrap().is_empty());
    assert!(!doc["waived"].as_array().unwrap().is_empty());
    let mut odd = Vec::new();
    keys_not_in_snake_case(&doc, "", &mut odd);
    assert!(odd.is_empty(), "keys not in snake_case: {odd:?}");
    // A rule's own keys are its to name.
    assert_eq!(doc["findings"][0]["properties"]["RuleOwnKey"]["Nested"], 1);
}

#[test]
fn text_without_color_has_no_escapes() {
    let mut evaluation = evaluation();
    // A hostile message must not smuggle an escape sequence to the terminal either.
    evaluation.findings[0].message = "evil \x1b[2J message".to_string();
    let out = render(&evaluation, Format::Text, &options()).unwrap();
    assert!(!out.contains('\x1b'), "{out:?}");
    let expected = "\
CRITICAL (1)
  TG030  evil \\u{1b}[2J message
         arn:aws:s3:::acme-trail-logs  (inputs/demo/snapshot.json:120)
         fix: Fix TG030.
         docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg030

MEDIUM (2)
  TG020  Trail main does not validate its log files
         arn:aws:cloudtrail:us-east-1:111122223333:trail/main  (inputs/demo/snapshot.json:14)
         fix: Fix TG020.
         docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg020
  TG090  Could not read s3:GetBucketPolicy for acme-trail-logs
         AWS::::Account:111122223333
         fix: Fix TG090.
         docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg090

LOW (1)
  TG011  Trail main | has no tags at all
         arn:aws:cloudtrail:us-east-1:111122223333:trail/main  (inputs/demo/snapshot.json:12)
         fix: Fix TG011.
         docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg011

Collection gaps (1)
  s3:GetBucketPolicy  acme-trail-logs  us-east-1  account 111122223333  AccessDenied: User is not authorized

4 findings (1 critical, 0 high, 2 medium, 1 low) from 4 rules evaluated; 1 collection gap
";
    assert_eq!(out, expected);
}

#[test]
fn text_findings_link_the_rule_docs_that_sarif_links() {
    let mut evaluation = evaluation();
    evaluation.rules[2].remediation = "Remove the public access, then turn on Block Public \
        Access: `aws s3api put-public-access-block --bucket B`. Then check again."
        .to_string();
    // A custom rule links where SARIF's helpUri sends it; a rule without remediation gets no hint.
    evaluation.rules[0].builtin = false;
    evaluation.rules[0].remediation = String::new();
    let out = render(&evaluation, Format::Text, &options()).unwrap();
    let (_, log) = sarif(&evaluation);
    let help_uri = |id: &str| -> String {
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["helpUri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        out.contains(&format!(
            "  TG030  Log bucket acme-trail-logs is public through its bucket policy\n         \
             arn:aws:s3:::acme-trail-logs  (inputs/demo/snapshot.json:120)\n         fix: Remove \
             the public access, then turn on Block Public Access: `aws s3api \
             put-public-access-block --bucket B`.\n         docs: {}\n",
            help_uri("TG030")
        )),
        "{out}"
    );
    assert!(help_uri("TG030").ends_with("/docs/rules.md#tg030"));
    assert!(
        out.contains(&format!(
            "(inputs/demo/snapshot.json:12)\n         docs: {}\n",
            help_uri("TG011")
        )),
        "{out}"
    );
}

#[test]
fn text_grouped_by_account_lists_every_account_and_names_each_severity() {
    let mut evaluation = evaluation();
    evaluation.accounts = vec!["111122223333".to_string(), "444455556666".to_string()];
    for finding in &mut evaluation.findings {
        if finding.rule_id != "TG090" {
            finding.account = Some("111122223333".to_string());
        }
    }
    let by_account = Options {
        group_by: GroupBy::Account,
        ..options()
    };
    let out = render(&evaluation, Format::Text, &by_account).unwrap();
    let docs = "docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md";
    let pad = " ".repeat(19);
    let expected = format!(
        "\
ACCOUNT 111122223333 (3)
  TG030  critical  Log bucket acme-trail-logs is public through its bucket policy
{pad}arn:aws:s3:::acme-trail-logs  (inputs/demo/snapshot.json:120)
{pad}fix: Fix TG030.
{pad}{docs}#tg030
  TG020  medium    Trail main does not validate its log files
{pad}arn:aws:cloudtrail:us-east-1:111122223333:trail/main  (inputs/demo/snapshot.json:14)
{pad}fix: Fix TG020.
{pad}{docs}#tg020
  TG011  low       Trail main | has no tags at all
{pad}arn:aws:cloudtrail:us-east-1:111122223333:trail/main  (inputs/demo/snapshot.json:12)
{pad}fix: Fix TG011.
{pad}{docs}#tg011

ACCOUNT 444455556666 (0)
  no findings

UNKNOWN ACCOUNT (1)
  TG090  medium    Could not read s3:GetBucketPolicy for acme-trail-logs
{pad}AWS::::Account:111122223333
{pad}fix: Fix TG090.
{pad}{docs}#tg090

Collection gaps (1)
"
    );
    assert!(out.starts_with(&expected), "{out}");
    assert!(out.ends_with(
        "4 findings (1 critical, 0 high, 2 medium, 1 low) from 4 rules evaluated; 1 collection gap\n"
    ));
    // The default grouping is by severity, and the other formats ignore the option.
    assert!(render(&evaluation, Format::Text, &options())
        .unwrap()
        .starts_with("CRITICAL (1)\n"));
    assert_eq!(
        render(&evaluation, Format::Json, &by_account).unwrap(),
        render(&evaluation, Format::Json, &options()).unwrap()
    );
}

#[test]
fn text_with_color_has_escapes() {
    let options = Options {
        color: true,
        ..options()
    };
    let out = render(&evaluation(), Format::Text, &options).unwrap();
    assert!(out.contains('\x1b'));
    assert!(out.contains("\x1b[1;91mCRITICAL (1)\x1b[0m"));
    assert!(out.contains("\x1b[33mMEDIUM (2)\x1b[0m"));
    assert!(out.contains("\x1b[34mTG011\x1b[0m"));
    assert!(out.contains("\x1b[2m(inputs/demo/snapshot.json:120)\x1b[0m"));
    assert!(out.ends_with("from 4 rules evaluated; 1 collection gap\n"));
}

#[test]
fn summary_line_counts() {
    let mut evaluation = evaluation();
    assert_eq!(
        summary(&evaluation),
        "4 findings (1 critical, 0 high, 2 medium, 1 low) from 4 rules evaluated; 1 collection gap"
    );
    evaluation.gaps.push(evaluation.gaps[0].clone());
    evaluation.findings.truncate(1);
    assert_eq!(
        summary(&evaluation),
        "1 finding (1 critical, 0 high, 0 medium, 0 low) from 4 rules evaluated; 2 collection gaps"
    );
    evaluation.findings.clear();
    evaluation.gaps.clear();
    assert_eq!(summary(&evaluation), "No findings from 4 rules evaluated.");
    let out = render(&evaluation, Format::Text, &options()).unwrap();
    assert_eq!(out, "No findings from 4 rules evaluated.\n");
    evaluation.rules.truncate(1);
    assert_eq!(summary(&evaluation), "No findings from 1 rule evaluated.");
}

#[test]
fn markdown_report() {
    let out = render(&evaluation(), Format::Markdown, &options()).unwrap();
    assert!(out.starts_with("## trailguard\n"));
    assert!(out.contains("| Critical | 1 |\n| High | 0 |\n| Medium | 2 |\n| Low | 1 |\n"));
    assert!(out.contains("| Severity | Rule | Resource | Finding |"));
    assert!(out.contains(
        "| Critical | [TG030](https://github.com/trailguard/trailguard/blob/main/docs/rules.md#tg030) \
         | `arn:aws:s3:::acme-trail-logs` | Log bucket acme-trail-logs is public through its bucket policy |"
    ));
    // The pipe and the line break stay inside the cell.
    assert!(
        out.contains("| Trail main \\| has no tags<br>at all |"),
        "{out}"
    );
    assert!(out.contains("### Collection gaps"));
    assert!(out.contains("| `s3:GetBucketPolicy` | `acme-trail-logs` | us-east-1 | 111122223333 | `AccessDenied`: User is not authorized |"));
    assert!(out.ends_with(
        "\n4 findings (1 critical, 0 high, 2 medium, 1 low) from 4 rules evaluated; 1 collection gap\n"
    ));
    // Every table row has the same number of unescaped pipes as its header.
    for line in out
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("acme"))
    {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 5 || cells == 6, "{line}");
    }
    assert!(!out.contains('\x1b'));
}
