//! `trailguard policy test`: runs every `test_*` rule the way `opa test` does.

use crate::{Budget, Diagnostic, EngineError, Params, PolicySource};
use regorus::Value;
use std::time::{Duration, Instant};

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The test rule was true.
    Pass,
    /// It was false or undefined.
    Fail,
    /// Evaluating it raised an error.
    Error(String),
}

/// One test's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// `data.PACKAGE.test_NAME`.
    pub name: String,
    /// The file that defines it.
    pub file: String,
    /// The line of its first definition.
    pub line: usize,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it took.
    pub duration: Duration,
}

/// All results of a run, in file order.
#[derive(Debug, Clone, Default)]
pub struct TestRun {
    /// One per test.
    pub results: Vec<TestResult>,
}

impl TestRun {
    /// How many passed.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Pass)
            .count()
    }

    /// How many failed or raised an error.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Loads every source (rules, helpers and tests) and runs the tests of the sources for which
/// `selected` holds. Tests see `data.trailguard.params` with `params`. Each test may run for
/// [`crate::DEFAULT_RULE_TIMEOUT`]; [`run_tests_within`] sets another limit.
pub fn run_tests(
    sources: &[PolicySource],
    selected: impl Fn(&PolicySource) -> bool,
    params: &Params,
) -> Result<TestRun, EngineError> {
    run_tests_within(sources, selected, params, Budget::default())
}

/// Like [`run_tests`], each test bounded by `budget` like a rule: a test that runs longer is
/// stopped and reported as an error naming the limit.
pub fn run_tests_within(
    sources: &[PolicySource],
    selected: impl Fn(&PolicySource) -> bool,
    params: &Params,
    budget: Budget,
) -> Result<TestRun, EngineError> {
    let mut engine = regorus::Engine::new();
    let mut diagnostics = Vec::new();
    let mut tests = Vec::new();
    for source in sources {
        match crate::limits::add_policy(&mut engine, source) {
            Ok(package) if selected(source) => {
                for (name, line) in test_rules(&source.text) {
                    tests.push((format!("{package}.{name}"), source.path.clone(), line));
                }
            }
            Ok(_) => {}
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    // Tests get the same sandbox as rules (see `crate::sandbox`).
    diagnostics.extend(crate::sandbox::check(sources.iter()));
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(EngineError::Policies(diagnostics));
    }
    engine.add_data(params.data()).map_err(|e| {
        EngineError::Policies(vec![Diagnostic::new(
            "data.trailguard.params",
            1,
            1,
            e.to_string(),
        )])
    })?;
    engine.set_execution_timer_config(budget.timer());
    let mut run = TestRun::default();
    for (name, file, line) in tests {
        let started = Instant::now();
        let outcome = match engine.eval_rule(name.clone()) {
            Ok(Value::Bool(true)) => Outcome::Pass,
            Ok(_) => Outcome::Fail,
            Err(e) if crate::budget::interpreter_timed_out(&*e) => {
                Outcome::Error(budget.exceeded_by(&name, &file).to_string())
            }
            Err(e) => Outcome::Error(Diagnostic::from_regorus(&file, &e.to_string()).to_string()),
        };
        run.results.push(TestResult {
            name,
            file,
            line,
            outcome,
            duration: started.elapsed(),
        });
    }
    Ok(run)
}

/// The test rules a file defines: rule heads at the start of a line named `test_*`, with the
/// line of their first definition.
fn test_rules(text: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, i + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_fails_and_errors_are_told_apart() {
        let text = "package t\nimport rego.v1\n\ntest_ok if 1 == 1\n\ntest_bad if 1 == 2\n\ntest_boom if {\n  x := 1 / 0\n  x > 0\n}\n";
        let run = run_tests(
            &[PolicySource::custom("t_test.rego", text)],
            |_| true,
            &Params::default(),
        )
        .unwrap();
        let outcomes: Vec<_> = run
            .results
            .iter()
            .map(|r| (r.name.as_str(), r.line, matches!(r.outcome, Outcome::Pass)))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                ("data.t.test_ok", 4, true),
                ("data.t.test_bad", 6, false),
                ("data.t.test_boom", 8, false)
            ]
        );
        assert_eq!((run.passed(), run.failed()), (1, 2));
    }

    #[test]
    fn params_are_visible_to_tests() {
        let text = "package t\nimport rego.v1\ntest_days if data.trailguard.params.retention_days == 365\n";
        let run = run_tests(
            &[PolicySource::custom("t_test.rego", text)],
            |_| true,
            &Params::default(),
        )
        .unwrap();
        assert_eq!(run.passed(), 1);
    }

    #[test]
    fn a_syntax_error_is_reported_with_its_location() {
        let err = run_tests(
            &[PolicySource::custom(
                "x_test.rego",
                "package t\ntest_x if {\n",
            )],
            |_| true,
            &Params::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("x_test.rego:"), "{err}");
    }
}
