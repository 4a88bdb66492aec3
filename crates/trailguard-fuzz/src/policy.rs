//! The `policy` target: a Rego policy file as `--policy` loads it.

use crate::location::assert_inside;
use trailguard_engine::{EngineError, Params, PolicyEngine, PolicySource};

/// The path the fuzzed policy is loaded under.
const PATH: &str = "fuzz/policy.rego";

/// Loads `data` as a user's policy file with [`PolicyEngine::new`]: regorus parses and compiles
/// it, trailguard reads its METADATA, checks its rule and evaluates it once on an empty snapshot.
/// It must be accepted or rejected with diagnostics, never panic or overflow the stack; every
/// diagnostic names the file and a position inside it.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = PolicySource::custom(PATH, text);
    match PolicyEngine::new(&[source], &Params::default()) {
        Ok(engine) => {
            for rule in engine.rules() {
                assert_eq!(rule.source, PATH);
                assert!(!rule.id.is_empty() && !rule.title.is_empty(), "{rule:?}");
            }
        }
        Err(EngineError::Policies(diagnostics)) => {
            assert!(!diagnostics.is_empty(), "an error without a diagnostic");
            for diagnostic in diagnostics {
                let shown = diagnostic.to_string();
                assert_eq!(diagnostic.file, PATH, "{shown}");
                assert_inside(text, diagnostic.line, diagnostic.column, &shown);
            }
        }
        // A rule whose output has the wrong shape, or that fails on the empty snapshot.
        Err(error @ (EngineError::BadOutput { .. } | EngineError::Evaluation { .. })) => {
            let _ = error.to_string();
        }
        Err(error) => panic!("unexpected kind of error for a policy: {error}"),
    }
}
