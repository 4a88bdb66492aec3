//! trailguard's policy engine: loads Rego policies, checks their METADATA, compiles them once
//! with [regorus](https://github.com/microsoft/regorus), and evaluates them over snapshots.
//!
//! - [`builtin_sources`] are trailguard's own rules, embedded in the binary; [`load_path`] reads
//!   a user's `.rego` file or directory.
//! - [`PolicyEngine::new`] validates every rule (METADATA with a unique id, a known severity and
//!   a title; `deny` a set of objects) and reports every problem as `file:line:col: message`.
//! - [`PolicyEngine::evaluate`] runs every rule over a snapshot on regorus's RVM (or its
//!   interpreter, [`Backend`]) and returns [`Finding`]s, most severe first.
//! - [`run_tests`] runs `test_*` rules like `opa test`.
//!
//! Policies get no access to the environment, files or network: regorus's `opa-runtime`, `http`
//! and `net` features are not compiled in, and the clock and random builtins it does have are
//! refused when policies are loaded, as is any call of an unknown function. Each rule runs within
//! a [`Budget`] (a time limit, on the RVM and the interpreter alike).
//!
//! ```
//! use trailguard_engine::{Backend, Params, PolicyEngine, PolicySource};
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
//! let findings = engine.evaluate(&snapshot, Backend::Rvm).unwrap();
//! assert_eq!(findings[0].rule_id, "ACME001");
//! assert_eq!(findings[0].message, "no trail at all");
//! ```

mod batch;
mod budget;
mod diagnostic;
mod engine;
mod error;
mod evaluation;
mod finding;
mod limits;
mod metadata;
mod params;
mod rvm_safety;
mod sandbox;
mod source;
mod testing;
mod waiver;

pub use budget::{Budget, DEFAULT_RULE_TIMEOUT};
pub use diagnostic::Diagnostic;
pub use engine::{relative_uri, snapshot_value, Backend, PolicyEngine, MAX_EVAL_THREADS};
pub use error::EngineError;
pub use evaluation::Evaluation;
pub use finding::{Finding, RuleMeta, Severity, SourceLocation, GAP_RULE};
pub use limits::MAX_NESTING;
pub use params::{Config, Params, PARAMETERS};
pub use source::{builtin_sources, load_path, overlay, PolicySource};
pub use testing::{run_tests, run_tests_within, Outcome, TestResult, TestRun};
pub use waiver::{Date, WaivedFinding, Waiver, WaiverLimits, WaiverNotice, WaiverStatus, Waivers};
