//! What builtins build once per snapshot and answer from: the IAM index of the
//! `trailguard.iam.*` builtins, the CloudWatch chains of `trailguard.monitoring.coverage`, the
//! AWS Config verdicts of `trailguard.config.problems`, the trails grouped by a field of
//! `trailguard.snapshot.trails_by`.
//!
//! A builtin takes `input` as an argument, so it stays a function of its arguments: a Rego
//! test's `with input as {...}` gets the answer for its own input. What it builds from an input is
//! built on the first call and kept per input (by identity, holding the value so it cannot be
//! freed and its address reused) for a few inputs at a time, and dropped when the evaluation
//! that built it ends ([`Indexes::scope`]).
//!
//! A whole-catalogue evaluation builds the indexes its policies call for before any rule runs,
//! one per evaluation thread ([`Indexes::prebuild`]): built by the first rule that asks, an index
//! kept every other thread that asked for it waiting while it was built (the IAM index of a
//! 100,000-resource organisation takes a quarter of a second).

use regorus::Value;
use std::sync::{Arc, Mutex, PoisonError};
use trailguard_patterns::PatternCache;

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
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(value, _)| !same(value, input));
    }

    /// What `build` makes of `input`, built on first use. The cache stays locked while it is
    /// built, so threads evaluating the same input build it once. A build that fails (or
    /// panics) keeps nothing: the next caller builds again, and gets the same error itself.
    pub(crate) fn get(
        &self,
        input: &Value,
        build: impl FnOnce(&Value) -> anyhow::Result<T>,
    ) -> anyhow::Result<Arc<T>> {
        // A panic while the lock was held can only have come from `build`, before the list was
        // touched: the list is whole, and the panic is the panicking caller's error.
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
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

/// An index builtins build per input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Index {
    /// [`Indexes::iam`].
    Iam,
    /// [`Indexes::chains`].
    Chains,
    /// [`Indexes::config`].
    Config,
}

impl Index {
    /// Every index.
    pub const ALL: [Index; 3] = [Index::Iam, Index::Chains, Index::Config];

    /// The builtins that answer from this index.
    pub fn builtins(self) -> &'static [&'static str] {
        match self {
            Index::Iam => &[
                "trailguard.iam.principals_that_can",
                "trailguard.iam.holders",
                "trailguard.delivery.to_bucket",
                "trailguard.delivery.to_key",
                "trailguard.iam.decide_in",
            ],
            Index::Chains => &["trailguard.monitoring.coverage"],
            Index::Config => &["trailguard.config.problems"],
        }
    }

    /// The indexes that policies calling these functions (by name, as written) build.
    pub fn called_by<'a>(calls: impl IntoIterator<Item = &'a str>) -> Vec<Index> {
        let calls: std::collections::BTreeSet<&str> = calls.into_iter().collect();
        Index::ALL
            .into_iter()
            .filter(|index| index.builtins().iter().any(|b| calls.contains(b)))
            .collect()
    }
}

/// Everything the builtins build per input.
#[derive(Clone, Default, Debug)]
pub(crate) struct Indexes {
    /// Parsed CloudWatch Logs filter patterns and EventBridge event patterns, by text, for the
    /// life of the engine (crate::patterns, crate::monitoring).
    pub patterns: Arc<PatternCache>,
    /// The snapshot's IAM, indexed (crate::iam).
    pub iam: PerInput<trailguard_iam::SnapshotIndex>,
    /// The CloudWatch chains' first links: delivering trails and their log groups
    /// (crate::monitoring).
    pub chains: PerInput<trailguard_monitoring::Chains>,
    /// What is wrong with AWS Config, per account (crate::monitoring).
    pub config: PerInput<Value>,
    /// The trails grouped by a field (crate::trails_by).
    pub trails_by: crate::trails_by::TrailGroups,
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
        self.indexes.trails_by.forget(self.input);
    }
}

impl Indexes {
    /// Builds `index` for `input` now, so that the rules that ask for it find it built.
    ///
    /// What it fails with is not lost: nothing is kept from a failed build, so each rule that
    /// asks for the index builds it again and fails with the same error, naming the rule (a
    /// rule that does not ask is not concerned).
    pub(crate) fn prebuild(&self, index: Index, input: &Value) -> anyhow::Result<()> {
        match index {
            Index::Iam => self.iam.index(input).map(drop),
            Index::Chains => {
                crate::monitoring::chains(&self.chains, &self.patterns, input).map(drop)
            }
            Index::Config => crate::monitoring::problems(&self.config, input).map(drop),
        }
    }

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // Tests: fail loudly.

    use super::*;
    use crate::{Params, PolicyEngine, PolicySource};

    /// A rule file calling `call`.
    fn rule(id: &str, call: &str) -> PolicySource {
        PolicySource::custom(
            format!("acme/{id}.rego"),
            format!(
                "# METADATA\n# title: probe\n# custom:\n#   id: {id}\n#   severity: low\n\
                 package acme.{id}\nimport rego.v1\n\
                 deny contains {{\"resource\": \"x\", \"message\": \"y\"}} if {{\n\
                 \tcount({call}) < 0\n}}\n"
            ),
        )
    }

    #[test]
    fn every_index_builtin_is_a_registered_function() {
        for index in Index::ALL {
            for name in index.builtins() {
                let call = match *name {
                    "trailguard.iam.principals_that_can" => format!("{name}(input, \"a\", \"b\")"),
                    // Each rule is checked on an empty snapshot at load: ask of its trails only.
                    "trailguard.delivery.to_bucket" | "trailguard.delivery.to_key" => {
                        format!("[x | some arn, _ in input.trails; x := {name}(input, arn, \"b\")]")
                    }
                    "trailguard.iam.decide_in" => {
                        format!("[x | some _ in input.trails; x := {name}(input, {{}})]")
                    }
                    "trailguard.monitoring.coverage" | "trailguard.iam.holders" => {
                        format!("{name}(input, [])")
                    }
                    _ => format!("{name}(input)"),
                };
                let engine = PolicyEngine::new(&[rule("P1", &call)], &Params::default());
                let engine = engine.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(engine.prebuild, vec![index], "{name}");
            }
        }
        // The check can fail: an unknown function is refused when policies load.
        let misspelt = rule("P1", "trailguard.config.problem(input)");
        assert!(PolicyEngine::new(&[misspelt], &Params::default()).is_err());
    }

    #[test]
    fn the_indexes_prebuilt_are_those_the_policies_call() {
        let plain = PolicyEngine::new(&[rule("P1", "input.trails")], &Params::default()).unwrap();
        assert!(plain.prebuild.is_empty());
        let builtin = PolicyEngine::new(&crate::builtin_sources(), &Params::default()).unwrap();
        assert_eq!(builtin.prebuild, Index::ALL.to_vec());
        assert_eq!(
            Index::called_by([
                "count",
                "trailguard.iam.holders",
                "trailguard.config.problems"
            ]),
            vec![Index::Iam, Index::Config]
        );
    }

    fn holds<T>(cache: &PerInput<T>, input: &Value) -> bool {
        cache.0.lock().unwrap().iter().any(|(v, _)| same(v, input))
    }

    #[test]
    fn a_prebuild_keeps_the_index_for_the_rules() {
        let indexes = Indexes::default();
        let input = Value::from_json_str(r#"{"accounts": {}}"#).unwrap();
        let scope = indexes.scope(&input);
        for index in Index::ALL {
            indexes.prebuild(index, &input).unwrap();
        }
        assert!(holds(&indexes.iam, &input));
        assert!(holds(&indexes.chains, &input));
        assert!(holds(&indexes.config, &input));
        drop(scope);
        assert!(
            !holds(&indexes.chains, &input),
            "dropped when the evaluation ends"
        );
    }

    #[test]
    fn a_failed_prebuild_is_each_asking_rules_error() {
        // Not a snapshot: the prebuild fails, and so does the rule that asks, by name.
        let engine = PolicyEngine::new(
            &[rule("P1", "trailguard.config.problems(input)")],
            &Params::default(),
        )
        .unwrap();
        let error = engine
            .run(&Value::from_json_str("[1]").unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("P1"), "{error}");
        assert!(error.contains("input must be a snapshot"), "{error}");
    }

    #[test]
    fn a_build_that_panicked_leaves_the_cache_usable() {
        let cache: PerInput<u32> = PerInput::default();
        let input = Value::from_json_str("{}").unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cache.get(&input, |_| panic!("the build failed"))
        }));
        assert!(panicked.is_err());
        assert_eq!(*cache.get(&input, |_| Ok(7)).unwrap(), 7);
        assert_eq!(*cache.get(&input, |_| Ok(8)).unwrap(), 7, "built once");
    }
}
