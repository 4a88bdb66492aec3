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

/// Regression: a batch stopped by the time limit was evaluated again rule by rule, each up to
/// the limit once more, so `--rule-timeout 20` let the run take 38 s. Now every rule of the
/// batch is reported stopped after one limit.
#[test]
fn a_batch_stopped_by_the_time_limit_is_not_evaluated_again_rule_by_rule() {
    use std::time::{Duration, Instant};
    let mut sources = builtin_sources();
    sources.push(trailguard_engine::PolicySource::custom(
        "acme/slow_power.rego",
        "# METADATA\n# title: Slow\n# custom:\n#   id: ACME901\n#   severity: low\npackage acme.slow_power\n\nimport data.trailguard.lib.powers\nimport rego.v1\n\ndeny contains {\"resource\": \"r\", \"message\": sprintf(\"%d\", [n])} if {\n\tcount(powers.principals) >= 0\n\tsome t in input.trails\n\tn := count([1 | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000)])\n}\n",
    ));
    let limit = Duration::from_secs(2);
    let engine = PolicyEngine::with_budget(
        &sources,
        &Params::default(),
        trailguard_engine::Budget::with_rule_timeout(limit),
    )
    .unwrap();
    let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs");
    let file = Snapshot::load(&inputs.join("demo.json")).unwrap();
    let input = snapshot_value(&file.snapshot).unwrap();
    let started = Instant::now();
    let error = engine.evaluate_value(&input).unwrap_err().to_string();
    let elapsed = started.elapsed();
    assert!(error.contains("was stopped after 2 s"), "{error}");
    // One limit and the other rules' time, not a second limit for the slow rule alone.
    assert!(
        elapsed < limit * 2 - Duration::from_millis(300),
        "{elapsed:?}"
    );
}
