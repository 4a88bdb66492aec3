//! What builtins build once per snapshot and answer from: the IAM index of the
//! `trailguard.iam.*` builtins, the CloudWatch chains of `trailguard.monitoring.coverage`, the
//! AWS Config verdicts of `trailguard.config.problems`.
//!
//! A builtin takes `input` as an argument, so it stays a function of its arguments: a Rego
//! test's `with input as {...}` gets the answer for its own input. What it builds from an input is
//! built on the first call and kept per input (by identity, holding the value so it cannot be
//! freed and its address reused) for a few inputs at a time, and dropped when the evaluation
//! that built it ends ([`Indexes::scope`]).

use regorus::Value;
use std::sync::{Arc, Mutex};

/// How many inputs' indexes are kept at once (tests evaluate several snapshots side by side).
const KEPT: usize = 4;

/// An input, held, and what was built from it.
type Kept<T> = (Value, Arc<T>);

/// What was built from each input being evaluated, shared by every clone of an engine.
pub(crate) struct PerInput<T>(Arc<Mutex<Vec<Kept<T>>>>);

impl<T> Clone for PerInput<T> {
    fn clone(&self) -> Self {
        PerInput(Arc::clone(&self.0))
    }
}

impl<T> Default for PerInput<T> {
    fn default() -> Self {
        PerInput(Arc::default())
    }
}

impl<T> std::fmt::Debug for PerInput<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.0.lock().map(|kept| kept.len());
        f.debug_struct("PerInput")
            .field("kept", &kept.ok())
            .finish()
    }
}

/// Whether two values are the same value in memory (not merely equal).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => regorus::Rc::ptr_eq(a, b),
        _ => false,
    }
}

impl<T> PerInput<T> {
    /// Drops what was built from `input` (its evaluation is over).
    fn forget(&self, input: &Value) {
        if let Ok(mut kept) = self.0.lock() {
            kept.retain(|(value, _)| !same(value, input));
        }
    }

    /// What `build` makes of `input`, built on first use. The cache stays locked while it is
    /// built, so threads evaluating the same input build it once.
    pub(crate) fn get(
        &self,
        what: &str,
        input: &Value,
        build: impl FnOnce(&Value) -> anyhow::Result<T>,
    ) -> anyhow::Result<Arc<T>> {
        let mut kept = self
            .0
            .lock()
            .map_err(|_| anyhow::anyhow!("the {what} cache was poisoned by a panic"))?;
        if let Some((_, built)) = kept.iter().find(|(value, _)| same(value, input)) {
            return Ok(Arc::clone(built));
        }
        if input.as_object().is_err() {
            anyhow::bail!("input must be a snapshot (an object)");
        }
        let built = Arc::new(build(input)?);
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((input.clone(), Arc::clone(&built)));
        Ok(built)
    }
}

/// Everything the builtins build per input.
#[derive(Clone, Default, Debug)]
pub(crate) struct Indexes {
    /// The snapshot's IAM, indexed (crate::iam).
    pub iam: PerInput<trailguard_iam::SnapshotIndex>,
    /// The CloudWatch chains' first links: delivering trails and their log groups
    /// (crate::monitoring).
    pub chains: PerInput<trailguard_monitoring::Chains>,
    /// What is wrong with AWS Config, per account (crate::monitoring).
    pub config: PerInput<Value>,
}

/// Drops what was built from an input when its evaluation ends ([`Indexes::scope`]).
pub(crate) struct Scope<'a> {
    indexes: &'a Indexes,
    input: &'a Value,
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        self.indexes.iam.forget(self.input);
        self.indexes.chains.forget(self.input);
        self.indexes.config.forget(self.input);
    }
}

impl Indexes {
    /// Drops what was built from `input` when the returned guard goes: an evaluation builds
    /// the indexes of its input and drops them when it ends, so each evaluation pays for its own
    /// (and a benchmark's repeated runs measure that too).
    pub(crate) fn scope<'a>(&'a self, input: &'a Value) -> Scope<'a> {
        Scope {
            indexes: self,
            input,
        }
    }
}
