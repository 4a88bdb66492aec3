//! Progress reports, for a progress bar. The collector never prints.

use crate::Operation;

/// Receives progress while a collection runs. Implementations must be cheap: they are called
/// from every call site, on the async runtime's threads.
pub trait Progress: Send + Sync {
    /// A stage of the collection begins ("reading trails", "reading 12 log buckets").
    fn stage(&self, _what: &str) {}
    /// A call is about to be sent.
    fn call_started(&self, _operation: Operation, _resource: &str) {}
    /// A call finished (successfully or not).
    fn call_finished(&self, _operation: Operation) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
