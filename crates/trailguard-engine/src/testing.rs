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
    /// What it printed with `print()`, in order, each line after the `file:line` of its
    /// `print` call (also when it failed, raised an error or panicked).
    pub prints: Vec<String>,
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

/// Like [`run_tests`], each test bounded by `budget` like a rule: a test that runs longer, or
/// while which the process's memory passes the memory limit, is stopped and reported as an
/// error naming the limit. (Tests run one at a time, so the memory is the test's own.)
pub fn run_tests_within(
    sources: &[PolicySource],
    selected: impl Fn(&PolicySource) -> bool,
    params: &Params,
    budget: Budget,
) -> Result<TestRun, EngineError> {
    let (
        crate::loader::Loaded {
            mut engine, files, ..
        },
        mut diagnostics,
    ) = crate::loader::load(sources, params)?;
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(EngineError::Policies(diagnostics));
    }
    let tests: Vec<(String, String, usize)> = files
        .iter()
        .filter(|(source, _)| selected(source))
        .flat_map(|(source, parsed)| {
            parsed.tests().into_iter().map(|(name, line)| {
                (
                    format!("data.{}.{name}", parsed.package),
                    source.path.clone(),
                    line,
                )
            })
        })
        .collect();
    engine.set_execution_timer_config(budget.timer());
    engine.set_gather_prints(true);
    let _ceiling = crate::budget::Ceiling::enter(budget.memory_limit)?;
    // On a thread with the large stack rules get, each test's panic caught and reported.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("trailguard-test".into())
            .stack_size(crate::EVAL_STACK_SIZE)
            .spawn_scoped(scope, move || {
                let mut run = TestRun::default();
                let mut engine = Some(engine);
                for (name, file, line) in tests {
                    let started = Instant::now();
                    let (outcome, prints) = match engine.as_mut() {
                        Some(engine) => test_one(engine, &name, &file, &budget),
                        None => (
                            Outcome::Error("not run: an earlier test broke the engine".into()),
                            Vec::new(),
                        ),
                    };
                    if matches!(&outcome, Outcome::Error(e) if e.starts_with(PANICKED)) {
                        engine = None;
                    }
                    run.results.push(TestResult {
                        name,
                        file,
                        line,
                        outcome,
                        duration: started.elapsed(),
                        prints,
                    });
                }
                run
            })
            .map_err(|e| EngineError::Thread(e.to_string()))?
            .join()
            .map_err(|_| EngineError::Thread("the test thread stopped".into()))
    })
}

/// How an [`Outcome::Error`] of a panicking test starts.
const PANICKED: &str = "the Rego engine panicked";

/// Runs one test rule: how it ended, and what it printed.
fn test_one(
    engine: &mut regorus::Engine,
    name: &str,
    file: &str,
    budget: &Budget,
) -> (Outcome, Vec<String>) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.eval_rule(name.to_string())
    }));
    let outcome = outcome(result, name, file, budget);
    // Also after a panic: the prints gathered so far are only moved out.
    match engine.take_prints() {
        Ok(prints) => (outcome, prints),
        // What it printed is part of its result: losing it is an error, not an empty list.
        Err(e) => (
            Outcome::Error(format!("its print() output could not be read: {e}")),
            Vec::new(),
        ),
    }
}

/// How a test's evaluation ended.
fn outcome(
    result: std::thread::Result<anyhow::Result<Value>>,
    name: &str,
    file: &str,
    budget: &Budget,
) -> Outcome {
    match result {
        Ok(Ok(Value::Bool(true))) => Outcome::Pass,
        Ok(Ok(_)) => Outcome::Fail,
        Ok(Err(e)) => match budget.stopped(&*e, name, file) {
            Some(stopped) => Outcome::Error(stopped.to_string()),
            None => Outcome::Error(Diagnostic::from_regorus(file, &e.to_string()).to_string()),
        },
        Err(_) => Outcome::Error(format!("{PANICKED} evaluating {name} ({file})")),
    }
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
    fn what_each_test_prints_is_kept_with_it_pass_fail_or_error() {
        let text = "package t\nimport rego.v1\n\ntest_ok if {\n  print(\"ok\", 1)\n}\n\ntest_bad if {\n  print(\"saw\", {\"a\": 2})\n  1 == 2\n}\n\ntest_boom if {\n  print(\"before\")\n  x := 1 / 0\n  x > 0\n}\n\ntest_quiet if 1 == 1\n";
        let run = run_tests(
            &[PolicySource::custom("t_test.rego", text)],
            |_| true,
            &Params::default(),
        )
        .unwrap();
        let prints: Vec<_> = run
            .results
            .iter()
            .map(|r| (r.name.as_str(), r.prints.clone()))
            .collect();
        assert_eq!(
            prints,
            vec![
                ("data.t.test_ok", vec!["t_test.rego:5: ok 1".to_string()]),
                (
                    "data.t.test_bad",
                    vec!["t_test.rego:9: saw {\"a\": 2}".to_string()]
                ),
                (
                    "data.t.test_boom",
                    vec!["t_test.rego:14: before".to_string()]
                ),
                ("data.t.test_quiet", vec![]),
            ]
        );
    }

    #[test]
    fn an_unsafe_variable_in_one_test_file_is_that_files_error_not_every_tests() {
        let fine = "package a_test\nimport rego.v1\n\ntest_ok if 1 == 1\n";
        let broken = "package b_test\nimport rego.v1\n\ntest_broken if {\n\tx == 1\n\tundefined_thing[x]\n}\n";
        let err = run_tests(
            &[
                PolicySource::custom("a_test.rego", fine),
                PolicySource::custom("b_test.rego", broken),
            ],
            |_| true,
            &Params::default(),
        )
        .unwrap_err();
        let EngineError::Policies(diagnostics) = &err else {
            panic!("not a policy error: {err}");
        };
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(diagnostics.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with("b_test.rego:6:")
                && shown[0].contains("undefined_thing")
                && shown[0].contains("unsafe"),
            "{shown:?}"
        );
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
