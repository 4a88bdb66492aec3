//! Loading policy files into a regorus engine: every file parsed by regorus ([`crate::rego`]),
//! checked against the sandbox, and compiled, with every problem of every file reported at once.

use crate::rego::Parsed;
use crate::{Diagnostic, EngineError, Params, PolicySource};
use std::collections::BTreeMap;

/// Policy files loaded into a regorus engine.
pub(crate) struct Loaded {
    /// The engine, with the policies, trailguard's extensions and the parameters.
    pub engine: regorus::Engine,
    /// What its builtins build per input and answer from.
    pub indexes: crate::per_input::Indexes,
    /// Each loaded file with what regorus parsed, in the order given (duplicates dropped).
    pub files: Vec<(PolicySource, Parsed)>,
}

/// Has regorus analyse every module now (which variables each statement binds, in what order
/// they run), as it does on the first evaluation after policies or data change, so that copies
/// of the engine do not each do it again. A problem it places in a file is that file's
/// diagnostic; one it places nowhere is [`EngineError::Prepare`].
pub(crate) fn prepare(engine: &mut regorus::Engine) -> Result<(), EngineError> {
    let Err(e) = engine.eval_query("true".to_string(), false) else {
        return Ok(());
    };
    let text = e.to_string();
    if text
        .lines()
        .any(|line| line.trim_start().starts_with("--> "))
    {
        Err(EngineError::Policies(vec![Diagnostic::from_regorus(
            "<policies>",
            &text,
        )]))
    } else {
        Err(EngineError::Prepare(text))
    }
}

/// Loads `sources` into a new engine with `params` as `data.trailguard.params`. The same file
/// given twice (same path, same text: a directory passed twice) is loaded once; two different
/// texts under one path are an error. The problems of every file come back together, beside
/// what did load, so a caller can add its own checks of the files that parsed and report
/// everything at once; the engine is only usable when there are none.
pub(crate) fn load(
    sources: &[PolicySource],
    params: &Params,
) -> Result<(Loaded, Vec<Diagnostic>), EngineError> {
    let mut engine = regorus::Engine::new();
    // A builtin's error is an error, never an undefined value that quietly drops a finding.
    engine.set_strict_builtin_errors(true);
    let indexes = crate::per_input::Indexes::default();
    crate::extensions::register(&mut engine, &indexes).map_err(|e| {
        EngineError::Policies(vec![Diagnostic::new("<trailguard extensions>", 1, 1, e)])
    })?;
    let mut diagnostics = Vec::new();
    let mut files: Vec<(PolicySource, Parsed)> = Vec::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for source in sources {
        match seen.get(source.path.as_str()) {
            Some(text) if *text == source.text => continue,
            Some(_) => {
                diagnostics.push(
                    Diagnostic::new(
                        &source.path,
                        1,
                        1,
                        "this path is given twice, with different contents",
                    )
                    .hint("give each policy file once"),
                );
                continue;
            }
            None => {
                seen.insert(&source.path, &source.text);
            }
        }
        let parsed = match crate::rego::parse(source) {
            Ok(parsed) => parsed,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                continue;
            }
        };
        if let Err(e) = engine.add_policy(source.path.clone(), source.text.clone()) {
            diagnostics.push(Diagnostic::from_regorus(&source.path, &e.to_string()));
            continue;
        }
        files.push((source.clone(), parsed));
    }
    // No builtin that reads the clock, randomness, the environment or the network, and no
    // function that does not exist (see `crate::sandbox`).
    // When a file did not parse, the functions it defines are unknown: calls of them are not
    // reported as calls of unknown functions.
    let complete = diagnostics.is_empty();
    let pairs: Vec<(&PolicySource, &Parsed)> = files.iter().map(|(s, p)| (s, p)).collect();
    diagnostics.extend(crate::sandbox::check(&pairs, complete));
    diagnostics.extend(crate::rego::recursion(&pairs));
    engine.add_data(params.data()).map_err(|e| {
        EngineError::Policies(vec![Diagnostic::new(
            "data.trailguard.params",
            1,
            1,
            e.to_string(),
        )])
    })?;
    // regorus checks every module's variables (safety, the order of statements) when it first
    // evaluates anything: a file with an unsafe variable would fail every rule and every test,
    // each naming that file. Checked here, once every file has loaded cleanly (a file that did
    // not would fail it too), it is that file's own problem.
    if diagnostics.is_empty() {
        match prepare(&mut engine) {
            Ok(()) => {}
            Err(EngineError::Policies(found)) => diagnostics.extend(found),
            Err(other) => return Err(other),
        }
    }
    Ok((
        Loaded {
            engine,
            indexes,
            files,
        },
        diagnostics,
    ))
}
