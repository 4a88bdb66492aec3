//! Making one call: a permit from the service's concurrency limit, progress, counting, and
//! turning failures into gaps.

use crate::options::Concurrency;
use crate::stats::Counters;
use crate::{CallStats, Operation, Progress, Service};
// The error codes the SDK's own retry classifier treats as throttling and transient.
use aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;
use trailguard_snapshot::{Collected, Gap};

/// The error code of a gap about an answer that left out a field the snapshot needs.
pub(crate) const INCOMPLETE_RESPONSE: &str = "IncompleteResponse";

/// What a call was about, for its gap if it fails.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    /// The account whose credentials made the call.
    pub account: &'a str,
    /// The region the call went to.
    pub region: &'a str,
    /// The resource, by the gap convention: bucket name, trail or key ARN, IAM ARN, or the
    /// account id for account-wide calls.
    pub resource: &'a str,
    /// Added to the message of a gap (why the call may have failed).
    pub note: Option<&'a str>,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(account: &'a str, region: &'a str, resource: &'a str) -> Scope<'a> {
        Scope {
            account,
            region,
            resource,
            note: None,
        }
    }
}

/// How a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// AWS answered with an error about the request (AccessDenied, NoSuchBucketPolicy, an
    /// invalid token).
    Service,
    /// AWS answered that it is throttling the caller (`Throttling`, `SlowDown`, HTTP 429) or
    /// cannot answer now (HTTP 5xx): nothing is wrong with the request or the credentials.
    Busy,
    /// No answer in time, retries included.
    Timeout,
    /// The endpoint could not be reached.
    Unreachable,
    /// The answer could not be read, or the request not built.
    Other,
}

/// A call that failed after the SDK's retries.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub kind: FailureKind,
    /// The AWS error code (`AccessDenied`), or a name for a failure without one (`Timeout`).
    pub code: String,
    /// A message without credentials in it.
    pub message: String,
}

impl Failure {
    pub(crate) fn from_sdk<E>(error: &SdkError<E, HttpResponse>) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let describe = || chain(error);
        match error {
            SdkError::ServiceError(context) => {
                let status = context.raw().status().as_u16();
                let code = context.err().code().map_or_else(
                    || match status {
                        403 => "Forbidden".to_string(),
                        404 => "NotFound".to_string(),
                        _ => format!("HTTP{status}"),
                    },
                    str::to_string,
                );
                // An answer that could not be read has no message of its own: say why.
                let message = context.err().message().map_or_else(
                    || format!("HTTP status {status}: {}", describe()),
                    str::to_string,
                );
                let busy = status == 429
                    || status >= 500
                    || THROTTLING_ERRORS.contains(&code.as_str())
                    || TRANSIENT_ERRORS.contains(&code.as_str());
                Failure {
                    kind: if busy {
                        FailureKind::Busy
                    } else {
                        FailureKind::Service
                    },
                    code,
                    message,
                }
            }
            SdkError::TimeoutError(_) => Failure {
                kind: FailureKind::Timeout,
                code: "Timeout".to_string(),
                message: describe(),
            },
            SdkError::DispatchFailure(dispatch) if dispatch.is_timeout() => Failure {
                kind: FailureKind::Timeout,
                code: "Timeout".to_string(),
                message: describe(),
            },
            SdkError::DispatchFailure(dispatch) if dispatch.is_io() => Failure {
                kind: FailureKind::Unreachable,
                // A connection the endpoint dropped is not an endpoint that cannot be reached.
                code: if was_reset(error) {
                    "ConnectionReset"
                } else {
                    "Unreachable"
                }
                .to_string(),
                message: describe(),
            },
            SdkError::ResponseError(_) => Failure {
                kind: FailureKind::Other,
                code: if was_truncated(error) {
                    "TruncatedResponse"
                } else {
                    "InvalidResponse"
                }
                .to_string(),
                message: describe(),
            },
            _ => Failure {
                kind: FailureKind::Other,
                code: "RequestFailed".to_string(),
                message: describe(),
            },
        }
    }

    /// Whether AWS answered with one of these error codes.
    pub(crate) fn is(&self, codes: &[&str]) -> bool {
        self.kind == FailureKind::Service && codes.contains(&self.code.as_str())
    }
}

/// The I/O errors among an error's causes.
fn io_errors<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a std::io::Error> {
    std::iter::successors(Some(error), |e| e.source())
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
}

/// Whether the connection was reset or closed by the other end before an answer came.
fn was_reset(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    io_errors(error).any(|e| matches!(e.kind(), ConnectionReset | ConnectionAborted | BrokenPipe))
        // hyper's own error when the connection closes before a response head.
        || chain(error).contains("connection closed before message completed")
}

/// Whether the answer ended before the length its head announced.
fn was_truncated(error: &(dyn std::error::Error + 'static)) -> bool {
    io_errors(error).any(|e| e.kind() == std::io::ErrorKind::UnexpectedEof)
        // hyper's error for a body shorter than its Content-Length.
        || chain(error).contains("end of file before message length reached")
}

/// An error and its causes in one line, each cause's text once (the SDK's own rendering adds a
/// debug dump of the response).
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Shared by every task of one collection.
pub(crate) struct Ctx {
    limits: Vec<(Service, Semaphore)>,
    counters: Counters,
    gaps: Mutex<Vec<Gap>>,
    progress: Arc<dyn Progress>,
}

impl Ctx {
    pub(crate) fn new(concurrency: Concurrency, progress: Arc<dyn Progress>) -> Ctx {
        Ctx {
            limits: Service::ALL
                .iter()
                .map(|s| (*s, Semaphore::new(concurrency.of(*s))))
                .collect(),
            counters: Counters::default(),
            gaps: Mutex::new(Vec::new()),
            progress,
        }
    }

    pub(crate) fn stage(&self, what: &str) {
        self.progress.stage(what);
    }

    /// Sends one request, within the service's concurrency limit, and counts it.
    pub(crate) async fn call<T, E>(
        &self,
        op: Operation,
        scope: &Scope<'_>,
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, Failure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let result = self.limited(op, scope, request).await;
        self.counters.record(op);
        result.map_err(|e| Failure::from_sdk(&e))
    }

    /// Awaits one request within the service's concurrency limit, reporting progress around it.
    async fn limited<R>(
        &self,
        op: Operation,
        scope: &Scope<'_>,
        request: impl Future<Output = R>,
    ) -> R {
        let _permit = self.permit(op.service()).await;
        self.progress.call_started(op, scope.resource);
        let result = request.await;
        self.progress.call_finished(op);
        result
    }

    /// Reads one piece of configuration: the value, `Absent` when AWS answers with one of the
    /// `absent` codes (`NoSuchBucketPolicy`: a fact, not an error), or `Unknown` with a gap.
    pub(crate) async fn read<T, E>(
        &self,
        op: Operation,
        scope: &Scope<'_>,
        absent: &[&str],
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Collected<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match self.call(op, scope, request).await {
            Ok(value) => Collected::Present(value),
            Err(failure) if failure.is(absent) => Collected::Absent,
            Err(failure) => {
                self.gap(op, scope, &failure);
                Collected::Unknown
            }
        }
    }

    /// Every page of a paginated list, each page a counted call within the limit.
    pub(crate) async fn pages<T, E>(
        &self,
        op: Operation,
        scope: &Scope<'_>,
        mut stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<Vec<T>, Failure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut pages = Vec::new();
        loop {
            // The end of the stream sends nothing, so only pages are counted.
            match self.limited(op, scope, stream.next()).await {
                None => return Ok(pages),
                Some(page) => {
                    self.counters.record(op);
                    pages.push(page.map_err(|e| Failure::from_sdk(&e))?);
                }
            }
        }
    }

    /// Every page of a paginated list, or `Unknown` with a gap when a page failed.
    pub(crate) async fn read_pages<T, E>(
        &self,
        op: Operation,
        scope: &Scope<'_>,
        stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
    ) -> Collected<Vec<T>>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match self.pages(op, scope, stream).await {
            Ok(pages) => Collected::Present(pages),
            Err(failure) => {
                self.gap(op, scope, &failure);
                Collected::Unknown
            }
        }
    }

    /// Records a failed call as a gap.
    pub(crate) fn gap(&self, op: Operation, scope: &Scope<'_>, failure: &Failure) {
        let message = match scope.note {
            Some(note) => format!("{} ({note})", failure.message),
            None => failure.message.clone(),
        };
        self.gap_with_message(op, scope, failure, message);
    }

    /// Records a gap for an answer that came back without something the snapshot needs (a
    /// required field AWS left out, or a malformed ARN), with error code
    /// [`INCOMPLETE_RESPONSE`]: the resource is then left out or `Unknown`, never filled with an
    /// empty string that a rule would take for a fact.
    pub(crate) fn incomplete(&self, op: Operation, scope: &Scope<'_>, message: String) {
        let failure = Failure {
            kind: FailureKind::Other,
            code: INCOMPLETE_RESPONSE.to_string(),
            message: String::new(),
        };
        self.gap_with_message(op, scope, &failure, message);
    }

    /// Records a failed call as a gap, with a message of the collector's own.
    pub(crate) fn gap_with_message(
        &self,
        op: Operation,
        scope: &Scope<'_>,
        failure: &Failure,
        message: String,
    ) {
        let gap = Gap {
            account_id: scope.account.to_string(),
            service: op.service().name().to_string(),
            operation: op.name().to_string(),
            region: scope.region.to_string(),
            resource: scope.resource.to_string(),
            error_code: failure.code.clone(),
            message,
        };
        self.gap_list().push(gap);
    }

    /// The gaps recorded so far. A task that panicked while holding the lock leaves it poisoned,
    /// but a `Vec` of gaps is whole between pushes: the gaps are kept, never dropped for an
    /// empty list that would read as a collection without failures.
    fn gap_list(&self) -> std::sync::MutexGuard<'_, Vec<Gap>> {
        self.gaps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn stats(&self) -> CallStats {
        self.counters.snapshot()
    }

    pub(crate) fn take_gaps(&self) -> Vec<Gap> {
        let mut gaps = std::mem::take(&mut *self.gap_list());
        gaps.sort();
        gaps.dedup();
        gaps
    }

    async fn permit(&self, service: Service) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let (_, semaphore) = self.limits.iter().find(|(s, _)| *s == service)?;
        // The semaphores are never closed, so acquiring only waits.
        semaphore.acquire().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoProgress;

    #[test]
    fn gaps_recorded_before_a_panic_are_kept_not_emptied() {
        let ctx = Ctx::new(Concurrency::default(), Arc::new(NoProgress));
        let scope = Scope::new("111122223333", "us-east-1", "logs");
        ctx.incomplete(Operation::GetBucketPolicy, &scope, "before".to_string());
        // A task panics while it holds the lock: the lock is poisoned.
        let panicked = std::thread::scope(|s| {
            s.spawn(|| {
                let _held = ctx.gaps.lock();
                panic!("a task failed while recording a gap");
            })
            .join()
            .is_err()
        });
        assert!(panicked && ctx.gaps.is_poisoned());
        ctx.incomplete(Operation::GetBucketAcl, &scope, "after".to_string());
        let mut messages: Vec<String> = ctx.take_gaps().into_iter().map(|g| g.message).collect();
        messages.sort();
        assert_eq!(messages, ["after", "before"]);
    }
}
