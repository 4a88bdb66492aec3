//! trailguard's policy engine (work in progress).
mod evaluation;
mod finding;
pub use evaluation::Evaluation;
pub use finding::{Finding, RuleMeta, Severity, SourceLocation};
