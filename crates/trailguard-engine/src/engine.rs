//! The loaded rule catalogue: policies validated and compiled once, ready to evaluate any number
//! of snapshots (evaluation is in [`crate::run`], locating findings in [`crate::locate`]).

use crate::budget::Budget;
use crate::metadata::{declared_id, rule_meta};
use crate::rego::Parsed;
use crate::{Diagnostic, EngineError, Params, PolicySource, RuleMeta};
use regorus::Value;
use std::collections::HashMap;

/// At most this many threads evaluate rules at once.
pub const MAX_EVAL_THREADS: usize = 8;

/// A rule ready to run.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub meta: RuleMeta,
    /// `data.PACKAGE.deny`.
    pub entry: String,
}

/// The loaded policies, validated and compiled once, ready to evaluate any number of snapshots.
#[derive(Debug, Clone)]
pub struct PolicyEngine {
    pub(crate) engine: regorus::Engine,
    pub(crate) rules: Vec<CompiledRule>,
    /// The limits each rule runs within.
    pub(crate) budget: Budget,
    /// What the builtins build per input (see [`crate::per_input`]).
    pub(crate) indexes: crate::per_input::Indexes,
    /// The indexes the policies call builtins of, built before the rules run
    /// ([`PolicyEngine::run`]).
    pub(crate) prebuild: Vec<crate::per_input::Index>,
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
    ///
    /// A rule is a file that declares `deny`; it needs METADATA with a unique id. A file whose
    /// METADATA declares an id but that has no `deny` is an error (it would never report), as
    /// are two rule files with one package.
    pub fn with_budget(
        sources: &[PolicySource],
        params: &Params,
        budget: Budget,
    ) -> Result<PolicyEngine, EngineError> {
        let rule_sources: Vec<PolicySource> =
            sources.iter().filter(|s| !s.is_test()).cloned().collect();
        let (
            crate::loader::Loaded {
                mut engine,
                indexes,
                files,
            },
            mut diagnostics,
        ) = crate::loader::load(&rule_sources, params)?;
        let mut rules: Vec<CompiledRule> = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut packages: HashMap<String, String> = HashMap::new();
        for (source, parsed) in &files {
            if !parsed.declares("deny") {
                diagnostics.extend(id_without_deny(source, parsed));
                continue;
            }
            let package = &parsed.package;
            if let Some(other) = packages.insert(package.clone(), source.path.clone()) {
                diagnostics.push(
                    Diagnostic::new(
                        &source.path,
                        parsed.package_line,
                        1,
                        format!("package {package} is also a rule in {other}"),
                    )
                    .hint("give each rule file its own package"),
                );
                continue;
            }
            match rule_meta(source, parsed) {
                Ok(meta) => {
                    if let Some(other) = ids.insert(meta.id.clone(), source.path.clone()) {
                        let line = parsed
                            .rule_metadata()
                            .and_then(declared_id)
                            .map_or(parsed.package_line, |(_, line)| line);
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
                    rules.push(CompiledRule {
                        entry: format!("data.{package}.deny"),
                        meta,
                    });
                }
                Err(mut errors) => diagnostics.append(&mut errors),
            }
        }
        if !diagnostics.is_empty() {
            diagnostics.sort();
            return Err(EngineError::Policies(diagnostics));
        }
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        engine
            .add_data(Params::rules_data(rules.iter().map(|r| &r.meta)))
            .map_err(|e| {
                EngineError::Policies(vec![Diagnostic::new(
                    "data.trailguard.rules_meta",
                    1,
                    1,
                    e.to_string(),
                )])
            })?;

        // New data makes regorus analyse the policies again on the next evaluation: done here
        // once, not by each thread's copy.
        crate::loader::prepare(&mut engine)?;

        // Every evaluation, this one included, runs under the execution timer (each clone of
        // the engine inherits it).
        engine.set_execution_timer_config(budget.timer());

        // Any policy's call counts, whether a rule's own or a library function's: a call no
        // rule reaches only costs an index built for nothing.
        let prebuild = crate::per_input::Index::called_by(
            files
                .iter()
                .flat_map(|(_, parsed)| parsed.calls.iter().map(|c| c.name.as_str())),
        );
        let engine = PolicyEngine {
            engine,
            rules,
            indexes,
            prebuild,
            budget,
        };
        // Evaluate every rule once on an empty snapshot: this surfaces errors regorus only finds
        // when preparing to evaluate (unsafe variables, recursion, conflicts), and checks the
        // shape of `deny`, before any real input is read.
        engine.run(&Value::new_object())?;
        Ok(engine)
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> Vec<RuleMeta> {
        self.rules.iter().map(|r| r.meta.clone()).collect()
    }
}

/// A file without `deny` whose METADATA declares a rule id: it would load and never report.
fn id_without_deny(source: &PolicySource, parsed: &Parsed) -> Option<Diagnostic> {
    let (id, line) = parsed.metadata.iter().find_map(declared_id)?;
    Some(
        Diagnostic::new(
            &source.path,
            line,
            1,
            format!(
                "METADATA declares rule id {id}, but this file declares no `deny`, so the rule \
                 would never report anything"
            ),
        )
        .hint(
            "a rule's findings are its `deny` set: write `deny contains {\"resource\": ..., \
             \"message\": ...} if { ... }` (helpers without a rule carry no custom.id)",
        ),
    )
}
