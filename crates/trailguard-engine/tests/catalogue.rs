//! The whole catalogue, evaluated rules in parallel, gives exactly what each rule gives alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use trailguard_engine::{builtin_sources, snapshot_value, Params, PolicyEngine};
use trailguard_snapshot::Snapshot;

/// Rules run on several threads, sharing the IAM index of `trailguard.iam.principals_that_can`:
/// the whole-catalogue evaluation must give exactly what evaluating each rule alone gives.
#[test]
fn the_catalogue_gives_what_each_rule_gives_alone() {
    let engine = PolicyEngine::new(&builtin_sources(), &Params::default()).unwrap();
    let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs");
    for name in ["demo.json", "broken.json", "compliant.json"] {
        let file = Snapshot::load(&inputs.join(name)).unwrap();
        let input = snapshot_value(&file.snapshot).unwrap();
        let mut one_by_one = Vec::new();
        for rule in engine.rules() {
            one_by_one.extend(engine.evaluate_rule(&rule.id, &input).unwrap());
        }
        let mut together = engine.evaluate_value(&input).unwrap();
        let key = |f: &trailguard_engine::Finding| {
            (f.rule_id.clone(), f.resource.clone(), f.message.clone())
        };
        one_by_one.sort_by_key(key);
        together.sort_by_key(key);
        assert_eq!(together, one_by_one, "{name}");
        if name != "compliant.json" {
            assert!(
                together.iter().any(|f| f.rule_id == "TG065"),
                "{name}: the IAM rules ran"
            );
        }
    }
}
