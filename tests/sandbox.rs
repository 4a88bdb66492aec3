//! Custom policies cannot reach the environment, files, network or clock, and are stopped by limits.
//! (Credentials never appearing in errors and logs is tests/secrets.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{root, Run};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fake secret no output may contain.
const SECRET: &str = "tgFAKEsecretSandbox0123456789abcdefXYZ";

/// A rule file: METADATA on lines 1-5, `package acme.r` on line 6, `deny` on line 10 and
/// `body` from line 11.
fn rule(id: &str, body: &str) -> String {
    format!(
        "# METADATA\n# title: sandbox probe\n# custom:\n#   id: {id}\n#   severity: low\n\
         package acme.{}\n\nimport rego.v1\n\n\
         deny contains {{\"resource\": \"r\", \"message\": sprintf(\"%v\", [x])}} if {{\n{body}\n}}\n",
        id.to_lowercase()
    )
}

/// Runs `trailguard ARGS` in `dir` with `env` added, killing it if it runs past `deadline`
/// (the test then fails: nothing stopped the policy).
fn run_within(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    deadline: Duration,
) -> (Run, Duration) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trailguard"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TRAILGUARD_RULE_TIMEOUT")
        .env_remove("TRAILGUARD_MAX_MEMORY")
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "trailguard {args:?} still running after {deadline:?}: the policy was not stopped"
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let run = Run {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (run, elapsed)
}

fn demo() -> String {
    root()
        .join("inputs/demo.json")
        .to_string_lossy()
        .into_owned()
}

/// `eval demo.json --policy DIR --no-builtin -f json -o DIR/out.json ARGS`, in `dir`.
fn eval(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (Run, Duration) {
    let mut args = vec![
        "eval".to_string(),
        demo(),
        "--policy".into(),
        "p".into(),
        "--no-builtin".into(),
        "-f".into(),
        "json".into(),
        "-o".into(),
        "out.json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_within(dir, &args, env, Duration::from_secs(60))
}

#[test]
fn builtins_that_reach_outside_are_refused_at_load_with_file_and_line() {
    // Each call sits behind `some t in input.trails`, so evaluating the rule on an empty
    // snapshot (what loading does) never reaches it: the refusal must come from reading the
    // policy, not from running it.
    for (call, named) in [
        ("opa.runtime().env", "opa.runtime"),
        (
            "opa.runtime()[\"env\"][\"AWS_SECRET_ACCESS_KEY\"]",
            "opa.runtime",
        ),
        (
            "http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:9\"})",
            "http.send",
        ),
        ("net.lookup_ip_addr(\"example.com\")", "net.lookup_ip_addr"),
        ("uuid.rfc4122(\"x\")", "uuid.rfc4122"),
        ("rand.intn(\"x\", 10)", "rand.intn"),
        ("time.now_ns()", "time.now_ns"),
        ("time[\"now_ns\"] ()", "time.now_ns"),
        ("io.jwt.decode(\"a.b.c\")", "io.jwt.decode"),
        (
            "crypto.x509.parse_certificates(\"x\")",
            "crypto.x509.parse_certificates",
        ),
        // OPA has no builtin that reads a file; nor do the names one would guess.
        ("io.read_file(\"/etc/passwd\")", "io.read_file"),
        ("file.read(\"/etc/passwd\")", "file.read"),
        ("opa.env(\"HOME\")", "opa.env"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::write(
            dir.path(),
            "p/r.rego",
            &rule(
                "ACME001",
                &format!("\tsome t in input.trails\n\tx := {call}"),
            ),
        );
        {
            let (run, _) = eval(dir.path(), &[], &[("AWS_SECRET_ACCESS_KEY", SECRET)]);
            assert_eq!(run.code, 2, "{call}: {run:?}");
            assert!(
                run.stderr.contains("p/r.rego:12:") && run.stderr.contains(&format!("`{named}`")),
                "{call}: the error names the file, line and builtin:\n{}",
                run.stderr
            );
            assert!(
                run.stderr.starts_with("error: invalid policy:"),
                "{}",
                run.stderr
            );
            assert!(run.stdout.is_empty(), "{call}: {}", run.stdout);
            assert!(
                !dir.path().join("out.json").exists(),
                "{call}: no report written"
            );
            assert!(!run.stderr.contains(SECRET));
        }
    }
}

#[test]
fn policy_test_refuses_the_clock_too() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "t/clock_test.rego",
        "package acme.clock_test\n\nimport rego.v1\n\ntest_now if time.now_ns() > 0\n",
    );
    let (run, _) = run_within(
        dir.path(),
        &["policy", "test", "t"],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("t/clock_test.rego:5:") && run.stderr.contains("`time.now_ns`"),
        "{}",
        run.stderr
    );
}

#[test]
fn input_and_data_hold_only_the_snapshot_and_the_parameters() {
    let dir = tempfile::tempdir().unwrap();
    // Files beside the policy are not loaded as data (OPA's `-d dir` would load them).
    common::write(
        dir.path(),
        "p/data.json",
        &format!("{{\"leak\": \"{SECRET}\"}}"),
    );
    common::write(dir.path(), "p/acme/data.yaml", &format!("leak: {SECRET}\n"));
    common::write(dir.path(), "p/secret.txt", SECRET);
    common::write(
        dir.path(),
        "p/r.rego",
        "# METADATA\n# title: sandbox probe\n# custom:\n#   id: ACME001\n#   severity: low\n\
         package acme.r\n\nimport rego.v1\n\n\
         default leak := \"absent\"\n\nleak := data.leak\n\n\
         default nested := \"absent\"\n\nnested := data.acme.leak\n\n\
         default file := \"absent\"\n\nfile := data.acme.data\n\n\
         deny contains {\"resource\": \"r\", \"message\": json.marshal({\"data\": [leak, nested, file], \
         \"params\": data.trailguard.params, \"rules_meta\": data.trailguard.rules_meta, \
         \"trailguard_keys\": sort(object.keys(data.trailguard)), \"input_keys\": sort(object.keys(input))})} if true\n",
    );
    let (run, _) = eval(dir.path(), &[], &[("TG_SANDBOX_SECRET", SECRET)]);
    assert_eq!(run.code, 0, "{run:?}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap())
            .unwrap();
    let message = report["findings"][0]["message"].as_str().unwrap();
    let seen: serde_json::Value = serde_json::from_str(message).unwrap();
    // None of the files beside the policy became data.
    assert_eq!(
        seen["data"],
        serde_json::json!(["absent", "absent", "absent"]),
        "{message}"
    );
    // data.trailguard is the parameters, the loaded rules' severities and the built-in helpers
    // (policies/lib), nothing else.
    assert_eq!(
        seen["trailguard_keys"],
        serde_json::json!(["lib", "params", "rules_meta"]),
        "{message}"
    );
    assert_eq!(
        seen["rules_meta"],
        serde_json::json!({"ACME001": {"severity": "low"}}),
        "{message}"
    );
    assert_eq!(
        seen["params"],
        serde_json::json!({"retention_days": 365, "max_full_access_holders": 3,
            "trusted_accounts": [], "cloudtrail_admins": [], "required_tag_keys": []}),
        "{message}"
    );
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("inputs/demo.json")).unwrap())
            .unwrap();
    for key in seen["input_keys"].as_array().unwrap() {
        let key = key.as_str().unwrap();
        assert!(
            snapshot.get(key).is_some() || ["gaps", "organization"].contains(&key),
            "input has {key}, which the snapshot does not: {message}"
        );
    }
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
    assert!(!std::fs::read_to_string(dir.path().join("out.json"))
        .unwrap()
        .contains(SECRET));
}

#[test]
fn print_and_trace_cannot_reach_the_environment_and_print_goes_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "p/r.rego",
        &rule(
            "ACME001",
            "\tx := trace(json.marshal([input, data.trailguard]))\n\
             \tprint(\"PRINTED-FROM-POLICY\", count(input.trails), input, data.trailguard)",
        ),
    );
    let env = [
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", SECRET),
        ("TG_SANDBOX_SECRET", SECRET),
    ];
    {
        // The report on standard output stays valid JSON: print() writes to standard error.
        let (run, _) = run_within(
            dir.path(),
            &[
                "eval",
                &demo(),
                "--policy",
                "p",
                "--no-builtin",
                "-f",
                "json",
            ],
            &env,
            Duration::from_secs(60),
        );
        assert_eq!(run.code, 0, "{run:?}");
        let report: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}):\n{}", run.stdout));
        assert_eq!(report["summary"]["total"], 1);
        assert!(!run.stdout.contains("PRINTED-FROM-POLICY"));
        assert!(
            run.stderr.contains("PRINTED-FROM-POLICY 4"),
            "print() output goes to standard error: {}",
            run.stderr
        );
        // Only the real evaluation prints, not the load-time check on an empty snapshot.
        assert_eq!(
            run.stderr.matches("PRINTED-FROM-POLICY").count(),
            1,
            "printed twice"
        );
        assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
    }
}

/// A rule that loops for a very long time: 10^10 iterations of nested comprehensions.
const LOOP: &str = "\tsome t in input.trails\n\
    \tx := count([1 | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000)])";

/// A comprehension that allocates without bound: 10^8 distinct strings (gigabytes).
const EXPLODE: &str = "\tsome t in input.trails\n\
    \tx := count({s | some a in numbers.range(1, 10000); some b in numbers.range(1, 10000); \
    s := sprintf(\"%d-%d-padding-to-make-each-string-longer\", [a, b])})";

fn assert_stopped(run: &Run, elapsed: Duration, id: &str, limit: &str, dir: &Path) {
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("rule {id} (p/r.rego) was stopped after {limit}"))
            && run.stderr.contains("--rule-timeout"),
        "the error names the rule, its file, the limit and how to raise it:\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(!dir.join("out.json").exists(), "no report written");
    assert!(
        elapsed < Duration::from_secs(30),
        "stopped quickly, not after {elapsed:?}"
    );
}

/// Rule `id` in `dir` is stopped by a 1 s limit.
fn assert_stopped_at_one_second(dir: &Path, id: &str) {
    {
        let (run, elapsed) = eval(dir, &["--rule-timeout", "1"], &[]);
        assert_stopped(&run, elapsed, id, "1 s", dir);
    }
}

#[test]
fn a_looping_rule_is_stopped_by_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p/r.rego", &rule("ACME001", LOOP));
    assert_stopped_at_one_second(dir.path(), "ACME001");
    // The environment variable sets it too.
    let (run, elapsed) = eval(dir.path(), &[], &[("TRAILGUARD_RULE_TIMEOUT", "1.5")]);
    assert_stopped(&run, elapsed, "ACME001", "1.5 s", dir.path());
}

#[test]
fn an_exploding_comprehension_is_stopped_by_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p/r.rego", &rule("ACME002", EXPLODE));
    assert_stopped_at_one_second(dir.path(), "ACME002");
}

#[test]
fn a_rule_that_loops_whatever_the_input_is_stopped_while_loading() {
    // No `input` in the loop: loading (which evaluates each rule on an empty snapshot) runs it.
    let dir = tempfile::tempdir().unwrap();
    let body = LOOP.replace("\tsome t in input.trails\n", "");
    common::write(dir.path(), "p/r.rego", &rule("ACME003", &body));
    let (run, elapsed) = eval(dir.path(), &["--rule-timeout", "1"], &[]);
    assert_stopped(&run, elapsed, "ACME003", "1 s", dir.path());
    // check-config loads policies too; it is bounded by the default limit, so this is only
    // checked with `eval`.
}

#[test]
fn policy_test_stops_a_looping_test() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "t/loop_test.rego",
        "package acme.loop_test\n\nimport rego.v1\n\ntest_quick if 1 == 1\n\n\
         test_forever if {\n\tcount([1 | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000)]) > 0\n}\n",
    );
    let (run, elapsed) = run_within(
        dir.path(),
        &["policy", "test", "t", "--rule-timeout", "1"],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "a stopped test fails the run: {run:?}");
    assert!(
        run.stdout.contains("PASS  data.acme.loop_test.test_quick"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ERROR data.acme.loop_test.test_forever  t/loop_test.rego:7")
            && run.stdout.contains("was stopped after 1 s"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 passed, 1 failed"), "{}", run.stdout);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[test]
fn the_time_limit_is_validated() {
    for bad in ["0", "-1", "soon", "100000"] {
        let (run, _) = run_within(
            &root(),
            &["eval", "inputs/demo.json", &format!("--rule-timeout={bad}")],
            &[],
            Duration::from_secs(60),
        );
        assert_eq!(run.code, 2, "{bad}: {run:?}");
        assert!(
            run.stderr.contains("--rule-timeout"),
            "{bad}: {}",
            run.stderr
        );
    }
}

/// [`EXPLODE`] with strings of about 1 KB, so that it passes a few hundred MiB within seconds
/// even in a debug build.
fn explode_wide() -> String {
    let half = "padding ".repeat(60);
    format!(
        "\tpad := concat(\"\", [\"{half}\", \"{half}\"])\n{}",
        EXPLODE
            .replace("padding-to-make-each-string-longer", "%s")
            .replace("[a, b]", "[a, b, pad]")
    )
}

/// Only the memory limit can stop these rules: the time limit is 10 minutes.
const NO_TIME_LIMIT: [&str; 2] = ["--rule-timeout", "600"];

fn assert_stopped_by_memory(run: &Run, elapsed: Duration, id: &str, limit: &str, dir: &Path) {
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "rule {id} (p/r.rego) was stopped when the memory in use passed {limit}, the \
             memory limit"
        )) && run.stderr.contains("--max-memory SIZE"),
        "the error names the rule, its file, the limit and how to raise it:\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(!dir.join("out.json").exists(), "no report written");
    assert!(
        elapsed < Duration::from_secs(60),
        "stopped quickly, not after {elapsed:?}"
    );
}

#[test]
fn an_exploding_comprehension_is_stopped_by_the_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p/r.rego", &rule("ACME004", &explode_wide()));
    let mut args = vec!["--max-memory", "256MiB"];
    args.extend(NO_TIME_LIMIT);
    let (run, elapsed) = eval(dir.path(), &args, &[]);
    assert_stopped_by_memory(&run, elapsed, "ACME004", "256 MiB", dir.path());
    // The environment variable sets it too.
    let (run, elapsed) = eval(
        dir.path(),
        &NO_TIME_LIMIT,
        &[("TRAILGUARD_MAX_MEMORY", "200MiB")],
    );
    assert_stopped_by_memory(&run, elapsed, "ACME004", "200 MiB", dir.path());
}

/// The memory limit counts the whole process, so a rule running beside a runaway one can be the
/// first to see it passed; such a rule is run again alone, and only a rule that passes the limit
/// alone is named (were AAA001 stopped, the error would name it: the first rule in id order).
/// Whether AAA001 is stopped in the first pass depends on timing, so this checks the outcome,
/// not that the second run happened.
#[test]
fn a_rule_running_beside_a_runaway_one_is_not_blamed_for_its_memory() {
    let dir = tempfile::tempdir().unwrap();
    // Busy for seconds, checking the memory at every step, allocating almost nothing.
    let busy = "\tsome t in input.trails\n\tx := count({a | some a in numbers.range(1, 600); \
                some b in numbers.range(1, 600)})";
    common::write(dir.path(), "p/a.rego", &rule("AAA001", busy));
    common::write(dir.path(), "p/r.rego", &rule("ZZZ001", &explode_wide()));
    let mut args = vec!["--max-memory", "256MiB"];
    args.extend(NO_TIME_LIMIT);
    let (run, elapsed) = eval(dir.path(), &args, &[]);
    assert_stopped_by_memory(&run, elapsed, "ZZZ001", "256 MiB", dir.path());
    assert!(!run.stderr.contains("AAA001"), "{}", run.stderr);
}

#[test]
fn policy_test_stops_an_exploding_test_at_the_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let body = explode_wide()
        .replace("\tsome t in input.trails\n", "")
        .replace("\tx := count(", "\tcount(")
        .replace("})", "}) > 0");
    common::write(
        dir.path(),
        "t/boom_test.rego",
        &format!(
            "package acme.boom_test\n\nimport rego.v1\n\ntest_quick if 1 == 1\n\n\
             test_boom if {{\n{body}\n}}\n"
        ),
    );
    let (run, elapsed) = run_within(
        dir.path(),
        &[
            "policy",
            "test",
            "t",
            "--max-memory",
            "256MiB",
            "--rule-timeout",
            "600",
        ],
        &[],
        Duration::from_secs(120),
    );
    assert_eq!(run.code, 1, "a stopped test fails the run: {run:?}");
    assert!(
        run.stdout.contains("PASS  data.acme.boom_test.test_quick"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ERROR data.acme.boom_test.test_boom  t/boom_test.rego:7")
            && run.stdout.contains(
                "rule data.acme.boom_test.test_boom (t/boom_test.rego) was stopped when the \
                 memory in use passed 256 MiB"
            ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 passed, 1 failed"), "{}", run.stdout);
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

/// A limit the process is over before any rule runs is its own error: no rule is blamed.
#[test]
fn a_memory_limit_smaller_than_the_policies_and_snapshot_blames_no_rule() {
    let (run, _) = run_within(
        &root(),
        &["eval", "inputs/demo.json", "--max-memory", "1MiB"],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("is already more than the memory limit of 1 MiB before any rule runs")
            && run.stderr.contains("--max-memory SIZE")
            && !run.stderr.contains("rule TG"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_memory_limit_is_validated() {
    for bad in ["0", "-1", "lots", "2TiB"] {
        let (run, _) = run_within(
            &root(),
            &["eval", "inputs/demo.json", &format!("--max-memory={bad}")],
            &[],
            Duration::from_secs(60),
        );
        assert_eq!(run.code, 2, "{bad}: {run:?}");
        assert!(run.stderr.contains("--max-memory"), "{bad}: {}", run.stderr);
    }
}
