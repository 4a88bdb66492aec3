//! Credentials never appear in error messages or logs: fake access keys, secrets and session
//! tokens, given through the environment, a shared credentials file, a profile's
//! `credential_process` (whose output may be quoted by the SDK's errors) and an assume-role
//! failure, are looked for in everything trailguard prints or writes, with the most verbose
//! output it has (progress and summary on, `--stats`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::moto::{aws_trailguard, free_port, Moto};
use common::Run;
use std::path::Path;

const KEY: &str = "AKIAFAKEFAKEFAKE7Q3Z";
const SECRET: &str = "tgFAKEsecretK9v2Lq8Xw4Rt6Yp1Zs3Ub5Nc7Md0";
const TOKEN: &str = "tgFAKEtokenIQoJb3JpZ2luX2VjEJr9Q8W7E6R5T4Y3U2I1O0P";

/// Fails if any 16-character piece of a fake credential appears in the run's output or in any
/// file below `dir`.
fn assert_no_leak(what: &str, run: &Run, dir: &Path) {
    let mut texts = vec![
        ("stdout".to_string(), run.stdout.clone()),
        ("stderr".to_string(), run.stderr.clone()),
    ];
    for entry in walk(dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        // The files the test itself wrote (credentials, config, scripts) hold them on purpose.
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if !["credentials", "config", "proc.sh"].contains(&name.as_str()) {
            texts.push((entry.display().to_string(), text));
        }
    }
    for value in [KEY, SECRET, TOKEN] {
        for start in 0..=value.len() - 16 {
            let piece = &value[start..start + 16];
            for (name, text) in &texts {
                assert!(
                    !text.contains(piece),
                    "{what}: {name} contains {piece:?} (a piece of a fake credential):\n{text}"
                );
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The credentials in the environment, session token included.
fn env_credentials() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ]
}

/// `collect` with progress, summary and `--stats` on, writing into `dir`.
fn collect_args(dir: &Path, endpoint: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "collect",
        "--region",
        "us-east-1",
        "--stats",
        "--max-attempts",
        "1",
        "--endpoint-url",
        endpoint,
        "-o",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(dir.join("snapshot.json").to_string_lossy().into_owned());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run(args: &[String], env: &[(&str, &str)]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    aws_trailguard(&args, env)
}

#[test]
fn env_credentials_and_an_unreachable_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let out = run(
        &collect_args(dir.path(), &endpoint, &[]),
        &env_credentials(),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("127.0.0.1"), "{}", out.stderr);
    assert_no_leak("unreachable endpoint", &out, dir.path());
}

/// moto with IAM enforcement on (the `access-denied` scenario): unknown keys are refused.
fn refusing_moto() -> Moto {
    let moto = Moto::start();
    moto.seed(&["access-denied"]);
    moto
}

#[test]
fn env_credentials_refused_by_the_endpoint() {
    let moto = refusing_moto();
    let dir = tempfile::tempdir().unwrap();
    for extra in [
        &[][..],
        &[
            "--role-arn",
            "arn:aws:iam::123456789012:role/trailguard-audit",
        ],
    ] {
        let out = run(
            &collect_args(dir.path(), &moto.endpoint, extra),
            &env_credentials(),
        );
        assert_eq!(out.code, 2, "{extra:?}: {out:?}");
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
        assert_no_leak(&format!("refused {extra:?}"), &out, dir.path());
    }
    let out = run(
        &[
            "accounts".to_string(),
            "--endpoint-url".to_string(),
            moto.endpoint.clone(),
        ],
        &env_credentials(),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_no_leak("accounts refused", &out, dir.path());
}

#[test]
fn a_profile_from_the_shared_files_refused_and_failing_to_assume_a_role() {
    let moto = refusing_moto();
    let dir = tempfile::tempdir().unwrap();
    let credentials = common::write(
        dir.path(),
        "aws/credentials",
        &format!(
            "[leaky]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n\
             aws_session_token = {TOKEN}\n"
        ),
    );
    let config = common::write(
        dir.path(),
        "aws/config",
        "[profile leaky]\nregion = us-east-1\n\n\
         [profile chained]\nregion = us-east-1\nsource_profile = leaky\n\
         role_arn = arn:aws:iam::123456789012:role/nope\n",
    );
    let env = [
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ];
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    for profile in ["leaky", "chained"] {
        for extra in [
            &[][..],
            &["--role-arn", "arn:aws:iam::123456789012:role/nope"],
        ] {
            let mut args = collect_args(&out_dir, &moto.endpoint, extra);
            args.extend(["--profile".to_string(), profile.to_string()]);
            let out = run(&args, &env);
            assert_eq!(out.code, 2, "{profile} {extra:?}: {out:?}");
            assert_no_leak(&format!("profile {profile} {extra:?}"), &out, &out_dir);
        }
    }
}

#[test]
fn a_credential_process_whose_output_holds_the_secret() {
    let moto = refusing_moto();
    for (name, script) in [
        (
            "malformed JSON",
            format!(
                "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{KEY}\", \
                 \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"{TOKEN}\",'\n"
            ),
        ),
        (
            "a wrong version",
            format!(
                "#!/bin/sh\necho '{{\"Version\": 2, \"AccessKeyId\": \"{KEY}\", \
                 \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"{TOKEN}\"}}'\n"
            ),
        ),
        (
            "a failure after printing",
            format!(
                "#!/bin/sh\necho 'key {KEY} secret {SECRET} token {TOKEN}'\n\
                 echo 'cannot refresh {SECRET} {TOKEN}' >&2\nexit 3\n"
            ),
        ),
        (
            "valid credentials the endpoint refuses",
            format!(
                "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{KEY}\", \
                 \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"{TOKEN}\"}}'\n"
            ),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let script = common::write(dir.path(), "aws/proc.sh", &script);
        let config = common::write(
            dir.path(),
            "aws/config",
            &format!(
                "[profile proc]\nregion = us-east-1\ncredential_process = /bin/sh {}\n",
                script.display()
            ),
        );
        let out_dir = dir.path().join("out");
        std::fs::create_dir_all(&out_dir).unwrap();
        let mut args = collect_args(&out_dir, &moto.endpoint, &[]);
        args.extend(["--profile".to_string(), "proc".to_string()]);
        let out = run(&args, &[("AWS_CONFIG_FILE", config.to_str().unwrap())]);
        assert_eq!(out.code, 2, "{name}: {out:?}");
        assert_no_leak(name, &out, &out_dir);
    }
}

#[test]
fn the_leak_check_catches_a_piece_of_a_secret() {
    // The check above must not pass vacuously: a message quoting 16 characters of the secret
    // (here from its middle) is caught, in stdout, stderr or a written file.
    let dir = tempfile::tempdir().unwrap();
    let piece = &SECRET[10..26];
    for (stdout, stderr, file) in [(piece, "", ""), ("", piece, ""), ("", "", piece)] {
        std::fs::write(dir.path().join("snapshot.json"), file).unwrap();
        let run = Run {
            code: 2,
            stdout: format!("error: {stdout}"),
            stderr: format!("caused by: {stderr}"),
        };
        let caught = std::panic::catch_unwind(|| assert_no_leak("probe", &run, dir.path()));
        assert!(caught.is_err(), "{stdout:?} {stderr:?} {file:?} not caught");
    }
}
