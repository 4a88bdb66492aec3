//! What a policy may call. Policies are evaluated in-process next to the scanner's AWS
//! credentials, and their output must be the same for the same snapshot, so a policy gets no
//! builtin that reads the outside world: regorus is built without `opa.runtime`, `http.send`,
//! the network and `uuid` builtins, and the two such builtins this build does have — the clock
//! (`time.now_ns`) and `rand.intn` — are refused here, at load time, as is any call of a function
//! that exists neither among regorus's builtins nor in the loaded policies (so a policy written
//! for OPA fails with its file and line at once, not halfway through a scan).
//!
//! The check reads each file's calls lexically (`name(`, `a.b.c(`, `a["b"](`, comments and
//! string contents skipped), which is how Rego names a function: a function cannot be called
//! through a variable.

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

/// Names followed by `(` that are Rego keywords, not calls.
const KEYWORDS: &[&str] = &[
    "if", "in", "not", "with", "as", "some", "every", "else", "default", "import", "package",
    "true", "false", "null",
];

/// A call found in a file: the function's name (`a.b.c`), 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    name: String,
    line: usize,
    column: usize,
}

/// The problems with the calls of `sources`: refused builtins, and functions that are neither
/// builtins nor defined by any of the sources.
pub(crate) fn check<'a>(
    sources: impl IntoIterator<Item = &'a PolicySource> + Clone,
) -> Vec<Diagnostic> {
    let defined: BTreeSet<String> = sources
        .clone()
        .into_iter()
        .flat_map(|s| definitions(&s.text))
        .collect();
    let mut builtins = Builtins::default();
    let mut out = Vec::new();
    for source in sources {
        for call in calls(&source.text) {
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
            if call.name.starts_with("data.")
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
        let engine = self.engine.get_or_insert_with(regorus::Engine::new);
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

/// The names of the functions (and rules) a file defines: the first identifier of a line
/// followed by `(`, after `default` if any. Lenient on purpose: a call at the start of a line
/// counts too, which can only make the check accept more.
fn definitions(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("default ").unwrap_or(line).trim_start();
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let rest = line[name.len()..].trim_start();
            (!name.is_empty() && rest.starts_with('(')).then_some(name)
        })
        .collect()
}

/// A lexer position: byte offset, line and column.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        if c == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if c & 0xC0 != 0x80 {
            // Count characters, not UTF-8 continuation bytes.
            self.column += 1;
        }
        Some(c)
    }

    fn skip_blanks(&mut self) {
        while self
            .peek()
            .is_some_and(|c| c == b' ' || c == b'\t' || c == b'\r')
        {
            self.bump();
        }
    }

    fn ident(&mut self) -> String {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.bump();
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }

    /// A string literal starting at the cursor (`"..."` with escapes, or a raw `` `...` ``),
    /// decoded; `None` (the literal skipped) when it cannot be decoded.
    fn string(&mut self) -> Option<String> {
        let quote = self.bump()?;
        let start = self.at;
        let mut escaped = false;
        while let Some(c) = self.bump() {
            match (quote, escaped, c) {
                (b'"', false, b'\\') => escaped = true,
                (b'"', false, b'"') | (b'`', _, b'`') => {
                    let body = &self.text[start..self.at - 1];
                    let body = String::from_utf8_lossy(body);
                    return if quote == b'"' {
                        serde_json::from_str(&format!("\"{body}\"")).ok()
                    } else {
                        Some(body.into_owned())
                    };
                }
                (b'"', false, b'\n') => return None,
                _ => escaped = false,
            }
        }
        None
    }
}

/// Every call in a Rego text: a reference (`name`, `a.b`, `a["b"]`) followed by `(`.
fn calls(text: &str) -> Vec<Call> {
    let mut cursor = Cursor {
        text: text.as_bytes(),
        at: 0,
        line: 1,
        column: 1,
    };
    let mut out = Vec::new();
    while let Some(c) = cursor.peek() {
        match c {
            b'#' => {
                while cursor.peek().is_some_and(|c| c != b'\n') {
                    cursor.bump();
                }
            }
            b'"' | b'`' => {
                cursor.string();
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let (line, column) = (cursor.line, cursor.column);
                let mut name = cursor.ident();
                // `.ident` and `["string"]` components.
                loop {
                    match cursor.peek() {
                        Some(b'.') => {
                            cursor.bump();
                            let part = cursor.ident();
                            if part.is_empty() {
                                break;
                            }
                            name.push('.');
                            name.push_str(&part);
                        }
                        Some(b'[') => {
                            let save = (cursor.at, cursor.line, cursor.column);
                            cursor.bump();
                            cursor.skip_blanks();
                            let part = match cursor.peek() {
                                Some(b'"' | b'`') => cursor.string(),
                                _ => None,
                            };
                            cursor.skip_blanks();
                            match part {
                                Some(part) if cursor.peek() == Some(b']') => {
                                    cursor.bump();
                                    name.push('.');
                                    name.push_str(&part);
                                }
                                _ => {
                                    // An index, not a name: rewind and let the main loop
                                    // read what is inside.
                                    (cursor.at, cursor.line, cursor.column) = save;
                                    break;
                                }
                            }
                        }
                        _ => break,
                    }
                }
                cursor.skip_blanks();
                if cursor.peek() == Some(b'(') && !KEYWORDS.contains(&name.as_str()) {
                    out.push(Call { name, line, column });
                }
            }
            c if c.is_ascii_digit() => {
                // A number (`1e10` is not a name).
                while cursor
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
                {
                    cursor.bump();
                }
            }
            _ => {
                cursor.bump();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        calls(text).into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn calls_are_found_in_every_spelling() {
        assert_eq!(
            names("x := time.now_ns()\ny := time[\"now_ns\"] ()\nz := time[`now_ns`]()\n"),
            vec!["time.now_ns", "time.now_ns", "time.now_ns"]
        );
        assert_eq!(names("x := time[\"now\\u005fns\"]()"), vec!["time.now_ns"]);
        let found = calls("f(x) := 1\n\n  s := count([1]) # opa.runtime()\n");
        assert_eq!(found[1].name, "count");
        assert_eq!((found[1].line, found[1].column), (3, 8));
    }

    #[test]
    fn comments_strings_indexes_and_keywords_are_not_calls() {
        assert_eq!(
            names("# http.send(x)\nx := \"opa.runtime()\"\ny := a[0](\nz := a[b](\nnot (x)\nv in (w)\n"),
            Vec::<String>::new()
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
        let source = PolicySource::custom(
            "p.rego",
            "package p\nimport rego.v1\nf(x) := x\ny := f(1)\nz := count([])\nw := io.jwt.decode(\"x\")\nv := sprintf(\"%v\", [opa.runtime()])\nprint(1)\n",
        );
        let found: Vec<(usize, String)> = check([&source])
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 6);
        assert!(found[0].1.starts_with("unknown function `io.jwt.decode`"));
        assert_eq!(found[1].0, 7);
        assert!(found[1].1.starts_with("`opa.runtime` is not available"));
    }

    #[test]
    fn the_builtin_policies_pass() {
        let sources = crate::builtin_sources();
        assert_eq!(check(sources.iter()), Vec::new());
    }
}
