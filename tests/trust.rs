//! An engine you can trust: every way a rule or a policy file used to vanish without a word
//! (issue 15's list) now ends in exit 2 naming the rule, file and line, or in the right verdict.
//! Each test is named after the case it guards.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{trailguard_in, Run};
use std::path::Path;

/// A custom rule: METADATA on lines 1-5, `package acme.r` on line 6, `deny` on line 9, and
/// `body` from line 11 (after `some t in input.trails` on line 10).
fn rule(id: &str, body: &str) -> String {
    format!(
        "# METADATA\n# title: probe\n# custom:\n#   id: {id}\n#   severity: high\n\
         package acme.{}\nimport rego.v1\n\n\
         deny contains {{\"resource\": t.TrailARN, \"message\": sprintf(\"%v\", [x])}} if {{\n\
         \tsome t in input.trails\n{body}\n}}\n",
        id.to_lowercase()
    )
}

fn demo() -> String {
    common::root()
        .join("inputs/demo.json")
        .display()
        .to_string()
}

/// `trailguard eval demo.json --policy p --no-builtin ARGS` in `dir`.
fn eval(dir: &Path, args: &[&str]) -> Run {
    let demo = demo();
    let mut all = vec![
        "eval",
        demo.as_str(),
        "--policy",
        "p",
        "--no-builtin",
        "-f",
        "json",
    ];
    all.extend_from_slice(args);
    trailguard_in(dir, &all)
}

/// `eval` with one custom rule file, `text`, as `p/r.rego`.
fn eval_policy(text: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p/r.rego", text);
    eval(dir.path(), &[])
}

/// The run failed with exit 2, an error naming `id`, `p/r.rego` and `line` (when regorus
/// gives one), and no report.
fn assert_names(run: &Run, id: &str, line: Option<usize>, what: &str) {
    assert_eq!(run.code, 2, "{what}: {run:?}");
    assert!(
        run.stderr.contains(&format!("rule {id} (p/r.rego)"))
            && line.is_none_or(|line| run.stderr.contains(&format!("p/r.rego:{line}:"))),
        "{what}: the error names the rule, its file and line:\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{what}: no report: {}", run.stdout);
}

#[test]
fn a_runtime_error_in_a_custom_rule_is_exit_2_naming_the_rule_file_and_line() {
    // Regression: on the default (RVM) backend these reported no finding and exit 0.
    for (body, line, what) in [
        ("\tx := 1 / 0", Some(11), "division by zero"),
        ("\tx := \"s\" + 1", Some(11), "string plus number"),
        (
            "\tx := to_number(\"x\")",
            Some(11),
            "to_number of a non-number",
        ),
        ("\tx := regex.match(\"[\", \"a\")", Some(11), "a bad regex"),
        (
            "\tx := object.get(\"s\", \"k\", 1)",
            Some(11),
            "object.get on a string",
        ),
        // regorus's time parser reports no location: the rule and its file are named.
        (
            "\tx := time.parse_rfc3339_ns(t.Name)",
            None,
            "a malformed timestamp",
        ),
    ] {
        assert_names(&eval_policy(&rule("ACME001", body)), "ACME001", line, what);
    }
}

#[test]
fn a_conflict_between_rule_values_is_exit_2_naming_the_rule() {
    let mut text = rule("ACME001", "\tx := v");
    text.push_str("\nv := 1 if true\n\nv := 2 if true\n");
    let run = eval_policy(&text);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("rule ACME001 (p/r.rego)") && run.stderr.contains("conflict"),
        "{}",
        run.stderr
    );
}

#[test]
fn rule_heads_written_any_way_report_their_findings() {
    // Regression: a regex decided which rules ran on the RVM, and missed multi-value ref heads
    // written these ways: those rules reported nothing while `policy test` passed.
    for (helper, what) in [
        (
            "  index[k] contains v if {\n\tsome k, v in {\"a\": 1}\n}",
            "indented",
        ),
        (
            "by.bucket[b] contains 1 if {\n\tsome b in [\"a\"]\n}",
            "by.bucket[b]",
        ),
        (
            "index[k]\n\tcontains v if {\n\tsome k, v in {\"a\": 1}\n}",
            "contains on the next line",
        ),
    ] {
        let reads = if what == "by.bucket[b]" {
            "\tx := count(data.acme.acme001.by.bucket[\"a\"])"
        } else {
            "\tx := count(data[\"acme\"].acme001.index[\"a\"])"
        };
        let text = format!("{}\n{helper}\n", rule("ACME001", reads));
        let run = eval_policy(&text);
        assert_eq!(run.code, 0, "{what}: {run:?}");
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            report["summary"]["total"], 4,
            "{what}: one finding per trail"
        );
    }
}

#[test]
fn the_same_policy_directory_given_twice_loads_its_rules_once() {
    // Regression: `--policy p --policy p` loaded 0 rules and check-config said ok.
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p/r.rego", &rule("ACME001", "\tx := 1"));
    for twice in [["p", "p"], ["p", "./p/"]] {
        let run = trailguard_in(
            dir.path(),
            &[
                "policy",
                "list",
                "--no-builtin",
                "--policy",
                twice[0],
                "--policy",
                twice[1],
            ],
        );
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.stdout.matches("ACME001").count(), 1, "{}", run.stdout);
        let run = eval(dir.path(), &["--policy", twice[1]]);
        assert_eq!(run.code, 0, "{run:?}");
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["summary"]["total"], 4);
    }
}

#[test]
fn a_rule_head_with_a_call_in_its_key_is_a_rule() {
    // Regression: such a rule was dropped at load without a word.
    let text = "# METADATA\n# title: probe\n# custom:\n#   id: ACME001\n#   severity: high\n\
                package acme.r\nimport rego.v1\n\n\
                deny contains finding(t) if {\n\tsome t in input.trails\n}\n\n\
                finding(t) := {\"resource\": t.TrailARN, \"message\": \"m\"}\n";
    let run = eval_policy(text);
    assert_eq!(run.code, 0, "{run:?}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["total"], 4);
}

#[test]
fn a_metadata_id_on_a_file_without_deny_is_an_error() {
    // Regression: the file loaded, declared a rule id, and never reported anything.
    let dir = tempfile::tempdir().unwrap();
    let text = "# METADATA\n# title: probe\n# custom:\n#   id: ACME001\n#   severity: high\n\
                package acme.r\nimport rego.v1\n\n\
                violation contains t.TrailARN if {\n\tsome t in input.trails\n}\n";
    common::write(dir.path(), "p/r.rego", text);
    for args in [
        vec!["check-config", "--policy", "p"],
        vec!["policy", "list", "--policy", "p"],
    ] {
        let run = trailguard_in(dir.path(), &args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains(
                "p/r.rego:4:1: METADATA declares rule id ACME001, but this file declares no `deny`"
            ) || run.stdout.contains(
                "p/r.rego:4:1: METADATA declares rule id ACME001, but this file declares no `deny`"
            ),
            "{args:?}: {run:?}"
        );
    }
}

#[test]
fn a_user_test_file_in_a_builtin_package_does_not_remove_the_builtin_rule() {
    // Regression: a `_test.rego` in package trailguard.rules.tg090 removed TG090.
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "p/tg090_test.rego",
        "package trailguard.rules.tg090\nimport rego.v1\n\ntest_mine if true\n",
    );
    let run = trailguard_in(dir.path(), &["policy", "list", "--policy", "p"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("TG090"), "{}", run.stdout);
}

#[test]
fn a_user_package_that_shadows_a_builtin_is_an_error_unless_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let text = rule("ACME001", "\tx := 1")
        .replace("package acme.acme001", "package trailguard.rules.tg090");
    common::write(dir.path(), "p/r.rego", &text);
    let run = trailguard_in(dir.path(), &["check-config", "--policy", "p"]);
    assert_eq!(run.code, 2, "{run:?}");
    let shown = format!("{}{}", run.stdout, run.stderr);
    assert!(
        shown.contains("p/r.rego:6:1: package trailguard.rules.tg090 is a built-in package"),
        "{shown}"
    );
    let run = trailguard_in(
        dir.path(),
        &["policy", "list", "--policy", "p", "--override-builtin"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("ACME001") && !run.stdout.contains("TG090"),
        "{}",
        run.stdout
    );
}

#[test]
fn numbers_range_of_a_trillion_is_an_error_not_an_abort() {
    // Regression: `numbers.range(0, 1e12)` aborted the process (exit 134, nothing named), in
    // eval, check-config, policy list and the pre-commit hook.
    let text = rule("ACME001", "\tx := count(numbers.range(0, 1e12))");
    assert_names(&eval_policy(&text), "ACME001", Some(11), "eval");
    // At load time too, where the load-time check (every rule on an empty snapshot) reaches it.
    let dir = tempfile::tempdir().unwrap();
    let text = "# METADATA\n# title: probe\n# custom:\n#   id: ACME001\n#   severity: high\n\
                package acme.r\nimport rego.v1\n\n\
                deny contains {\"resource\": \"r\", \"message\": \"m\"} if n > 0\n\n\
                n := count(numbers.range(0, 1e12))\n";
    common::write(dir.path(), "p/r.rego", text);
    for args in [
        vec!["check-config", "--policy", "p"],
        vec!["policy", "list", "--policy", "p"],
    ] {
        let run = trailguard_in(dir.path(), &args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        let shown = format!("{}{}", run.stdout, run.stderr);
        assert!(
            shown.contains("ACME001")
                && shown.contains("p/r.rego:11:")
                && shown.contains("numbers.range would build"),
            "{args:?}: {shown}"
        );
    }
}

#[test]
fn sprintf_of_a_four_billion_wide_field_is_an_error_not_gigabytes() {
    // Regression: `sprintf("%04000000000d", ...)` built a 4 GB string before the memory ceiling
    // stopped it (31 s, 7.8 GB resident); a width past 2^32 overflowed regorus's counter.
    let text = rule("ACME001", "\tx := sprintf(\"%04000000000d\", [1])");
    let run = eval_policy(&text);
    assert_names(&run, "ACME001", Some(11), "eval");
    assert!(
        run.stderr.contains("a policy may format at most 10000"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_custom_rule_may_call_trailguard_iam_decide() {
    // trailguard's own builtin is known to the sandbox and the evaluator alike: a custom rule
    // asks AWS's evaluation logic about each trail and reports what it says.
    let text = rule(
        "ACME001",
        "\tanswer := trailguard.iam.decide({\n\
         \t\t\"principal\": {\"arn\": sprintf(\"arn:aws:iam::%s:role/admin\", [t.AccountId]), \"kind\": \"role\"},\n\
         \t\t\"action\": \"cloudtrail:StopLogging\", \"resource\": t.TrailARN,\n\
         \t\t\"identity\": [{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}],\n\
         \t})\n\
         \tx := answer.decision",
    );
    let run = eval_policy(&text);
    assert_eq!(run.code, 0, "{run:?}");
    // One finding per trail of the demo, each with the answer's decision as its message.
    assert_eq!(
        run.stdout.matches("\"message\": \"allow\"").count(),
        4,
        "{}",
        run.stdout
    );
    // A malformed question is an error naming the rule, its file and line.
    let text = rule(
        "ACME001",
        "\tx := trailguard.iam.decide({\"action\": t.TrailARN})",
    );
    let run = eval_policy(&text);
    assert_names(&run, "ACME001", Some(11), "malformed question");
    assert!(
        run.stderr.contains("principal: is required"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_recursive_function_is_refused_at_load_not_a_stack_overflow() {
    // Regression: recursion overflowed the stack and aborted the process.
    let mut text = rule("ACME001", "\tx := f(1)");
    text.push_str("\nf(n) := g(n)\n\ng(n) := f(n)\n");
    let run = eval_policy(&text);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("p/r.rego:14:1: function f calls itself (acme.acme001.f -> acme.acme001.g -> acme.acme001.f)"),
        "{}",
        run.stderr
    );
}

#[test]
fn time_functions_refuse_the_local_time_zone() {
    // Regression: `time.clock([t, "Local"])` read the scanner's TZ.
    let run = eval_policy(&rule("ACME001", "\tx := time.clock([0, \"Local\"])"));
    assert_names(&run, "ACME001", Some(11), "time.clock Local");
    assert!(
        run.stderr.contains("time zone `Local` is not available"),
        "{}",
        run.stderr
    );
}

#[test]
fn print_output_is_escaped_before_it_reaches_the_terminal() {
    // Regression: print() wrote raw control characters (colours, bells, cursor moves).
    let run = eval_policy(&rule(
        "ACME001",
        "\tprint(\"\\u001b[2J\\u0007HELLO\")\n\tx := 1",
    ));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{:?}",
        run.stderr
    );
    assert!(run.stderr.contains("print (ACME001): "), "{}", run.stderr);
    assert!(
        run.stderr.contains("\\u{1b}[2J\\u{7}HELLO"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_profile_lists_every_rule_with_its_time_and_results_slowest_first() {
    let run = trailguard_in(
        &common::root(),
        &["eval", "inputs/demo.json", "-f", "json", "--profile"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("RULE")).unwrap();
    let rows: Vec<Vec<&str>> = lines[header + 1..]
        .iter()
        .take_while(|l| !l.starts_with("total"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    let listed: Vec<String> = rows
        .iter()
        .flat_map(|r| r[0].split('+').map(str::to_string))
        .collect();
    let rules = trailguard_in(&common::root(), &["policy", "list", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&rules.stdout).unwrap();
    assert_eq!(
        listed.len(),
        rules.as_array().unwrap().len(),
        "every rule once: {listed:?}"
    );
    let times: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "slowest first: {times:?}"
    );
    // The result counts add up to the report's findings.
    let results: u64 = rows.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let waived = report["summary"]["waived"].as_u64().unwrap_or(0);
    assert_eq!(
        results,
        report["summary"]["total"].as_u64().unwrap() + waived
    );
}

#[test]
fn check_config_reports_every_problem_of_every_file_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    // A syntax error in one file; a METADATA problem in another; a refused builtin in a third.
    common::write(
        dir.path(),
        "p/a.rego",
        "package acme.a\nimport rego.v1\n\nx := {\n",
    );
    common::write(
        dir.path(),
        "p/b.rego",
        &rule("ACME001", "\tx := 1").replace("# title: probe\n", ""),
    );
    common::write(
        dir.path(),
        "p/c.rego",
        &rule("ACME003", "\tx := time.now_ns()"),
    );
    let run = trailguard_in(dir.path(), &["check-config", "--policy", "p"]);
    assert_eq!(run.code, 2, "{run:?}");
    let shown = format!("{}{}", run.stdout, run.stderr);
    for expected in [
        "3 problems in policies:",
        "p/a.rego:",
        "p/b.rego:1:1: METADATA has no title",
        "p/c.rego:11:7: `time.now_ns` is not available",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
}
