//! trailguard's policy engine: loads Rego policies, checks their METADATA, compiles them once
//! with [regorus](https://github.com/microsoft/regorus), and evaluates them over snapshots.
//!
//! - [`builtin_sources`] are trailguard's own rules, embedded in the binary; [`load_path`] reads
//!   a user's `.rego` file or directory.
//! - [`PolicyEngine::new`] validates every rule (METADATA with a unique id, a known severity and
//!   a title; `deny` a set of objects) and reports every problem as `file:line:col: message`.
//!   Rego is read by regorus alone: rule discovery, METADATA, the sandbox, tests and overlays all
//!   come from its parse tree.
//! - [`PolicyEngine::evaluate`] runs every rule over a snapshot on regorus's interpreter, with
//!   strict builtin errors, and returns [`Finding`]s, most severe first. Any rule's error is the
//!   evaluation's error and names the rule: a rule that cannot run never reads as "no finding".
//! - [`run_tests`] runs `test_*` rules like `opa test`.
//!
//! Policies get no access to the environment, files or network: regorus's `opa-runtime`, `http`
//! and `net` features are not compiled in, and the clock and random builtins it does have are
//! refused when policies are loaded, as is any call of an unknown function. Each rule runs within
//! a [`Budget`] (a time limit and a memory limit), on a thread with a large stack, with size-bomb
//! builtins bounded.
//!
//! ```
//! use trailguard_engine::{Params, PolicyEngine, PolicySource};
//! use trailguard_snapshot::Snapshot;
//!
//! let rule = PolicySource::custom("acme/no_trails.rego", r#"
//! ## METADATA
//! ## title: The snapshot holds no trail
//! ## custom:
//! ##   id: ACME001
//! ##   severity: high
//! package acme.no_trails
//! import rego.v1
//! deny contains {"resource": "snapshot", "message": "no trail at all"} if count(input.trails) == 0
//! "#);
//! let engine = PolicyEngine::new(&[rule], &Params::default()).unwrap();
//! let snapshot = Snapshot::from_json(r#"{"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z"}"#).unwrap();
//! let findings = engine.evaluate(&snapshot).unwrap();
//! assert_eq!(findings[0].rule_id, "ACME001");
//! assert_eq!(findings[0].message, "no trail at all");
//! ```

mod budget;
mod deny;
mod diagnostic;
mod engine;
mod error;
mod evaluation;
mod extensions;
mod finding;
mod iam;
mod input;
mod loader;
mod locate;
mod machine_memory;
mod metadata;
mod monitoring;
mod params;
mod patterns;
mod per_input;
mod rego;
mod run;
mod sandbox;
mod source;
mod testing;
mod trails_by;
mod waiver;

pub use budget::{default_memory_limit, Budget, DEFAULT_RULE_TIMEOUT};
pub use diagnostic::Diagnostic;
pub use engine::{PolicyEngine, MAX_EVAL_THREADS};
pub use error::EngineError;
pub use evaluation::Evaluation;
pub use extensions::{MAX_FORMAT_WIDTH, MAX_RANGE};
pub use finding::{Finding, RuleMeta, Severity, SourceLocation, GAP_RULE};
pub use input::snapshot_value;
pub use locate::relative_uri;
pub use params::{Config, Params, PARAMETERS};
pub use rego::{MAX_EXPRESSION_DEPTH, MAX_NESTING};
pub use run::{Print, RuleCost, Run, EVAL_STACK_SIZE};
pub use source::{builtin_sources, load_path, overlay, Override, PolicySource};
pub use testing::{run_tests, run_tests_within, Outcome, TestResult, TestRun};
pub use waiver::{Date, WaivedFinding, Waiver, WaiverLimits, WaiverNotice, WaiverStatus, Waivers};
