//! Waivers end to end: the demo snapshot with `inputs/waivers.toml` (one waiver in force, one
//! with a glob, one expired, one stale), in every format, with `--fail-on`, in `diff`, and
//! malformed waiver files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{
    findings, in_days, sarif_log, sarif_result_key, trailguard, trailguard_in, write, DEMO_CONFIG,
};
use serde_json::Value;
use std::collections::BTreeSet;

const SANDBOX_TRAIL: &str = "arn:aws:cloudtrail:us-east-1:333333333333:trail/sandbox-trail";

fn pair(rule: &str, resource: &str) -> (String, String) {
    (rule.to_string(), resource.to_string())
}

/// What inputs/waivers.toml waives in the demo snapshot.
fn waived_in_demo() -> BTreeSet<(String, String)> {
    BTreeSet::from([
        pair("TG003", SANDBOX_TRAIL),
        pair("TG007", "AWS::::Account:111111111111"),
        pair("TG007", "AWS::::Account:222222222222"),
        pair("TG007", "AWS::::Account:333333333333"),
    ])
}

fn demo_json(extra: &[&str]) -> Value {
    let mut args = vec!["eval", "inputs/demo.json", "--format", "json"];
    args.extend_from_slice(extra);
    let run = trailguard(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn waived_findings_move_apart_with_their_waiver_and_the_rest_stay() {
    let plain = demo_json(&[]);
    let waived = demo_json(&["--config", DEMO_CONFIG, "--waivers", "inputs/waivers.toml"]);

    let all = common::finding_pairs(&plain["findings"]);
    let kept = common::finding_pairs(&waived["findings"]);
    let moved = common::finding_pairs(&waived["waived"]);
    assert_eq!(moved, waived_in_demo());
    assert_eq!(
        kept,
        all.difference(&moved).cloned().collect::<BTreeSet<_>>()
    );
    assert_eq!(waived["summary"]["waived"], 4);
    assert_eq!(waived["summary"]["total"], 51);

    let sandbox = waived["waived"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["rule_id"] == "TG003")
        .unwrap();
    assert_eq!(
        sandbox["waiver"],
        serde_json::json!({
            "rule": "TG003",
            "resource": SANDBOX_TRAIL,
            "reason": "Sandbox account, closed down with the Q1 migration (CLOUD-812)",
            "owner": "platform-team@acme.example",
            "expires": "2099-12-31",
            "source": "inputs/waivers.toml:6"
        })
    );
    // The expired waiver waives nothing: its finding is still reported, and the waiver is
    // listed for review, as is the stale one.
    assert!(kept.contains(&pair("TG061", "arn:aws:iam::111111111111:user/ops-admin")));
    let notices: Vec<(String, u64, String)> = waived["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["status"].as_str().unwrap().to_string(),
                n["matched"].as_u64().unwrap(),
                n["waiver"]["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        notices,
        [
            (
                "expired".to_string(),
                1,
                "inputs/waivers.toml:22".to_string()
            ),
            ("stale".to_string(), 0, "inputs/waivers.toml:30".to_string()),
        ]
    );
}

#[test]
fn text_and_markdown_show_waived_findings_with_their_reason() {
    let text = trailguard(&[
        "eval",
        "inputs/demo.json",
        "--config",
        DEMO_CONFIG,
        "--waivers",
        "inputs/waivers.toml",
    ]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let out = &text.stdout;
    assert!(
        out.contains("\nWAIVED (4)\n  TG003  Trail sandbox-trail"),
        "{out}"
    );
    assert!(out.contains(
        "waived until 2099-12-31 by platform-team@acme.example: Sandbox account, closed down \
         with the Q1 migration (CLOUD-812)  (inputs/waivers.toml:6)"
    ));
    assert!(out.contains(
        "Waivers to review (2)\n  inputs/waivers.toml:22: waiver for TG061 on \
         arn:aws:iam::111111111111:user/ops-admin expired on 2025-06-30; the 1 finding it \
         covered is reported again\n  inputs/waivers.toml:30: waiver for TG030 on \
         arn:aws:s3:::acme-old-* matches no finding (stale: remove it, or fix its rule or \
         resource)\n"
    ));
    assert!(out.ends_with(
        "51 findings (2 critical, 7 high, 22 medium, 20 low) from 64 rules evaluated; 4 waived; 1 \
         collection gap; 2 waivers to review\n"
    ));

    let markdown = trailguard(&[
        "eval",
        "inputs/demo.json",
        "--config",
        DEMO_CONFIG,
        "--waivers",
        "inputs/waivers.toml",
        "--format",
        "markdown",
    ]);
    let md = &markdown.stdout;
    assert!(md.contains("| Waived | 4 |"));
    assert!(md.contains("### Waived findings\n"));
    assert!(md.contains(
        "| S3 data events cost too much until the log archive moves (SEC-77) | \
         cloud-security@acme.example | 2099-12-31 |"
    ));
    assert!(md.contains("### Waivers to review\n\n- inputs/waivers.toml:22: waiver for TG061"));
}

#[test]
fn sarif_leaves_waived_findings_out_and_counts_them_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = |name: &str, extra: &[&str]| -> Value {
        let mut args = vec![
            "eval",
            "inputs/demo.json",
            "--config",
            DEMO_CONFIG,
            "--waivers",
            "inputs/waivers.toml",
        ];
        args.extend_from_slice(extra);
        let (log, report) = sarif_log(dir.path(), name, &args);
        assert!(report.contains(": 0 errors"), "{report}");
        log
    };
    let results = |log: &Value| -> Vec<(String, String, bool)> {
        log["runs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|run| run["results"].as_array().unwrap().clone())
            .map(|r| {
                let (rule, resource) = sarif_result_key(&r);
                (rule, resource, r.get("suppressions").is_some())
            })
            .collect()
    };

    let default = sarif("default.sarif", &[]);
    let listed = results(&default);
    assert_eq!(listed.len(), 51);
    assert!(listed.iter().all(|(rule, resource, suppressed)| !suppressed
        && !waived_in_demo().contains(&pair(rule, resource))));
    let counted: Vec<(String, u64)> = default["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| {
            (
                run["properties"]["account"].as_str().unwrap().to_string(),
                run["properties"]["waivedResults"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counted,
        [
            ("111111111111".to_string(), 1),
            ("222222222222".to_string(), 1),
            ("333333333333".to_string(), 2)
        ]
    );
    let notes: Vec<String> = default["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["properties"]["waiverStatus"].is_string())
        .map(|n| {
            n["properties"]["waiverStatus"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(notes, ["expired", "stale"]);

    let included = sarif("included.sarif", &["--sarif-include-waived"]);
    let listed = results(&included);
    assert_eq!(listed.len(), 55);
    let suppressed: BTreeSet<(String, String)> = listed
        .iter()
        .filter(|(_, _, s)| *s)
        .map(|(rule, resource, _)| pair(rule, resource))
        .collect();
    assert_eq!(suppressed, waived_in_demo());
}

#[test]
fn waived_findings_do_not_fail_the_run_but_expired_waivers_do_not_waive() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("inputs/demo.json");
    let demo = demo.to_str().unwrap();
    // The demo's two critical findings: the public legacy bucket, and the gap on the data-events
    // bucket (TG090, as critical as TG030, which the unread policy blinds; waived by name only).
    let waiver = |expires: &str| {
        format!(
            "[[waiver]]\nrule = \"TG030\"\nresource = \"arn:aws:s3:::acme-legacy-trail-logs\"\n\
             reason = \"Public read is the website's mirror, being moved\"\nowner = \"web\"\n\
             expires = {expires}\n\n[[waiver]]\nrule = \"TG090\"\nresource = \"{DATA_EVENTS_BUCKET}\"\n\
             reason = \"Break-glass only policy, reviewed by hand (SEC-90)\"\nowner = \"platform\"\n\
             expires = {expires}\n"
        )
    };
    assert_eq!(
        trailguard_in(dir.path(), &["eval", demo, "--fail-on", "critical"]).code,
        1
    );
    let with_waivers = |name: &str, expires: &str| {
        let file = write(dir.path(), name, &waiver(expires));
        let args = [
            "eval",
            demo,
            "--fail-on",
            "critical",
            "--waivers",
            file.to_str().unwrap(),
        ];
        trailguard_in(dir.path(), &args)
    };
    let run = with_waivers("valid.toml", &in_days(30));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = with_waivers("expired.toml", "2001-01-01");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("expired on 2001-01-01"));
}

#[test]
fn trailguard_waivers_toml_in_the_working_directory_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("inputs/waivers.toml")).unwrap();
    write(dir.path(), "trailguard-waivers.toml", &text);
    // And trailguard.toml, whose limits the waivers are checked against.
    let config = std::fs::read_to_string(common::root().join(DEMO_CONFIG)).unwrap();
    write(dir.path(), "trailguard.toml", &config);
    let demo = common::root().join("inputs/demo.json");
    let run = trailguard_in(
        dir.path(),
        &["eval", demo.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(common::finding_pairs(&report["waived"]), waived_in_demo());
    assert_eq!(
        report["waivers"][0]["waiver"]["source"],
        "trailguard-waivers.toml:22"
    );
}

#[test]
fn diff_leaves_waived_findings_out() {
    let args = |waivers: bool| {
        let mut args = vec![
            "diff",
            "inputs/compliant.json",
            "inputs/demo.json",
            "--format",
            "json",
        ];
        if waivers {
            args.extend(["--config", DEMO_CONFIG, "--waivers", "inputs/waivers.toml"]);
        }
        let run = trailguard(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        common::finding_pairs(&report["findings"]["new"])
    };
    let plain = args(false);
    let waived = args(true);
    assert!(waived_in_demo().is_subset(&plain));
    assert_eq!(
        waived,
        plain
            .difference(&waived_in_demo())
            .cloned()
            .collect::<BTreeSet<_>>()
    );
}

#[test]
fn a_malformed_waiver_file_names_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("inputs/demo.json");
    let out = dir.path().join("report.sarif");
    let check = |name: &str, text: &str, needles: &[&str]| {
        let file = write(dir.path(), name, text);
        let run = trailguard_in(
            dir.path(),
            &[
                "eval",
                demo.to_str().unwrap(),
                "--waivers",
                file.to_str().unwrap(),
                "--format",
                "sarif",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 2, "{name}: {}", run.stdout);
        for needle in needles {
            assert!(
                run.stderr.contains(needle),
                "{name}: no {needle:?} in\n{}",
                run.stderr
            );
        }
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(!out.exists(), "{name}: a report was written");
    };
    let unknown_key = "[[waiver]]\nrule = \"TG001\"\nresource = \"x\"\nreason = \"r\"\n\
                       owner = \"o\"\nexpires = 2030-01-01\nticket = \"SEC-1\"\n";
    let soon = in_days(30);
    check(
        "unknown.toml",
        unknown_key,
        &[
            "unknown.toml:7:1: unknown field `ticket`",
            "hint: each [[waiver]] has the keys",
        ],
    );
    check(
        "missing.toml",
        "[[waiver]]\nrule = \"TG001\"\nresource = \"x\"\n",
        &["missing.toml:1:1: missing field `reason`"],
    );
    check(
        "syntax.toml",
        "[[waiver]]\nrule = \"TG001\nresource = \"x\"\n",
        &["syntax.toml:2:"],
    );
    // Every problem of a file is reported at once.
    let two = format!(
        "[[waiver]]\nrule = \"TG001\"\nresource = \"x\"\nreason = \"\"\nowner = \"o\"\n\
         expires = {soon}\n\n[[waiver]]\nrule = \"TG002\"\nresource = \"y\"\n\
         reason = \"r\"\nowner = \"o\"\nexpires = \"next year\"\n"
    );
    check(
        "two.toml",
        &two,
        &[
            "2 problems in the waiver file:",
            "two.toml:4:10: `reason` is empty",
            "two.toml:13:11: `expires` is not a date",
        ],
    );
    let missing = dir.path().join("nowhere.toml");
    let run = trailguard(&[
        "eval",
        "inputs/demo.json",
        "--waivers",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the waiver file"),
        "{}",
        run.stderr
    );
    // Sanity: the same demo without a waiver file gives the full set.
    assert_eq!(
        findings(&trailguard(&["eval", "inputs/demo.json", "--format", "json"]).stdout).len(),
        55
    );
}

/// A waiver file with these entries, each `[[waiver]]` six lines long.
fn waiver_file(entries: &[(&str, &str, &str)]) -> String {
    entries
        .iter()
        .map(|(rule, resource, expires)| {
            format!(
                "[[waiver]]\nrule = \"{rule}\"\nresource = \"{resource}\"\nreason = \"r\"\n\
                 owner = \"o\"\nexpires = {expires}\n\n"
            )
        })
        .collect()
}

const DATA_EVENTS_BUCKET: &str = "arn:aws:s3:::acme-cloudtrail-data-events-222222222222";

#[test]
fn waiver_of_every_rule_on_every_resource_is_refused() {
    // Regression: rule = "*", resource = "*" hid every finding, gaps included, without a word.
    let dir = tempfile::tempdir().unwrap();
    let soon = in_days(30);
    let file = write(
        dir.path(),
        "all.toml",
        &waiver_file(&[
            ("*", "*", &soon),
            ("*", "*?*", &soon),
            ("*", "arn:aws:s3:::*", &soon),
        ]),
    );
    let demo = common::root().join("inputs/demo.json");
    let out = dir.path().join("report.json");
    let run = trailguard_in(
        dir.path(),
        &[
            "eval",
            demo.to_str().unwrap(),
            "--waivers",
            file.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    for needle in [
        "2 problems in the waiver file:",
        "all.toml:3:12: waiver for every rule (`rule` \"*\") on every resource (`resource` \"*\") \
         would hide every finding",
        "all.toml:10:12: waiver for every rule (`rule` \"*\") on every resource (`resource` \
         \"*?*\")",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in\n{}",
            run.stderr
        );
    }
    assert!(!out.exists(), "a report was written");
}

#[test]
fn waiver_expiring_beyond_max_expiry_days_is_refused() {
    // Regression: expires = 9999-12-31 waived for ever.
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("inputs/demo.json");
    let demo = demo.to_str().unwrap();
    let eval = |waivers: &str| {
        let file = write(dir.path(), "w.toml", waivers);
        trailguard_in(
            dir.path(),
            &[
                "eval",
                demo,
                "--waivers",
                file.to_str().unwrap(),
                "--format",
                "json",
            ],
        )
    };
    let legacy = "arn:aws:s3:::acme-legacy-trail-logs";
    let run = eval(&waiver_file(&[
        ("TG030", legacy, "9999-12-31"),
        ("TG031", legacy, &in_days(366)),
        ("TG032", legacy, &in_days(365)),
    ]));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("2 problems in the waiver file:"),
        "{}",
        run.stderr
    );
    for needle in [
        "w.toml:6:11: `expires` 9999-12-31 is more than 365 days after today",
        &format!(
            "w.toml:13:11: `expires` {} is more than 365 days after today",
            in_days(366)
        ),
        &format!("the latest allowed is {}", in_days(365)),
        "hint: a waiver is a dated promise to look again",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("w.toml:20:"), "{}", run.stderr);

    // The limit is trailguard.toml's [waivers] max_expiry_days.
    write(
        dir.path(),
        "trailguard.toml",
        "[waivers]\nmax_expiry_days = 30\n",
    );
    let run = eval(&waiver_file(&[("TG030", legacy, &in_days(31))]));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("is more than 30 days after today"),
        "{}",
        run.stderr
    );
    let run = eval(&waiver_file(&[("TG030", legacy, &in_days(30))]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        common::finding_pairs(&report["waived"]),
        BTreeSet::from([pair("TG030", legacy)])
    );
}

#[test]
fn demo_waivers_need_the_demo_config_that_raises_the_limit() {
    // inputs/waivers.toml runs to 2099; with the default limit it is refused, every far date
    // reported at once.
    let run = trailguard(&[
        "eval",
        "inputs/demo.json",
        "--waivers",
        "inputs/waivers.toml",
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("3 problems in the waiver file:"),
        "{}",
        run.stderr
    );
    for line in [11, 19, 35] {
        let needle =
            format!("inputs/waivers.toml:{line}:11: `expires` 2099-12-31 is more than 365");
        assert!(
            run.stderr.contains(&needle),
            "no {needle:?} in\n{}",
            run.stderr
        );
    }
}

#[test]
fn waiver_for_every_rule_never_hides_a_collection_gap() {
    // Regression: a `rule = "*"` waiver hid TG090, so a gap could vanish without a word.
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("inputs/demo.json");
    let demo = demo.to_str().unwrap();
    let eval = |waivers: &str| -> Value {
        let file = write(dir.path(), "w.toml", waivers);
        let run = trailguard_in(
            dir.path(),
            &[
                "eval",
                demo,
                "--waivers",
                file.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    };
    let soon = in_days(30);
    let report = eval(&waiver_file(&[("*", DATA_EVENTS_BUCKET, &soon)]));
    assert!(
        common::finding_pairs(&report["findings"]).contains(&pair("TG090", DATA_EVENTS_BUCKET)),
        "{report}"
    );
    assert_eq!(report["summary"]["waived"], 0);
    // The waiver matched nothing it may waive: it is stale, and says so.
    assert_eq!(report["waivers"][0]["status"], "stale");

    // Naming TG090 waives it.
    let report = eval(&waiver_file(&[("TG090", DATA_EVENTS_BUCKET, &soon)]));
    assert_eq!(
        common::finding_pairs(&report["waived"]),
        BTreeSet::from([pair("TG090", DATA_EVENTS_BUCKET)])
    );
}
