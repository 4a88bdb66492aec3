//! The two constructs regorus 0.14's RVM gets silently wrong, and proof that the engine keeps
//! rules using them on the interpreter.
//!
//! `raw_rvm_*` run regorus directly. When an upgrade of regorus fixes a bug, its test fails:
//! then drop that construct from `src/rvm_safety.rs` and this test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
use regorus::Value;
use trailguard_engine::{Backend, Params, PolicyEngine, PolicySource};

const INPUT: &str =
    r#"{"m": {"a": {"B": "x", "N": 1}, "b": {"B": "x", "N": 2}, "c": {"B": "y", "N": 3}}}"#;

/// A rule whose index is a multi-value rule with a ref head: 2 findings (a and b share B = x).
const MULTI_VALUE: &str = "idx[b] contains k if {\n\tsome k, v in input.m\n\tb := v.B\n}\n\ndeny contains {\"resource\": k, \"message\": \"shares its B\"} if {\n\tsome k, v in input.m\n\tcount(idx[v.B]) > 1\n}\n";

/// A rule whose helper's `else` follows an iteration that finds nothing: 3 findings.
const ELSE_AFTER_ITERATION: &str = "big(xs) := false if {\n\tsome x in xs\n\tx > 10\n} else := true\n\ndeny contains {\"resource\": k, \"message\": \"small\"} if {\n\tsome k, v in input.m\n\tbig([v.N])\n}\n";

fn raw(body: &str, backend_rvm: bool) -> usize {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(
            "p.rego".into(),
            format!("package p\n\nimport rego.v1\n\n{body}"),
        )
        .unwrap();
    let input = Value::from_json_str(INPUT).unwrap();
    let value = if backend_rvm {
        let rule: regorus::Rc<str> = regorus::Rc::from("data.p.deny");
        let compiled = engine.compile_with_entrypoint(&rule).unwrap();
        let program = Compiler::compile_from_policy(&compiled, &["data.p.deny"]).unwrap();
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_input(input);
        vm.execute().unwrap()
    } else {
        engine.set_input(input);
        engine.eval_rule("data.p.deny".into()).unwrap()
    };
    match value {
        Value::Set(s) => s.len(),
        _ => 0,
    }
}

#[test]
fn raw_rvm_drops_multi_value_ref_head_rules() {
    assert_eq!(raw(MULTI_VALUE, false), 2);
    assert_eq!(
        raw(MULTI_VALUE, true),
        0,
        "regorus fixed it: see the module docs"
    );
}

#[test]
fn raw_rvm_skips_else_after_an_empty_iteration() {
    assert_eq!(raw(ELSE_AFTER_ITERATION, false), 3);
    assert_ne!(
        raw(ELSE_AFTER_ITERATION, true),
        3,
        "regorus fixed it: see the module docs"
    );
}

fn engine_for(body: &str) -> PolicyEngine {
    let text = format!("# METADATA\n# title: t\n# custom:\n#   id: X1\n#   severity: low\npackage t.r\n\nimport rego.v1\n\n{body}");
    PolicyEngine::new(&[PolicySource::custom("r.rego", text)], &Params::default()).unwrap()
}

#[test]
fn the_engine_keeps_those_rules_on_the_interpreter_and_gets_them_right() {
    let input = Value::from_json_str(INPUT).unwrap();
    for (body, expected) in [(MULTI_VALUE, 2), (ELSE_AFTER_ITERATION, 3)] {
        let engine = engine_for(body);
        assert_eq!(engine.backend_of("X1", Backend::Rvm), Backend::Interpreter);
        assert_eq!(engine.interpreted_rules().len(), 1);
        assert_eq!(
            engine.evaluate_value(&input, Backend::Rvm).unwrap().len(),
            expected
        );
    }
}

#[test]
fn a_rule_without_those_constructs_runs_on_the_rvm() {
    let engine = engine_for("deny contains {\"resource\": k, \"message\": sprintf(\"%s is big\", [k])} if {\n\tsome k, v in input.m\n\tv.N > 1\n}\n");
    assert_eq!(engine.backend_of("X1", Backend::Rvm), Backend::Rvm);
    let input = Value::from_json_str(INPUT).unwrap();
    let rvm = engine.evaluate_value(&input, Backend::Rvm).unwrap();
    assert_eq!(
        rvm,
        engine.evaluate_value(&input, Backend::Interpreter).unwrap()
    );
    assert_eq!(rvm.len(), 2);
}
