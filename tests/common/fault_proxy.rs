//! A loopback HTTP/1.1 proxy in front of the moto emulator that delays answers and injects faults.
//!
//! Shared by the collection benchmark (crates/trailguard-collect/benches/collect.rs, which
//! includes this file with `#[path]`) and the fault tests (tests/faults.rs). Everything listens
//! and connects on 127.0.0.1.
//!
//! - **Latency**: every answer is held until `latency` after its request arrived.
//! - **Replay** ([`Mode::Replay`]): answers from the responses moto gave earlier, so a benchmark
//!   measures the collector, not moto.
//! - **Faults** ([`Rule`]): requests are matched by operation ([`operation_of`]: the
//!   `X-Amz-Target` header of JSON protocols, the `Action=` form parameter of query protocols,
//!   the S3 sub-resource of the query string) and the first N matching requests (or all of them)
//!   get a [`Fault`]: an error status with the body shape of the request's protocol, a reset
//!   connection, no answer at all, or half a body.
//! - **Attempts**: every request is counted per operation ([`FaultProxy::attempts`]), faulted or
//!   not, so tests can assert that retries are bounded.
//!
//! One request per connection: answers say `Connection: close` and the proxy closes after each.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with a request no fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward to moto, and remember the answer.
    Forward,
    /// Answer from memory (falling back to moto for a request never seen).
    Replay,
}

/// What goes wrong with a matched request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status and an error with this code, in the body shape of the
    /// request's protocol: JSON `{"__type": CODE}` (CloudTrail, KMS, Organizations), query XML
    /// `<ErrorResponse><Error><Code>CODE` (IAM, STS), S3 XML `<Error><Code>CODE` (S3, S3 Control).
    Status {
        /// The HTTP status.
        status: u16,
        /// The AWS error code.
        code: String,
    },
    /// Read the request, then close the connection without answering, with `SO_LINGER` 0 so the
    /// client sees a TCP reset.
    Reset,
    /// Read the request and never answer; the connection stays open until the client closes it
    /// (its timeout) or this long has passed.
    Hang(Duration),
    /// Forward to moto, then send the answer's head (with its full `Content-Length`) and half of
    /// its body, and close.
    Truncate,
}

impl Fault {
    /// HTTP 429 `ThrottlingException`.
    pub fn throttling_429() -> Fault {
        Fault::Status {
            status: 429,
            code: "ThrottlingException".to_string(),
        }
    }

    /// HTTP 400 with a throttling code (`Throttling` for IAM and STS, `ThrottlingException` for
    /// CloudTrail and KMS).
    pub fn throttling_400(code: &str) -> Fault {
        Fault::Status {
            status: 400,
            code: code.to_string(),
        }
    }

    /// HTTP 503 `SlowDown`, S3's throttling.
    pub fn slow_down() -> Fault {
        Fault::Status {
            status: 503,
            code: "SlowDown".to_string(),
        }
    }
}

/// A fault for requests of one operation.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The operation, as [`operation_of`] names it (`DescribeTrails`, `GetCallerIdentity`,
    /// `GetBucketPolicy`).
    pub operation: String,
    /// What happens to matched requests.
    pub fault: Fault,
    /// How many matching requests get the fault (the first ones); `None` for all of them.
    pub times: Option<usize>,
    /// How many requests it has faulted.
    applied: usize,
}

impl Rule {
    /// The fault for the first `times` requests of `operation`.
    pub fn first(times: usize, operation: &str, fault: Fault) -> Rule {
        Rule {
            operation: operation.to_string(),
            fault,
            times: Some(times),
            applied: 0,
        }
    }

    /// The fault for every request of `operation`.
    pub fn always(operation: &str, fault: Fault) -> Rule {
        Rule {
            operation: operation.to_string(),
            fault,
            times: None,
            applied: 0,
        }
    }
}

/// What the proxy's connections share.
struct State {
    upstream: String,
    mode: Mutex<Mode>,
    latency: Mutex<Duration>,
    cache: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
    plan: Mutex<Vec<Rule>>,
    attempts: Mutex<HashMap<String, usize>>,
    requests: AtomicUsize,
    answered: AtomicUsize,
}

/// Locks a mutex, through poisoning (a panicking connection task must not stop the others).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running proxy; it stops with the runtime it was started on.
pub struct FaultProxy {
    /// The port on 127.0.0.1.
    pub port: u16,
    state: Arc<State>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (`127.0.0.1:PORT` or `http://127.0.0.1:PORT`) that
    /// holds each answer for `latency`, forwarding everything, with no faults.
    pub async fn start(upstream: &str, latency: Duration) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            upstream: upstream.trim_start_matches("http://").to_string(),
            mode: Mutex::new(Mode::Forward),
            latency: Mutex::new(latency),
            cache: Mutex::default(),
            plan: Mutex::default(),
            attempts: Mutex::default(),
            requests: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
        });
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, &state).await;
                });
            }
        });
        FaultProxy { port, state }
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint-url`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Forward to moto or answer from memory.
    pub fn set(&self, mode: Mode) {
        *lock(&self.state.mode) = mode;
    }

    /// Answers from the responses `other` recorded (falling back to moto for a request it never
    /// saw): a test's cases then get the same bytes as its clean run, without loading moto.
    pub fn replay_from(&self, other: &FaultProxy) {
        let recorded = lock(&other.state.cache).clone();
        lock(&self.state.cache).extend(recorded);
        self.set(Mode::Replay);
    }

    /// Holds each answer this long after its request arrived.
    pub fn set_latency(&self, latency: Duration) {
        *lock(&self.state.latency) = latency;
    }

    /// Replaces the fault plan; the first rule that matches a request (and has faults left)
    /// applies. An empty plan forwards everything.
    pub fn set_plan(&self, plan: Vec<Rule>) {
        *lock(&self.state.plan) = plan;
    }

    /// Forgets the attempts counted so far.
    pub fn reset_counts(&self) {
        lock(&self.state.attempts).clear();
        self.state.requests.store(0, Ordering::SeqCst);
        self.state.answered.store(0, Ordering::SeqCst);
    }

    /// Requests received for `operation` (faulted or not) since the start or the last
    /// [`FaultProxy::reset_counts`].
    pub fn attempts(&self, operation: &str) -> usize {
        lock(&self.state.attempts)
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// Requests received for every operation.
    pub fn all_attempts(&self) -> HashMap<String, usize> {
        lock(&self.state.attempts).clone()
    }

    /// Requests received in all.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Requests answered in full (forwarded or replayed, not faulted).
    pub fn answered(&self) -> usize {
        self.state.answered.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and Content-Length body) from the connection.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let length = header(&buf[..end], "content-length")
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                buf.truncate(end + 4 + length);
                return Ok(Some(buf));
            }
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of a header of a message head, by lower-case name.
fn header(head: &[u8], name: &str) -> Option<String> {
    let head = String::from_utf8_lossy(head);
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// How a request encodes its operation, and so how an error answer must look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `X-Amz-Target: Service.Operation`, JSON bodies (CloudTrail, KMS, Organizations).
    Json,
    /// `Action=Operation` form bodies, XML answers (IAM, STS).
    Query,
    /// REST with XML answers (S3, S3 Control).
    RestXml,
}

/// S3 sub-resources (the query string's key) and the operation a GET of each is.
const S3_SUBRESOURCES: &[(&str, &str)] = &[
    ("location", "GetBucketLocation"),
    ("policy", "GetBucketPolicy"),
    ("policyStatus", "GetBucketPolicyStatus"),
    ("publicAccessBlock", "GetPublicAccessBlock"),
    ("acl", "GetBucketAcl"),
    ("logging", "GetBucketLogging"),
    ("versioning", "GetBucketVersioning"),
    ("encryption", "GetBucketEncryption"),
    ("object-lock", "GetObjectLockConfiguration"),
    ("lifecycle", "GetBucketLifecycleConfiguration"),
    ("tagging", "GetBucketTagging"),
    ("ownershipControls", "GetBucketOwnershipControls"),
];

/// The operation of a request and its protocol.
fn classify(request: &[u8]) -> (String, Protocol) {
    let end = find(request, b"\r\n\r\n").unwrap_or(request.len());
    let head = &request[..end];
    if let Some(target) = header(head, "x-amz-target") {
        let op = target.rsplit('.').next().unwrap_or_default().to_string();
        return (op, Protocol::Json);
    }
    let body = String::from_utf8_lossy(request.get(end + 4..).unwrap_or_default());
    if let Some(action) = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
    {
        return (action.to_string(), Protocol::Query);
    }
    let line = String::from_utf8_lossy(head);
    let line = line.lines().next().unwrap_or_default();
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default();
    let target = words.next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let keys: Vec<&str> = query
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair, |(k, _)| k))
        .collect();
    let op = if let Some(id) = query.split('&').find_map(|pair| pair.strip_prefix("x-id=")) {
        id.to_string()
    } else if path.ends_with("/configuration/publicAccessBlock") {
        "GetAccountPublicAccessBlock".to_string()
    } else if let Some((_, op)) = S3_SUBRESOURCES
        .iter()
        .find(|(key, _)| method == "GET" && keys.contains(key))
    {
        (*op).to_string()
    } else if method == "GET" && path == "/" {
        "ListBuckets".to_string()
    } else {
        format!("{method} {path}")
    };
    (op, Protocol::RestXml)
}

/// The operation a request calls: `DescribeTrails` (from `X-Amz-Target`), `GetCallerIdentity`
/// (from `Action=`), `GetBucketPolicy` (from the S3 sub-resource `?policy`),
/// `GetAccountPublicAccessBlock` (S3 Control), else `METHOD /path`.
pub fn operation_of(request: &[u8]) -> String {
    classify(request).0
}

/// The parts of a request that decide moto's answer: request line, body, and the headers that
/// select the operation or account (not the signature or date, which change every time).
fn cache_key(request: &[u8]) -> Vec<u8> {
    let end = find(request, b"\r\n\r\n").unwrap_or(request.len());
    let head = String::from_utf8_lossy(&request[..end]);
    let mut key = Vec::new();
    for (i, line) in head.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        if i == 0 || lower.starts_with("x-amz-target:") || lower.starts_with("x-amz-account-id:") {
            key.extend_from_slice(line.as_bytes());
            key.push(b'\n');
        }
    }
    key.extend_from_slice(request.get(end..).unwrap_or_default());
    key
}

/// Sends the request to moto on a fresh connection and reads the whole answer (moto closes
/// the connection after it).
async fn forward(upstream: &str, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await?;
    // Ask moto to close after answering, so the end of the answer is the end of the stream.
    let mut rewritten = Vec::with_capacity(request.len() + 32);
    match find(request, b"\r\n") {
        Some(eol) => {
            rewritten.extend_from_slice(&request[..eol + 2]);
            rewritten.extend_from_slice(b"Connection: close\r\n");
            rewritten.extend_from_slice(&request[eol + 2..]);
        }
        None => rewritten.extend_from_slice(request),
    }
    server.write_all(&rewritten).await?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).await?;
    Ok(response)
}

/// An error answer in the body shape of `protocol`.
fn error_response(protocol: Protocol, status: u16, code: &str) -> Vec<u8> {
    let message = "Rate exceeded (injected by the fault proxy)";
    let (content_type, body) = match protocol {
        Protocol::Json => (
            "application/x-amz-json-1.1",
            format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
        ),
        Protocol::Query => (
            "text/xml",
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                 <Message>{message}</Message></Error><RequestId>fault-proxy</RequestId>\
                 </ErrorResponse>"
            ),
        ),
        Protocol::RestXml => (
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>"
            ),
        ),
    };
    let reason = match status {
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        400 => "Bad Request",
        _ => "Error",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         x-amzn-RequestId: fault-proxy\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The answer's head (its full Content-Length kept) and half its body.
fn truncated(response: &[u8]) -> Vec<u8> {
    let Some(end) = find(response, b"\r\n\r\n") else {
        return response[..response.len() / 2].to_vec();
    };
    let body = &response[end + 4..];
    let keep = end + 4 + body.len() / 2;
    response[..keep].to_vec()
}

/// The fault for a request of `operation`, if the plan has one left; counts it.
fn fault_for(state: &State, operation: &str) -> Option<Fault> {
    let mut plan = lock(&state.plan);
    let rule = plan
        .iter_mut()
        .find(|r| r.operation == operation && r.times.is_none_or(|times| r.applied < times))?;
    rule.applied += 1;
    Some(rule.fault.clone())
}

/// The answer from moto, or from memory in replay mode.
async fn answer(state: &State, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let key = cache_key(request);
    let replay = *lock(&state.mode) == Mode::Replay;
    let cached = if replay {
        lock(&state.cache).get(&key).cloned()
    } else {
        None
    };
    match cached {
        Some(response) => Ok(response),
        None => {
            let response = forward(&state.upstream, request).await?;
            lock(&state.cache).insert(key, response.clone());
            Ok(response)
        }
    }
}

async fn serve(mut client: TcpStream, state: &State) -> std::io::Result<()> {
    let Some(request) = read_request(&mut client).await? else {
        return Ok(());
    };
    let started = Instant::now();
    let (operation, protocol) = classify(&request);
    state.requests.fetch_add(1, Ordering::SeqCst);
    *lock(&state.attempts).entry(operation.clone()).or_default() += 1;
    let fault = fault_for(state, &operation);
    let latency = *lock(&state.latency);
    let hold = || tokio::time::sleep(latency.saturating_sub(started.elapsed()));
    match fault {
        None => {
            let response = answer(state, &request).await?;
            hold().await;
            client.write_all(&response).await?;
            state.answered.fetch_add(1, Ordering::SeqCst);
            client.shutdown().await
        }
        Some(Fault::Status { status, code }) => {
            hold().await;
            client
                .write_all(&error_response(protocol, status, &code))
                .await?;
            client.shutdown().await
        }
        Some(Fault::Reset) => {
            hold().await;
            // Linger 0: closing sends RST at once (and does not block, unlike other lingers).
            client.set_zero_linger()?;
            drop(client);
            Ok(())
        }
        Some(Fault::Hang(longest)) => {
            // Wait for the client to give up (its read returns 0 or fails), or `longest`.
            let mut buf = [0u8; 1024];
            let _ = tokio::time::timeout(longest, async {
                while let Ok(n) = client.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            })
            .await;
            Ok(())
        }
        Some(Fault::Truncate) => {
            let response = answer(state, &request).await?;
            hold().await;
            client.write_all(&truncated(&response)).await?;
            client.flush().await?;
            drop(client);
            Ok(())
        }
    }
}
