//! Rules evaluated together (they share `trailguard.lib.powers`) give exactly what each gives
//! alone, and an error in one of them names it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use trailguard_engine::{builtin_sources, snapshot_value, Params, PolicyEngine};
use trailguard_snapshot::Snapshot;

/// Rules that share lib.powers run in one evaluation (crate::batch): the whole-catalogue
/// evaluation must give exactly what evaluating each rule alone gives.
#[test]
fn batched_rules_give_what_each_rule_gives_alone() {
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
                "{name}: the batch ran"
            );
        }
    }
}

/// A rule of a batch that fails is named in the error, as when it runs alone.
#[test]
fn an_error_in_a_batched_rule_names_that_rule() {
    let mut sources = builtin_sources();
    sources.push(trailguard_engine::PolicySource::custom(
        "acme/broken_power.rego",
        "# METADATA\n# title: Broken\n# custom:\n#   id: ACME900\n#   severity: low\npackage acme.broken_power\n\nimport data.trailguard.lib.powers\nimport rego.v1\n\ndeny contains {\"resource\": p.arn, \"message\": sprintf(\"%d\", [to_number(p.name)])} if {\n\tsome p in powers.principals[_]\n}\n",
    ));
    let engine = PolicyEngine::new(&sources, &Params::default()).unwrap();
    let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs");
    let file = Snapshot::load(&inputs.join("demo.json")).unwrap();
    let error = engine
        .evaluate_value(&snapshot_value(&file.snapshot).unwrap())
        .unwrap_err()
        .to_string();
    assert!(error.contains("ACME900"), "{error}");
}
