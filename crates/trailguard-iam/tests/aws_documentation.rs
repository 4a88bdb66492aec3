//! The cases of AWS's policy evaluation documentation, as data: `cases/aws_documentation.json`
//! holds one question per case (in the form `trailguard.iam.decide` takes, see
//! `src/question.rs`) with the page it comes from, the verdict AWS documents and, for a
//! conditional verdict, exactly what it depends on (`conditions`); `unless` lists the unread
//! control policies that could still deny an allowed request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::Value;
use std::collections::BTreeSet;
use trailguard_iam::*;

const CASES: &str = include_str!("cases/aws_documentation.json");

#[test]
fn every_documented_case_gets_the_documented_verdict() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    assert!(cases.len() >= 40, "the table lost cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let mut question = case.clone();
        let q = question.as_object_mut().unwrap();
        for key in ["name", "source", "expect", "conditions", "unless"] {
            q.remove(key);
        }
        let decision = ask(&question).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = case["expect"].as_str().unwrap();
        if format!("{:?}", decision.verdict) != expected {
            failures.push(format!(
                "{name} ({}): expected {expected}, got {decision:?}",
                case["source"]
            ));
            continue;
        }
        if let Some(conditions) = case.get("conditions") {
            let expected: BTreeSet<String> = conditions
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            if decision.conditions != expected {
                failures.push(format!(
                    "{name}: conditions {:?}, expected {expected:?}",
                    decision.conditions
                ));
            }
        }
        if let Some(unless) = case.get("unless") {
            let expected: BTreeSet<String> = unless
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            if decision.unless != expected {
                failures.push(format!(
                    "{name}: unless {:?}, expected {expected:?}",
                    decision.unless
                ));
            }
        }
        // What a decision names must match its verdict.
        let root = case["principal"]["kind"] == "root";
        match decision.verdict {
            Verdict::Deny if decision.denied_by.is_empty() => {
                failures.push(format!("{name}: a deny that names no statement"))
            }
            Verdict::Allow if decision.grants.is_empty() && !root => {
                failures.push(format!("{name}: an allow that names no statement"))
            }
            Verdict::Conditional if decision.conditions.is_empty() => failures.push(format!(
                "{name}: a conditional verdict that names no condition"
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
