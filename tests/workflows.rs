//! Actionlint-style checks of the GitHub Actions workflows the repository ships
//! (`.github/workflows/*.yml`) and documents (`examples/workflows/*.yml`), run without GitHub:
//! their structure, actions pinned to a version, the inputs and token permissions known actions
//! need, `needs`/`matrix`/`steps` references, and, the strongest check, that every
//! `trailguard ...` command of a `run:` script (line continuations included) names a subcommand,
//! flags and values the built binary accepts (from its `--help`). Then what the code-scanning
//! workflow (`trailguard.yml`) and the release workflow (`release.yml`) must do, and that the
//! README documents them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::root;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

// ---- loading ----

/// One parsed workflow file.
struct Workflow {
    /// Path relative to the repository root, for messages.
    path: String,
    doc: Value,
}

impl Workflow {
    fn parse(path: &str, text: &str) -> Workflow {
        let doc =
            serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("{path}: not valid YAML: {e}"));
        Workflow {
            path: path.to_string(),
            doc,
        }
    }

    fn jobs(&self) -> Vec<(&str, &Value)> {
        entries(self.doc.get("jobs"))
    }

    fn job(&self, id: &str) -> &Value {
        self.doc
            .get("jobs")
            .and_then(|j| j.get(id))
            .unwrap_or_else(|| panic!("{}: no job `{id}`", self.path))
    }
}

/// Every `*.yml`/`*.yaml` of the folders that hold workflows, sorted.
fn workflow_files() -> Vec<String> {
    let root = root();
    let mut files = Vec::new();
    for dir in [".github/workflows", "examples/workflows"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

fn workflows() -> Vec<Workflow> {
    let root = root();
    workflow_files()
        .iter()
        .map(|path| Workflow::parse(path, &std::fs::read_to_string(root.join(path)).unwrap()))
        .collect()
}

fn workflow(path: &str) -> Workflow {
    Workflow::parse(
        path,
        &std::fs::read_to_string(root().join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}")),
    )
}

// ---- YAML helpers ----

/// The string-keyed entries of a mapping (none for anything else).
fn entries(value: Option<&Value>) -> Vec<(&str, &Value)> {
    value
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str()?, v)))
                .collect()
        })
        .unwrap_or_default()
}

fn seq(value: Option<&Value>) -> Vec<&Value> {
    value
        .and_then(Value::as_sequence)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A scalar as text (`30`, `true`, `"x"`), for comparisons.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every string anywhere in a value (mapping keys included).
fn strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Sequence(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                strings(k, out);
                strings(v, out);
            }
        }
        Value::Tagged(tagged) => strings(&tagged.value, out),
        _ => {}
    }
}

/// The steps of a job.
fn steps(job: &Value) -> Vec<&Value> {
    seq(job.get("steps"))
}

/// A step's label for messages: its name, id, `uses` or the first line of its script.
fn label(step: &Value, index: usize) -> String {
    let what = str_of(step, "name")
        .or_else(|| str_of(step, "id"))
        .or_else(|| str_of(step, "uses"))
        .or_else(|| str_of(step, "run").and_then(|r| r.lines().next()))
        .unwrap_or("?");
    format!("steps[{index}] ({what})")
}

/// The action of a `uses:` without its ref (`actions/checkout`).
fn action(step: &Value) -> Option<&str> {
    str_of(step, "uses").map(|u| u.split('@').next().unwrap_or(u))
}

// ---- GitHub expressions ----

/// The expressions of a string: the insides of `${{ ... }}`; an unclosed one is an error.
fn expressions(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed `${{{{` in {text:?}"))?;
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// The dotted paths after `context.` in an expression: `needs.a.outputs.b` gives `[a, outputs, b]`
/// for context `needs`.
fn context_refs(expr: &str, context: &str) -> Vec<Vec<String>> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let prefix = format!("{context}.");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = expr[from..].find(&prefix) {
        let at = from + found;
        from = at + prefix.len();
        if expr[..at]
            .chars()
            .next_back()
            .is_some_and(|c| word(c) || c == '.')
        {
            continue;
        }
        let path: String = expr[from..]
            .chars()
            .take_while(|&c| word(c) || c == '.')
            .collect();
        out.push(
            path.split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        );
    }
    out
}

/// The expressions of a job, with where they are: `${{ }}` in any string, and the bare
/// expressions of `if:` keys.
fn job_expressions(job: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    strings(job, &mut texts);
    let mut out: Vec<String> = texts
        .iter()
        .flat_map(|t| expressions(t).unwrap_or_default())
        .map(str::to_string)
        .collect();
    out.extend(str_of(job, "if").map(str::to_string));
    for step in steps(job) {
        out.extend(str_of(step, "if").map(str::to_string));
    }
    out
}

// ---- shell scripts: finding `trailguard ...` commands ----

/// A `trailguard` command found in a script: the words after the program name, with
/// `${{ expr }}` replaced by `\u{1}N\u{1}` (N indexes `exprs`).
#[derive(Debug, Clone)]
struct Invocation {
    words: Vec<String>,
    exprs: Vec<String>,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    /// `;`, `&&`, `||`, `|`, `&`, `(`, `)`, a newline: the end of a command.
    End,
    /// `>`, `>>`, `<`, `>&`, `2>`...: a redirection (its target is the next word).
    Redirect,
}

/// Splits a shell script into words and operators, as far as this test needs: quotes, escapes,
/// line continuations, comments and command substitutions (whose bodies are returned for a
/// separate pass).
fn lex(script: &str, subs: &mut Vec<String>) -> Vec<Tok> {
    let chars: Vec<char> = script.chars().collect();
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    let flush = |word: &mut String, in_word: &mut bool, toks: &mut Vec<Tok>| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    // `$( ... )` from `start` (at the `$`): the index after its `)`, and its body.
    let substitution = |start: usize| -> (usize, String) {
        let mut depth = 0;
        let mut j = start + 1;
        let mut quote: Option<char> = None;
        while j < chars.len() {
            let c = chars[j];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '\'' || c == '"' => quote = Some(c),
                None if c == '(' => depth += 1,
                None if c == ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return (j + 1, chars[start + 2..j].iter().collect());
                    }
                }
                None => {}
            }
            j += 1;
        }
        (j, chars[(start + 2).min(j)..j].iter().collect())
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next == Some('\n') => i += 2,
            '\\' => {
                word.extend(next);
                in_word = true;
                i += 2;
            }
            ' ' | '\t' | '\r' => {
                flush(&mut word, &mut in_word, &mut toks);
                i += 1;
            }
            '\n' => {
                flush(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::End);
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        word.push(chars[i + 1]);
                        i += 2;
                    } else if chars[i] == '$' && chars.get(i + 1) == Some(&'(') {
                        let (end, body) = substitution(i);
                        word.extend(&chars[i..end]);
                        subs.push(body);
                        i = end;
                    } else {
                        word.push(chars[i]);
                        i += 1;
                    }
                }
                i += 1;
            }
            '$' if next == Some('(') => {
                let (end, body) = substitution(i);
                word.extend(&chars[i..end]);
                subs.push(body);
                in_word = true;
                i = end;
            }
            '(' if in_word && word.ends_with('=') => {
                // An array assignment, `files=(a b)`: one word, not a subshell.
                while i < chars.len() && chars[i] != ')' {
                    word.push(chars[i]);
                    i += 1;
                }
                word.extend(chars.get(i));
                i += 1;
            }
            ';' | '&' | '|' | '(' | ')' => {
                flush(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::End);
                i += if next == Some(c) { 2 } else { 1 };
            }
            '>' | '<' => {
                // `2>` and `&>`: the descriptor belongs to the redirection.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                flush(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::Redirect);
                i += 1;
                if matches!(chars.get(i), Some('>') | Some('&')) {
                    i += 1;
                }
            }
            _ => {
                word.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    flush(&mut word, &mut in_word, &mut toks);
    toks
}

/// Every `trailguard ...` command of a `run:` script (`trailguard`, or a path ending in
/// `/trailguard`, in command position), command substitutions included.
fn invocations(script: &str) -> Vec<Invocation> {
    // `${{ expr }}` becomes one opaque word-part, whatever spaces or quotes the expression has.
    let mut exprs = Vec::new();
    let mut text = String::new();
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        text.push_str(&rest[..start]);
        text.push_str(&format!("\u{1}{}\u{1}", exprs.len()));
        exprs.push(rest[start + 3..start + end].trim().to_string());
        rest = &rest[start + end + 2..];
    }
    text.push_str(rest);

    let mut found = Vec::new();
    let mut pending = vec![text];
    while let Some(script) = pending.pop() {
        let mut subs = Vec::new();
        let toks = lex(&script, &mut subs);
        pending.extend(subs);
        let mut i = 0;
        while i < toks.len() {
            // Skip to the command word: past assignments and keywords.
            while let Some(Tok::Word(w)) = toks.get(i) {
                let keyword = matches!(
                    w.as_str(),
                    "if" | "then"
                        | "else"
                        | "elif"
                        | "do"
                        | "while"
                        | "until"
                        | "!"
                        | "time"
                        | "exec"
                        | "command"
                );
                if !(keyword || is_assignment(w)) {
                    break;
                }
                i += 1;
            }
            let Some(Tok::Word(program)) = toks.get(i) else {
                i += 1;
                continue;
            };
            let is_trailguard = program == "trailguard" || program.ends_with("/trailguard");
            i += 1;
            let mut words = Vec::new();
            while i < toks.len() {
                match &toks[i] {
                    Tok::Word(w) => words.push(w.clone()),
                    Tok::Redirect => {
                        // The redirection and its target are not arguments.
                        i += 1;
                    }
                    Tok::End => break,
                }
                i += 1;
            }
            if is_trailguard {
                found.push(Invocation {
                    words,
                    exprs: exprs.clone(),
                });
            }
            i += 1;
        }
    }
    found
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

// ---- the binary's command line, from its --help ----

/// A flag of a subcommand, from `--help`.
#[derive(Debug, Clone, Default)]
struct Flag {
    /// The long name (or the short one when there is none): what `-o` and `--output` share.
    canonical: String,
    takes_value: bool,
    possible: Vec<String>,
}

/// A subcommand's help, parsed.
#[derive(Debug, Clone, Default)]
struct Help {
    flags: BTreeMap<String, Flag>,
    has_subcommands: bool,
}

/// Parses clap's `--help` (long or short form): each option line (`-f, --format <FORMAT>`) and
/// its possible values (`- text: ...` lines, or `[possible values: a, b]`).
fn parse_help(text: &str) -> Help {
    let mut help = Help::default();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            help.has_subcommands |= trimmed == "Commands:";
            current.clear();
            continue;
        }
        if indent <= 6 {
            current.clear();
            if !trimmed.starts_with('-') {
                continue; // a positional argument or a subcommand
            }
            let head = trimmed.split("  ").next().unwrap_or(trimmed);
            let names: Vec<String> = head
                .split(", ")
                .filter_map(|part| part.split([' ', '=', '[']).next())
                .filter(|n| n.starts_with('-'))
                .map(str::to_string)
                .collect();
            let canonical = names
                .iter()
                .find(|n| n.starts_with("--"))
                .or(names.first())
                .cloned()
                .unwrap_or_default();
            for name in &names {
                help.flags.insert(
                    name.clone(),
                    Flag {
                        canonical: canonical.clone(),
                        takes_value: head.contains('<'),
                        possible: Vec::new(),
                    },
                );
            }
            current = names;
        }
        let mut values = Vec::new();
        if let Some(list) = trimmed
            .split_once("[possible values: ")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(list, _)| list)
        {
            values.extend(list.split(", ").map(str::to_string));
        } else if indent > 6 {
            if let Some((value, _)) = trimmed.strip_prefix("- ").and_then(|r| r.split_once(':')) {
                if !value.contains(' ') {
                    values.push(value.to_string());
                }
            }
        }
        for name in &current {
            if let Some(flag) = help.flags.get_mut(name) {
                flag.possible.extend(values.iter().cloned());
            }
        }
    }
    help
}

/// The built binary, its `--help` per subcommand path, cached.
#[derive(Default)]
struct Cli {
    cache: HashMap<Vec<String>, Option<Help>>,
}

impl Cli {
    /// The help of `trailguard PATH... --help`, or None when the binary rejects PATH.
    fn help(&mut self, path: &[String]) -> Option<&Help> {
        self.cache
            .entry(path.to_vec())
            .or_insert_with(|| {
                let output = Command::new(env!("CARGO_BIN_EXE_trailguard"))
                    .args(path)
                    .arg("--help")
                    .env("NO_COLOR", "1")
                    .output()
                    .expect("the trailguard binary runs");
                output
                    .status
                    .success()
                    .then(|| parse_help(&String::from_utf8_lossy(&output.stdout)))
            })
            .as_ref()
    }
}

/// A `trailguard` command, checked: its subcommand path, flags (by canonical name) with their
/// values, and positional arguments.
#[derive(Debug, Default)]
struct Parsed {
    path: Vec<String>,
    flags: Vec<(String, Option<String>)>,
    positionals: Vec<String>,
}

impl Parsed {
    fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }
}

/// Where a step's `$NAME` may come from: its env, its job's and the workflow's.
type Env<'a> = Vec<(&'a str, &'a str)>;

/// Checks an invocation against the binary; `env` resolves `$NAME` values for value checks.
fn check_invocation(cli: &mut Cli, inv: &Invocation, env: &Env) -> Result<Parsed, Vec<String>> {
    let shown = format!("trailguard {}", inv.words.join(" ")).replace('\u{1}', "");
    let mut problems = Vec::new();
    let mut parsed = Parsed::default();
    let mut words = inv.words.iter().peekable();
    // The subcommand path: `scan`, `policy list`.
    if let Some(first) = words.peek().filter(|w| !w.starts_with('-')) {
        parsed.path.push((*first).clone());
        words.next();
    }
    let Some(help) = cli.help(&parsed.path).cloned() else {
        return Err(vec![format!(
            "`{shown}`: `trailguard {}` is not a subcommand of the binary",
            parsed.path.join(" ")
        )]);
    };
    let mut help = help;
    if help.has_subcommands {
        if let Some(sub) = words.peek().filter(|w| !w.starts_with('-')) {
            parsed.path.push((*sub).clone());
            words.next();
            match cli.help(&parsed.path) {
                Some(h) => help = h.clone(),
                None => {
                    return Err(vec![format!(
                        "`{shown}`: `trailguard {}` is not a subcommand of the binary",
                        parsed.path.join(" ")
                    )])
                }
            }
        }
    }
    let mut options_done = false;
    while let Some(word) = words.next() {
        if options_done || !word.starts_with('-') || word == "-" {
            parsed.positionals.push(word.clone());
            continue;
        }
        if word == "--" {
            options_done = true;
            continue;
        }
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ if !word.starts_with("--") && word.len() > 2 => {
                // `-ofile`: a short flag with its value attached.
                (word[..2].to_string(), Some(word[2..].to_string()))
            }
            _ => (word.clone(), None),
        };
        let Some(flag) = help.flags.get(&name) else {
            problems.push(format!(
                "`{shown}`: `trailguard {}` has no flag `{name}` (see `trailguard {} --help`)",
                parsed.path.join(" "),
                parsed.path.join(" ")
            ));
            continue;
        };
        let value = if flag.takes_value {
            match inline.or_else(|| words.next().cloned()) {
                Some(v) => Some(v),
                None => {
                    problems.push(format!("`{shown}`: `{name}` needs a value"));
                    None
                }
            }
        } else {
            if inline.is_some() {
                problems.push(format!("`{shown}`: `{name}` takes no value"));
            }
            None
        };
        if let (Some(v), false) = (&value, flag.possible.is_empty()) {
            for literal in literal_values(v, inv, env) {
                if !flag.possible.contains(&literal) {
                    problems.push(format!(
                        "`{shown}`: `{literal}` is not a value of `{name}` (possible: {})",
                        flag.possible.join(", ")
                    ));
                }
            }
        }
        parsed.flags.push((flag.canonical.clone(), value));
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

/// The literal values a word can take: itself when literal; for an expression or a `$NAME`
/// bound to one, the quoted defaults (`vars.X || 'high'` gives `high`); nothing when unknowable.
fn literal_values(word: &str, inv: &Invocation, env: &Env) -> Vec<String> {
    let from_expr = |expr: &str| -> Vec<String> {
        expr.split("||")
            .skip(1)
            .filter_map(|part| {
                let part = part.trim();
                part.strip_prefix('\'')
                    .and_then(|p| p.strip_suffix('\''))
                    .map(str::to_string)
            })
            .collect()
    };
    if let Some(index) = word
        .strip_prefix('\u{1}')
        .and_then(|w| w.strip_suffix('\u{1}'))
        .and_then(|n| n.parse::<usize>().ok())
    {
        return inv
            .exprs
            .get(index)
            .map(|e| from_expr(e))
            .unwrap_or_default();
    }
    if let Some(name) = word.strip_prefix('$') {
        let name = name.trim_start_matches('{').trim_end_matches('}');
        return match env.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => match expressions(value) {
                Ok(exprs) if !exprs.is_empty() => exprs.iter().flat_map(|e| from_expr(e)).collect(),
                _ => vec![(*value).to_string()],
            },
            None => Vec::new(),
        };
    }
    if word.contains('$') || word.contains('\u{1}') {
        return Vec::new();
    }
    vec![word.to_string()]
}

/// The environment a step sees: its own `env`, then its job's, then the workflow's.
fn env_of<'a>(workflow: &'a Workflow, job: &'a Value, step: &'a Value) -> Env<'a> {
    [step.get("env"), job.get("env"), workflow.doc.get("env")]
        .into_iter()
        .flat_map(|env| entries(env).into_iter())
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        .collect()
}

/// Every `trailguard` command of every workflow, checked: (file, job, step label, parsed).
fn checked_invocations(
    cli: &mut Cli,
    workflow: &Workflow,
    problems: &mut Vec<String>,
) -> Vec<(String, usize, Parsed)> {
    let mut out = Vec::new();
    for (job_id, job) in workflow.jobs() {
        for (index, step) in steps(job).into_iter().enumerate() {
            let Some(script) = str_of(step, "run") else {
                continue;
            };
            let env = env_of(workflow, job, step);
            for inv in invocations(script) {
                match check_invocation(cli, &inv, &env) {
                    Ok(parsed) => out.push((job_id.to_string(), index, parsed)),
                    Err(found) => problems.extend(found.into_iter().map(|p| {
                        format!(
                            "{}: jobs.{job_id}.{}: {p}",
                            workflow.path,
                            label(step, index)
                        )
                    })),
                }
            }
        }
    }
    out
}

fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---- the generic checks, over every workflow ----

const TOP_KEYS: &[&str] = &[
    "name",
    "run-name",
    "on",
    "permissions",
    "env",
    "defaults",
    "concurrency",
    "jobs",
];
const JOB_KEYS: &[&str] = &[
    "name",
    "needs",
    "permissions",
    "runs-on",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "if",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
    "uses",
    "with",
    "secrets",
];
const STEP_KEYS: &[&str] = &[
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];
const PERMISSION_SCOPES: &[&str] = &[
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];

/// Inputs a known action cannot do without (here, at least).
const REQUIRED_INPUTS: &[(&str, &[&str])] = &[
    ("github/codeql-action/upload-sarif", &["sarif_file"]),
    (
        "aws-actions/configure-aws-credentials",
        &["role-to-assume", "aws-region"],
    ),
    ("actions/upload-artifact", &["name", "path"]),
    ("softprops/action-gh-release", &["files"]),
    ("actions/setup-python", &["python-version"]),
];

/// Token permissions (scope, at least this access) a job needs for a known action.
const REQUIRED_PERMISSIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "aws-actions/configure-aws-credentials",
        &[("id-token", "write")],
    ),
    (
        "github/codeql-action/upload-sarif",
        // actions: read lets it read the run's details in private repositories.
        &[("security-events", "write"), ("actions", "read")],
    ),
    ("softprops/action-gh-release", &[("contents", "write")]),
    ("actions/checkout", &[("contents", "read")]),
];

/// The first major version of each action the workflows use whose `action.yml` declares
/// `runs.using: node24`, read at each `vN` tag of the action's repository. GitHub runs Node 20
/// actions on Node 24 from June 2026 and removes Node 20 from its runners in September 2026, and
/// CodeQL Action v3 is deprecated in December 2026. An action missing here is a problem: look up
/// its first node24 major the same way and add it.
const NODE24_MAJORS: &[(&str, u32)] = &[
    ("actions/checkout", 5),
    ("actions/setup-python", 6),
    ("actions/cache", 5),
    // v5 only "supports" Node 24: its action.yml still runs node20.
    ("actions/upload-artifact", 6),
    // v5 and v6 still run node20.
    ("actions/download-artifact", 7),
    // v5 still runs node20. Without `role-skip-session-tagging`, v6 tags no OIDC session, so
    // the role's trust policy needs no sts:TagSession.
    ("aws-actions/configure-aws-credentials", 6),
    ("github/codeql-action/upload-sarif", 4),
    ("softprops/action-gh-release", 3),
    // The v2 tag follows the latest 2.x, node24 since 2.9.0.
    ("Swatinem/rust-cache", 2),
    // A composite action: no Node at all.
    ("dtolnay/rust-toolchain", 0),
];

/// Whether a `uses:` runs on Node 24: an action of [`NODE24_MAJORS`] at its first node24 major or
/// later. A commit SHA does not say its version, so it is not taken on trust.
fn check_node24(uses: &str) -> Result<(), String> {
    if uses.starts_with("./") || uses.starts_with("docker://") {
        return Ok(());
    }
    let (name, reference) = uses.split_once('@').unwrap_or((uses, ""));
    let Some((_, first)) = NODE24_MAJORS.iter().find(|(action, _)| *action == name) else {
        return Err(format!(
            "`{uses}`: add `{name}` to NODE24_MAJORS with the first major whose action.yml runs \
             node24"
        ));
    };
    if *first == 0 {
        return Ok(());
    }
    let major = reference
        .strip_prefix('v')
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(major) if major >= *first => Ok(()),
        Some(major) => Err(format!(
            "`{uses}`: v{major} runs on Node 20 or older; v{first} is the first major on Node 24"
        )),
        None => Err(format!(
            "`{uses}`: pin a version tag (v{first} or later) so its Node runtime can be checked"
        )),
    }
}

/// Refs other than version tags and SHAs that an action documents as its way to pin.
const NAMED_REFS: &[(&str, &[&str])] =
    &[("dtolnay/rust-toolchain", &["stable", "beta", "nightly"])];

/// Whether a `uses:` is pinned to a version tag (`v4`, `v2.1.0`) or a full commit SHA.
fn check_pinned(uses: &str) -> Result<(), String> {
    if uses.starts_with("./") {
        return Ok(()); // a local action or reusable workflow
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        let tagged = image.contains("@sha256:")
            || image
                .rsplit('/')
                .next()
                .and_then(|last| last.split_once(':'))
                .is_some_and(|(_, tag)| tag != "latest");
        return if tagged {
            Ok(())
        } else {
            Err(format!("`{uses}`: a docker image without a tag or digest"))
        };
    }
    let Some((name, reference)) = uses.split_once('@') else {
        return Err(format!("`{uses}`: no `@ref`; pin a version tag or SHA"));
    };
    if name.split('/').filter(|p| !p.is_empty()).count() < 2 {
        return Err(format!("`{uses}`: not `owner/repo[/path]@ref`"));
    }
    let sha = reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit());
    let version = {
        let v = reference.strip_prefix('v').unwrap_or(reference);
        !v.is_empty()
            && v.split('.').count() <= 3
            && v.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let named = NAMED_REFS.iter().any(|(action, refs)| {
        *action == name
            && (refs.contains(&reference)
                || reference
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
    });
    if sha || version || named {
        Ok(())
    } else {
        Err(format!(
            "`{uses}`: pinned to `{reference}`, not a version tag (`@v4`) or a commit SHA"
        ))
    }
}

/// The access a permissions block grants a scope: `read`, `write` or `none`; None when no
/// block is declared (the repository's default token permissions then apply).
fn access<'a>(permissions: Option<&'a Value>, scope: &str) -> Option<&'a str> {
    let permissions = permissions?;
    Some(match permissions {
        Value::String(s) if s == "write-all" => "write",
        Value::String(s) if s == "read-all" => "read",
        _ => permissions
            .get(scope)
            .and_then(Value::as_str)
            .unwrap_or("none"),
    })
}

fn check_permissions_block(where_: &str, block: &Value, problems: &mut Vec<String>) {
    match block {
        Value::String(s) if s == "read-all" || s == "write-all" => {}
        Value::Mapping(_) => {
            for (scope, value) in entries(Some(block)) {
                if !PERMISSION_SCOPES.contains(&scope) {
                    problems.push(format!("{where_}: unknown permission scope `{scope}`"));
                }
                let value = value.as_str().unwrap_or("?");
                if !["read", "write", "none"].contains(&value) {
                    problems.push(format!(
                        "{where_}: `{scope}: {value}` is not read|write|none"
                    ));
                }
            }
        }
        _ => problems.push(format!("{where_}: permissions must be a mapping")),
    }
}

/// Structure, keys, triggers, permission blocks, timeouts and expressions of one workflow.
fn structure_problems(workflow: &Workflow) -> Vec<String> {
    let file = &workflow.path;
    let mut problems = Vec::new();
    let Some(top) = workflow.doc.as_mapping() else {
        return vec![format!("{file}: not a mapping")];
    };
    for (key, _) in top {
        match key.as_str() {
            Some(k) if TOP_KEYS.contains(&k) => {}
            // YAML 1.1 reads a bare `on` as true; GitHub reads it as the key `on`.
            Some(k) => problems.push(format!("{file}: unknown top-level key `{k}`")),
            None => problems.push(format!(
                "{file}: top-level key {key:?} is not a string (quote `on`?)"
            )),
        }
    }
    match workflow.doc.get("on") {
        None => problems.push(format!("{file}: no `on:` triggers")),
        Some(on) => {
            for cron in seq(on.get("schedule")) {
                let expr = str_of(cron, "cron").unwrap_or("");
                if expr.split_whitespace().count() != 5 {
                    problems.push(format!(
                        "{file}: schedule cron `{expr}` does not have 5 fields"
                    ));
                }
            }
        }
    }
    if let Some(p) = workflow.doc.get("permissions") {
        check_permissions_block(&format!("{file}: permissions"), p, &mut problems);
    }
    let jobs = workflow.jobs();
    if jobs.is_empty() {
        problems.push(format!("{file}: no jobs"));
    }
    let in_repo = file.starts_with(".github/workflows/");
    for (job_id, job) in &jobs {
        let at = format!("{file}: jobs.{job_id}");
        if !job_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || job_id.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        {
            problems.push(format!("{at}: invalid job id"));
        }
        for (key, _) in entries(Some(job)) {
            if !JOB_KEYS.contains(&key) {
                problems.push(format!("{at}: unknown key `{key}`"));
            }
        }
        if let Some(p) = job.get("permissions") {
            check_permissions_block(&format!("{at}.permissions"), p, &mut problems);
        }
        if workflow.doc.get("permissions").is_none() && job.get("permissions").is_none() {
            problems.push(format!(
                "{at}: no `permissions:` (job or workflow): the token would get the repository's defaults"
            ));
        }
        if job.get("uses").is_some() {
            for key in ["runs-on", "steps", "timeout-minutes"] {
                if job.get(key).is_some() {
                    problems.push(format!("{at}: a reusable-workflow job cannot have `{key}`"));
                }
            }
            if let Some(uses) = str_of(job, "uses") {
                if let Err(e) = check_pinned(uses) {
                    problems.push(format!("{at}: {e}"));
                }
            }
            continue;
        }
        if job.get("runs-on").is_none() {
            problems.push(format!("{at}: no `runs-on`"));
        }
        match job.get("timeout-minutes") {
            Some(t) => {
                let ok = t.as_u64().is_some_and(|m| (1..=360).contains(&m))
                    || t.as_str().is_some_and(|s| s.contains("${{"));
                if !ok {
                    problems.push(format!("{at}: timeout-minutes {t:?} is not 1..=360"));
                }
            }
            None if in_repo => problems.push(format!(
                "{at}: no `timeout-minutes` (the default is 6 hours)"
            )),
            None => {}
        }
        let job_steps = steps(job);
        if job_steps.is_empty() {
            problems.push(format!(
                "{at}: no `steps` (or `uses` for a reusable workflow)"
            ));
        }
        let mut ids = BTreeSet::new();
        for (index, step) in job_steps.iter().enumerate() {
            let at = format!("{at}.{}", label(step, index));
            for (key, _) in entries(Some(step)) {
                if !STEP_KEYS.contains(&key) {
                    problems.push(format!("{at}: unknown key `{key}`"));
                }
            }
            match (step.get("run"), step.get("uses")) {
                (Some(_), Some(_)) => problems.push(format!("{at}: both `run` and `uses`")),
                (None, None) => problems.push(format!("{at}: neither `run` nor `uses`")),
                (Some(run), None) => {
                    if step.get("with").is_some() {
                        problems.push(format!("{at}: `with` on a `run` step"));
                    }
                    if !run.is_string() {
                        problems.push(format!("{at}: `run` is not a string"));
                    }
                }
                (None, Some(_)) => {
                    for key in ["shell", "working-directory"] {
                        if step.get(key).is_some() {
                            problems.push(format!("{at}: `{key}` on a `uses` step"));
                        }
                    }
                }
            }
            if let Some(id) = str_of(step, "id") {
                if !ids.insert(id) {
                    problems.push(format!("{at}: duplicate step id `{id}`"));
                }
            }
            if let Some(script) = str_of(step, "run") {
                // Script injection: untrusted event data must go through `env:`.
                for expr in expressions(script).unwrap_or_default() {
                    if expr.contains("github.event.") || expr.contains("github.head_ref") {
                        problems.push(format!(
                            "{at}: `${{{{ {expr} }}}}` in a script; pass it through `env:`"
                        ));
                    }
                }
            }
        }
    }
    // Expressions: closed, and no secrets in `if:` (GitHub rejects them there).
    let mut texts = Vec::new();
    strings(&workflow.doc, &mut texts);
    for text in texts {
        if let Err(e) = expressions(text) {
            problems.push(format!("{file}: {e}"));
        }
    }
    for (job_id, job) in &jobs {
        let ifs = std::iter::once(str_of(job, "if"))
            .chain(steps(job).into_iter().map(|s| str_of(s, "if")))
            .flatten();
        for condition in ifs {
            if condition.contains("secrets.") {
                problems.push(format!(
                    "{file}: jobs.{job_id}: `if: {condition}` uses `secrets`, which `if:` cannot read"
                ));
            }
        }
    }
    problems
}

/// Pinned actions, their required inputs and the permissions they need.
fn action_problems(workflow: &Workflow) -> Vec<String> {
    let mut problems = Vec::new();
    for (job_id, job) in workflow.jobs() {
        let permissions = job
            .get("permissions")
            .or_else(|| workflow.doc.get("permissions"));
        for (index, step) in steps(job).into_iter().enumerate() {
            let at = format!("{}: jobs.{job_id}.{}", workflow.path, label(step, index));
            let Some(uses) = str_of(step, "uses") else {
                continue;
            };
            if let Err(e) = check_pinned(uses) {
                problems.push(format!("{at}: {e}"));
            }
            if let Err(e) = check_node24(uses) {
                problems.push(format!("{at}: {e}"));
            }
            let name = action(step).unwrap_or_default();
            let inputs = step.get("with");
            for (known, required) in REQUIRED_INPUTS {
                if *known != name {
                    continue;
                }
                for input in *required {
                    let value = inputs.and_then(|w| w.get(*input)).and_then(scalar);
                    if value.is_none_or(|v| v.trim().is_empty()) {
                        problems.push(format!("{at}: `{name}` needs input `{input}`"));
                    }
                }
            }
            for (known, needed) in REQUIRED_PERMISSIONS {
                if *known != name {
                    continue;
                }
                // Static keys instead of a role need no OIDC token.
                if name == "aws-actions/configure-aws-credentials"
                    && inputs.and_then(|w| w.get("aws-access-key-id")).is_some()
                {
                    continue;
                }
                for (scope, level) in *needed {
                    let granted = access(permissions, scope);
                    let ok = match (granted, *level) {
                        (None, _) => false,
                        (Some("write"), _) => true,
                        (Some("read"), "read") => true,
                        _ => false,
                    };
                    if !ok {
                        problems.push(format!(
                            "{at}: `{name}` needs `permissions: {scope}: {level}` (job or workflow), has {}",
                            granted.unwrap_or("no permissions block")
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// `needs`, `needs.X.outputs.Y`, `steps.S` and `matrix.K` references.
fn reference_problems(workflow: &Workflow) -> Vec<String> {
    let file = &workflow.path;
    let mut problems = Vec::new();
    let jobs = workflow.jobs();
    let ids: BTreeSet<&str> = jobs.iter().map(|(id, _)| *id).collect();
    let needs_of = |job: &Value| -> Vec<String> {
        match job.get("needs") {
            Some(Value::String(s)) => vec![s.clone()],
            other => seq(other)
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        }
    };
    for (job_id, job) in &jobs {
        let at = format!("{file}: jobs.{job_id}");
        let needs = needs_of(job);
        for need in &needs {
            if need == job_id {
                problems.push(format!("{at}: needs itself"));
            } else if !ids.contains(need.as_str()) {
                problems.push(format!("{at}: needs `{need}`, which is not a job here"));
            }
        }
        let exprs = job_expressions(job);
        // needs.X.outputs.Y: X is needed, and declares output Y.
        for path in exprs.iter().flat_map(|e| context_refs(e, "needs")) {
            let Some(other) = path.first() else { continue };
            if !needs.contains(other) {
                problems.push(format!(
                    "{at}: refers to `needs.{}` but does not need `{other}`",
                    path.join(".")
                ));
                continue;
            }
            if path.get(1).map(String::as_str) == Some("outputs") {
                let output = path.get(2).cloned().unwrap_or_default();
                let declared = jobs
                    .iter()
                    .find(|(id, _)| id == other)
                    .is_some_and(|(_, j)| {
                        entries(j.get("outputs")).iter().any(|(k, _)| *k == output)
                    });
                if !declared {
                    problems.push(format!(
                        "{at}: refers to `needs.{}`, but job `{other}` has no output `{output}`",
                        path.join(".")
                    ));
                }
            }
        }
        // steps.S: S is the id of an earlier step (or any step, in job outputs).
        let job_steps = steps(job);
        let step_ids: Vec<Option<&str>> = job_steps.iter().map(|s| str_of(s, "id")).collect();
        let mut outputs_texts = Vec::new();
        if let Some(outputs) = job.get("outputs") {
            strings(outputs, &mut outputs_texts);
        }
        for text in outputs_texts {
            for expr in expressions(text).unwrap_or_default() {
                for path in context_refs(expr, "steps") {
                    let id = path.first().cloned().unwrap_or_default();
                    if !step_ids.contains(&Some(id.as_str())) {
                        problems.push(format!(
                            "{at}.outputs: refers to `steps.{id}`, no step has that id"
                        ));
                    }
                }
            }
        }
        for (index, step) in job_steps.iter().enumerate() {
            let mut texts = Vec::new();
            strings(step, &mut texts);
            let mut step_exprs: Vec<&str> = texts
                .iter()
                .flat_map(|t| expressions(t).unwrap_or_default())
                .collect();
            step_exprs.extend(str_of(step, "if"));
            for path in step_exprs.iter().flat_map(|e| context_refs(e, "steps")) {
                let id = path.first().cloned().unwrap_or_default();
                if !step_ids[..index].contains(&Some(id.as_str())) {
                    problems.push(format!(
                        "{at}.{}: refers to `steps.{id}`, which is not an earlier step's id",
                        label(step, index)
                    ));
                }
            }
        }
        // matrix.K: K is a key of the job's matrix (or its include entries).
        let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
        let keys: Option<BTreeSet<String>> = match matrix {
            None => Some(BTreeSet::new()),
            // fromJSON(...) or another expression: keys unknown here.
            Some(Value::String(_)) => None,
            Some(m) => {
                let mut keys: BTreeSet<String> = entries(Some(m))
                    .into_iter()
                    .filter(|(k, _)| *k != "include" && *k != "exclude")
                    .map(|(k, _)| k.to_string())
                    .collect();
                for include in seq(m.get("include")) {
                    keys.extend(
                        entries(Some(include))
                            .into_iter()
                            .map(|(k, _)| k.to_string()),
                    );
                }
                if entries(Some(m))
                    .iter()
                    .any(|(_, v)| v.as_str().is_some_and(|s| s.contains("${{")))
                {
                    None // a key whose values come from an expression
                } else {
                    Some(keys)
                }
            }
        };
        if let Some(keys) = keys {
            for path in exprs.iter().flat_map(|e| context_refs(e, "matrix")) {
                let key = path.first().cloned().unwrap_or_default();
                if !keys.contains(&key) {
                    problems.push(format!(
                        "{at}: refers to `matrix.{key}`, which its matrix does not define (has: {})",
                        keys.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    // No cycles through needs.
    let graph: BTreeMap<&str, Vec<String>> =
        jobs.iter().map(|(id, j)| (*id, needs_of(j))).collect();
    fn visits(
        graph: &BTreeMap<&str, Vec<String>>,
        node: &str,
        path: &mut Vec<String>,
    ) -> Option<String> {
        if path.iter().any(|p| p == node) {
            return Some(format!("{} -> {node}", path.join(" -> ")));
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visits(graph, next, path) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    for id in graph.keys() {
        if let Some(cycle) = visits(&graph, id, &mut Vec::new()) {
            problems.push(format!("{file}: a cycle of needs: {cycle}"));
            break;
        }
    }
    problems
}

// ---- the tests over every workflow ----

#[test]
fn the_workflow_folders_hold_the_expected_files() {
    let files = workflow_files();
    for expected in [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        ".github/workflows/trailguard.yml",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} missing; found {files:?}"
        );
    }
}

#[test]
fn every_workflow_is_well_formed() {
    let problems: Vec<String> = workflows().iter().flat_map(structure_problems).collect();
    assert_no_problems("workflow structure", &problems);
}

#[test]
fn every_action_is_pinned_has_its_inputs_and_its_permissions() {
    let problems: Vec<String> = workflows().iter().flat_map(action_problems).collect();
    assert_no_problems("actions", &problems);
}

#[test]
fn every_needs_steps_and_matrix_reference_resolves() {
    let problems: Vec<String> = workflows().iter().flat_map(reference_problems).collect();
    assert_no_problems("references", &problems);
}

#[test]
fn every_trailguard_command_in_a_workflow_is_one_the_binary_accepts() {
    let mut cli = Cli::default();
    let mut problems = Vec::new();
    let mut count = 0;
    for workflow in workflows() {
        count += checked_invocations(&mut cli, &workflow, &mut problems).len();
    }
    assert_no_problems("trailguard commands in workflows", &problems);
    assert!(count >= 4, "only {count} trailguard commands found");
}

#[test]
fn every_trailguard_command_in_the_readme_yaml_is_one_the_binary_accepts() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut cli = Cli::default();
    let mut problems = Vec::new();
    let mut blocks = 0;
    for (n, block) in readme.split("```yaml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap_or_default();
        let doc: Value = serde_yaml_ng::from_str(block)
            .unwrap_or_else(|e| panic!("README.md: yaml block {n} does not parse: {e}"));
        blocks += 1;
        let mut scripts = Vec::new();
        collect_runs(&doc, &mut scripts);
        for script in scripts {
            for inv in invocations(script) {
                if let Err(found) = check_invocation(&mut cli, &inv, &Vec::new()) {
                    problems.extend(
                        found
                            .into_iter()
                            .map(|p| format!("README.md yaml block {n}: {p}")),
                    );
                }
            }
        }
    }
    assert!(blocks > 0, "README.md has no yaml block");
    assert_no_problems("trailguard commands in README.md's YAML", &problems);
}

/// Every `run:` string anywhere in a YAML value.
fn collect_runs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Sequence(items) => items.iter().for_each(|v| collect_runs(v, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    (Some("run"), Some(script)) => out.push(script),
                    _ => collect_runs(v, out),
                }
            }
        }
        _ => {}
    }
}

// ---- trailguard.yml: the code-scanning workflow users copy ----

/// The position of the first step of `job` matching `pred`.
fn position(job: &Value, what: &str, pred: impl Fn(&Value) -> bool) -> usize {
    steps(job)
        .into_iter()
        .position(pred)
        .unwrap_or_else(|| panic!("trailguard.yml: no step {what}"))
}

#[test]
fn the_code_scanning_workflow_scans_uploads_reports_and_gates() {
    let wf = workflow(".github/workflows/trailguard.yml");
    let mut cli = Cli::default();
    let mut problems = Vec::new();
    let commands = checked_invocations(&mut cli, &wf, &mut problems);
    assert_no_problems("trailguard.yml commands", &problems);

    // Triggers: daily and by hand; never pull requests (the job holds AWS credentials).
    let on = wf.doc.get("on").unwrap();
    assert!(on.get("schedule").is_some() && on.get("workflow_dispatch").is_some());
    assert!(on.get("pull_request").is_none() && on.get("pull_request_target").is_none());
    // Least privilege: exactly these scopes, and write only where needed.
    let permissions: BTreeMap<&str, &str> = entries(wf.doc.get("permissions"))
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap()))
        .collect();
    assert_eq!(
        permissions,
        BTreeMap::from([
            ("actions", "read"),
            ("contents", "read"),
            ("id-token", "write"),
            ("security-events", "write"),
        ])
    );
    assert!(wf.doc.get("concurrency").is_some(), "no concurrency group");

    let jobs = wf.jobs();
    assert_eq!(jobs.len(), 1, "one scanning job");
    let (job_id, job) = jobs[0];
    // Inert until the repository is set up (and in trailguard's own repository).
    let condition = str_of(job, "if").unwrap_or_default();
    assert!(
        condition
            .replace(' ', "")
            .contains("vars.TRAILGUARD_ROLE_ARN!=''"),
        "jobs.{job_id}.if: {condition}"
    );
    assert!(job.get("timeout-minutes").is_some());
    assert!(
        str_of(job, "runs-on").is_some_and(|r| r.starts_with("ubuntu")),
        "the installed binary is x86_64 Linux"
    );
    let all = steps(job);
    assert!(
        all.iter().all(|s| s.get("continue-on-error").is_none()),
        "no step may hide a failure"
    );

    // Install: the pinned release of the repository in Cargo.toml, checksum verified.
    let version = str_of(wf.doc.get("env").unwrap(), "TRAILGUARD_VERSION").unwrap();
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap()).collect();
    assert_eq!(parts.len(), 3, "TRAILGUARD_VERSION {version} is not X.Y.Z");
    let (workspace_version, repository) = workspace();
    let workspace_parts: Vec<u64> = workspace_version
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(
        parts <= workspace_parts,
        "TRAILGUARD_VERSION {version} is newer than the workspace ({workspace_version})"
    );
    let install = position(job, "installing trailguard", |s| {
        str_of(s, "run").is_some_and(|r| r.contains("releases/download"))
    });
    let script = str_of(all[install], "run").unwrap();
    let base = format!("{repository}/releases/download/v${{TRAILGUARD_VERSION}}");
    let archive = "trailguard-${TRAILGUARD_VERSION}-x86_64-unknown-linux-musl.tar.gz";
    for needle in [
        base.as_str(),
        archive,
        ".sha256",
        "sha256sum -c",
        "GITHUB_PATH",
    ] {
        assert!(
            script.contains(needle),
            "install step lacks `{needle}`:\n{script}"
        );
    }
    let release = workflow(".github/workflows/release.yml");
    assert!(
        release_targets(&release).contains("x86_64-unknown-linux-musl"),
        "release.yml does not build the target trailguard.yml installs"
    );

    // Credentials: OIDC with the role from the repository variable, a region with a default.
    let aws = position(job, "assuming the role", |s| {
        action(s) == Some("aws-actions/configure-aws-credentials")
    });
    let with = all[aws].get("with").unwrap();
    assert_eq!(
        str_of(with, "role-to-assume"),
        Some("${{ vars.TRAILGUARD_ROLE_ARN }}")
    );
    let region = str_of(with, "aws-region").unwrap();
    assert!(
        region.contains("vars.") && region.contains("||"),
        "aws-region from a variable with a default: {region}"
    );
    assert!(str_of(all[aws], "uses").unwrap().ends_with("@v6"));

    // The scan writes the snapshot and the SARIF and never fails on findings.
    let find = |path: &str, pred: &dyn Fn(&Parsed) -> bool| -> Vec<(usize, &Parsed)> {
        commands
            .iter()
            .filter(|(_, _, p)| p.path == [path] && pred(p))
            .map(|(_, i, p)| (*i, p))
            .collect()
    };
    let scans = find("scan", &|_| true);
    assert_eq!(scans.len(), 1, "one scan");
    let (scan, parsed) = scans[0];
    let snapshot = parsed
        .flag("--snapshot-out")
        .expect("--snapshot-out")
        .to_string();
    let sarif = parsed.flag("--output").expect("-o FILE").to_string();
    assert_eq!(parsed.flag("--format"), Some("sarif"));
    assert_eq!(
        parsed.flag("--fail-on"),
        Some("never"),
        "the scan must not fail before the SARIF is uploaded"
    );
    assert!(
        install < scan && aws < scan,
        "install and credentials come first"
    );
    let checks: Vec<usize> = commands
        .iter()
        .filter(|(_, _, p)| p.path == ["check-config"])
        .map(|(_, i, _)| *i)
        .collect();
    assert!(
        checks.len() == 1 && install < checks[0] && checks[0] < aws,
        "the configuration is checked once, before any AWS call"
    );

    // The snapshot is kept, whatever happened.
    let artifact = position(job, "uploading the snapshot", |s| {
        action(s) == Some("actions/upload-artifact")
    });
    let with = all[artifact].get("with").unwrap();
    assert_eq!(str_of(with, "path"), Some(snapshot.as_str()));
    assert!(str_of(all[artifact], "if").is_some_and(|c| c.contains("always()")));

    // The Markdown report of the saved snapshot goes to the step summary.
    let summaries = find("eval", &|p| {
        p.flag("--format") == Some("markdown") && p.positionals == [snapshot.clone()]
    });
    assert_eq!(summaries.len(), 1, "one Markdown eval of {snapshot}");
    let summary = summaries[0].0;
    assert!(str_of(all[summary], "run")
        .unwrap()
        .contains(">> \"$GITHUB_STEP_SUMMARY\""));

    // SARIF reaches code scanning even when a step failed; runs keep their per-account category.
    let upload = position(job, "uploading SARIF", |s| {
        action(s) == Some("github/codeql-action/upload-sarif")
    });
    let with = all[upload].get("with").unwrap();
    assert_eq!(str_of(with, "sarif_file"), Some(sarif.as_str()));
    assert!(
        with.get("category").is_none(),
        "the SARIF's own per-account automationDetails.id are the categories"
    );
    assert!(str_of(all[upload], "if").is_some_and(|c| c.contains("always()")));
    assert!(str_of(all[upload], "uses").unwrap().ends_with("@v4"));
    assert!(scan < artifact && scan < summary && scan < upload);

    // The gate comes last: eval of the snapshot with the variable's threshold, default high.
    let gate = all.len() - 1;
    let gates = find("eval", &|p| p.has("--fail-on"));
    assert_eq!(gates.len(), 1, "one gating eval");
    let (at, parsed) = gates[0];
    assert_eq!(at, gate, "the gate is the last step");
    assert!(upload < gate);
    assert_eq!(parsed.positionals, [snapshot]);
    assert!(
        str_of(all[gate], "if").is_none_or(|c| !c.contains("always()")),
        "the gate runs only when the scan succeeded"
    );
    let threshold = parsed.flag("--fail-on").unwrap();
    let env = env_of(&wf, job, all[gate]);
    let inv = Invocation {
        words: vec![threshold.to_string()],
        exprs: Vec::new(),
    };
    assert_eq!(
        literal_values(threshold, &inv, &env),
        ["high"],
        "--fail-on {threshold}: the default threshold"
    );
    let bound = env
        .iter()
        .find(|(k, _)| threshold.trim_start_matches('$') == *k)
        .map(|(_, v)| *v)
        .unwrap_or(threshold);
    assert!(
        bound.contains("vars.TRAILGUARD_FAIL_ON"),
        "--fail-on comes from vars.TRAILGUARD_FAIL_ON: {bound}"
    );

    // Config and waivers are picked up from the working directory; the comments say so.
    let text = std::fs::read_to_string(root().join(&wf.path)).unwrap();
    for needle in [
        "trailguard.toml",
        "trailguard-waivers.toml",
        "automationDetails",
    ] {
        assert!(
            text.contains(needle),
            "trailguard.yml does not mention {needle}"
        );
    }
}

/// The workspace version and repository URL of Cargo.toml.
fn workspace() -> (String, String) {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let value = |key: &str| -> String {
        let section = toml.split("[workspace.package]").nth(1).unwrap();
        section
            .lines()
            .find_map(|l| {
                l.strip_prefix(key)
                    .map(str::trim)
                    .and_then(|r| r.strip_prefix('='))
                    .map(|v| v.trim().trim_matches('"').to_string())
            })
            .unwrap_or_else(|| panic!("no {key} in [workspace.package]"))
    };
    (value("version"), value("repository"))
}

// ---- release.yml ----

/// The targets of release.yml's build matrix.
fn release_targets(release: &Workflow) -> BTreeSet<String> {
    let build = release.job("build");
    seq(build
        .get("strategy")
        .and_then(|s| s.get("matrix"))
        .and_then(|m| m.get("include")))
    .into_iter()
    .filter_map(|entry| str_of(entry, "target").map(str::to_string))
    .collect()
}

#[test]
fn the_release_workflow_builds_checks_packages_and_publishes() {
    let wf = workflow(".github/workflows/release.yml");
    let on = wf.doc.get("on").unwrap();
    let tags: Vec<&str> = seq(on.get("push").and_then(|p| p.get("tags")))
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(tags, ["v*"]);
    assert!(on.get("workflow_dispatch").is_some());

    // The four targets, Linux ones static (musl), macOS ones on macos-14.
    assert_eq!(
        release_targets(&wf),
        BTreeSet::from(
            [
                "x86_64-unknown-linux-musl",
                "aarch64-unknown-linux-musl",
                "x86_64-apple-darwin",
                "aarch64-apple-darwin",
            ]
            .map(str::to_string)
        )
    );
    let build = wf.job("build");
    for entry in seq(build
        .get("strategy")
        .and_then(|s| s.get("matrix"))
        .and_then(|m| m.get("include")))
    {
        let target = str_of(entry, "target").unwrap();
        let os = str_of(entry, "os").unwrap();
        let expected = if target.ends_with("apple-darwin") {
            "macos-14"
        } else {
            "ubuntu-latest"
        };
        assert_eq!(os, expected, "{target}");
    }
    assert_eq!(str_of(build, "runs-on"), Some("${{ matrix.os }}"));

    // The tag is checked against the workspace version.
    let version_job = wf.job("version");
    let script: String = steps(version_job)
        .iter()
        .filter_map(|s| str_of(s, "run"))
        .collect();
    for needle in ["cargo metadata", "GITHUB_REF_NAME", "v$version", "exit 1"] {
        assert!(script.contains(needle), "version check lacks `{needle}`");
    }
    assert!(
        seq(build.get("needs"))
            .iter()
            .any(|n| n.as_str() == Some("version"))
            || str_of(build, "needs") == Some("version")
    );

    // Build, smoke test, package and checksum.
    let scripts: String = steps(build)
        .iter()
        .filter_map(|s| str_of(s, "run"))
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "--release --locked",
        "--target \"$TARGET\"",
        "musl-tools",
        "zigbuild",
        "--version",
        "trailguard-${VERSION}-${TARGET}.tar.gz",
        "README.md",
        "LICENSE",
        "sha256sum \"$archive\" > \"$archive.sha256\"",
        "shasum -a 256 \"$archive\" > \"$archive.sha256\"",
    ] {
        assert!(
            scripts.contains(needle),
            "release.yml build lacks `{needle}`"
        );
    }
    assert!(steps(build)
        .iter()
        .any(|s| action(s) == Some("actions/upload-artifact")));

    // Publishing: only for tags, the only job that may write, and it uploads the checksums.
    assert_eq!(access(wf.doc.get("permissions"), "contents"), Some("read"));
    for (job_id, job) in wf.jobs() {
        let writes = entries(job.get("permissions"))
            .iter()
            .any(|(_, v)| v.as_str() == Some("write"));
        assert_eq!(
            writes,
            job_id == "publish",
            "jobs.{job_id}: only the publishing job may write"
        );
    }
    let publish = wf.job("publish");
    assert_eq!(
        access(publish.get("permissions"), "contents"),
        Some("write")
    );
    assert!(str_of(publish, "if").is_some_and(|c| c.contains("github.ref_type == 'tag'")));
    let needs: Vec<&str> = seq(publish.get("needs"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(needs.contains(&"build") && needs.contains(&"version"));
    let release = steps(publish)
        .into_iter()
        .find(|s| action(s) == Some("softprops/action-gh-release"))
        .expect("a release upload step");
    let files = str_of(release.get("with").unwrap(), "files").unwrap();
    for needle in ["*.tar.gz", ".sha256"] {
        assert!(
            files.contains(needle),
            "release files lack {needle}: {files}"
        );
    }
    let verify: String = steps(publish)
        .iter()
        .filter_map(|s| str_of(s, "run"))
        .collect();
    assert!(
        verify.contains("sha256sum -c"),
        "publish verifies the checksums"
    );
}

#[test]
fn ci_keeps_format_lint_and_the_test_suite() {
    let wf = workflow(".github/workflows/ci.yml");
    let scripts: Vec<&str> = wf
        .jobs()
        .into_iter()
        .flat_map(|(_, job)| steps(job))
        .filter_map(|s| str_of(s, "run"))
        .collect();
    for needle in ["cargo fmt --all --check", "cargo clippy", "./scripts/test"] {
        assert!(
            scripts.iter().any(|s| s.contains(needle)),
            "ci.yml lacks `{needle}`"
        );
    }
    for (job_id, job) in wf.jobs() {
        let minutes = job.get("timeout-minutes").and_then(Value::as_u64);
        assert!(
            minutes.is_some_and(|m| m <= 90),
            "jobs.{job_id}: timeout-minutes {minutes:?} (at most 90)"
        );
    }
}

#[test]
fn the_readme_documents_code_scanning_and_releases() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for needle in [
        "## GitHub code scanning",
        ".github/workflows/trailguard.yml",
        "token.actions.githubusercontent.com",
        "trailguard permissions",
        "## Releases",
        "sha256sum -c",
    ] {
        assert!(readme.contains(needle), "README.md lacks `{needle}`");
    }
    // Every repository variable the workflow reads is documented, there and in its header.
    let text = std::fs::read_to_string(root().join(".github/workflows/trailguard.yml")).unwrap();
    let wf = workflow(".github/workflows/trailguard.yml");
    let mut all = Vec::new();
    strings(&wf.doc, &mut all);
    let vars: BTreeSet<String> = all
        .iter()
        .flat_map(|s| expressions(s).unwrap_or_default())
        .chain(wf.jobs().iter().filter_map(|(_, j)| str_of(j, "if")))
        .flat_map(|e| context_refs(e, "vars"))
        .filter_map(|p| p.first().cloned())
        .collect();
    assert!(vars.len() >= 3, "{vars:?}");
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#') || l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    for var in vars {
        assert!(readme.contains(&var), "README.md does not document {var}");
        assert!(
            header.contains(&var),
            "trailguard.yml's header does not document {var}"
        );
    }
}

/// Every `uses:` anywhere in a YAML value.
fn collect_uses<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Sequence(items) => items.iter().for_each(|v| collect_uses(v, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    (Some("uses"), Some(uses)) => out.push(uses),
                    _ => collect_uses(v, out),
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_action_in_the_workflows_and_the_readme_runs_on_node_24() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for workflow in workflows() {
        let mut uses = Vec::new();
        collect_uses(&workflow.doc, &mut uses);
        for u in uses {
            checked += 1;
            if let Err(e) = check_node24(u) {
                problems.push(format!("{}: {e}", workflow.path));
            }
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for (n, block) in readme.split("```yaml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap_or_default();
        let doc: Value = serde_yaml_ng::from_str(block).unwrap();
        let mut uses = Vec::new();
        collect_uses(&doc, &mut uses);
        for u in uses {
            checked += 1;
            if let Err(e) = check_node24(u) {
                problems.push(format!("README.md yaml block {n}: {e}"));
            }
        }
    }
    assert!(checked >= 20, "only {checked} actions found");
    assert_no_problems("actions on Node 24", &problems);
    // The checker itself: the old majors fail, the new ones and later pass.
    for old in [
        "github/codeql-action/upload-sarif@v3",
        "actions/upload-artifact@v5",
        "actions/download-artifact@v6",
        "aws-actions/configure-aws-credentials@v5.1.0",
        "actions/checkout@v4",
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
        "someone/new-action@v9",
    ] {
        assert!(check_node24(old).is_err(), "{old}");
    }
    for new in [
        "github/codeql-action/upload-sarif@v4",
        "actions/checkout@v6.0.1",
        "dtolnay/rust-toolchain@stable",
        "./.github/actions/local",
    ] {
        assert!(check_node24(new).is_ok(), "{new}");
    }
}

#[test]
fn the_readme_requirements_name_what_the_test_script_needs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let requirements = readme
        .split("\n## Requirements\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a Requirements section");
    let script = std::fs::read_to_string(root().join("scripts/test")).unwrap();
    // What `./scripts/test` runs, and the name a new user has to install it by: on Debian and
    // Ubuntu, `python3 -m venv` needs the python3-venv package.
    for (runs, named) in [("python3 -m venv", "python3-venv"), ("npm install", "npm")] {
        assert!(
            script.contains(runs),
            "scripts/test no longer runs `{runs}`: update README.md's Requirements and this test"
        );
        assert!(
            requirements.contains(named),
            "README.md's Requirements do not name `{named}`, which `{runs}` in scripts/test needs"
        );
    }
}

// ---- the checkers themselves can fail ----

#[test]
fn the_command_finder_follows_continuations_quotes_substitutions_and_redirections() {
    let script = "set -e\n\
        mkdir -p out && trailguard scan --all-regions \\\n  --snapshot-out 'out/s.json' \\\n  --format sarif -o x.sarif # --not-a-flag\n\
        tar -xzf a.tar.gz trailguard\n\
        v=\"$(./bin/trailguard --version)\"\n\
        FOO=1 trailguard eval s.json --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n\
        if trailguard policy list --format ${{ vars.F || 'json' }}; then :; fi\n\
        files=(trailguard README.md)\n";
    let found: Vec<Vec<String>> = invocations(script).into_iter().map(|i| i.words).collect();
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "scan",
            "--all-regions",
            "--snapshot-out",
            "out/s.json",
            "--format",
            "sarif",
            "-o",
            "x.sarif",
        ],
        vec!["eval", "s.json", "--format", "markdown"],
        vec!["policy", "list", "--format", "\u{1}0\u{1}"],
        vec!["--version"],
    ];
    assert_eq!(found, expected);
}

#[test]
fn the_flag_checker_rejects_made_up_flags_subcommands_and_values() {
    let mut cli = Cli::default();
    let check = |cli: &mut Cli, script: &str| -> Result<Parsed, Vec<String>> {
        let invs = invocations(script);
        assert_eq!(invs.len(), 1, "{script}");
        check_invocation(cli, &invs[0], &vec![("LEVEL", "${{ vars.L || 'severe' }}")])
    };
    // What the binary accepts passes, short and long forms alike.
    let ok = check(
        &mut cli,
        "trailguard eval s.json -f sarif --output=x.sarif --fail-on high",
    )
    .unwrap();
    assert_eq!(ok.path, ["eval"]);
    assert_eq!(ok.positionals, ["s.json"]);
    assert_eq!(ok.flag("--format"), Some("sarif"));
    assert_eq!(ok.flag("--output"), Some("x.sarif"));
    assert!(check(&mut cli, "trailguard policy list --format json").is_ok());
    assert!(check(&mut cli, "trailguard --version").is_ok());
    // A flag that does not exist, even behind a line continuation.
    let err = check(
        &mut cli,
        "trailguard scan --all-regions \\\n  --made-up-flag x.json",
    )
    .unwrap_err();
    assert!(err[0].contains("no flag `--made-up-flag`"), "{err:?}");
    // A subcommand that does not exist, at either level.
    let err = check(&mut cli, "trailguard evaluate s.json").unwrap_err();
    assert!(err[0].contains("not a subcommand"), "{err:?}");
    let err = check(&mut cli, "trailguard policy lint").unwrap_err();
    assert!(err[0].contains("not a subcommand"), "{err:?}");
    // A value the flag does not take: literal, an expression's default, or through env.
    let err = check(&mut cli, "trailguard eval s.json --format yaml").unwrap_err();
    assert!(
        err[0].contains("`yaml` is not a value of `--format`"),
        "{err:?}"
    );
    let err = check(
        &mut cli,
        "trailguard eval s.json --fail-on ${{ vars.X || 'severe' }}",
    )
    .unwrap_err();
    assert!(err[0].contains("`severe`"), "{err:?}");
    let err = check(&mut cli, "trailguard eval s.json --fail-on \"$LEVEL\"").unwrap_err();
    assert!(err[0].contains("`severe`"), "{err:?}");
    // A flag without its value, and a switch given one.
    let err = check(&mut cli, "trailguard eval s.json --format").unwrap_err();
    assert!(err[0].contains("needs a value"), "{err:?}");
    let err = check(&mut cli, "trailguard eval s.json --no-builtin=yes").unwrap_err();
    assert!(err[0].contains("takes no value"), "{err:?}");
}

#[test]
fn the_generic_checks_catch_broken_workflows() {
    let broken = Workflow::parse(
        "broken.yml",
        r#"
on: push
permissions:
  contents: read
  secrets-events: write
jobs:
  scan:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    needs: [build]
    strategy:
      matrix:
        target: [a, b]
    steps:
      - uses: actions/checkout@main
      - uses: github/codeql-action/upload-sarif@v4
      - uses: aws-actions/configure-aws-credentials@v6
        with:
          aws-region: eu-west-1
      - run: echo ${{ matrix.os }} ${{ steps.later.outputs.x }}
        uses: actions/upload-artifact@v6
      - name: nothing
      - id: later
        run: echo "${{ github.event.issue.title }}"
        if: secrets.TOKEN != ''
      - run: echo ${{ needs.scan.outputs.y }}
  lint:
    steps: []
    timout-minutes: 5
"#,
    );
    let mut problems = structure_problems(&broken);
    problems.extend(action_problems(&broken));
    problems.extend(reference_problems(&broken));
    let all = problems.join("\n");
    for expected in [
        "unknown permission scope `secrets-events`",
        "pinned to `main`",
        "needs input `sarif_file`",
        "needs input `role-to-assume`",
        "needs `permissions: security-events: write`",
        "needs `permissions: id-token: write`",
        "both `run` and `uses`",
        "neither `run` nor `uses`",
        "needs `build`, which is not a job here",
        "`matrix.os`, which its matrix does not define",
        "`steps.later`, which is not an earlier step's id",
        "does not need `scan`",
        "pass it through `env:`",
        "uses `secrets`",
        "jobs.lint: no `runs-on`",
        "jobs.lint: no `steps`",
        "jobs.lint: unknown key `timout-minutes`",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    // And the repository's own files are clean by the same functions (see the tests above).
    assert!(check_pinned("actions/checkout@v5").is_ok());
    assert!(check_pinned("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683").is_ok());
    assert!(check_pinned("dtolnay/rust-toolchain@stable").is_ok());
    assert!(check_pinned("actions/checkout@master").is_err());
    assert!(check_pinned("actions/checkout").is_err());
    assert!(check_pinned("docker://alpine:latest").is_err());
}

#[test]
fn help_parsing_reads_flags_aliases_and_possible_values() {
    let help = parse_help(
        "Usage: x [OPTIONS]\n\nOptions:\n  -f, --format <FORMAT>\n          Report format\n\n          Possible values:\n          - text:     For people\n          - json:     JSON\n\n      --all-regions\n          Every region\n  -c, --color <C>  When to colour [possible values: auto, never]\n",
    );
    let format = &help.flags["-f"];
    assert_eq!(format.canonical, "--format");
    assert!(format.takes_value);
    assert_eq!(format.possible, ["text", "json"]);
    assert!(!help.flags["--all-regions"].takes_value);
    assert!(help.flags["--all-regions"].possible.is_empty());
    assert_eq!(help.flags["--color"].possible, ["auto", "never"]);
    assert!(!help.has_subcommands);
}
