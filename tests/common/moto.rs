//! A real moto server for the collector's end-to-end tests: started on 127.0.0.1 with a free
//! port through tests/tools/moto_server.py (which patches the few places where moto differs from
//! AWS in ways the SDK or the rules can see), seeded by tests/tools/seed_moto.py, and stopped
//! when the test ends. Never skipped: if moto cannot start, the test fails and says why.

use super::{python, root, Run};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long moto may take to answer after starting (it takes about a second).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running moto server; stopped on drop.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    dir: tempfile::TempDir,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Moto {
    /// Starts moto and waits until it answers.
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts moto with these options of tests/tools/moto_server.py and waits until it answers.
    pub fn start_with(options: &[&str]) -> Moto {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("moto.log")).unwrap();
        let child = Command::new(python())
            .arg(root().join("tests/tools/moto_server.py"))
            .args(["--port", &port.to_string(), "--lock-file"])
            .arg(dir.path().join("cross-account.lock"))
            .args(options)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start moto ({e}): run the suite with ./scripts/test, which installs moto[server] into target/test-venv")
            });
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            dir,
        };
        moto.wait_until_ready(port);
        moto
    }

    fn wait_until_ready(&mut self, port: u16) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("moto exited ({status}) before answering:\n{}", self.log());
            }
            if answers(port) {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "moto did not answer on port {port} within {START_TIMEOUT:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What moto printed.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }

    /// Seeds a scenario of tests/tools/seed_moto.py and returns what it created.
    pub fn seed(&self, scenario: &[&str]) -> serde_json::Value {
        let output = Command::new(python())
            .arg(root().join("tests/tools/seed_moto.py"))
            .arg(&self.endpoint)
            .args(scenario)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "seeding {scenario:?} failed:\n{}\nmoto:\n{}",
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// From now on, credentials of one account cannot read another account's buckets.
    pub fn lock_cross_account(&self) {
        std::fs::write(self.dir.path().join("cross-account.lock"), "").unwrap();
    }

    /// Runs `trailguard ARGS --endpoint-url MOTO` with moto's test credentials.
    pub fn trailguard(&self, args: &[&str]) -> Run {
        self.trailguard_as(args, ("testing", "testing"))
    }

    /// Runs `trailguard ARGS --endpoint-url MOTO` with these access keys.
    pub fn trailguard_as(&self, args: &[&str], (key, secret): (&str, &str)) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--endpoint-url", &self.endpoint]);
        aws_trailguard(
            &all,
            &[
                ("AWS_ACCESS_KEY_ID", key),
                ("AWS_SECRET_ACCESS_KEY", secret),
            ],
        )
    }

    /// A directory that lives as long as the server.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether an HTTP server on the port answers moto's API root.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

/// Runs the binary with a clean AWS environment: only the variables given, no shared config or
/// credentials files, no instance metadata, region us-east-1 unless the arguments say otherwise.
pub fn aws_trailguard(args: &[&str], env: &[(&str, &str)]) -> Run {
    super::run(&mut aws_command(args, env))
}

/// The command [`aws_trailguard`] runs, for a test that starts it and acts while it runs.
pub fn aws_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trailguard"));
    command.args(args).current_dir(root());
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") {
            command.env_remove(key);
        }
    }
    command
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/trailguard-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/trailguard-test/credentials",
        )
        .env("NO_COLOR", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    command
}
