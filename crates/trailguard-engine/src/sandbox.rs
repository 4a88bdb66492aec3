//! What a policy may call. Policies are evaluated in-process next to the scanner's AWS
//! credentials, and their output must be the same for the same snapshot, so a policy gets no
//! builtin that reads the outside world: regorus is built without `opa.runtime`, `http.send`,
//! the network and `uuid` builtins, and the two such builtins this build does have — the clock
//! (`time.now_ns`) and `rand.intn` — are refused here, at load time, as is any call of a function
//! that exists neither among regorus's builtins nor in the loaded policies (so a policy written
//! for OPA fails with its file and line at once, not halfway through a scan).
//!
//! The check reads each file's calls from regorus's parse tree ([`crate::rego`]): Rego names a
//! function by a reference (`name`, `a.b.c`, `a["b"]`), never through a variable.

use crate::rego::Parsed;
use crate::{Diagnostic, PolicySource};
use std::collections::{BTreeMap, BTreeSet};

/// Builtins refused whatever regorus provides, with why. A prefix ending in `.` covers a
/// namespace.
const REFUSED: &[(&str, &str)] = &[
    (
        "time.now_ns",
        "reads the clock, which would make findings differ from run to run; use \
         input.collected_at, the time the snapshot was taken",
    ),
    (
        "rand.",
        "returns random numbers, which would make findings differ from run to run",
    ),
    (
        "uuid.rfc4122",
        "returns random identifiers, which would make findings differ from run to run",
    ),
    (
        "opa.runtime",
        "would read the scanner's environment and configuration",
    ),
    ("http.", "would reach the network"),
    ("net.lookup_ip_addr", "would reach the network (DNS)"),
];

/// The problems with the calls of `policies`: refused builtins, and (when `complete`, every
/// loaded file having parsed) functions that are neither builtins nor defined by any of them.
pub(crate) fn check(policies: &[(&PolicySource, &Parsed)], complete: bool) -> Vec<Diagnostic> {
    let defined: BTreeSet<&str> = policies
        .iter()
        .flat_map(|(_, parsed)| parsed.definitions())
        .collect();
    let mut builtins = Builtins::default();
    let mut out = Vec::new();
    for (source, parsed) in policies {
        for call in &parsed.calls {
            if let Some(why) = refused(&call.name) {
                out.push(
                    Diagnostic::new(
                        &source.path,
                        call.line,
                        call.column,
                        format!("`{}` is not available to policies: it {why}", call.name),
                    )
                    .hint("trailguard policies see only the snapshot (input) and the parameters (data.trailguard.params)"),
                );
                continue;
            }
            let last = call.name.rsplit('.').next().unwrap_or_default();
            if !complete
                || call.name.starts_with("data.")
                || defined.contains(last)
                || builtins.exists(&call.name)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &source.path,
                    call.line,
                    call.column,
                    format!(
                        "unknown function `{}`: it is not a builtin of trailguard's Rego engine \
                         (regorus) and no loaded policy defines it",
                        call.name
                    ),
                )
                .hint(
                    "policies get no builtin that reaches files, the network, the environment \
                     or the clock (opa.runtime, http.send, net.*, time.now_ns, rand.*, uuid.*); \
                     io.jwt.* and crypto.* are not built in either",
                ),
            );
        }
    }
    out
}

/// Why a builtin is refused, if it is.
fn refused(name: &str) -> Option<&'static str> {
    REFUSED
        .iter()
        .find(|(refused, _)| match refused.strip_suffix('.') {
            Some(namespace) => name
                .strip_prefix(namespace)
                .is_some_and(|rest| rest.starts_with('.')),
            None => name == *refused,
        })
        .map(|(_, why)| *why)
}

/// Which names regorus knows as builtins, asked once per name.
#[derive(Default)]
struct Builtins {
    engine: Option<regorus::Engine>,
    known: BTreeMap<String, bool>,
}

impl Builtins {
    fn exists(&mut self, name: &str) -> bool {
        if name == "print" {
            return true;
        }
        if let Some(known) = self.known.get(name) {
            return *known;
        }
        let engine = self.engine.get_or_insert_with(|| {
            let mut engine = regorus::Engine::new();
            // trailguard's own builtins (trailguard.iam.decide) exist for policies too. Should
            // registering them fail, each call of one is reported as an unknown function at its
            // file:line: an error, never a silent pass (and the loader, which registers them
            // on the evaluating engine, fails first with the reason).
            let registered =
                crate::extensions::register(&mut engine, &crate::per_input::Indexes::default());
            debug_assert!(registered.is_ok(), "{registered:?}");
            engine
        });
        // Called without arguments: a builtin answers with an argument-count error (or a value),
        // anything else with "could not find function".
        let exists = match engine.eval_query(format!("{name}()"), false) {
            Ok(_) => true,
            Err(e) => !e.to_string().contains("could not find function"),
        };
        self.known.insert(name.to_string(), exists);
        exists
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(usize, usize, String)> {
        let source = PolicySource::custom("p.rego", text);
        let parsed = crate::rego::parse(&source).unwrap();
        check(&[(&source, &parsed)], true)
            .into_iter()
            .map(|d| (d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn refused_builtins_are_found_in_every_spelling() {
        let found = problems(
            "package p\nx := time.now_ns()\ny := time[\"now_ns\"] ()\nw := time[\"now\\u005fns\"]()\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found
            .iter()
            .all(|(_, _, m)| m.starts_with("`time.now_ns` is not available")));
        assert_eq!((found[0].0, found[0].1), (2, 6));
    }

    #[test]
    fn comments_strings_and_indexes_are_not_calls() {
        assert_eq!(
            problems("package p\n# http.send(x)\nx := \"opa.runtime()\"\ny := [1][0]\n"),
            Vec::new()
        );
    }

    #[test]
    fn refused_builtins_name_their_reason() {
        assert!(refused("time.now_ns").unwrap().contains("clock"));
        assert!(refused("rand.intn").is_some());
        assert!(refused("http.send").is_some());
        assert!(refused("time.parse_rfc3339_ns").is_none());
        assert!(refused("random.x").is_none());
    }

    #[test]
    fn unknown_functions_are_errors_and_defined_ones_are_not() {
        let found = problems(
            "package p\nimport rego.v1\nf(x) := x\ny := f(1)\nz := count([])\nw := io.jwt.decode(\"x\")\nv := sprintf(\"%v\", [opa.runtime()])\nu := numbers.range(1, 2)\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 6);
        assert!(found[0].2.starts_with("unknown function `io.jwt.decode`"));
        assert_eq!(found[1].0, 7);
        assert!(found[1].2.starts_with("`opa.runtime` is not available"));
    }

    #[test]
    fn the_builtin_policies_pass() {
        let sources = crate::builtin_sources();
        let parsed: Vec<Parsed> = sources
            .iter()
            .map(|s| crate::rego::parse(s).unwrap())
            .collect();
        let pairs: Vec<(&PolicySource, &Parsed)> = sources.iter().zip(parsed.iter()).collect();
        assert_eq!(check(&pairs, true), Vec::new());
    }
}
