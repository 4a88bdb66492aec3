//! The RVM and the interpreter must agree, rule by rule, on every shipped snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use trailguard_engine::{builtin_sources, snapshot_value, Backend, Params, PolicyEngine};
use trailguard_snapshot::Snapshot;

#[test]
fn rvm_and_interpreter_agree_rule_by_rule_on_every_shipped_snapshot() {
    let engine = PolicyEngine::new(&builtin_sources(), &Params::default()).unwrap();
    let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs");
    let mut disagreements = Vec::new();
    for name in ["demo.json", "broken.json", "compliant.json"] {
        let file = Snapshot::load(&inputs.join(name)).unwrap();
        let input = snapshot_value(&file.snapshot);
        for rule in engine.rules() {
            let rvm = engine.evaluate_rule(&rule.id, &input, Backend::Rvm);
            let interpreter = engine
                .evaluate_rule(&rule.id, &input, Backend::Interpreter)
                .unwrap();
            match rvm {
                Ok(rvm) if rvm == interpreter => {}
                Ok(rvm) => disagreements.push(format!(
                    "{name} {}: rvm {} findings {:?}\n    interpreter {} findings {:?}",
                    rule.id,
                    rvm.len(),
                    rvm.iter().map(|f| &f.resource).collect::<Vec<_>>(),
                    interpreter.len(),
                    interpreter.iter().map(|f| &f.resource).collect::<Vec<_>>()
                )),
                Err(e) => disagreements.push(format!("{name} {}: rvm error {e}", rule.id)),
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
