//! Evaluating the catalogue over a snapshot: one path, regorus's interpreter with strict builtin
//! errors, rules spread over threads with large stacks, every panic caught and every missing
//! result an error that names the rule.

use crate::deny::{findings_from, sort_findings};
use crate::engine::CompiledRule;
use crate::{EngineError, Finding, PolicyEngine};
use regorus::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use trailguard_snapshot::Snapshot;

/// The stack of each evaluation thread. regorus's interpreter recurses once per nested
/// expression, rule and function call; with policy nesting, expression depth and recursion
/// bounded at load ([`crate::MAX_NESTING`], [`crate::MAX_EXPRESSION_DEPTH`]), this is ample. The
/// memory is reserved, not committed, until used; it still counts against an address-space
/// limit (`ulimit -v`), so it is not larger than it needs to be.
pub const EVAL_STACK_SIZE: usize = 32 * 1024 * 1024;

/// What one evaluation produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    /// Findings, most severe first, then by rule id, resource and message.
    pub findings: Vec<Finding>,
    /// What the rules `print()`ed, in rule order: raw policy output, to be escaped before it
    /// reaches a terminal.
    pub prints: Vec<Print>,
    /// What each rule cost, slowest first.
    pub profile: Vec<RuleCost>,
}

/// One line a rule printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Print {
    /// The rule that printed it.
    pub rule: String,
    /// The text, as the policy made it (control characters included).
    pub text: String,
}

/// The cost of one rule's evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCost {
    /// The rule id.
    pub rule: String,
    /// Wall-clock time.
    pub duration: Duration,
    /// How many findings it produced.
    pub results: usize,
}

/// A rule's outcome: its findings or error, with the rule's index.
struct Done {
    results: Vec<(usize, Result<Vec<Finding>, EngineError>)>,
    prints: Vec<Print>,
    cost: RuleCost,
}

impl PolicyEngine {
    /// Evaluates every rule over a snapshot. Findings are sorted most severe first, then by rule
    /// id, resource and message; they carry no location yet.
    pub fn evaluate(&self, snapshot: &Snapshot) -> Result<Vec<Finding>, EngineError> {
        Ok(self.run_snapshot(snapshot)?.findings)
    }

    /// [`PolicyEngine::run`] over a snapshot, converted to the `input` document.
    pub(crate) fn run_snapshot(&self, snapshot: &Snapshot) -> Result<Run, EngineError> {
        let input = crate::snapshot_value(snapshot)?;
        let run = self.run(&input);
        // Freeing a large input tree takes about as long as evaluating it; do it off the
        // caller's path (a CLI exiting meanwhile loses nothing: the OS reclaims the memory).
        std::thread::spawn(move || drop(input));
        run
    }

    /// Like [`PolicyEngine::evaluate`], on a snapshot already converted to a regorus value.
    pub fn evaluate_value(&self, input: &Value) -> Result<Vec<Finding>, EngineError> {
        Ok(self.run(input)?.findings)
    }

    /// Evaluates every rule over `input`, with what the rules printed and what each rule cost.
    ///
    /// Rules are independent, so they are spread over up to [`crate::MAX_EVAL_THREADS`] threads
    /// (no more than the machine's cores); results are taken in rule order, so they do not
    /// depend on scheduling. Any rule's error (a builtin's error, a conflict, the time or memory
    /// limit, a panic inside regorus) is the evaluation's error and names the rule: the first in
    /// id order.
    ///
    /// The memory limit counts the whole process, so a rule stopped by it while other rules ran
    /// may have been stopped for their allocations: each such rule is run again alone, after the
    /// others, and only a rule that passes the limit alone is reported.
    pub fn run(&self, input: &Value) -> Result<Run, EngineError> {
        let _indexes = self.indexes.scope(input);
        let _ceiling = crate::budget::Ceiling::enter(self.budget.memory_limit)?;
        let units: Vec<usize> = (0..self.rules.len()).collect();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(crate::MAX_EVAL_THREADS)
            .min(units.len())
            .max(1);
        // The threads first build the indexes the policies call for, one each, then take the
        // rules in order: an index left to the first rule that asks keeps every other thread
        // that asks waiting while it is built.
        let builds = &self.prebuild;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<Done> = std::thread::scope(|scope| {
            let mut handles = Vec::new();
            for n in 0..workers {
                let (next, units) = (&next, &units);
                let spawned = std::thread::Builder::new()
                    .name(format!("trailguard-eval-{n}"))
                    .stack_size(EVAL_STACK_SIZE)
                    .spawn_scoped(scope, move || {
                        let mut engine = None;
                        let mut out = Vec::new();
                        loop {
                            let u = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if let Some(index) = builds.get(u) {
                                // Failing here loses nothing: nothing failed is kept, so each
                                // rule that asks for the index fails the same way, by name.
                                let built = catch_unwind(AssertUnwindSafe(|| {
                                    self.indexes.prebuild(*index, input)
                                }));
                                drop(built);
                                continue;
                            }
                            let Some(unit) = units.get(u - builds.len()) else {
                                break;
                            };
                            out.push(self.run_unit(*unit, input, &mut engine));
                        }
                        out
                    });
                match spawned {
                    Ok(handle) => handles.push(handle),
                    // Fewer workers is fine as long as one runs; the units are shared.
                    Err(e) if n > 0 => drop(e),
                    Err(e) => return Err(EngineError::Thread(e.to_string())),
                }
            }
            let mut done = Vec::new();
            for handle in handles {
                // `run_unit` catches panics, so a worker cannot end in one; if it did, the
                // rules it held are reported missing below.
                if let Ok(out) = handle.join() {
                    done.extend(out);
                }
            }
            Ok(done)
        })?;
        let mut results: Vec<(usize, Result<Vec<Finding>, EngineError>)> =
            done.iter_mut().flat_map(|d| d.results.drain(..)).collect();
        results.sort_by_key(|(i, _)| *i);
        let stopped: Vec<usize> = results
            .iter()
            .filter(|(_, r)| r.as_ref().is_err_and(crate::budget::is_memory_limit))
            .map(|(i, _)| *i)
            .collect();
        if workers > 1 && !stopped.is_empty() {
            for again in self.run_alone(&stopped, input)? {
                for (i, result) in again.results {
                    if let Some(slot) = results.iter_mut().find(|(j, _)| *j == i) {
                        slot.1 = result;
                    }
                }
                // What it printed the second time, with what the first try printed; the first
                // try's cost stands for the rule in the profile.
                if let Some(first) = done.iter_mut().find(|d| d.cost.rule == again.cost.rule) {
                    first.prints.extend(again.prints);
                }
            }
        }
        let mut findings = Vec::new();
        let mut evaluated = vec![false; self.rules.len()];
        for (i, result) in results {
            findings.extend(result?);
            if let Some(slot) = evaluated.get_mut(i) {
                *slot = true;
            }
        }
        if let Some(missing) = evaluated.iter().position(|done| !done) {
            let rule = &self.rules[missing].meta;
            return Err(EngineError::Panic {
                rule: rule.id.clone(),
                source_path: rule.source.clone(),
                message: "its evaluation thread stopped without a result".into(),
            });
        }
        sort_findings(&mut findings);
        // Prints in the order of the units, so output does not depend on scheduling.
        let mut prints = Vec::new();
        let mut costs = Vec::new();
        for d in done {
            prints.push((d.cost.rule.clone(), d.prints));
            costs.push(d.cost);
        }
        prints.sort_by(|a, b| a.0.cmp(&b.0));
        costs.sort_by(|a, b| {
            b.duration
                .cmp(&a.duration)
                .then_with(|| a.rule.cmp(&b.rule))
        });
        Ok(Run {
            findings,
            prints: prints.into_iter().flat_map(|(_, p)| p).collect(),
            profile: costs,
        })
    }

    /// Evaluates one rule, by id, over a snapshot already converted to a regorus value.
    pub fn evaluate_rule(&self, id: &str, input: &Value) -> Result<Vec<Finding>, EngineError> {
        let _indexes = self.indexes.scope(input);
        let Some(index) = self.rules.iter().position(|r| r.meta.id == id) else {
            return Err(EngineError::UnknownRule(id.to_string()));
        };
        let _ceiling = crate::budget::Ceiling::enter(self.budget.memory_limit)?;
        let mut findings = Vec::new();
        for done in self.run_alone(&[index], input)? {
            for (_, result) in done.results {
                findings.extend(result?);
            }
        }
        sort_findings(&mut findings);
        Ok(findings)
    }

    /// Evaluates each of these rules alone, one after the other, on one thread with the stack
    /// rules need.
    fn run_alone(&self, rules: &[usize], input: &Value) -> Result<Vec<Done>, EngineError> {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("trailguard-eval-alone".into())
                .stack_size(EVAL_STACK_SIZE)
                .spawn_scoped(scope, || {
                    let mut engine = None;
                    rules
                        .iter()
                        .map(|&i| self.run_unit(i, input, &mut engine))
                        .collect()
                })
                .map_err(|e| EngineError::Thread(e.to_string()))?
                .join()
                // `run_unit` catches panics; should the thread end in one anyway, say so.
                .map_err(|_| EngineError::Thread("the evaluation thread stopped".into()))
        })
    }

    /// Runs rule `i`. `engine` is this thread's interpreter with `input` set, made on first
    /// need and dropped after a panic (its state can no longer be trusted).
    fn run_unit(&self, i: usize, input: &Value, engine: &mut Option<regorus::Engine>) -> Done {
        let name = self
            .rules
            .get(i)
            .map_or_else(String::new, |r| r.meta.id.clone());
        let started = Instant::now();
        let interpreter = engine.get_or_insert_with(|| {
            let mut engine = self.engine.clone();
            engine.set_input(input.clone());
            engine.set_gather_prints(true);
            engine
        });
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let results = match self.rules.get(i) {
                Some(rule) => vec![(
                    i,
                    self.eval(rule, &rule.entry, interpreter)
                        .and_then(|v| findings_from(&rule.meta, &v)),
                )],
                None => Vec::new(),
            };
            let prints = interpreter.take_prints();
            (results, prints)
        }));
        let (results, prints) = match outcome {
            Ok((results, Ok(prints))) => (results, prints),
            Ok((results, Err(e))) => (
                results
                    .into_iter()
                    .map(|(i, _)| {
                        let message = format!("its print() output could not be read: {e}");
                        (i, Err(self.panic_of(&[i], message)))
                    })
                    .collect(),
                Vec::new(),
            ),
            Err(panic) => {
                *engine = None;
                let message = panic_message(&*panic);
                (vec![(i, Err(self.panic_of(&[i], message)))], Vec::new())
            }
        };
        let found = results
            .iter()
            .map(|(_, r)| r.as_ref().map_or(0, Vec::len))
            .sum();
        Done {
            results,
            prints: prints
                .into_iter()
                .map(|text| Print {
                    rule: name.clone(),
                    text,
                })
                .collect(),
            cost: RuleCost {
                rule: name,
                duration: started.elapsed(),
                results: found,
            },
        }
    }

    /// Evaluates `entry` for `rule`, naming the rule in any error.
    fn eval(
        &self,
        rule: &CompiledRule,
        entry: &str,
        interpreter: &mut regorus::Engine,
    ) -> Result<Value, EngineError> {
        interpreter.eval_rule(entry.to_string()).map_err(|e| {
            self.budget
                .stopped(&*e, &rule.meta.id, &rule.meta.source)
                .unwrap_or_else(|| EngineError::Evaluation {
                    rule: rule.meta.id.clone(),
                    source_path: rule.meta.source.clone(),
                    message: e.to_string(),
                })
        })
    }

    /// The error for a rule whose evaluation panicked.
    fn panic_of(&self, members: &[usize], message: String) -> EngineError {
        let rule = members.first().and_then(|&i| self.rules.get(i));
        EngineError::Panic {
            rule: rule.map_or_else(String::new, |r| r.meta.id.clone()),
            source_path: rule.map_or_else(String::new, |r| r.meta.source.clone()),
            message,
        }
    }
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}
