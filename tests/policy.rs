//! End-to-end tests of `trailguard policy list | test | doc` and of the built-in catalogue.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{root, trailguard, trailguard_in, write};
use std::collections::BTreeSet;

/// The rules this release ships (SPEC 5), by id.
const CATALOGUE: &[&str] = &[
    "TG001", "TG002", "TG003", "TG004", "TG005", "TG006", "TG007", "TG008", "TG009", "TG010",
    "TG011", "TG012", "TG013", "TG020", "TG021", "TG022", "TG023", "TG024", "TG025", "TG026",
    "TG030", "TG031", "TG032", "TG033", "TG034", "TG035", "TG036", "TG037", "TG038", "TG039",
    "TG040", "TG041", "TG042", "TG050", "TG051", "TG052", "TG053", "TG060", "TG061", "TG062",
    "TG063", "TG064", "TG065", "TG066", "TG090", "TG100", "TG101", "TG102", "TG103", "TG104",
    "TG105", "TG106", "TG107", "TG108", "TG109", "TG110", "TG111", "TG112", "TG113", "TG114",
    "TG115", "TG120", "TG121", "TG122",
];

#[test]
fn builtin_policy_tests_all_pass() {
    let run = trailguard(&["policy", "test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let last = run.stdout.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(last, format!("{passed} passed, 0 failed"));
    // Every rule has at least an allow and a deny case.
    assert!(passed >= 2 * CATALOGUE.len(), "only {passed} tests");
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("PASS "))
            .count(),
        passed
    );
}

#[test]
fn policy_test_on_the_builtin_directory_runs_each_test_once() {
    // Regression: the files given replaced nothing, so every built-in package was loaded twice
    // and its tests ran twice, four of them failing on doubled rule definitions.
    let builtin = trailguard(&["policy", "test"]);
    let working_copy = trailguard(&["policy", "test", "policies"]);
    assert_eq!(
        working_copy.code, 0,
        "{}{}",
        working_copy.stdout, working_copy.stderr
    );
    assert_eq!(
        working_copy.stdout.lines().last(),
        builtin.stdout.lines().last(),
        "the same tests, each once"
    );
}

#[test]
fn every_builtin_rule_has_allow_and_deny_tests_beside_it() {
    let mut rules = 0;
    for area in std::fs::read_dir(root().join("policies")).unwrap() {
        let area = area.unwrap().path();
        if !area.is_dir() || area.ends_with("lib") {
            continue;
        }
        for file in std::fs::read_dir(&area).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".rego") || name.ends_with("_test.rego") {
                continue;
            }
            rules += 1;
            let test = path.with_file_name(name.replace(".rego", "_test.rego"));
            let text = std::fs::read_to_string(&test)
                .unwrap_or_else(|e| panic!("{} has no tests beside it: {e}", path.display()));
            assert!(
                text.contains("\ntest_allow_"),
                "{}: no test_allow_ case",
                test.display()
            );
            assert!(
                text.contains("\ntest_deny_"),
                "{}: no test_deny_ case",
                test.display()
            );
        }
    }
    assert_eq!(rules, CATALOGUE.len());
}

#[test]
fn policy_list_shows_the_catalogue_with_controls() {
    let run = trailguard(&["policy", "list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, CATALOGUE.iter().copied().collect());
    for rule in &rules {
        for key in ["title", "description", "remediation"] {
            assert!(
                !rule[key].as_str().unwrap().is_empty(),
                "{} has no {key}",
                rule["id"]
            );
        }
    }

    let table = trailguard(&["policy", "list"]);
    // A rule's CONTROLS cell, its wrapped lines joined.
    let at = table
        .stdout
        .lines()
        .next()
        .unwrap()
        .find("CONTROLS")
        .unwrap();
    let controls = |id: &str| -> String {
        let mut lines = table.stdout.lines().skip_while(|l| !l.starts_with(id));
        let first = lines.next().unwrap();
        assert!(first.contains("  "), "{first}");
        std::iter::once(first)
            .chain(lines.take_while(|l| l.starts_with(' ')))
            .map(|l| l.chars().skip(at).collect::<String>().trim().to_string())
            .filter(|cell| !cell.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tg020 = table
        .stdout
        .lines()
        .find(|l| l.starts_with("TG020"))
        .unwrap();
    assert!(tg020.contains("medium"), "{tg020}");
    // CIS ids name the benchmark versions whose numbering they use.
    assert_eq!(
        controls("TG020"),
        "CIS v1.4.0-v5.0.0/3.2, v6.0.0/4.2; SH CloudTrail.4"
    );
    assert_eq!(
        controls("TG101"),
        "CIS v1.4.0-v5.0.0/4.2, v6.0.0/5.2; SH CloudWatch.3"
    );
    assert_eq!(
        controls("TG120"),
        "CIS v1.4.0-v2.0.0/3.5, v3.0.0-v5.0.0/3.3, v6.0.0/4.3; SH Config.1"
    );
}

/// The CIS AWS Foundations Benchmark recommendations of the built-in rules, per version, as
/// researched for issue 18 from the benchmark's numbering in turbot/steampipe-mod-aws-compliance
/// (cis_v140 ... cis_v600), prowler-cloud/prowler (prowler/compliance/aws/cis_*_aws.json) and AWS
/// Security Hub's CIS page (its v1.4.0, v3.0.0 and v5.0.0 requirement mapping). The logging
/// recommendations are renumbered in v3.0.0 (3.3 and 3.4 were dropped) and, with monitoring,
/// moved a section down in v6.0.0.
const CIS: &[(&str, &[&str])] = &[
    ("TG002", &["v1.4.0-v5.0.0/3.1", "v6.0.0/4.1"]),
    ("TG004", &["v1.4.0-v5.0.0/3.1", "v6.0.0/4.1"]),
    ("TG006", &["v1.4.0-v5.0.0/3.1", "v6.0.0/4.1"]),
    (
        "TG007",
        &[
            "v1.4.0-v2.0.0/3.10",
            "v1.4.0-v2.0.0/3.11",
            "v3.0.0-v5.0.0/3.8",
            "v3.0.0-v5.0.0/3.9",
            "v6.0.0/4.8",
            "v6.0.0/4.9",
        ],
    ),
    ("TG020", &["v1.4.0-v5.0.0/3.2", "v6.0.0/4.2"]),
    (
        "TG021",
        &["v1.4.0-v2.0.0/3.7", "v3.0.0-v5.0.0/3.5", "v6.0.0/4.5"],
    ),
    (
        "TG022",
        &["v1.4.0-v2.0.0/3.8", "v3.0.0-v5.0.0/3.6", "v6.0.0/4.6"],
    ),
    ("TG030", &["v1.4.0-v2.0.0/3.3"]),
    (
        "TG032",
        &["v1.4.0-v2.0.0/3.6", "v3.0.0-v5.0.0/3.4", "v6.0.0/4.4"],
    ),
    ("TG050", &["v1.4.0-v2.0.0/3.4"]),
    (
        "TG120",
        &["v1.4.0-v2.0.0/3.5", "v3.0.0-v5.0.0/3.3", "v6.0.0/4.3"],
    ),
    (
        "TG121",
        &["v1.4.0-v2.0.0/3.5", "v3.0.0-v5.0.0/3.3", "v6.0.0/4.3"],
    ),
    (
        "TG122",
        &["v1.4.0-v2.0.0/3.5", "v3.0.0-v5.0.0/3.3", "v6.0.0/4.3"],
    ),
];

#[test]
fn builtin_cis_ids_follow_each_benchmark_versions_numbering() {
    let run = trailguard(&["policy", "list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let mut expected: Vec<(String, Vec<String>)> = CIS
        .iter()
        .map(|(id, ids)| (id.to_string(), ids.iter().map(|s| s.to_string()).collect()))
        .collect();
    // TG100-TG114: the monitoring section, 4.1-4.15 from v1.4.0 to v5.0.0 and 5.1-5.15 in v6.0.0.
    for n in 1..=15 {
        expected.push((
            format!("TG{}", 99 + n),
            vec![format!("v1.4.0-v5.0.0/4.{n}"), format!("v6.0.0/5.{n}")],
        ));
    }
    expected.sort();
    let actual: Vec<(String, Vec<String>)> = rules
        .iter()
        .filter_map(|rule| {
            let ids = rule["controls"]["cis"].as_array()?;
            let ids = ids
                .iter()
                .map(|i| i.as_str().unwrap().to_string())
                .collect();
            Some((rule["id"].as_str().unwrap().to_string(), ids))
        })
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn policy_list_wraps_long_titles_to_100_columns_keeping_the_columns_aligned() {
    let json = trailguard(&["policy", "list", "--format", "json"]);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    // Piped, so not a terminal: 100 columns, as clap wraps --help.
    let table = trailguard(&["policy", "list"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let lines: Vec<Vec<char>> = table.stdout.lines().map(|l| l.chars().collect()).collect();
    let header: String = lines[0].iter().collect();
    let column = |name: &str| header.find(name).unwrap();
    let (severity, title, controls) = (column("SEVERITY"), column("TITLE"), column("CONTROLS"));
    let (rows, total) = lines.split_at(lines.len() - 1);
    assert_eq!(
        total[0].iter().collect::<String>(),
        format!("{} rules", rules.len())
    );
    let cell = |line: &[char], from: usize, to: usize| -> String {
        line.get(from..to.min(line.len()))
            .unwrap_or_default()
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
    };
    let mut titles: Vec<(String, String, Vec<String>)> = Vec::new();
    for line in &rows[1..] {
        let text: String = line.iter().collect();
        assert!(line.len() <= 100, "{} columns: {text}", line.len());
        // The gaps between the columns are blank on every line, continuations included.
        for at in [severity, title, controls] {
            if line.len() > at {
                assert_eq!(line[at - 2..at], [' ', ' '], "misaligned: {text}");
            }
        }
        let id = cell(line, 0, severity);
        if id.is_empty() {
            let (_, _, parts) = titles.last_mut().expect("a continuation follows a rule");
            parts.push(cell(line, title, controls));
            assert_eq!(cell(line, severity, title), "", "{text}");
        } else {
            titles.push((
                id,
                cell(line, severity, title),
                vec![cell(line, title, controls)],
            ));
        }
    }
    assert_eq!(titles.len(), rules.len());
    let mut wrapped = 0;
    for ((id, shown_severity, parts), rule) in titles.iter().zip(&rules) {
        assert_eq!(id, rule["id"].as_str().unwrap());
        assert_eq!(shown_severity, rule["severity"].as_str().unwrap());
        let parts: Vec<&String> = parts.iter().filter(|p| !p.is_empty()).collect();
        if parts.len() > 1 {
            wrapped += 1;
        }
        let joined = parts
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, rule["title"].as_str().unwrap(), "{id}");
    }
    assert!(
        wrapped > 0,
        "no title was long enough to wrap:\n{}",
        table.stdout
    );
}

#[test]
fn docs_rules_md_is_what_policy_doc_writes() {
    let run = trailguard(&["policy", "doc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(
        committed == run.stdout,
        "docs/rules.md is stale: run `cargo run -p trailguard -- policy doc -o docs/rules.md`"
    );
}

#[test]
fn custom_tests_report_each_failure_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "acme/naming_test.rego",
        "package acme.naming_test\n\nimport data.trailguard.lib\nimport rego.v1\n\ntest_ok if lib.account_resource(\"1\") == \"AWS::::Account:1\"\n\ntest_wrong if 1 == 2\n",
    );
    let run = trailguard_in(dir.path(), &["policy", "test", "acme"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0].starts_with("PASS  data.acme.naming_test.test_ok"));
    assert_eq!(
        lines[1],
        "FAIL  data.acme.naming_test.test_wrong  acme/naming_test.rego:8"
    );
    assert_eq!(lines[2], "1 passed, 1 failed");
}

#[test]
fn a_failing_test_shows_what_it_printed_and_a_passing_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "acme/print_test.rego",
        "package acme.print_test\n\nimport rego.v1\n\ntest_ok if {\n\tprint(\"quiet\")\n}\n\ntest_wrong if {\n\tx := {\"days\": 30}\n\tprint(\"x is\", x, \"\\u001b[31m\\nPASS  data.acme.fake\")\n\tx.days > 90\n}\n",
    );
    let run = trailguard_in(dir.path(), &["policy", "test", "acme"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("PASS  data.acme.print_test.test_ok"));
    assert_eq!(
        lines[1..],
        [
            "FAIL  data.acme.print_test.test_wrong  acme/print_test.rego:9",
            "      print: acme/print_test.rego:11: x is {\"days\": 30} \\u{1b}[31m",
            "      print: PASS  data.acme.fake",
            "1 passed, 1 failed",
        ]
    );
}

#[test]
fn policy_test_with_no_tests_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p/x.rego",
        "package x\n\nimport rego.v1\n\ny := 1\n",
    );
    let run = trailguard_in(dir.path(), &["policy", "test", "p"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no tests found in p"), "{}", run.stderr);
}
