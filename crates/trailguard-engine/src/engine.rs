//! Loading, validating, compiling and evaluating policies.

use crate::metadata::rule_meta;
use crate::{Diagnostic, EngineError, Evaluation, Finding, Params, PolicySource, RuleMeta};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program, RegoVM};
use regorus::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use trailguard_snapshot::{Snapshot, SnapshotFile};

/// How rules are executed. Both give the same findings; the test suite checks that on the
/// whole catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// regorus's compiled Rego virtual machine, the default. Rules it cannot compile run on the
    /// interpreter instead.
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
    /// The RVM program, when the RVM compiles this rule.
    program: Option<Arc<Program>>,
}

/// The loaded policies, validated and compiled once, ready to evaluate any number of snapshots.
#[derive(Debug, Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    data: Value,
    rules: Vec<CompiledRule>,
}

impl PolicyEngine {
    /// Loads policy sources (test files among them are ignored), checks every rule's METADATA
    /// and compiles each rule. All problems are reported together.
    pub fn new(sources: &[PolicySource], params: &Params) -> Result<PolicyEngine, EngineError> {
        let mut engine = regorus::Engine::new();
        let mut diagnostics = Vec::new();
        let mut loaded = Vec::new();
        for source in sources.iter().filter(|s| !s.is_test()) {
            match engine.add_policy(source.path.clone(), source.text.clone()) {
                Ok(package) => loaded.push((source, package)),
                Err(e) => diagnostics.push(Diagnostic::from_regorus(&source.path, &e.to_string())),
            }
        }
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
                    rules.push(CompiledRule {
                        meta,
                        entry,
                        program: None,
                    });
                }
                Err(mut errors) => diagnostics.append(&mut errors),
            }
        }
        if !diagnostics.is_empty() {
            diagnostics.sort();
            return Err(EngineError::Policies(diagnostics));
        }
        let data = params.data();
        engine.add_data(data.clone()).map_err(|e| {
            EngineError::Policies(vec![Diagnostic::new(
                "data.trailguard.params",
                1,
                1,
                e.to_string(),
            )])
        })?;
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));

        // Evaluate every rule once on an empty snapshot: this surfaces errors regorus only finds
        // when preparing to evaluate (unknown functions, unsafe variables, recursion), and checks
        // the shape of `deny`, before any real input is read.
        let mut probe = engine.clone();
        probe.set_input(Value::new_object());
        for rule in &rules {
            let value = probe.eval_rule(rule.entry.clone()).map_err(|e| {
                EngineError::Policies(vec![Diagnostic::from_regorus(
                    &rule.meta.source,
                    &e.to_string(),
                )])
            })?;
            findings_from(&rule.meta, &value)?;
        }

        for rule in &mut rules {
            rule.program = compile_rvm(&mut engine, &rule.entry);
        }
        Ok(PolicyEngine {
            engine,
            data,
            rules,
        })
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> Vec<RuleMeta> {
        self.rules.iter().map(|r| r.meta.clone()).collect()
    }

    /// Ids of the rules the RVM could not compile, which run on the interpreter.
    pub fn interpreted_rules(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.program.is_none())
            .map(|r| r.meta.id.clone())
            .collect()
    }

    /// Evaluates every rule over a snapshot. Findings are sorted most severe first, then by rule
    /// id, resource and message; they carry no location yet.
    pub fn evaluate(
        &self,
        snapshot: &Snapshot,
        backend: Backend,
    ) -> Result<Vec<Finding>, EngineError> {
        let input = snapshot_value(snapshot);
        self.evaluate_value(&input, backend)
    }

    /// Like [`PolicyEngine::evaluate`], on a snapshot already converted to a regorus value.
    pub fn evaluate_value(
        &self,
        input: &Value,
        backend: Backend,
    ) -> Result<Vec<Finding>, EngineError> {
        let mut interpreter: Option<regorus::Engine> = None;
        let mut findings = Vec::new();
        for rule in &self.rules {
            let fail = |e: String| EngineError::Evaluation {
                rule: rule.meta.id.clone(),
                source_path: rule.meta.source.clone(),
                message: e,
            };
            let value = match (&rule.program, backend) {
                (Some(program), Backend::Rvm) => {
                    let mut vm = RegoVM::new();
                    vm.load_program(program.clone());
                    vm.set_data(self.data.clone())
                        .map_err(|e| fail(e.to_string()))?;
                    vm.set_input(input.clone());
                    vm.execute().map_err(|e| fail(e.to_string()))?
                }
                _ => {
                    let engine = interpreter.get_or_insert_with(|| {
                        let mut engine = self.engine.clone();
                        engine.set_input(input.clone());
                        engine
                    });
                    engine
                        .eval_rule(rule.entry.clone())
                        .map_err(|e| fail(e.to_string()))?
                }
            };
            findings.extend(findings_from(&rule.meta, &value)?);
        }
        sort_findings(&mut findings);
        Ok(findings)
    }

    /// Evaluates snapshot files together (merged, so resources in one resolve references from
    /// another) and points every finding at the line of its resource in the file that holds it.
    /// `root` is the directory SARIF URIs are relative to.
    pub fn evaluate_files(
        &self,
        files: &[SnapshotFile],
        root: &Path,
        backend: Backend,
    ) -> Result<Evaluation, EngineError> {
        let merged = trailguard_snapshot::merge(files.iter().map(|f| f.snapshot.clone()).collect());
        let mut findings = self.evaluate(&merged, backend)?;
        let uris: Vec<String> = files.iter().map(|f| relative_uri(&f.path, root)).collect();
        let indexes: Vec<_> = files.iter().map(SnapshotFile::source_index).collect();
        for finding in &mut findings {
            finding.location =
                files
                    .iter()
                    .zip(&indexes)
                    .zip(&uris)
                    .find_map(|((file, index), uri)| {
                        index
                            .line_or_search(&file.text, &finding.resource)
                            .map(|line| crate::SourceLocation {
                                uri: uri.clone(),
                                line,
                            })
                    });
        }
        Ok(Evaluation {
            rules: self.rules(),
            findings,
            gaps: merged.gaps,
            snapshots: uris,
        })
    }
}

/// The snapshot as the `input` document.
pub fn snapshot_value(snapshot: &Snapshot) -> Value {
    Value::from(serde_json::to_value(snapshot).unwrap_or_default())
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
        let json = element
            .to_json_str()
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok());
        let Some(serde_json::Value::Object(mut object)) = json else {
            return Err(bad(format!(
                "every member of `deny` must be an object with `resource` and `message`, but one is {}",
                describe(element)
            )));
        };
        let mut take = |key: &str| match object.remove(key) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s),
            Some(other) => Err(bad(format!(
                "`{key}` of a `deny` member must be a non-empty string, but it is {other}"
            ))),
            None => Err(bad(format!(
                "a `deny` member has no `{key}`: {}",
                element.to_json_str().unwrap_or_default()
            ))),
        };
        let resource = take("resource")?;
        let message = take("message")?;
        out.push(Finding {
            rule_id: meta.id.clone(),
            severity: meta.severity,
            resource,
            message,
            properties: object.into_iter().collect::<BTreeMap<_, _>>(),
            location: None,
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
    shown
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
