//! Hostile and huge inputs: clear errors or correct results in bounded memory.
//!
//! Deeply nested JSON, a 1 GB snapshot, 100 MB strings, policy documents of 10,000 statements,
//! names full of control, bidi and Markdown characters. Each either gives the clear error of
//! SPEC 7 (file:line:col, the limit, a hint; exit 2; no output file) or the correct report, and
//! the runs that could blow up go through [`capped`], which limits the process's address space so
//! that an allocation blow-up aborts the run and fails the test. The limits are in
//! `trailguard_snapshot::limits` and the README's "Limits" section.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{
    check_sarif, findings, root, run, sarif_result_key, trailguard_env, trailguard_in,
    without_settings, write, Run,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The clean snapshot every test starts from: no findings.
const COMPLIANT: &str = "inputs/compliant.json";
const TRAIL: &str = "arn:aws:cloudtrail:eu-central-1:444444444444:trail/org-audit-trail";
const BUCKET: &str = "org-audit-logs-555555555555";
const KEY: &str = "arn:aws:kms:eu-central-1:555555555555:key/4e6b1f93-2c7a-4d58-a0e3-9b15c8d2f761";

/// Where a placeholder string stands for text spliced in afterwards (a nesting too deep to
/// build as a `serde_json::Value`, or a huge string).
const SPLICE: &str = "@@SPLICE@@";

/// Runs `trailguard ARGS` in `dir` with its address space capped at `kib` KiB (`ulimit -v`): an
/// allocation past the cap fails, Rust aborts, and [`run`] fails the test on the signal.
fn capped(dir: &Path, kib: u64, args: &[&str]) -> Run {
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_trailguard"))
        .args(args)
        .current_dir(dir);
    run(without_settings(&mut command))
}

/// 600 MB: several times what the runs below need, far less than a blow-up takes.
const CAP_KIB: u64 = 600 * 1024;

fn compliant() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(COMPLIANT)).unwrap()).unwrap()
}

/// `snapshot` pretty-printed, with the placeholder string replaced by `splice` (raw JSON text).
fn spliced(snapshot: &Value, splice: &str) -> String {
    let text = serde_json::to_string_pretty(snapshot).unwrap();
    assert_eq!(text.matches(SPLICE).count(), 1);
    text.replace(&format!("\"{SPLICE}\""), splice)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not found"));
    text[..at].matches('\n').count() + 1
}

/// `[[[...]]]`, `depth` levels.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// A role of the trail's account whose inline policy is `statements`.
fn add_role(snapshot: &mut Value, name: &str, statements: Value) {
    snapshot["accounts"]["444444444444"]["Iam"]["Roles"][name] = json!({
        "RoleName": name,
        "Arn": format!("arn:aws:iam::444444444444:role/{name}"),
        "Path": "/",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "AttachedManagedPolicies": [],
        "RolePolicyList": [{"PolicyName": "bulk",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
    });
}

fn stop_logging() -> Value {
    json!({"Sid": "StopTrails", "Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"})
}

/// Expects the clear error of SPEC 7: exit 2, one `error:` paragraph containing each of
/// `expected`, and `out` not written.
fn assert_refused(run: &Run, out: &Path, expected: &[&str]) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    for part in expected {
        assert!(
            run.stderr.contains(part),
            "stderr lacks {part:?}:\n{}",
            run.stderr
        );
    }
    assert!(!out.exists(), "{} was written", out.display());
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

// ---- deeply nested JSON ----

#[test]
fn a_snapshot_nested_100000_levels_deep_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let objects = |n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    let version = format!("{{\"schema_version\": {}}}", objects(100_000));
    for (name, text) in [("arrays.json", nested(100_000)), ("version.json", version)] {
        write(dir.path(), name, &text);
        let run = capped(
            dir.path(),
            CAP_KIB,
            &["eval", name, "-o", out.to_str().unwrap()],
        );
        assert_refused(
            &run,
            &out,
            &[
                &format!("snapshot nested too deeply {name}:1:"),
                "nest more than 127 levels deep",
                "hint: ",
            ],
        );
    }
    // Objects under a key trailguard does not read are skipped without recursion; what is left
    // is not a snapshot.
    write(dir.path(), "objects.json", &objects(100_000));
    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "objects.json", "-o", out.to_str().unwrap()],
    );
    assert_refused(&run, &out, &["objects.json: no schema_version"]);
}

#[test]
fn policy_documents_nested_100000_levels_deep_are_a_clear_error_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.sarif");
    let mut role = compliant();
    add_role(&mut role, "deep", json!([stop_logging()]));
    role["accounts"]["444444444444"]["Iam"]["Roles"]["deep"]["RolePolicyList"][0]
        ["PolicyDocument"]["Condition"] = json!(SPLICE);
    let mut bucket = compliant();
    bucket["buckets"][BUCKET]["Policy"]["Statement"][0]["Condition"] = json!(SPLICE);
    let mut key = compliant();
    key["kms_keys"][KEY]["Policy"]["Statement"][0]["Resource"] = json!(SPLICE);
    for (name, snapshot) in [
        ("role.json", role),
        ("bucket.json", bucket),
        ("key.json", key),
    ] {
        let text = spliced(&snapshot, &nested(100_000));
        let line = line_of(&text, &"[".repeat(100));
        write(dir.path(), name, &text);
        let run = capped(
            dir.path(),
            CAP_KIB,
            &["eval", name, "--format", "sarif", "-o", "out.sarif"],
        );
        assert_refused(
            &run,
            &out,
            &[
                &format!("snapshot nested too deeply {name}:{line}:"),
                "nest more than 127 levels deep",
            ],
        );
    }
}

#[test]
fn deep_nesting_stops_diff_and_a_merge_of_several_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.md");
    let good = root().join(COMPLIANT);
    let good = good.to_str().unwrap();
    let mut deep = compliant();
    deep["buckets"][BUCKET]["Policy"]["Statement"][1]["Condition"] = json!(SPLICE);
    write(dir.path(), "deep.json", &spliced(&deep, &nested(100_000)));
    for args in [
        vec!["eval", good, "deep.json", "-o", "out.md"],
        vec!["eval", "deep.json", good, "-o", "out.md"],
        vec!["diff", good, "deep.json", "-o", "out.md"],
        vec!["diff", "deep.json", good, "-o", "out.md"],
    ] {
        let run = capped(dir.path(), CAP_KIB, &args);
        assert_refused(
            &run,
            &out,
            &["snapshot nested too deeply deep.json:", "127 levels"],
        );
    }
}

/// The deepest document the limit lets through reaches the policies whole (the conversion to
/// the policy input has the same limit: were it lower, the input would be lost and the finding
/// with it); one level more is refused; and 100,000 levels in a field trailguard does not model
/// are skipped without recursion.
#[test]
fn nesting_up_to_the_limit_is_evaluated_and_unknown_fields_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut snapshot = compliant();
    add_role(&mut snapshot, "deep", json!([stop_logging()]));
    // The document is at level 9: snapshot, accounts, account, Iam, Roles, role, RolePolicyList,
    // its item, PolicyDocument; 118 arrays more make 127.
    snapshot["accounts"]["444444444444"]["Iam"]["Roles"]["deep"]["RolePolicyList"][0]
        ["PolicyDocument"]["Deep"] = json!(SPLICE);
    let expected = BTreeSet::from([(
        "TG063".to_string(),
        "arn:aws:iam::444444444444:role/deep".to_string(),
    )]);
    write(
        dir.path(),
        "at-limit.json",
        &spliced(&snapshot, &nested(118)),
    );
    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "at-limit.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(findings(&run.stdout), expected);

    write(
        dir.path(),
        "past-limit.json",
        &spliced(&snapshot, &nested(119)),
    );
    let run = capped(dir.path(), CAP_KIB, &["eval", "past-limit.json"]);
    assert_refused(
        &run,
        &dir.path().join("none"),
        &["snapshot nested too deeply past-limit.json:"],
    );

    let mut unknown = compliant();
    add_role(&mut unknown, "deep", json!([stop_logging()]));
    unknown["NotATrailguardField"] = json!(SPLICE);
    write(
        dir.path(),
        "unknown.json",
        &spliced(&unknown, &nested(100_000)),
    );
    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "unknown.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(findings(&run.stdout), expected);
}

// ---- huge files ----

#[test]
fn a_1_gb_snapshot_is_refused_from_its_size_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    // Sparse: no disk used, and reading it would need 1 GiB, more than the cap allows.
    std::fs::File::create(dir.path().join("big.json"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let good = root().join(COMPLIANT);
    let good = good.to_str().unwrap();
    let refusal = [
        "snapshot too large big.json: the file is 1,073,741,824 bytes (1.0 GiB), more than the \
         268,435,456 bytes (256 MiB) a snapshot file may hold",
        "hint: collect a large organisation in shards",
        "`trailguard eval a.json b.json ...` merges them",
    ];
    for args in [
        vec!["eval", "big.json", "-o", "out.json"],
        vec![
            "eval", good, "big.json", "--format", "sarif", "-o", "out.json",
        ],
        vec!["diff", good, "big.json", "-o", "out.json"],
    ] {
        let run = capped(dir.path(), 512 * 1024, &args);
        assert_refused(&run, &out, &refusal);
    }
}

#[test]
fn the_size_limit_is_256_mib_exactly_and_streams_are_read_only_up_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let limit: u64 = 256 * 1024 * 1024;
    for (name, size) in [("over.json", limit + 1), ("at.json", limit)] {
        std::fs::File::create(dir.path().join(name))
            .unwrap()
            .set_len(size)
            .unwrap();
    }
    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "over.json", "-o", "out.json"],
    );
    assert_refused(
        &run,
        &out,
        &["over.json: the file is 268,435,457 bytes (256.0 MiB), more than the 268,435,456"],
    );
    // A file of exactly the limit is read, and then judged as JSON (NUL bytes are not).
    let run = capped(dir.path(), CAP_KIB, &["eval", "at.json", "-o", "out.json"]);
    assert_refused(&run, &out, &["malformed JSON in snapshot at.json:1:1"]);
    // A device reports no size: it is read up to the limit, not forever.
    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "/dev/zero", "-o", "out.json"],
    );
    assert_refused(
        &run,
        &out,
        &["snapshot too large /dev/zero: the input goes on past the 268,435,456 bytes (256 MiB)"],
    );
}

#[test]
fn max_snapshot_size_moves_the_limit_for_eval_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let over = 256 * 1024 * 1024 + 1;
    std::fs::File::create(dir.path().join("over.json"))
        .unwrap()
        .set_len(over)
        .unwrap();
    // Raised: the file is read, and then judged as JSON (NUL bytes are not).
    let run = capped(
        dir.path(),
        CAP_KIB,
        &[
            "eval",
            "over.json",
            "--max-snapshot-size",
            "512MiB",
            "-o",
            "out.json",
        ],
    );
    assert_refused(&run, &out, &["malformed JSON in snapshot over.json:1:1"]);

    // Lowered, from the environment: a snapshot of some KiB is refused by eval and by diff.
    let good = root().join(COMPLIANT);
    let good = good.to_str().unwrap();
    let low = [("TRAILGUARD_MAX_SNAPSHOT_SIZE", "1KiB")];
    for args in [
        vec!["eval", good, "-o", "out.json"],
        vec!["diff", good, good, "-o", "out.json"],
    ] {
        let run = trailguard_env(dir.path(), &args, &low);
        assert_refused(
            &run,
            &out,
            &[
                "compliant.json: the file is ",
                " KiB), more than the 1,024 bytes (1 KiB) a snapshot file may hold",
                "or, with about 12 bytes of memory for each byte of snapshot, raise the limit with \
                 --max-snapshot-size",
            ],
        );
    }
    // The flag overrides the environment.
    let run = trailguard_env(
        dir.path(),
        &[
            "eval",
            good,
            "--max-snapshot-size",
            "1MiB",
            "-o",
            "out.json",
        ],
        &low,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.exists());

    // A size that is not one is a usage error naming the flag.
    let run = trailguard_in(dir.path(), &["eval", good, "--max-snapshot-size", "lots"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("invalid value 'lots' for '--max-snapshot-size <SIZE>'"),
        "{}",
        run.stderr
    );
}

// ---- huge strings ----

#[test]
fn strings_of_100_mb_are_a_clear_error_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let huge = format!("\"{}\"", "x".repeat(100_000_000));
    let mut trail_name = compliant();
    let trail = trail_name["trails"][TRAIL].take();
    trail_name["trails"] = json!({SPLICE: trail});
    let mut tag = compliant();
    tag["trails"][TRAIL]["Tags"] = json!({"note": SPLICE});
    let mut policy = compliant();
    policy["buckets"][BUCKET]["Policy"]["Statement"][0]["Resource"] = json!(SPLICE);
    let mut gap = compliant();
    gap["gaps"] = json!([{"AccountId": "444444444444", "Service": "s3", "Operation": "GetBucketAcl",
        "Region": "eu-central-1", "Resource": BUCKET, "ErrorCode": "AccessDenied", "Message": SPLICE}]);
    for (what, snapshot) in [
        ("trail-name", trail_name),
        ("tag", tag),
        ("policy", policy),
        ("gap", gap),
    ] {
        let text = serde_json::to_string_pretty(&snapshot).unwrap();
        let line = line_of(&text, SPLICE);
        let name = format!("{what}.json");
        std::fs::write(
            dir.path().join(&name),
            text.replace(&format!("\"{SPLICE}\""), &huge),
        )
        .unwrap();
        let run = capped(
            dir.path(),
            CAP_KIB,
            &["eval", &name, "--format", "json", "-o", "out.json"],
        );
        assert_refused(
            &run,
            &out,
            &[
                &format!("string too long in snapshot {name}:{line}:"),
                "a string of 100,000,000 bytes, more than the 1,048,576 bytes (1 MiB) a snapshot \
                 string may hold",
                "hint: ",
            ],
        );
        std::fs::remove_file(dir.path().join(&name)).unwrap();
    }
}

/// A trail ARN just under the string limit: every format is correct and valid, the JSON and SARIF
/// keep the name whole, and the text and Markdown reports show it shortened.
#[test]
fn names_up_to_the_string_limit_give_correct_bounded_reports() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("{TRAIL}-{}", "y".repeat(1024 * 1024 - TRAIL.len() - 1));
    assert_eq!(long.len(), 1024 * 1024);
    let mut snapshot = compliant();
    snapshot["trails"][TRAIL]["LogFileValidationEnabled"] = json!(false);
    let text = serde_json::to_string_pretty(&snapshot)
        .unwrap()
        .replace(TRAIL, &long);
    write(dir.path(), "long.json", &text);
    let trail_line = line_of(&text, &format!("\"{long}\": {{"));

    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "long.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        findings(&run.stdout),
        BTreeSet::from([("TG020".to_string(), long.clone())])
    );

    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "long.json", "--format", "sarif", "-o", "out.sarif"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_sarif(&dir.path().join("out.sarif"));
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap())
            .unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        sarif_result_key(result),
        ("TG020".to_string(), long.clone())
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        json!(trail_line)
    );

    for format in ["text", "markdown"] {
        let run = capped(
            dir.path(),
            CAP_KIB,
            &["eval", "long.json", "--format", format],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.len() < 20_000,
            "{format}: {} bytes",
            run.stdout.len()
        );
        assert!(
            run.stdout.contains("characters left out]…"),
            "{format}: {}",
            &run.stdout[..2_000]
        );
        assert!(run.stdout.contains("TG020"), "{format}");
        assert!(
            run.stdout.contains(&"y".repeat(300)),
            "{format}: the end of the name is shown"
        );
    }
}

// ---- 10,000 statements ----

/// `snapshot` with a 10,000-statement document evaluated: exactly `expected` is found, within
/// the memory cap.
fn assert_exact_findings(snapshot: &Value, expected: (&str, &str)) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "big-policy.json",
        &serde_json::to_string_pretty(snapshot).unwrap(),
    );
    let run = capped(
        dir.path(),
        CAP_KIB,
        &["eval", "big-policy.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        findings(&run.stdout),
        BTreeSet::from([(expected.0.to_string(), expected.1.to_string())])
    );
}

#[test]
fn a_role_policy_of_10000_statements_gives_exactly_its_one_finding() {
    let mut statements: Vec<Value> = (0..9_999)
        .map(|i| {
            json!({"Sid": format!("Read{i}"), "Effect": "Allow", "Action": ["s3:GetObject"],
                        "Resource": format!("arn:aws:s3:::app-{i}/*")})
        })
        .collect();
    statements.insert(5_000, stop_logging());
    let mut snapshot = compliant();
    add_role(&mut snapshot, "bulk-ops", Value::Array(statements));
    assert_exact_findings(
        &snapshot,
        ("TG063", "arn:aws:iam::444444444444:role/bulk-ops"),
    );
}

#[test]
fn a_bucket_policy_of_10000_statements_gives_exactly_its_one_finding() {
    let mut snapshot = compliant();
    let list = snapshot["buckets"][BUCKET]["Policy"]["Statement"]
        .as_array_mut()
        .unwrap();
    let extra = 10_000 - list.len() - 1;
    list.extend((0..extra).map(|i| {
        json!({"Sid": format!("Read{i}"), "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::555555555555:root"},
               "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{BUCKET}/reports/{i}/*")})
    }));
    list.insert(
        5_000,
        json!({"Sid": "WriteWithoutCondition", "Effect": "Allow",
               "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
               "Resource": format!("arn:aws:s3:::{BUCKET}/AWSLogs/444444444444/*")}),
    );
    assert_eq!(list.len(), 10_000);
    assert_exact_findings(&snapshot, ("TG037", &format!("arn:aws:s3:::{BUCKET}")));
}

#[test]
fn a_key_policy_of_10000_statements_gives_exactly_its_one_finding() {
    let mut snapshot = compliant();
    let list = snapshot["kms_keys"][KEY]["Policy"]["Statement"]
        .as_array_mut()
        .unwrap();
    let extra = 10_000 - list.len() - 1;
    list.extend((0..extra).map(|i| {
        json!({"Sid": format!("App{i}"), "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::555555555555:role/app-{i}")},
               "Action": "kms:Decrypt", "Resource": "*",
               "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}}})
    }));
    list.insert(
        5_000,
        json!({"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}),
    );
    assert_eq!(list.len(), 10_000);
    assert_exact_findings(&snapshot, ("TG024", KEY));
}

// ---- odd characters ----

/// Quotes, backslashes, line breaks, NUL, BEL, ANSI colour and hyperlink sequences, bidi
/// override and isolates, emoji, a combining mark, Markdown and HTML.
const ODD: &str = " \"q\" 'q' \\b\\ a\nb\r\nc\td\0e\u{7}f \u{1b}[31mred\u{1b}[0m \
    \u{1b}]8;;http://x.test\u{7}link\u{1b}]8;;\u{7} \u{202e}gpj.exe\u{202c} \u{2066}i\u{2069} \
    \u{1f600} cafe\u{301} |pipe| `tick` <script>alert(1)</script> **b** [l](http://y.test) &amp; \u{9b}2J";

/// Whether `c` must not reach a terminal raw: what the reports escape.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// The compliant snapshot with its trail ARN and bucket name ending in [`ODD`], the trail without
/// log file validation (TG020), the bucket without versioning (TG033), and a gap whose resource
/// and message hold [`ODD`] (TG090).
fn odd_snapshot() -> (String, String, String) {
    let trail = format!("{TRAIL}{ODD}");
    let bucket = format!("{BUCKET}{ODD}");
    let mut snapshot = compliant();
    snapshot["trails"][TRAIL]["LogFileValidationEnabled"] = json!(false);
    snapshot["buckets"][BUCKET]["Versioning"] = json!({"Status": "Suspended"});
    snapshot["trails"][TRAIL]["Tags"] = json!({ODD: ODD});
    snapshot["gaps"] = json!([{"AccountId": "555555555555", "Service": "s3", "Operation": "GetBucketLogging",
        "Region": "eu-central-1", "Resource": BUCKET, "ErrorCode": "AccessDenied", "Message": format!("denied{ODD}")}]);
    let escaped = |s: &str| {
        let quoted = serde_json::to_string(s).unwrap();
        quoted[1..quoted.len() - 1].to_string()
    };
    let text = serde_json::to_string_pretty(&snapshot)
        .unwrap()
        .replace(TRAIL, &escaped(&trail))
        .replace(BUCKET, &escaped(&bucket));
    (text, trail, bucket)
}

/// The number of unescaped `|` in a Markdown line.
fn cell_separators(line: &str) -> usize {
    let mut count = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => count += 1,
            _ => {}
        }
    }
    count
}

#[test]
fn odd_characters_round_trip_in_json_and_sarif_and_point_at_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    let (text, trail, bucket) = odd_snapshot();
    write(dir.path(), "odd.json", &text);
    let run = trailguard_in(dir.path(), &["eval", "odd.json", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = findings(&run.stdout);
    assert!(
        found.contains(&("TG020".to_string(), trail.clone())),
        "{found:#?}"
    );
    assert!(found.contains(&("TG033".to_string(), format!("arn:aws:s3:::{bucket}"))));
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["gaps"][0]["message"], json!(format!("denied{ODD}")));
    assert_eq!(report["gaps"][0]["resource"], json!(bucket));

    let run = trailguard_in(
        dir.path(),
        &["eval", "odd.json", "--format", "sarif", "-o", "odd.sarif"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_sarif(&dir.path().join("odd.sarif"));
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("odd.sarif")).unwrap())
            .unwrap();
    let quoted = |s: &str| format!("{}: {{", serde_json::to_string(s).unwrap());
    let mut checked = 0;
    // One run per account: the trail's and the bucket's.
    let results = log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|run| run["results"].as_array().unwrap());
    for result in results {
        let (rule, resource) = sarif_result_key(result);
        let line = match rule.as_str() {
            "TG020" => line_of(&text, &quoted(&trail)),
            "TG033" => line_of(&text, &quoted(&bucket)),
            _ => continue,
        };
        assert!(resource.ends_with(ODD), "{resource:?}");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            json!(line),
            "{rule}"
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn the_text_report_shows_control_and_bidi_characters_instead_of_obeying_them() {
    let dir = tempfile::tempdir().unwrap();
    let (text, _, _) = odd_snapshot();
    write(dir.path(), "odd.json", &text);
    for color in ["never", "always"] {
        let run = trailguard_in(
            dir.path(),
            &["eval", "odd.json", "--format", "text", "--color", color],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let shown: String = if color == "always" {
            // Only trailguard's own colour sequences: ESC [ digits ; m.
            let mut out = run.stdout.replace("\u{1b}[0m", "").replace("\u{1b}[2m", "");
            for style in [
                "\u{1b}[1;91m",
                "\u{1b}[31m",
                "\u{1b}[33m",
                "\u{1b}[34m",
                "\u{1b}[1m",
            ] {
                out = out.replace(style, "");
            }
            out
        } else {
            run.stdout.clone()
        };
        let raw: Vec<char> = shown.chars().filter(|c| unsafe_char(*c)).collect();
        assert!(raw.is_empty(), "raw {raw:?} in:\n{shown}");
        for escaped in ["\\u{1b}[31mred", "\\u{202e}gpj.exe", "\\u{0}e", "\\u{9b}2J"] {
            assert!(shown.contains(escaped), "{escaped} missing:\n{shown}");
        }
        assert!(shown.contains("\u{1f600} cafe\u{301} |pipe| `tick` <script>"));
        // One finding, two lines: the name's line breaks did not add lines.
        let tg020 = shown.lines().position(|l| l.contains("TG020")).unwrap();
        assert!(shown.lines().nth(tg020 + 1).unwrap().contains("(odd.json:"));
    }
}

#[test]
fn the_markdown_report_keeps_odd_names_inside_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (text, _, _) = odd_snapshot();
    write(dir.path(), "odd.json", &text);
    let run = trailguard_in(dir.path(), &["eval", "odd.json", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    let raw: Vec<char> = md.chars().filter(|c| unsafe_char(*c)).collect();
    assert!(raw.is_empty(), "raw {raw:?} in:\n{md}");
    assert!(!md.contains("<script>"), "{md}");
    assert!(!md.contains("[l]("), "a link got through:\n{md}");
    assert!(md.contains("\\\\u{202e}gpj.exe"), "{md}");
    // Every row of each table has as many cells as its header.
    let mut columns = None;
    let mut rows = 0;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let n = cell_separators(line);
        match columns {
            None => columns = Some(n),
            Some(c) => {
                assert_eq!(n, c, "a cell broke out:\n{line}");
                rows += 1;
            }
        }
    }
    assert!(rows >= 10, "{md}");
    for rule in ["TG020", "TG033", "TG090"] {
        let row = md.lines().find(|l| l.contains(rule) && l.contains("pipe"));
        assert!(
            row.is_some(),
            "{rule} has no row naming the resource:\n{md}"
        );
    }
}

#[test]
fn diff_reports_escape_odd_names() {
    let dir = tempfile::tempdir().unwrap();
    let (text, _, _) = odd_snapshot();
    write(dir.path(), "odd.json", &text);
    let good = root().join(COMPLIANT);
    let good = good.to_str().unwrap();
    let run = trailguard_in(dir.path(), &["diff", good, "odd.json", "--format", "text"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let raw: Vec<char> = run.stdout.chars().filter(|c| unsafe_char(*c)).collect();
    assert!(raw.is_empty(), "raw {raw:?} in:\n{}", run.stdout);
    assert!(run.stdout.contains("\\u{1b}[31mred"), "{}", run.stdout);

    let run = trailguard_in(
        dir.path(),
        &["diff", good, "odd.json", "--format", "markdown"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    let raw: Vec<char> = md.chars().filter(|c| unsafe_char(*c)).collect();
    assert!(raw.is_empty(), "raw {raw:?} in:\n{md}");
    assert!(!md.contains("<script>"), "{md}");
    let mut columns = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let n = cell_separators(line);
        assert_eq!(*columns.get_or_insert(n), n, "a cell broke out:\n{line}");
    }
}

#[test]
fn error_messages_show_control_characters_in_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let name = "missing\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}nosj.json";
    let run = trailguard_in(dir.path(), &["eval", name]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let raw: Vec<char> = run.stderr.chars().filter(|c| unsafe_char(*c)).collect();
    assert!(raw.is_empty(), "raw {raw:?} in: {}", run.stderr);
    assert!(
        run.stderr
            .contains("missing\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}nosj.json"),
        "{}",
        run.stderr
    );
}

/// The cap is real: the same run that passes with room fails with too little, so the capped
/// runs above prove what they claim.
#[test]
fn the_memory_cap_bites() {
    let dir = tempfile::tempdir().unwrap();
    let good = root().join(COMPLIANT);
    let run = capped(dir.path(), CAP_KIB, &["eval", good.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let status = Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 20000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_trailguard"))
        .args(["eval", good.to_str().unwrap()])
        .output()
        .unwrap()
        .status;
    assert!(!status.success(), "a 20 MB cap did not stop the run");
}
