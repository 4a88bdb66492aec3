//! Loading, validating, compiling and evaluating policies.

use crate::batch::Batch;
use crate::budget::Budget;
use crate::metadata::rule_meta;
use crate::{Diagnostic, EngineError, Evaluation, Finding, Params, PolicySource, RuleMeta};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program, RegoVM};
use regorus::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use trailguard_snapshot::{Snapshot, SnapshotFile, SourceIndex};

/// The RVM's instruction budget per rule. regorus defaults to 25,000, which one rule over a
/// realistic snapshot exceeds; this bounds a runaway policy without limiting real ones.
const RVM_INSTRUCTION_LIMIT: usize = 2_000_000_000;

/// At most this many threads evaluate rules at once.
pub const MAX_EVAL_THREADS: usize = 8;

/// How rules are executed. Both give the same findings; the test suite checks that rule by rule
/// on every shipped snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// regorus's compiled Rego virtual machine, the default, for every rule it runs correctly;
    /// the others run on the interpreter (see [`PolicyEngine::interpreted_rules`]).
    #[default]
    Rvm,
    /// regorus's tree-walking interpreter.
    Interpreter,
}

/// A rule ready to run.
#[derive(Debug, Clone)]
struct CompiledRule {
    meta: RuleMeta,
    /// `data.PACKAGE.deny`.
    entry: String,
    /// The RVM program, when the RVM compiles this rule and it is safe to run there.
    program: Option<Arc<Program>>,
    /// The construct that keeps this rule off the RVM, if any.
    rvm_hazard: Option<crate::rvm_safety::Hazard>,
}

/// The loaded policies, validated and compiled once, ready to evaluate any number of snapshots.
#[derive(Debug, Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    data: Value,
    rules: Vec<CompiledRule>,
    /// Groups of rules evaluated together (see [`crate::batch`]).
    batches: Vec<Batch>,
    /// The limits each rule runs within.
    budget: Budget,
}

/// What one worker evaluates at a time: a rule, or a batch of rules sharing an index.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Rule(usize),
    Batch(usize),
}

impl PolicyEngine {
    /// Loads policy sources (test files among them are ignored), checks every rule's METADATA
    /// and compiles each rule. All problems are reported together. Each rule may run for
    /// [`crate::DEFAULT_RULE_TIMEOUT`]; [`PolicyEngine::with_budget`] sets another limit.
    pub fn new(sources: &[PolicySource], params: &Params) -> Result<PolicyEngine, EngineError> {
        PolicyEngine::with_budget(sources, params, Budget::default())
    }

    /// Like [`PolicyEngine::new`], with each rule's evaluation (the load-time check on an empty
    /// snapshot included) bounded by `budget`: a rule that runs longer is stopped with
    /// [`EngineError::TimeLimit`].
    pub fn with_budget(
        sources: &[PolicySource],
        params: &Params,
        budget: Budget,
    ) -> Result<PolicyEngine, EngineError> {
        let mut engine = regorus::Engine::new();
        let mut diagnostics = Vec::new();
        let mut loaded = Vec::new();
        for source in sources.iter().filter(|s| !s.is_test()) {
            match crate::limits::add_policy(&mut engine, source) {
                Ok(package) => loaded.push((source, package)),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        let modules: Vec<(&PolicySource, String)> = loaded
            .iter()
            .map(|(source, package)| (*source, package.trim_start_matches("data.").to_string()))
            .collect();
        let hazards = crate::rvm_safety::hazards(&modules);
        let mut rules: Vec<CompiledRule> = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut packages: HashMap<String, String> = HashMap::new();
        for (source, package) in loaded {
            let declares_deny = engine
                .has_declared_rule_rooted_at(&source.path, "deny")
                .unwrap_or(false);
            if !declares_deny {
                continue;
            }
            let package_line = package_line(&source.text);
            if let Some(other) = packages.insert(package.clone(), source.path.clone()) {
                diagnostics.push(
                    Diagnostic::new(
                        &source.path,
                        package_line,
                        1,
                        format!("package {package} is also a rule in {other}"),
                    )
                    .hint("give each rule file its own package"),
                );
                continue;
            }
            match rule_meta(source, &package, package_line) {
                Ok(meta) => {
                    if let Some(other) = ids.insert(meta.id.clone(), source.path.clone()) {
                        let line = id_line(&source.text).unwrap_or(package_line);
                        diagnostics.push(
                            Diagnostic::new(
                                &source.path,
                                line,
                                1,
                                format!("rule id {} is already used by {other}", meta.id),
                            )
                            .hint("rule ids are stable and never reused: pick a new one"),
                        );
                        continue;
                    }
                    let entry = format!("{package}.deny");
                    let rvm_hazard = hazards.get(package.trim_start_matches("data.")).cloned();
                    rules.push(CompiledRule {
                        meta,
                        entry,
                        program: None,
                        rvm_hazard,
                    });
                }
                Err(mut errors) => diagnostics.append(&mut errors),
            }
        }
        // No builtin that reads the clock, randomness, the environment or the network, and no
        // function that does not exist (see `crate::sandbox`).
        diagnostics.extend(crate::sandbox::check(
            sources.iter().filter(|s| !s.is_test()),
        ));
        if !diagnostics.is_empty() {
            diagnostics.sort();
            return Err(EngineError::Policies(diagnostics));
        }
        let data = params.data_with_rules(rules.iter().map(|r| &r.meta));
        engine.add_data(data.clone()).map_err(|e| {
            EngineError::Policies(vec![Diagnostic::new(
                "data.trailguard.params",
                1,
                1,
                e.to_string(),
            )])
        })?;
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));

        // Every evaluation, this one included, runs under the execution timer (each interpreter
        // clone inherits it; each RVM gets it in `run_rule`).
        engine.set_execution_timer_config(budget.timer());

        // Evaluate every rule once on an empty snapshot: this surfaces errors regorus only finds
        // when preparing to evaluate (unknown functions, unsafe variables, recursion), and checks
        // the shape of `deny`, before any real input is read.
        let mut probe = engine.clone();
        probe.set_input(Value::new_object());
        // A policy's print() output belongs to real evaluations, not to this check.
        probe.set_gather_prints(true);
        for rule in &rules {
            let value = probe.eval_rule(rule.entry.clone()).map_err(|e| {
                if crate::budget::interpreter_timed_out(&*e) {
                    return budget.exceeded(&rule.meta);
                }
                EngineError::Policies(vec![Diagnostic::from_regorus(
                    &rule.meta.source,
                    &e.to_string(),
                )])
            })?;
            findings_from(&rule.meta, &value)?;
        }

        let batches = plan_batches(&mut engine, &modules, &rules)?;
        for rule in &mut rules {
            if rule.rvm_hazard.is_none() {
                rule.program = compile_rvm(&mut engine, &rule.entry);
            }
        }
        Ok(PolicyEngine {
            engine,
            data,
            rules,
            batches,
            budget,
        })
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> Vec<RuleMeta> {
        self.rules.iter().map(|r| r.meta.clone()).collect()
    }

    /// The rules that run on the interpreter even with [`Backend::Rvm`], each with the reason:
    /// a construct the RVM gets wrong (in the rule or a package it uses), or a rule the RVM
    /// cannot compile.
    pub fn interpreted_rules(&self) -> Vec<(String, String)> {
        self.rules
            .iter()
            .filter(|r| r.program.is_none())
            .map(|r| {
                let why = match &r.rvm_hazard {
                    Some(h) => format!("{} at {}:{}", h.construct, h.file, h.line),
                    None => "the RVM cannot compile it".to_string(),
                };
                (r.meta.id.clone(), why)
            })
            .collect()
    }

    /// The backend a rule actually runs on when `backend` is asked for.
    pub fn backend_of(&self, id: &str, backend: Backend) -> Backend {
        match self.rules.iter().find(|r| r.meta.id == id) {
            Some(rule) if rule.program.is_some() => backend,
            _ => Backend::Interpreter,
        }
    }

    /// Evaluates every rule over a snapshot. Findings are sorted most severe first, then by rule
    /// id, resource and message; they carry no location yet.
    pub fn evaluate(
        &self,
        snapshot: &Snapshot,
        backend: Backend,
    ) -> Result<Vec<Finding>, EngineError> {
        let input = snapshot_value(snapshot);
        let findings = self.evaluate_value(&input, backend);
        // Freeing a large input tree takes about as long as evaluating it; do it off the
        // caller's path (a CLI exiting meanwhile loses nothing: the OS reclaims the memory).
        std::thread::spawn(move || drop(input));
        findings
    }

    /// Like [`PolicyEngine::evaluate`], on a snapshot already converted to a regorus value.
    ///
    /// Rules are independent, so they are spread over up to [`MAX_EVAL_THREADS`] threads (no more
    /// than the machine's cores), except that rules sharing an expensive helper index run
    /// together (see [`crate::batch`]); findings and the first error are taken in rule order,
    /// so the result does not depend on scheduling.
    pub fn evaluate_value(
        &self,
        input: &Value,
        backend: Backend,
    ) -> Result<Vec<Finding>, EngineError> {
        let units = self.units();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_EVAL_THREADS)
            .min(units.len())
            .max(1);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<(usize, Result<Vec<Finding>, EngineError>)> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        // Each worker has its own interpreter (regorus engines are not shared
                        // between threads); values are reference-counted, so cloning is cheap.
                        let engine = self.engine.clone();
                        let input = input.clone();
                        let next = &next;
                        let units = &units;
                        scope.spawn(move || {
                            let mut engine = engine;
                            engine.set_input(input.clone());
                            let mut interpreter = Some(engine);
                            let mut out = Vec::new();
                            loop {
                                let u = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(unit) = units.get(u) else { break };
                                out.extend(self.run_unit(*unit, &input, backend, &mut interpreter));
                            }
                            out
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_default())
                    .collect()
            });
        if results.len() != self.rules.len() {
            // A worker panicked: regorus bug. Evaluate what is missing on this thread to get an
            // answer or an error rather than a silent gap.
            let done: std::collections::HashSet<usize> = results.iter().map(|(i, _)| *i).collect();
            let mut interpreter = None;
            for (i, rule) in self
                .rules
                .iter()
                .enumerate()
                .filter(|(i, _)| !done.contains(i))
            {
                results.push((i, self.run_rule(rule, input, backend, &mut interpreter)));
            }
        }
        results.sort_by_key(|(i, _)| *i);
        let mut findings = Vec::new();
        for (_, result) in results {
            findings.extend(result?);
        }
        sort_findings(&mut findings);
        Ok(findings)
    }

    /// Evaluates one rule, by id, over a snapshot already converted to a regorus value.
    pub fn evaluate_rule(
        &self,
        id: &str,
        input: &Value,
        backend: Backend,
    ) -> Result<Vec<Finding>, EngineError> {
        let Some(rule) = self.rules.iter().find(|r| r.meta.id == id) else {
            return Ok(Vec::new());
        };
        let mut findings = self.run_rule(rule, input, backend, &mut None)?;
        sort_findings(&mut findings);
        Ok(findings)
    }

    /// The units of an evaluation: every batch, then every rule in no batch.
    fn units(&self) -> Vec<Unit> {
        let batched: std::collections::HashSet<usize> = self
            .batches
            .iter()
            .flat_map(|b| b.rules.iter().copied())
            .collect();
        (0..self.batches.len())
            .map(Unit::Batch)
            .chain(
                (0..self.rules.len())
                    .filter(|i| !batched.contains(i))
                    .map(Unit::Rule),
            )
            .collect()
    }

    /// Runs a unit: each rule's findings or error, with the rule's index.
    fn run_unit(
        &self,
        unit: Unit,
        input: &Value,
        backend: Backend,
        interpreter: &mut Option<regorus::Engine>,
    ) -> Vec<(usize, Result<Vec<Finding>, EngineError>)> {
        let members = match unit {
            Unit::Rule(i) => {
                return self
                    .rules
                    .get(i)
                    .map(|rule| (i, self.run_rule(rule, input, backend, interpreter)))
                    .into_iter()
                    .collect()
            }
            Unit::Batch(b) => match self.batches.get(b) {
                Some(batch) => batch,
                None => return Vec::new(),
            },
        };
        let engine = interpreter.get_or_insert_with(|| {
            let mut engine = self.engine.clone();
            engine.set_input(input.clone());
            engine
        });
        match engine.eval_rule(members.entry.clone()) {
            Ok(value) => members
                .rules
                .iter()
                .filter_map(|&i| self.rules.get(i).map(|rule| (i, rule)))
                .map(|(i, rule)| {
                    let deny = &value[&Value::from(rule.meta.id.as_str())];
                    (i, findings_from(&rule.meta, deny))
                })
                .collect(),
            // Evaluate the rules one by one, so the error names the rule that failed.
            Err(_) => members
                .rules
                .iter()
                .filter_map(|&i| self.rules.get(i).map(|rule| (i, rule)))
                .map(|(i, rule)| (i, self.run_rule(rule, input, backend, interpreter)))
                .collect(),
        }
    }

    /// Runs one rule. `interpreter` is an engine with `input` set, made on first need and
    /// shared by the rules of one evaluation.
    fn run_rule(
        &self,
        rule: &CompiledRule,
        input: &Value,
        backend: Backend,
        interpreter: &mut Option<regorus::Engine>,
    ) -> Result<Vec<Finding>, EngineError> {
        let fail = |e: String| EngineError::Evaluation {
            rule: rule.meta.id.clone(),
            source_path: rule.meta.source.clone(),
            message: e,
        };
        let value = match (&rule.program, backend) {
            (Some(program), Backend::Rvm) => {
                let mut vm = RegoVM::new();
                vm.load_program(program.clone());
                vm.set_max_instructions(RVM_INSTRUCTION_LIMIT);
                vm.set_execution_timer_config(Some(self.budget.timer()));
                vm.set_data(self.data.clone())
                    .map_err(|e| fail(e.to_string()))?;
                vm.set_input(input.clone());
                vm.execute().map_err(|e| {
                    if crate::budget::vm_timed_out(&e) {
                        self.budget.exceeded(&rule.meta)
                    } else {
                        fail(e.to_string())
                    }
                })?
            }
            _ => {
                let engine = interpreter.get_or_insert_with(|| {
                    let mut engine = self.engine.clone();
                    engine.set_input(input.clone());
                    engine
                });
                engine.eval_rule(rule.entry.clone()).map_err(|e| {
                    if crate::budget::interpreter_timed_out(&*e) {
                        self.budget.exceeded(&rule.meta)
                    } else {
                        fail(e.to_string())
                    }
                })?
            }
        };
        findings_from(&rule.meta, &value)
    }

    /// Evaluates snapshot files together (merged, so resources in one resolve references from
    /// another) and points every finding at the line of its resource in the file that holds it.
    /// `root` is the directory SARIF URIs are relative to. The order of `files` does not matter:
    /// they are taken in URI order (a resource two files key points into the first), and
    /// `snapshots` lists them so.
    pub fn evaluate_files(
        &self,
        files: &[SnapshotFile],
        root: &Path,
        backend: Backend,
    ) -> Result<Evaluation, EngineError> {
        let merged;
        let snapshot = match files {
            [one] => &one.snapshot,
            _ => {
                merged =
                    trailguard_snapshot::merge(files.iter().map(|f| f.snapshot.clone()).collect());
                &merged
            }
        };
        let mut findings = self.evaluate(snapshot, backend)?;
        // The files in URI order, so the report does not depend on the order they were given in.
        let mut ordered: Vec<(String, &SnapshotFile)> = files
            .iter()
            .map(|f| (relative_uri(&f.path, root), f))
            .collect();
        ordered.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unlocated: Vec<usize> = (0..findings.len()).collect();
        // Several files may hold a resource, in different copies (read at different times, or
        // with different gaps): a finding points into the first file holding the copy the merge
        // kept and the rules judged, not into a copy it dropped.
        if files.len() > 1 {
            // An account's findings share one comparison of the account (its IAM can be large):
            // the first two steps of a resource's path name its account, trail, bucket or key.
            let mut same: HashMap<(usize, Vec<String>), bool> = HashMap::new();
            for (n, (uri, file)) in ordered.iter().enumerate() {
                let kept: Vec<usize> = unlocated
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let resource = &findings[i].resource;
                        let Some(mut unit) = file.snapshot.resource_path(resource) else {
                            return false;
                        };
                        unit.truncate(2);
                        *same
                            .entry((n, unit))
                            .or_insert_with(|| file.snapshot.holds_copy_of(snapshot, resource))
                    })
                    .collect();
                if !kept.is_empty() {
                    let index = file.locate(kept.iter().map(|&i| findings[i].resource.as_str()));
                    place(&mut findings, &mut unlocated, uri, &index);
                }
            }
        }
        // Otherwise into the first file that keys its resource; failing that, the first file
        // that mentions it.
        for keyed in [true, false] {
            for (uri, file) in &ordered {
                if unlocated.is_empty() {
                    break;
                }
                let resources = unlocated.iter().map(|&i| findings[i].resource.as_str());
                let index = if keyed {
                    file.locate(resources)
                } else {
                    file.search(resources)
                };
                place(&mut findings, &mut unlocated, uri, &index);
            }
        }
        for finding in &mut findings {
            finding.account = snapshot.resource_account(&finding.resource);
        }
        Ok(Evaluation {
            rules: self.rules(),
            findings,
            gaps: snapshot.gaps.clone(),
            snapshots: ordered.into_iter().map(|(uri, _)| uri).collect(),
            accounts: snapshot.accounts.keys().cloned().collect(),
            ..Evaluation::default()
        })
    }
}

/// The snapshot as the `input` document.
pub fn snapshot_value(snapshot: &Snapshot) -> Value {
    // Through text and regorus's own deserialiser: several times faster than building a
    // serde_json::Value tree first and converting it. Neither step can fail on a Snapshot.
    serde_json::to_string(snapshot)
        .ok()
        .and_then(|text| Value::from_json_str(&text).ok())
        .unwrap_or_else(Value::new_object)
}

fn compile_rvm(engine: &mut regorus::Engine, entry: &str) -> Option<Arc<Program>> {
    let rule: regorus::Rc<str> = regorus::Rc::from(entry);
    let compiled = engine.compile_with_entrypoint(&rule).ok()?;
    Compiler::compile_from_policy(&compiled, &[entry]).ok()
}

/// Most severe first, then rule id, resource, message: a stable order for every report.
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Checks that `deny` is a set of objects with string `resource` and `message`, and turns it into
/// findings.
/// Groups the interpreted rules that use a shared helper package (see [`crate::batch`]) and
/// adds the module that evaluates each group together; a group of one is left alone.
fn plan_batches(
    engine: &mut regorus::Engine,
    modules: &[(&PolicySource, String)],
    rules: &[CompiledRule],
) -> Result<Vec<Batch>, EngineError> {
    let mut batches = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for (index, shared) in crate::batch::SHARED.iter().enumerate() {
        let users = crate::batch::users_of(modules, shared);
        let members: Vec<usize> = rules
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                // Rules the RVM runs stay there; batches are interpreter evaluations.
                r.rvm_hazard.is_some() && !taken.contains(i) && users.contains(rule_package(r))
            })
            .map(|(i, _)| i)
            .collect();
        if members.len() < 2 {
            continue;
        }
        let named: Vec<(String, String)> = members
            .iter()
            .map(|&i| {
                (
                    rules[i].meta.id.clone(),
                    rule_package(&rules[i]).to_string(),
                )
            })
            .collect();
        let (path, text, entry) = crate::batch::module(index, &named);
        engine.add_policy(path.clone(), text).map_err(|e| {
            EngineError::Policies(vec![Diagnostic::from_regorus(&path, &e.to_string())])
        })?;
        taken.extend(members.iter().copied());
        batches.push(Batch {
            entry,
            rules: members,
        });
    }
    Ok(batches)
}

/// A rule's package without `data.`: `trailguard.rules.tg063`.
fn rule_package(rule: &CompiledRule) -> &str {
    rule.entry
        .trim_start_matches("data.")
        .trim_end_matches(".deny")
}

fn findings_from(meta: &RuleMeta, value: &Value) -> Result<Vec<Finding>, EngineError> {
    let bad = |message: String| EngineError::BadOutput {
        rule: meta.id.clone(),
        source_path: meta.source.clone(),
        message,
    };
    let set = match value {
        Value::Undefined => return Ok(Vec::new()),
        Value::Set(set) => set,
        other => {
            return Err(bad(format!(
                "`deny` must be a set of objects (write `deny contains {{\"resource\": ..., \"message\": ...}} if {{ ... }}`), but it is {}",
                describe(other)
            )))
        }
    };
    let mut out = Vec::with_capacity(set.len());
    for element in set.iter() {
        let Value::Object(object) = element else {
            return Err(bad(format!(
                "every member of `deny` must be an object with `resource` and `message`, but one is {}",
                describe(element)
            )));
        };
        let take = |key: &str| match object.get(&Value::from(key)) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.to_string()),
            Some(other) => Err(bad(format!(
                "`{key}` of a `deny` member must be a non-empty string, but it is {}",
                describe(other)
            ))),
            None => Err(bad(format!(
                "a `deny` member has no `{key}`: {}",
                describe(element)
            ))),
        };
        let resource = take("resource")?;
        let message = take("message")?;
        let severity =
            crate::finding::finding_severity(meta.severity, object.get(&Value::from("severity")))
                .map_err(bad)?;
        let mut properties = BTreeMap::new();
        for (key, value) in object.iter() {
            let Value::String(key) = key else {
                return Err(bad(format!(
                    "the keys of a `deny` member must be strings: {}",
                    describe(element)
                )));
            };
            if matches!(&**key, "resource" | "message" | "severity") {
                continue;
            }
            let json = value
                .to_json_str()
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or(serde_json::Value::Null);
            properties.insert(key.to_string(), json);
        }
        out.push(Finding {
            rule_id: meta.id.clone(),
            severity,
            resource,
            message,
            properties,
            location: None,
            account: None,
        });
    }
    Ok(out)
}

fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Set(_) => "a set",
        Value::Object(_) => "an object",
        Value::Undefined => "undefined",
    };
    let mut text = value.to_json_str().unwrap_or_default();
    if text.len() > 120 {
        let mut cut = 117;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...");
    }
    format!("{kind}: {text}")
}

fn package_line(text: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with("package "))
        .map_or(1, |i| i + 1)
}

fn id_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start_matches('#').trim_start().starts_with("id:"))
        .map(|i| i + 1)
}

/// Points the findings among `unlocated` that `index` finds at their line in `uri`, and drops
/// them from `unlocated`.
fn place(findings: &mut [Finding], unlocated: &mut Vec<usize>, uri: &str, index: &SourceIndex) {
    unlocated.retain(|&i| match index.line(&findings[i].resource) {
        Some(line) => {
            findings[i].location = Some(crate::SourceLocation {
                uri: uri.to_string(),
                line,
            });
            false
        }
        None => true,
    });
}

/// `path` relative to `root` with forward slashes, as SARIF wants; `path` as given when it is
/// not below `root`.
pub fn relative_uri(path: &Path, root: &Path) -> String {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let full = absolute(path);
    let base = absolute(root);
    let shown = full
        .strip_prefix(&base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<String> = shown
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    // A file outside the root keeps its absolute path, with one leading slash.
    let lead = if shown.has_root() { "/" } else { "" };
    format!("{lead}{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::relative_uri;
    use std::path::Path;

    #[test]
    fn absolute_path_outside_the_root_has_one_leading_slash() {
        // Regression: `/tmp/s.json` was shown as `//tmp/s.json`.
        let root = std::env::temp_dir().join("trailguard-no-such-root");
        assert_eq!(
            relative_uri(Path::new("/nonexistent/s.json"), &root),
            "/nonexistent/s.json"
        );
        assert_eq!(
            relative_uri(Path::new("inputs/demo.json"), Path::new("/nonexistent")),
            "inputs/demo.json"
        );
    }
}
