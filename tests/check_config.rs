//! `trailguard check-config`: the config file, the waiver file and custom policies checked in
//! one go, every problem reported, as a pre-commit hook needs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{in_days, trailguard, trailguard_in, write, DEMO_CONFIG};

const GOOD_RULE: &str = r#"# METADATA
# title: Acme's own check
# custom:
#   id: ACME001
#   severity: low
package acme.own
import rego.v1
deny contains {"resource": "x", "message": "y"} if false
"#;

fn waiver(rule: &str, expires: &str) -> String {
    format!(
        "[[waiver]]\nrule = \"{rule}\"\nresource = \"arn:aws:s3:::*\"\nreason = \"r\"\n\
         owner = \"o\"\nexpires = {expires}\n\n"
    )
}

#[test]
fn a_valid_set_up_passes_and_says_what_it_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "trailguard.toml",
        "[params]\nretention_days = 400\n",
    );
    write(
        dir.path(),
        "trailguard-waivers.toml",
        &[
            waiver("TG030", &in_days(30)),
            waiver("ACME001", "2001-01-01"),
        ]
        .concat(),
    );
    write(dir.path(), "policies/own.rego", GOOD_RULE);
    let run = trailguard_in(dir.path(), &["check-config", "--policy", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "trailguard.toml: ok\npolicies: 65 rules compiled (1 custom policy files)\n\
         trailguard-waivers.toml: 2 waivers (1 expired)\n"
    );
    // The expired waiver is a warning, not a failure.
    assert_eq!(
        run.stderr.trim(),
        "warning: trailguard-waivers.toml:8: waiver for ACME001 on arn:aws:s3:::* expired on \
         2001-01-01: its findings are reported again"
    );
}

#[test]
fn without_any_file_the_defaults_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let run = trailguard_in(dir.path(), &["check-config"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "trailguard.toml: none (the defaults apply)\npolicies: 64 rules compiled (0 custom \
         policy files)\ntrailguard-waivers.toml: none\n"
    );
}

#[test]
fn every_problem_of_every_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme.toml", "[params]\nretention = 3\n");
    write(
        dir.path(),
        "waivers.toml",
        &[waiver("TG030", &in_days(30)), waiver("TG999", &in_days(30))].concat(),
    );
    write(dir.path(), "policies/own.rego", GOOD_RULE);
    let check = || {
        let args = [
            "check-config",
            "--config",
            "acme.toml",
            "--waivers",
            "waivers.toml",
            "--policy",
            "policies",
        ];
        trailguard_in(dir.path(), &args)
    };
    write(
        dir.path(),
        "policies/broken.rego",
        "package acme.broken\nimport rego.v1\ndeny contains x if {\n",
    );
    let run = check();
    assert_eq!(run.code, 2, "{}", run.stdout);
    for needle in [
        "error: 2 problems:",
        "acme.toml:2:1: unknown field `retention`",
        "policies/broken.rego:4:1:",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in\n{}",
            run.stderr
        );
    }

    // With the policies fixed, a waiver for a rule that does not exist is an error too.
    std::fs::remove_file(dir.path().join("policies/broken.rego")).unwrap();
    write(dir.path(), "acme.toml", "[params]\nretention_days = 3\n");
    let run = check();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "error: waivers.toml:8: waiver for rule TG999 names no rule of the catalogue"
        ),
        "{}",
        run.stderr
    );

    // A malformed waiver file is located too.
    write(
        dir.path(),
        "waivers.toml",
        "[[waiver]]\nrule = \"TG030\"\nexpiry = 2030-01-01\n",
    );
    let run = trailguard_in(
        dir.path(),
        &[
            "check-config",
            "--config",
            "acme.toml",
            "--waivers",
            "waivers.toml",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("waivers.toml:3:1: unknown field `expiry`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_pre_commit_hook_runs_a_command_that_exists() {
    let text = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("trailguard-check-config"));
    assert_eq!(hook["language"].as_str(), Some("system"));
    assert_eq!(hook["pass_filenames"].as_bool(), Some(false));
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry, ["trailguard", "check-config"]);
    // The hook's file pattern catches what check-config checks, and nothing else of note.
    let pattern = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for (path, expected) in [
        ("trailguard.toml", true),
        ("infra/trailguard-waivers.toml", true),
        ("policies/acme/own.rego", true),
        ("Cargo.toml", false),
        ("README.md", false),
    ] {
        assert_eq!(pattern.is_match(path), expected, "{path}");
    }
    // And the command it runs exists and works where nothing is configured.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(trailguard_in(dir.path(), &entry[1..]).code, 0);
}

#[test]
fn waiver_problems_are_reported_with_every_other_problem() {
    // A waiver of everything and one expiring too far ahead are errors of check-config too,
    // reported with the other files' problems, each located.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trailguard.toml", "[params]\nretention = 3\n");
    let all = "[[waiver]]\nrule = \"*\"\nresource = \"**\"\nreason = \"r\"\nowner = \"o\"\n\
               expires = 2027-01-01\n\n";
    write(
        dir.path(),
        "trailguard-waivers.toml",
        &[all.to_string(), waiver("TG030", "9999-12-31")].concat(),
    );
    let run = trailguard_in(dir.path(), &["check-config"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    for needle in [
        "error: 2 problems:",
        "trailguard.toml:2:1: unknown field `retention`",
        "2 problems in the waiver file:",
        "trailguard-waivers.toml:3:12: waiver for every rule (`rule` \"*\") on every resource",
        "trailguard-waivers.toml:13:11: `expires` 9999-12-31 is more than 365 days after today",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in\n{}",
            run.stderr
        );
    }

    // The limit is the one trailguard.toml sets.
    write(
        dir.path(),
        "trailguard.toml",
        "[waivers]\nmax_expiry_days = 3650\n",
    );
    write(
        dir.path(),
        "trailguard-waivers.toml",
        &waiver("TG030", &in_days(3000)),
    );
    let run = trailguard_in(dir.path(), &["check-config"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    write(
        dir.path(),
        "trailguard.toml",
        "[waivers]\nmax_expiry_days = 0\n",
    );
    let run = trailguard_in(dir.path(), &["check-config"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("trailguard.toml:2:1: max_expiry_days: 0 would refuse every waiver"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_config_says_how_many_findings_each_waiver_hides() {
    let run = trailguard(&[
        "check-config",
        "inputs/demo.json",
        "--config",
        DEMO_CONFIG,
        "--waivers",
        "inputs/waivers.toml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "inputs/trailguard.toml: ok\npolicies: 64 rules compiled (0 custom policy files)\n\
         inputs/waivers.toml: 4 waivers (1 expired)\n\
         inputs/demo.json: 4 of 55 findings hidden by waivers today\n\
         inputs/waivers.toml:6: hides 1 finding (TG003 on \
         arn:aws:cloudtrail:us-east-1:333333333333:trail/sandbox-trail)\n\
         inputs/waivers.toml:14: hides 3 findings (TG007 on AWS::::Account:*)\n\
         inputs/waivers.toml:22: hides no finding (TG061 on \
         arn:aws:iam::111111111111:user/ops-admin): expired on 2025-06-30, 1 finding reported \
         again\n\
         inputs/waivers.toml:30: hides no finding (TG030 on arn:aws:s3:::acme-old-*): stale, \
         remove it or fix its rule or resource\n"
    );
}

#[test]
fn check_config_without_a_snapshot_only_checks_the_files() {
    // The snapshot is optional: without it nothing is evaluated, and nothing is counted.
    let run = trailguard(&[
        "check-config",
        "--config",
        DEMO_CONFIG,
        "--waivers",
        "inputs/waivers.toml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("hides"), "{}", run.stdout);

    // A bad snapshot is one more problem, named.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.json", "{\"schema_version\": 1,\n");
    let run = trailguard_in(dir.path(), &["check-config", "bad.json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);

    // With a broken config the counts would be wrong: they are not shown.
    write(dir.path(), "trailguard.toml", "[params]\nretention = 3\n");
    let demo = common::root().join("inputs/demo.json");
    let run = trailguard_in(dir.path(), &["check-config", demo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(!run.stdout.contains("hidden"), "{}", run.stdout);
}
