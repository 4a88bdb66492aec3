//! End-to-end tests of `trailguard eval`: the real binary over the shipped snapshots, and every
//! bad input of SPEC 7 that applies to evaluation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{
    assert_golden, finding_pairs, findings, python, root, sarif_log, trailguard, trailguard_env,
    trailguard_in, write,
};
use serde_json::Value;
use std::collections::BTreeSet;

const EMPTY_SNAPSHOT: &str =
    "{\n  \"schema_version\": 1,\n  \"collected_at\": \"2026-11-20T00:00:00Z\"\n}\n";

fn rule(id: &str, body: &str) -> String {
    format!(
        "# METADATA\n# title: Custom rule {id}\n# custom:\n#   id: {id}\n#   severity: high\npackage acme.{}\n\nimport data.trailguard.lib\nimport rego.v1\n\n{body}\n",
        id.to_lowercase()
    )
}

// ---- the shipped snapshots ----

/// The "Expected findings — `FILE`" table of inputs/README.md: the intent the snapshots were
/// written to, from the rule semantics.
fn expected_from_readme(file: &str) -> BTreeSet<(String, String)> {
    let readme = std::fs::read_to_string(root().join("inputs/README.md")).unwrap();
    let heading = format!("### Expected findings — `{file}`");
    let start = readme
        .find(&heading)
        .unwrap_or_else(|| panic!("no table for {file}"));
    readme[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| l.starts_with("| TG"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[2].trim_matches('`').to_string())
        })
        .collect()
}

#[test]
fn demo_and_broken_give_exactly_the_findings_inputs_readme_lists() {
    for (file, count) in [("demo.json", 55), ("broken.json", 49)] {
        let expected = expected_from_readme(file);
        assert_eq!(expected.len(), count, "{file}: table rows");
        let run = trailguard(&["eval", &format!("inputs/{file}"), "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let actual = findings(&run.stdout);
        let missing: Vec<_> = expected.difference(&actual).collect();
        let extra: Vec<_> = actual.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{file}: missing {missing:#?}\nunexpected {extra:#?}"
        );
    }
}

#[test]
fn compliant_snapshot_has_no_findings() {
    let run = trailguard(&[
        "eval",
        "inputs/compliant.json",
        "--format",
        "json",
        "--fail-on",
        "low",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(findings(&run.stdout), BTreeSet::new());
}

#[test]
fn demo_sarif_passes_the_schema_and_github_checks() {
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = sarif_log(dir.path(), "demo.sarif", &["eval", "inputs/demo.json"]);
    assert!(report.contains(": 0 errors, 0 warnings"), "{report}");
}

#[test]
fn demo_sarif_matches_the_golden_file_and_is_byte_identical_on_rerun() {
    let first = trailguard(&["eval", "inputs/demo.json", "--format", "sarif"]);
    let second = trailguard(&["eval", "inputs/demo.json", "--format", "sarif"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout == second.stdout,
        "SARIF differs between two runs"
    );
    assert_golden("demo.sarif", &first.stdout);
}

#[test]
fn sarif_points_each_result_at_its_resource_in_the_snapshot() {
    let run = trailguard(&["eval", "inputs/demo.json", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let text = std::fs::read_to_string(root().join("inputs/demo.json")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "inputs/demo.json");
        let line = location["region"]["startLine"].as_u64().unwrap() as usize;
        let resource = result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        // The line opens the resource's object, keyed by: the account id of an account, the
        // name of a bucket or an IAM user, group or role, else the ARN itself.
        let iam_entity = [":user/", ":group/", ":role/"]
            .iter()
            .any(|k| resource.contains(k));
        let key = if let Some(id) = resource.strip_prefix("AWS::::Account:") {
            id
        } else if let Some(name) = resource.strip_prefix("arn:aws:s3:::") {
            name
        } else if iam_entity {
            resource.rsplit('/').next().unwrap()
        } else {
            resource
        };
        let shown = lines[line - 1];
        assert!(
            shown.trim_start().starts_with(&format!("\"{key}\": {{")),
            "{resource} -> line {line}: {shown}"
        );
    }
}

#[test]
fn fail_on_sets_the_exit_status() {
    let json = trailguard(&["eval", "inputs/broken.json", "--format", "json"]);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let summary = &report["summary"];
    assert!(summary["high"].as_u64().unwrap() > 0);
    assert_eq!(
        trailguard(&["eval", "inputs/broken.json"]).code,
        0,
        "default is never"
    );
    assert_eq!(
        trailguard(&["eval", "inputs/broken.json", "--fail-on", "high"]).code,
        1
    );
    assert_eq!(
        trailguard(&["eval", "inputs/broken.json", "--fail-on", "low"]).code,
        1
    );
    assert_eq!(
        trailguard(&["eval", "inputs/compliant.json", "--fail-on", "low"]).code,
        0
    );
    let critical = summary["critical"].as_u64().unwrap();
    assert_eq!(
        trailguard(&["eval", "inputs/broken.json", "--fail-on", "critical"]).code,
        i32::from(critical > 0)
    );
}

#[test]
fn a_mistyped_fail_on_is_never_steered_to_never() {
    for command in [
        &["eval", "inputs/demo.json"][..],
        &["diff", "inputs/demo.json", "inputs/demo.json"][..],
        // Refused while parsing, before any AWS call.
        &["scan"][..],
    ] {
        let run = |value: &str| trailguard(&[command, &["--fail-on", value]].concat());
        let typo = run("hihg");
        assert_eq!(typo.code, 2, "{}", typo.stderr);
        assert!(
            typo.stderr
                .starts_with("error: invalid value 'hihg' for '--fail-on <FAIL_ON>'\n")
                && typo
                    .stderr
                    .contains("[possible values: critical, high, medium, low, never]")
                && typo.stderr.contains("tip: a similar value exists: 'high'"),
            "{command:?}: {}",
            typo.stderr
        );
        // Clap's own did-you-mean suggested `never` for these: turning the gate off.
        for value in ["nevr", "neve", "n", "ever"] {
            let near_never = run(value);
            assert_eq!(near_never.code, 2, "{}", near_never.stderr);
            assert!(
                !near_never.stderr.contains("tip:") && !near_never.stderr.contains("'never'"),
                "{command:?} --fail-on {value}: {}",
                near_never.stderr
            );
        }
    }
    assert_eq!(
        trailguard(&["eval", "inputs/demo.json", "--fail-on", "never"]).code,
        0
    );
}

#[test]
fn output_into_directories_that_do_not_exist_creates_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir
        .path()
        .join("reports")
        .join("ci")
        .join("trailguard.sarif");
    let run = trailguard(&[
        "eval",
        "inputs/demo.json",
        "-f",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stdout = trailguard(&["eval", "inputs/demo.json", "-f", "sarif"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout.stdout);
}

#[test]
fn text_report_is_grouped_by_severity_and_coloured_only_when_asked() {
    let plain = trailguard(&["eval", "inputs/demo.json"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        !plain.stdout.contains('\u{1b}'),
        "piped output must not be coloured"
    );
    let summary = plain.stdout.lines().last().unwrap();
    assert!(summary.contains(" findings ("), "{summary}");
    let always = trailguard(&["eval", "inputs/demo.json", "--color", "always"]);
    assert!(always.stdout.contains('\u{1b}'));
    let no_color = trailguard_env(&root(), &["eval", "inputs/demo.json"], &[("NO_COLOR", "1")]);
    assert!(!no_color.stdout.contains('\u{1b}'));
}

/// The findings of a JSON report as (account, rule, resource).
fn findings_by_account(json: &str) -> BTreeSet<(String, String, String)> {
    let report: Value = serde_json::from_str(json).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["account"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn text_findings_show_the_fix_and_the_rule_docs_and_group_by_account_on_request() {
    let rules: Value =
        serde_json::from_str(&trailguard(&["policy", "list", "--format", "json"]).stdout).unwrap();
    let remediation = |id: &str| -> String {
        let rule = rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        let text = rule["remediation"].as_str().unwrap();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let catalogue = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();

    let run = trailguard(&["eval", "inputs/demo.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let mut shown = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(id) = line
            .strip_prefix("  TG")
            .map(|rest| format!("TG{}", &rest[..3]))
        else {
            continue;
        };
        if lines[..i].iter().rev().any(|l| l.starts_with("WAIVED")) {
            continue;
        }
        shown += 1;
        // Message, location, then the fix and the rule's anchor in the catalogue.
        let fix = lines[i + 2]
            .trim_start()
            .strip_prefix("fix: ")
            .unwrap_or_else(|| panic!("{id}: no fix line after\n{}\n{}", line, lines[i + 1]));
        let start = fix.trim_end_matches(" …").trim_end_matches('.');
        assert!(
            remediation(&id).starts_with(start),
            "{id}: `{fix}` is not the start of its remediation"
        );
        let anchor = id.to_lowercase();
        assert_eq!(
            lines[i + 3].trim_start(),
            format!(
                "docs: https://github.com/trailguard/trailguard/blob/main/docs/rules.md#{anchor}"
            )
        );
        assert!(
            catalogue.contains(&format!("\n## {id}\n"))
                && catalogue.contains(&format!("(#{anchor})")),
            "docs/rules.md has no section {id} for #{anchor}"
        );
    }
    let json = trailguard(&["eval", "inputs/demo.json", "--format", "json"]);
    assert_eq!(
        shown,
        findings_by_account(&json.stdout).len(),
        "every finding of the demo"
    );

    // By account: each finding under the heading of its own account, and every account listed.
    let by_account = trailguard(&["eval", "inputs/demo.json", "--group-by", "account"]);
    assert_eq!(by_account.code, 0, "{}", by_account.stderr);
    let mut heading = String::new();
    let mut listed = BTreeSet::new();
    let lines: Vec<&str> = by_account.stdout.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("ACCOUNT ") {
            heading = rest.split(' ').next().unwrap().to_string();
        } else if line.starts_with("WAIVED") || line.starts_with("Collection gaps") {
            heading.clear();
        } else if let (Some(rest), false) = (line.strip_prefix("  TG"), heading.is_empty()) {
            let mut words = rest.split_whitespace();
            let rule = format!("TG{}", words.next().unwrap());
            let severity = words.next().unwrap();
            assert!(
                ["critical", "high", "medium", "low"].contains(&severity),
                "{line}"
            );
            let resource = lines[i + 1].split_whitespace().next().unwrap().to_string();
            listed.insert((heading.clone(), rule, resource));
        }
    }
    assert_eq!(listed, findings_by_account(&json.stdout));
    for account in ["111111111111", "222222222222", "333333333333"] {
        assert!(
            by_account
                .stdout
                .contains(&format!("\nACCOUNT {account} ("))
                || by_account
                    .stdout
                    .starts_with(&format!("ACCOUNT {account} (")),
            "{account} has no heading"
        );
    }
    assert_eq!(
        plain_summary(&by_account.stdout),
        plain_summary(&run.stdout),
        "the same findings, differently grouped"
    );
}

fn plain_summary(text: &str) -> &str {
    text.lines().last().unwrap()
}

#[test]
fn markdown_report_has_a_summary_and_a_findings_table() {
    let run = trailguard(&["eval", "inputs/demo.json", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("| Severity | Rule | Resource | Finding |"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("TG030"));
}

#[test]
fn the_demo_snapshot_validates_against_the_printed_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let schema = trailguard(&["schema"]);
    assert_eq!(schema.code, 0);
    let schema_path = write(dir.path(), "schema.json", &schema.stdout);
    for input in ["demo", "compliant", "broken"] {
        let snapshot = root().join(format!("inputs/{input}.json"));
        let status = std::process::Command::new(python())
            .args([
                "-c",
                "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))",
            ])
            .arg(&snapshot)
            .arg(&schema_path)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "{input}.json does not match `trailguard schema`"
        );
    }
}

#[test]
fn several_snapshots_are_merged_and_located_in_their_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("inputs/demo.json")).unwrap())
            .unwrap();
    // Split the demo: buckets in one file, everything else in the other.
    let mut buckets_only =
        serde_json::json!({"schema_version": 1, "collected_at": demo["collected_at"]});
    buckets_only["buckets"] = demo["buckets"].clone();
    let mut rest = demo.clone();
    rest.as_object_mut().unwrap().remove("buckets");
    write(
        dir.path(),
        "a.json",
        &serde_json::to_string_pretty(&rest).unwrap(),
    );
    write(
        dir.path(),
        "b.json",
        &serde_json::to_string_pretty(&buckets_only).unwrap(),
    );
    let split = trailguard_in(
        dir.path(),
        &["eval", "a.json", "b.json", "--format", "json"],
    );
    let whole = trailguard(&["eval", "inputs/demo.json", "--format", "json"]);
    assert_eq!(split.code, 0, "{}", split.stderr);
    assert_eq!(findings(&split.stdout), findings(&whole.stdout));
    let report: Value = serde_json::from_str(&split.stdout).unwrap();
    let tg030 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "TG030")
        .unwrap();
    assert_eq!(tg030["location"]["uri"], "b.json");
}

#[test]
fn a_finding_points_into_the_copy_of_its_resource_that_the_merge_kept() {
    // Regression: when two snapshots held the same bucket or account in different copies, a
    // finding pointed into the first file by name, even when the merge had kept (and the rules
    // had judged) the later file's copy.
    let dir = tempfile::tempdir().unwrap();
    let newer: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("inputs/demo.json")).unwrap())
            .unwrap();
    let mut older = newer.clone();
    older["collected_at"] = "2020-01-01T00:00:00Z".into();
    older["buckets"]["acme-legacy-trail-logs"]["Region"] = "eu-west-2".into();
    let users = &mut older["accounts"]["111111111111"]["Iam"]["Users"];
    let mut gone = users["jane.doe"].clone();
    gone["UserName"] = "a-user-since-deleted".into();
    gone["Arn"] = "arn:aws:iam::111111111111:user/a-user-since-deleted".into();
    users["a-user-since-deleted"] = gone;
    // a.json sorts first, and holds the older copies.
    for (name, snapshot) in [("a.json", &older), ("b.json", &newer)] {
        write(
            dir.path(),
            name,
            &serde_json::to_string_pretty(snapshot).unwrap(),
        );
    }
    let eval = |files: &[&str]| {
        let mut args = vec!["eval"];
        args.extend_from_slice(files);
        args.extend_from_slice(&["--format", "json"]);
        let run = trailguard_in(dir.path(), &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        report["findings"].as_array().unwrap().clone()
    };
    let located = |findings: &[Value]| -> Vec<(String, String, String, u64)> {
        findings
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["resource"].as_str().unwrap().to_string(),
                    f["location"]["uri"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let alone = |file: &str| -> BTreeSet<(String, String, u64)> {
        located(&eval(&[file]))
            .into_iter()
            .map(|(rule, resource, _, line)| (rule, resource, line))
            .collect()
    };
    let (in_a, in_b) = (alone("a.json"), alone("b.json"));
    let merged = located(&eval(&["b.json", "a.json"]));
    assert_eq!(merged.len(), in_b.len());
    let mut moved = 0;
    for (rule, resource, uri, line) in merged {
        // The units whose copies differ: account 111111111111 (with its IAM) and the bucket.
        let changed = resource == "AWS::::Account:111111111111"
            || resource.starts_with("arn:aws:iam::111111111111:")
            || resource == "arn:aws:s3:::acme-legacy-trail-logs";
        let (expected_uri, lines) = if changed {
            moved += 1;
            ("b.json", &in_b)
        } else {
            ("a.json", &in_a)
        };
        assert_eq!(uri, expected_uri, "{rule} {resource}");
        assert!(
            lines.contains(&(rule.clone(), resource.clone(), line)),
            "{rule} {resource} at {uri}:{line}"
        );
    }
    assert!(
        moved >= 10,
        "only {moved} findings about the changed copies"
    );
}

// ---- custom policies ----

#[test]
fn fail_on_high_fails_a_snapshot_where_every_call_was_denied() {
    // Regression: `eval --fail-on high` exited 0 on an account where every call was denied
    // (TG090 was medium whatever it blinded). tests/fixtures/denied.json is what `collect` writes
    // when nothing but the caller's identity can be read (tests/faults.rs collects it live).
    let gate = trailguard(&["eval", "tests/fixtures/denied.json", "--fail-on", "high"]);
    assert_eq!(gate.code, 1, "{}{}", gate.stdout, gate.stderr);
    assert_eq!(
        trailguard(&[
            "eval",
            "tests/fixtures/denied.json",
            "--fail-on",
            "critical"
        ])
        .code,
        0,
        "nothing a critical rule needs was missed"
    );

    let run = trailguard(&["eval", "tests/fixtures/denied.json", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let graded: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap().to_string();
            (field("rule_id"), field("resource"), field("severity"))
        })
        .collect();
    let tg090 = |resource: &str| {
        (
            "TG090".to_string(),
            resource.to_string(),
            "high".to_string(),
        )
    };
    assert_eq!(
        graded,
        BTreeSet::from([
            tg090("AWS::::Account:444455556666"),
            tg090("arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"),
        ])
    );
    // The fixture predates the monitoring reads: the account's TG090 finding says that too.
    let account = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "AWS::::Account:444455556666")
        .unwrap();
    assert!(
        account["message"]
            .as_str()
            .unwrap()
            .contains("the snapshot holds no monitoring for it"),
        "{account}"
    );

    // SARIF: each result is an error and GitHub's security severity for TG090 is high's.
    let sarif = trailguard(&["eval", "tests/fixtures/denied.json", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        assert_eq!(result["ruleId"], "TG090");
        assert_eq!(result["level"], "error");
        assert_eq!(result["properties"]["security-severity"], "8.0");
    }
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "TG090")
        .unwrap();
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
}

#[test]
fn sarif_grades_a_gap_by_the_rules_it_blinds_in_its_own_run() {
    // demo.json: the unread bucket policy of 222222222222 blinds TG030 (critical). That run's
    // TG090 is critical for GitHub; the other accounts' runs keep TG090's own medium.
    let run = trailguard(&["eval", "inputs/demo.json", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    for run in log["runs"].as_array().unwrap() {
        let account = run["properties"]["account"].as_str().unwrap();
        let rule = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "TG090")
            .unwrap();
        let gap_results: Vec<&Value> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ruleId"] == "TG090")
            .collect();
        if account == "222222222222" {
            assert_eq!(gap_results.len(), 1);
            let result = gap_results[0];
            assert_eq!(result["level"], "error");
            assert_eq!(result["properties"]["security-severity"], "9.5");
            assert_eq!(
                result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
                "arn:aws:s3:::acme-cloudtrail-data-events-222222222222"
            );
            assert_eq!(rule["properties"]["security-severity"], "9.5");
            assert_eq!(rule["properties"]["problem.severity"], "error");
        } else {
            assert!(gap_results.is_empty());
            assert_eq!(rule["properties"]["security-severity"], "5.5", "{account}");
            assert_eq!(rule["defaultConfiguration"]["level"], "warning");
        }
    }
}

#[test]
fn tg090_severity_follows_the_loaded_rules_metadata() {
    // A user's copy of TG030 (same package, --override-builtin) replaces the built-in; declared low, it no longer
    // makes an unread bucket policy critical: TG041 (high) is the worst it blinds.
    let dir = tempfile::tempdir().unwrap();
    let builtin =
        std::fs::read_to_string(root().join("policies/s3/tg030_bucket_public.rego")).unwrap();
    assert!(builtin.contains("#   severity: critical\n"));
    write(
        dir.path(),
        "acme/tg030.rego",
        &builtin.replace("#   severity: critical\n", "#   severity: low\n"),
    );
    let demo = root().join("inputs/demo.json");
    let severity = |extra: &[&str]| -> String {
        let mut args = vec!["eval", demo.to_str().unwrap(), "--format", "json"];
        args.extend_from_slice(extra);
        let run = trailguard_in(dir.path(), &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        let tg090 = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "TG090")
            .unwrap();
        tg090["severity"].as_str().unwrap().to_string()
    };
    assert_eq!(severity(&[]), "critical");
    assert_eq!(
        severity(&["--policy", "acme", "--override-builtin"]),
        "high"
    );
}

#[test]
fn a_deny_member_may_grade_its_own_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    // rule() declares severity high.
    write(
        dir.path(),
        "acme/graded.rego",
        &rule(
            "ACME010",
            "deny contains {\"resource\": \"a\", \"message\": \"worse\", \"severity\": \"critical\"} if true\n\
             deny contains {\"resource\": \"b\", \"message\": \"as declared\"} if true\n\
             deny contains {\"resource\": \"c\", \"message\": \"milder\", \"severity\": \"low\", \"ticket\": 7} if true",
        ),
    );
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", "snap.json", "--policy", "acme", "--no-builtin"];
        args.extend_from_slice(extra);
        trailguard_in(dir.path(), &args)
    };
    let run = eval(&["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let graded: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            // `severity` is the finding's, not one of its extra properties.
            assert!(f["properties"].get("severity").is_none(), "{f}");
            (
                f["resource"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        graded,
        [
            ("a".to_string(), "critical".to_string()),
            ("b".to_string(), "high".to_string()),
            ("c".to_string(), "low".to_string())
        ]
    );
    assert_eq!(eval(&["--fail-on", "critical"]).code, 1);

    let sarif = eval(&["--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let levels: Vec<(&str, &str, Value)> = results
        .iter()
        .map(|r| {
            (
                r["message"]["text"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r["properties"]["security-severity"].clone(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("worse", "error", Value::from("9.5")),
            ("as declared", "error", Value::Null),
            ("milder", "note", Value::from("3.0")),
        ]
    );
    assert_eq!(results[2]["properties"]["ticket"], 7);
    // GitHub reads the security severity from the rule: the run's copy carries the worst.
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["properties"]["security-severity"], "9.5");
}

#[test]
fn a_custom_policy_adds_its_findings_beside_the_builtin_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    write(
        dir.path(),
        "acme/no_trail.rego",
        &rule("ACME001", "deny contains lib.finding(\"AWS::::Account:1\", \"no trail at all\") if count(object.get(input, \"trails\", {})) == 0"),
    );
    let run = trailguard_in(
        dir.path(),
        &["eval", "snap.json", "--policy", "acme", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(findings(&run.stdout).contains(&("ACME001".into(), "AWS::::Account:1".into())));
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        report["rules"].as_array().unwrap().len() > 1,
        "built-ins ran too"
    );

    let alone = trailguard_in(
        dir.path(),
        &[
            "eval",
            "snap.json",
            "--policy",
            "acme",
            "--no-builtin",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_str(&alone.stdout).unwrap();
    assert_eq!(report["rules"].as_array().unwrap().len(), 1);
}

#[test]
fn policies_cannot_reach_the_environment_or_the_network() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    let secret = "AKIAFAKESECRET1234567";
    for (name, call) in [
        ("env", "opa.runtime().env.TG_SECRET"),
        (
            "http",
            "http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:9/\"}).body",
        ),
        ("dns", "net.lookup_ip_addr(\"localhost\")"),
    ] {
        write(
            dir.path(),
            &format!("{name}/leak.rego"),
            &rule("LEAK001", &format!("deny contains {{\"resource\": \"x\", \"message\": sprintf(\"%v\", [{call}])}} if true")),
        );
        let run = trailguard_env(
            dir.path(),
            &[
                "eval",
                "snap.json",
                "--policy",
                name,
                "--no-builtin",
                "--format",
                "sarif",
            ],
            &[("TG_SECRET", secret)],
        );
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
        // None of these builtins is compiled in, so the policy does not load at all.
        let builtin = call.split('(').next().unwrap();
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(&format!("{name}/leak.rego:")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(builtin), "{name}: {}", run.stderr);
    }
}

// ---- rule parameters (trailguard.toml) ----

#[test]
fn trailguard_toml_sets_the_rule_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let compliant = root().join("inputs/compliant.json");
    let compliant = compliant.to_str().unwrap();
    let bucket = "arn:aws:s3:::org-audit-logs-555555555555";
    // The compliant bucket keeps logs 400 days under Object Lock: enough for the default 365.
    let run = trailguard_in(dir.path(), &["eval", compliant, "--format", "json"]);
    assert_eq!(findings(&run.stdout), BTreeSet::new(), "{}", run.stderr);
    // Read from the current directory...
    write(
        dir.path(),
        "trailguard.toml",
        "[params]\nretention_days = 500\n",
    );
    let run = trailguard_in(dir.path(), &["eval", compliant, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = findings(&run.stdout);
    assert!(
        found.contains(&("TG035".to_string(), bucket.to_string())),
        "{found:?}"
    );
    // ...or from --config, which wins.
    let other = write(
        dir.path(),
        "strict/params.toml",
        "[params]\nretention_days = 30\n",
    );
    let run = trailguard_in(
        dir.path(),
        &[
            "eval",
            compliant,
            "--format",
            "json",
            "--config",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(findings(&run.stdout), BTreeSet::new(), "{}", run.stderr);
}

#[test]
fn config_with_an_unknown_key_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "trailguard.toml",
        "[params]\nretention_days = 400\nretension = 1\n",
    );
    let demo = root().join("inputs/demo.json");
    let run = trailguard_in(dir.path(), &["eval", demo.to_str().unwrap()]);
    assert_input_error(
        &run,
        &[
            "trailguard.toml:3:1: unknown field `retension`",
            "hint: trailguard.toml has two tables: [params], with the keys retention_days,",
        ],
    );
    let run = trailguard_in(
        dir.path(),
        &["eval", demo.to_str().unwrap(), "--config", "missing.toml"],
    );
    assert_input_error(&run, &["cannot read the config file missing.toml"]);
}

// ---- bad input (SPEC 7): one clear message, exit 2, no partial output ----

fn assert_input_error(run: &common::Run, needles: &[&str]) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "expected {needle:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn malformed_snapshot_json_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.json",
        "{\n  \"schema_version\": 1,\n  \"trails\": {,\n}\n",
    );
    let out = dir.path().join("report.sarif");
    let run = trailguard_in(
        dir.path(),
        &[
            "eval",
            "bad.json",
            "--format",
            "sarif",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_input_error(&run, &["malformed JSON in snapshot bad.json:3:14"]);
    assert!(!out.exists(), "no partial report is written");
}

#[test]
fn snapshot_of_the_wrong_shape_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.json",
        "{\"schema_version\": 1, \"collected_at\": \"2026-11-20T00:00:00Z\",\n \"trails\": []}\n",
    );
    let run = trailguard_in(dir.path(), &["eval", "bad.json"]);
    assert_input_error(&run, &["not a valid snapshot bad.json:2:", "invalid type"]);
}

#[test]
fn a_malformed_collected_at_is_refused_at_its_line() {
    // Once compared as text; now parsed as RFC 3339 when the snapshot loads.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.json",
        "{\"schema_version\": 1,\n \"collected_at\": \"yesterday\",\n \"trails\": {}}\n",
    );
    let run = trailguard_in(dir.path(), &["eval", "bad.json"]);
    assert_input_error(
        &run,
        &[
            "not a valid snapshot bad.json:2:28:",
            "invalid timestamp \"yesterday\"",
            "RFC 3339",
        ],
    );
}

#[test]
fn snapshot_of_another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "old.json",
        "{\"schema_version\": 0, \"collected_at\": \"x\", \"trails\": 5}\n",
    );
    let run = trailguard_in(dir.path(), &["eval", "old.json"]);
    assert_input_error(
        &run,
        &[
            "old.json",
            "schema_version 0 is not supported",
            "reads schema_version 1",
        ],
    );
    write(dir.path(), "none.json", "{\"trails\": {}}\n");
    let run = trailguard_in(dir.path(), &["eval", "none.json"]);
    assert_input_error(&run, &["none.json", "no schema_version"]);
}

#[test]
fn unreadable_snapshot_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = trailguard_in(dir.path(), &["eval", "missing.json"]);
    assert_input_error(&run, &["missing.json", "No such file"]);
    std::fs::create_dir(dir.path().join("adir.json")).unwrap();
    let run = trailguard_in(dir.path(), &["eval", "adir.json"]);
    assert_input_error(&run, &["adir.json"]);
}

#[test]
fn an_error_says_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    // It was `cannot use snapshot missing.json: No such file or directory (os error 2)`, then
    // `caused by: No such file or directory (os error 2)`.
    for command in [
        &["eval", "missing.json"][..],
        &["diff", "missing.json", "missing.json"][..],
    ] {
        let run = trailguard_in(dir.path(), command);
        assert_eq!(
            run.stderr,
            "error: cannot use snapshot missing.json: No such file or directory (os error 2)\n",
            "{command:?}"
        );
    }
    // check-config lists its problems one per line: the same message, once.
    let run = trailguard_in(dir.path(), &["check-config", "missing.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        run.stderr
    );
    // A cause that adds something is still given.
    let demo = root().join("inputs/demo.json");
    let run = trailguard_in(
        dir.path(),
        &["eval", demo.to_str().unwrap(), "--waivers", "w.toml"],
    );
    assert_eq!(
        run.stderr,
        "error: cannot read the waiver file w.toml\n  caused by: No such file or directory (os error 2)\n"
    );
}

#[test]
fn a_report_that_cannot_be_written_is_called_a_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let demo = root().join("inputs/demo.json");
    let demo = demo.to_str().unwrap();
    for (args, what) in [
        (&["eval", demo, "-o", "out"][..], "report"),
        (
            &["eval", demo, "-f", "sarif", "-o", "out"][..],
            "SARIF report",
        ),
        (&["diff", demo, demo, "-o", "out"][..], "report"),
        (&["policy", "doc", "-o", "out"][..], "rule catalogue"),
    ] {
        let run = trailguard_in(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(
            run.stderr,
            format!("error: cannot write the {what} to out\n  caused by: it is a directory\n"),
            "{args:?}"
        );
    }
}

/// `trailguard ARGS` in the repository root with `stdin` as its standard input.
fn trailguard_with_stdin(args: &[&str], stdin: &[u8]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "stdin", "");
    std::fs::write(&input, stdin).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_trailguard"));
    common::without_settings(command.args(args).current_dir(root()))
        .stdin(std::fs::File::open(&input).unwrap());
    common::run(&mut command)
}

#[test]
fn eval_dash_reads_the_snapshot_from_standard_input() {
    let demo = std::fs::read(root().join("inputs/demo.json")).unwrap();
    let from_file = trailguard(&["eval", "inputs/demo.json", "-f", "json"]);
    let piped = trailguard_with_stdin(&["eval", "-", "-f", "json"], &demo);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(findings(&piped.stdout), findings(&from_file.stdout));
    // Findings point at the lines of standard input, which is named as such.
    let report: Value = serde_json::from_str(&piped.stdout).unwrap();
    let file_report: Value = serde_json::from_str(&from_file.stdout).unwrap();
    assert_eq!(report["snapshots"], serde_json::json!(["<stdin>"]));
    assert_eq!(report["findings"][0]["location"]["uri"], "<stdin>");
    assert_eq!(
        report["findings"][0]["location"]["line"],
        file_report["findings"][0]["location"]["line"]
    );
    let text = trailguard_with_stdin(&["eval", "-"], &demo);
    assert!(text.stdout.contains("  (<stdin>:"), "{}", text.stdout);
    // Beside files, in a diff, and at most once.
    let merged =
        trailguard_with_stdin(&["eval", "-", "inputs/compliant.json", "-f", "json"], &demo);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let diff = trailguard_with_stdin(&["diff", "-", "inputs/demo.json"], &demo);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.starts_with("Configuration: no change.\n"),
        "{}",
        diff.stdout
    );
    let twice = trailguard_with_stdin(&["eval", "-", "-"], &demo);
    assert_input_error(&twice, &["`-` (standard input) is given more than once"]);
    // Its errors name it, and the size limit holds for a stream too.
    let bad = trailguard_with_stdin(&["eval", "-"], b"{\"schema_version\": 1,");
    assert_input_error(&bad, &["malformed JSON in snapshot <stdin>:1:"]);
    let big = trailguard_with_stdin(&["eval", "-", "--max-snapshot-size", "100"], &demo);
    assert_input_error(
        &big,
        &["snapshot too large <stdin>: the input goes on past the 100 bytes"],
    );
}

#[test]
fn a_byte_order_mark_or_json_that_is_not_an_object_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let demo = std::fs::read(root().join("inputs/demo.json")).unwrap();
    let bom = [&b"\xEF\xBB\xBF"[..], &demo].concat();
    std::fs::write(dir.path().join("bom.json"), &bom).unwrap();
    let run = trailguard_in(dir.path(), &["eval", "bom.json"]);
    assert_eq!(
        run.stderr,
        "error: malformed JSON in snapshot bom.json:1:1: this file starts with a UTF-8 byte order \
         mark (BOM), which JSON does not allow\n  hint: save it as UTF-8 without a BOM, or remove \
         the mark: `tail -c +4 bom.json > fixed.json`\n"
    );
    assert_eq!(run.code, 2);
    let piped = trailguard_with_stdin(&["eval", "-"], &bom);
    assert_input_error(
        &piped,
        &["<stdin>:1:1: standard input starts with a UTF-8 byte order mark"],
    );

    // An array of snapshots (or of anything) was answered "schema_version {..} is not supported".
    write(
        dir.path(),
        "several.json",
        &format!("[{EMPTY_SNAPSHOT}, {EMPTY_SNAPSHOT}]"),
    );
    write(dir.path(), "empty-array.json", "[]\n");
    for name in ["several.json", "empty-array.json"] {
        let run = trailguard_in(dir.path(), &["eval", name]);
        assert_eq!(
            run.stderr,
            format!(
                "error: not a valid snapshot {name}: the snapshot must be a JSON object; this file \
                 holds an array — a snapshot is the one object `trailguard collect` writes \
                 (`trailguard schema` prints its format); several snapshots are given as several \
                 files: `trailguard eval a.json b.json`\n"
            )
        );
    }
    write(dir.path(), "string.json", "\"snapshot.json\"");
    let run = trailguard_in(dir.path(), &["check-config", "string.json"]);
    assert!(
        run.stderr.contains(
            "not a valid snapshot string.json: the snapshot must be a JSON object; this file \
             holds a string"
        ),
        "{}",
        run.stderr
    );
    let piped = trailguard_with_stdin(&["eval", "-"], b"[]");
    assert_input_error(&piped, &["standard input holds an array"]);
}

#[test]
fn policy_syntax_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    write(
        dir.path(),
        "p/broken.rego",
        &rule("ACME002", "deny contains x if {\n  x := \n}"),
    );
    let run = trailguard_in(dir.path(), &["eval", "snap.json", "--policy", "p"]);
    assert_input_error(&run, &["p/broken.rego:12:5: expecting `}`"]);
}

#[test]
fn rules_with_missing_metadata_are_all_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    write(
        dir.path(),
        "p/a.rego",
        "package acme.a\n\nimport rego.v1\n\ndeny contains 1 if false\n",
    );
    write(
        dir.path(),
        "p/b.rego",
        "# METADATA\n# title: B\n# custom:\n#   id: ACME-B\n#   severity: urgent\npackage acme.b\n\nimport rego.v1\n\ndeny contains 1 if false\n",
    );
    let run = trailguard_in(dir.path(), &["eval", "snap.json", "--policy", "p"]);
    assert_input_error(
        &run,
        &[
            "2 problems in policies",
            "p/a.rego:1:1: this file declares `deny` but has no `# METADATA` block",
            "p/b.rego:5:5: unknown severity `urgent`",
        ],
    );
}

#[test]
fn duplicate_rule_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    let custom = rule(
        "TG020",
        "deny contains {\"resource\": \"x\", \"message\": \"m\"} if false",
    )
    .replace("acme.tg020", "acme.dup");
    write(dir.path(), "p/dup.rego", &custom);
    let run = trailguard_in(dir.path(), &["eval", "snap.json", "--policy", "p"]);
    assert_input_error(
        &run,
        &["p/dup.rego:4:1: rule id TG020 is already used by policies/trail/"],
    );
}

#[test]
fn deny_that_is_not_a_set_of_objects_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "snap.json", EMPTY_SNAPSHOT);
    for (name, body, needle) in [
        (
            "strings",
            "deny contains \"just a string\" if true",
            "but one is a string",
        ),
        (
            "array",
            "deny := [{\"resource\": \"x\", \"message\": \"m\"}]",
            "but it is an array",
        ),
        (
            "nomsg",
            "deny contains {\"resource\": \"x\"} if true",
            "has no `message`",
        ),
        (
            "severity",
            "deny contains {\"resource\": \"x\", \"message\": \"m\", \"severity\": \"urgent\"} if true",
            "`severity` of a `deny` member must be \"critical\", \"high\", \"medium\" or \"low\"",
        ),
        (
            "sevnum",
            "deny contains {\"resource\": \"x\", \"message\": \"m\", \"severity\": 9} if true",
            "but it is 9",
        ),
    ] {
        let id = format!("ACME{}", name.len());
        write(dir.path(), &format!("{name}/r.rego"), &rule(&id, body));
        let run = trailguard_in(
            dir.path(),
            &["eval", "snap.json", "--policy", name, "--no-builtin"],
        );
        assert_input_error(&run, &[&format!("rule {id} ({name}/r.rego)"), needle]);
    }
}

// ---- trailguard diff ----

/// demo.json after a bad week: the organisation trail stopped, the legacy trail deleted, and
/// AWSCloudTrail_FullAccess given to the legacy deployer role.
fn demo_after_a_bad_week(dir: &std::path::Path) -> std::path::PathBuf {
    let mut s: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("inputs/demo.json")).unwrap())
            .unwrap();
    let org = "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail";
    let legacy = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/legacy-app-trail";
    s["trails"][org]["Status"]["IsLogging"] = Value::Bool(false);
    s["trails"].as_object_mut().unwrap().remove(legacy);
    s["accounts"]["111111111111"]["TrailArns"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a != legacy);
    s["accounts"]["111111111111"]["Iam"]["Roles"]["legacy-app-deployer"]["AttachedManagedPolicies"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"PolicyName": "AWSCloudTrail_FullAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}));
    write(
        dir,
        "after.json",
        &serde_json::to_string_pretty(&s).unwrap(),
    )
}

#[test]
fn diff_lists_changes_and_new_fixed_and_unchanged_findings() {
    let dir = tempfile::tempdir().unwrap();
    let after = demo_after_a_bad_week(dir.path());
    let run = trailguard(&[
        "diff",
        "inputs/demo.json",
        after.to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let org = "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail";
    let legacy = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/legacy-app-trail";
    let deployer = "arn:aws:iam::111111111111:role/legacy-app-deployer";
    assert_eq!(
        report["changes"]["trails"],
        serde_json::json!({"added": [], "removed": [legacy], "changed": [{"id": org, "fields": ["Status"],
            "values": [{"path": ["Status", "IsLogging"], "old": true, "new": false}]}]})
    );
    assert_eq!(
        report["changes"]["full_access_holders"],
        serde_json::json!({"added": [deployer], "removed": [], "changed": []})
    );
    assert_eq!(
        report["changes"]["buckets"]["changed"],
        serde_json::json!([])
    );
    let pairs = |key: &str| finding_pairs(&report["findings"][key]);
    let account = |id: &str| format!("AWS::::Account:{id}");
    let mut expected_new: BTreeSet<(String, String)> = [
        ("TG001", account("222222222222")),
        ("TG002", account("111111111111")),
        ("TG002", account("222222222222")),
        ("TG003", org.to_string()),
        ("TG062", account("111111111111")),
    ]
    .into_iter()
    .map(|(r, x)| (r.to_string(), x))
    .collect();
    // The stopped organisation trail delivered every event to the log group whose filters
    // alerted: each control its alarms covered in both accounts is now uncovered (TG101, TG105,
    // TG106 and TG109 were broken before, by the filter, the alarm, the topic and the
    // EventBridge rule).
    for control in [100, 102, 103, 104, 107, 108, 110, 111, 112, 113, 114, 115] {
        for id in ["111111111111", "222222222222"] {
            expected_new.insert((format!("TG{control}"), account(id)));
        }
    }
    assert_eq!(pairs("new"), expected_new);
    // The deleted trail's findings are fixed. The deployer now holds FullAccess, so TG063 no
    // longer applies to it (TG062 counts it instead); its bucket receives no trail's logs any
    // more, so TG065 and TG038 are fixed too.
    let fixed = pairs("fixed");
    for rule in [
        "TG004", "TG005", "TG006", "TG011", "TG020", "TG021", "TG050",
    ] {
        assert!(
            fixed.contains(&(rule.to_string(), legacy.to_string())),
            "{rule}: {fixed:?}"
        );
    }
    for (rule, resource) in [
        ("TG063", deployer),
        ("TG065", deployer),
        ("TG038", "arn:aws:s3:::acme-legacy-trail-logs"),
    ] {
        assert!(
            fixed.contains(&(rule.to_string(), resource.to_string())),
            "{rule}"
        );
    }
    let ops_admin = "arn:aws:iam::111111111111:user/ops-admin";
    assert!(pairs("unchanged").contains(&("TG060".to_string(), ops_admin.to_string())));
    let summary = &report["summary"];
    assert_eq!(summary["new"], 29);
    assert_eq!(
        summary["new"].as_u64().unwrap() + summary["unchanged"].as_u64().unwrap(),
        findings(&trailguard(&["eval", after.to_str().unwrap(), "-f", "json"]).stdout).len() as u64
    );
}

#[test]
fn diff_shows_the_old_and_new_value_of_each_changed_field() {
    let dir = tempfile::tempdir().unwrap();
    let after = demo_after_a_bad_week(dir.path());
    // One more change: a bucket's tags, one replaced and one added.
    let mut s: Value = serde_json::from_str(&std::fs::read_to_string(&after).unwrap()).unwrap();
    let bucket = "acme-cloudtrail-data-events-222222222222";
    s["buckets"][bucket]["Tags"]["Owner"] = "platform".into();
    s["buckets"][bucket]["Tags"]["CostCentre"] = "42".into();
    std::fs::write(&after, serde_json::to_string_pretty(&s).unwrap()).unwrap();
    let after = after.to_str().unwrap();

    let run = trailguard(&["diff", "inputs/demo.json", after]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let org = "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail";
    assert!(
        run.stdout.contains(&format!(
            "  Trails:\n    - arn:aws:cloudtrail:eu-west-1:111111111111:trail/legacy-app-trail\n    \
             ~ {org} (Status)\n        Status.IsLogging: true → false\n"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "    ~ {bucket} (Tags)\n        Tags.CostCentre: (absent) → \"42\"\n        \
             Tags.Owner: \"data-protection\" → \"platform\"\n"
        )),
        "{}",
        run.stdout
    );

    let md = trailguard(&["diff", "inputs/demo.json", after, "-f", "markdown"]);
    assert!(
        md.stdout.contains(&format!(
            "| Trails | changed | `{org}` | `Status.IsLogging`: `true` → `false` |"
        )),
        "{}",
        md.stdout
    );
    let json: Value = serde_json::from_str(
        &trailguard(&["diff", "inputs/demo.json", after, "-f", "json"]).stdout,
    )
    .unwrap();
    let changed = &json["changes"]["buckets"]["changed"][0];
    assert_eq!(changed["id"], bucket);
    assert_eq!(
        changed["values"],
        serde_json::json!([
            {"path": ["Tags", "CostCentre"], "new": "42"},
            {"path": ["Tags", "Owner"], "old": "data-protection", "new": "platform"}
        ])
    );
}

#[test]
fn diff_fails_on_new_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    let after = demo_after_a_bad_week(dir.path());
    let after = after.to_str().unwrap();
    // New high findings fail a --fail-on high run ...
    assert_eq!(
        trailguard(&["diff", "inputs/demo.json", after, "--fail-on", "high"]).code,
        1
    );
    // ... but not a critical one (no new critical finding) ...
    assert_eq!(
        trailguard(&["diff", "inputs/demo.json", after, "--fail-on", "critical"]).code,
        0
    );
    // ... and the findings already there (demo.json has a critical one) never fail a diff.
    let same = trailguard(&[
        "diff",
        "inputs/demo.json",
        "inputs/demo.json",
        "--fail-on",
        "low",
    ]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert_eq!(
        same.stdout,
        "Configuration: no change.\n\nFindings: 0 new, 0 fixed, 55 unchanged.\n"
    );
}

#[test]
fn diff_writes_markdown_for_a_pull_request_comment() {
    let dir = tempfile::tempdir().unwrap();
    let after = demo_after_a_bad_week(dir.path());
    let out = dir.path().join("diff.md");
    let run = trailguard(&[
        "diff",
        "inputs/demo.json",
        after.to_str().unwrap(),
        "-f",
        "markdown",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(out).unwrap();
    assert!(
        md.starts_with("## trailguard: what changed\n\n**Findings:** 29 new, "),
        "{md}"
    );
    assert!(md.contains("### New findings\n\n| severity | rule | resource | message |"));
    assert!(md.contains(
        "| high | TG003 | `arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail` |"
    ));
    assert!(md.contains(
        "| Holders of AWSCloudTrail_FullAccess | added | `arn:aws:iam::111111111111:role/legacy-app-deployer` | |"
    ));
}

#[test]
fn diff_of_a_bad_snapshot_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.json", "{\"schema_version\": 1,");
    let out = dir.path().join("diff.txt");
    let run = trailguard(&[
        "diff",
        "inputs/demo.json",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error:"), "{}", run.stderr);
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);
    assert!(!out.exists());
    let sarif = trailguard(&[
        "diff",
        "inputs/demo.json",
        "inputs/demo.json",
        "-f",
        "sarif",
    ]);
    assert_eq!(sarif.code, 2, "SARIF is not a diff format");
}

/// Every finding's message starts by naming what it is about, the same way for every rule:
/// "Account ID: ...", "Trail NAME (ARN) ...", "Log bucket NAME ...", "KMS key ARN ...", "User
/// NAME in account ID ...", and so on (TG090's gaps say what could not be read).
#[test]
fn every_finding_message_starts_with_what_it_is_about() {
    const STARTS: &[&str] = &[
        "Account ",
        "Trail ",
        "Log bucket ",
        "KMS key ",
        "User ",
        "Role ",
        "CloudWatch Logs log group ",
        "SNS topic ",
        "CloudTrail Lake event data store ",
        "Could not read ",
    ];
    let mut seen = BTreeSet::new();
    for file in ["demo.json", "broken.json", "compliant.json"] {
        let run = trailguard(&["eval", &format!("inputs/{file}"), "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        for f in report["findings"].as_array().unwrap() {
            let message = f["message"].as_str().unwrap();
            let start = STARTS.iter().find(|s| message.starts_with(**s));
            assert!(start.is_some(), "{}: {message}", f["rule_id"]);
            seen.insert(start.copied());
        }
    }
    // The shipped inputs show most kinds of subject.
    assert!(seen.len() >= 7, "{seen:?}");
}
