//! What regorus's parser says about a policy file: its package, imports, rules, calls, the data
//! it refers to, and the comment blocks between its statements (where METADATA lives).
//!
//! This is the only place trailguard learns the structure of Rego: rule discovery, METADATA,
//! the sandbox, test discovery, the overlay of user files on built-ins and the grouping of rules
//! that share a helper all read a [`Parsed`] policy. The text itself is tokenised and parsed by
//! regorus (its lexer for the nesting limit, its parser for the rest); trailguard only walks the
//! tree regorus built. regorus drops comments, so METADATA is read from the text *between* the
//! statements regorus parsed: by construction that text holds nothing but blanks and comments.

use crate::{Diagnostic, PolicySource};
use regorus::unstable::{
    Expr, Lexer, Literal, Module, Parser, Query, Rule, RuleHead, Source, Span, TokenKind,
};
use std::collections::{BTreeMap, BTreeSet};

/// The deepest nesting of `(`, `[` and `{` a policy file may have.
///
/// regorus's recursive-descent parser tries each `[` and `{` first as a comprehension and, when
/// that fails, parses the same text again as an array, set or object: the time to parse nested
/// literals doubles with every level (found by fuzzing: 20 levels took close to a minute). So
/// deeper text is refused, at the bracket that goes too deep, before it is parsed. trailguard's
/// own policies nest at most 10 levels.
pub const MAX_NESTING: usize = 16;

/// The deepest expression tree a policy may have (an operand of an operand of ...). Evaluating
/// an expression recurses once per level, so a chain of thousands of `+` would overflow the
/// evaluator's stack; no real policy comes near this.
pub const MAX_EXPRESSION_DEPTH: usize = 256;

/// A policy file as regorus parsed it.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    /// `trailguard.rules.tg090` (without `data.`).
    pub package: String,
    /// 1-based line of the `package` statement.
    pub package_line: usize,
    /// Every rule and function definition, in file order.
    pub rules: Vec<RuleDef>,
    /// Every call of a function, by the name it is called with (`count`, `lib.finding`,
    /// `time.now_ns`), import aliases not resolved.
    pub calls: Vec<Call>,
    /// Every other reference with fields (`lib.params.days`, `tl.trail_list_unknown`), as far
    /// as it is written with names (`input.trails` for `input.trails[arn].Name`), import
    /// aliases not resolved. Read by [`alias_rule_refs`].
    #[cfg_attr(not(test), allow(dead_code))] // The built-in catalogue's check, a test.
    pub refs: Vec<Call>,
    /// The imports of `data`: each alias (`tl`, or the last name) and the path it stands for,
    /// without `data.`.
    #[cfg_attr(not(test), allow(dead_code))] // The built-in catalogue's check, a test.
    pub imports: BTreeMap<String, String>,
    /// The METADATA comment blocks, in file order.
    pub metadata: Vec<MetadataBlock>,
}

/// One rule or function definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleDef {
    /// The first name of its head: `deny` for `deny contains x`, `by` for `by.bucket[b]`.
    pub name: String,
    /// Whether it is a function (`f(x) := ...`).
    pub function: bool,
    /// 1-based line and column of its head.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// The functions its head and bodies call that policies may define, as `data` paths
    /// without `data.` (a plain name resolved to this package, an alias to its import).
    pub calls: Vec<String>,
}

/// A function call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    /// The function's name as written, with string index parts as dots: `time.now_ns`.
    pub name: String,
    /// 1-based line and column.
    pub line: usize,
    /// See `line`.
    pub column: usize,
}

/// What a METADATA block sits right above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Annotated {
    /// The `package` statement.
    Package,
    /// A rule with this (first) name.
    Rule(String),
    /// An import, or nothing (the end of the file).
    Other,
}

/// A `# METADATA` comment block: its YAML and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetadataBlock {
    /// 1-based line of the `# METADATA` marker.
    pub line: usize,
    /// The YAML: the comment lines below the marker without their `#` (and one blank).
    pub yaml: String,
    /// The column offset of the YAML text in the first comment line (its `# ` prefix).
    pub prefix: usize,
    /// What the block annotates.
    pub annotates: Annotated,
}

impl Parsed {
    /// Whether the file declares a rule with this first name.
    pub fn declares(&self, name: &str) -> bool {
        self.rules.iter().any(|r| r.name == name)
    }

    /// The names of the functions and rules the file defines.
    pub fn definitions(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.name.as_str())
    }

    /// The `test_*` rules, each with the line of its first definition.
    pub fn tests(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for rule in &self.rules {
            if rule.name.starts_with("test_") && !out.iter().any(|(n, _)| *n == rule.name) {
                out.push((rule.name.clone(), rule.line));
            }
        }
        out
    }

    /// The METADATA block that describes the file's rule: the one above `package` or above
    /// `deny`, else the first.
    pub fn rule_metadata(&self) -> Option<&MetadataBlock> {
        self.metadata
            .iter()
            .find(|b| {
                b.annotates == Annotated::Package || b.annotates == Annotated::Rule("deny".into())
            })
            .or_else(|| self.metadata.first())
    }
}

/// Parses a policy file with regorus (after checking its nesting with regorus's lexer): its
/// structure, or a diagnostic at the first problem.
pub(crate) fn parse(source: &PolicySource) -> Result<Parsed, Diagnostic> {
    let regorus_source = Source::from_contents(source.path.clone(), source.text.clone())
        .map_err(|e| Diagnostic::from_regorus(&source.path, &e.to_string()))?;
    check_nesting(source, &regorus_source)?;
    let module = Parser::new(&regorus_source)
        .and_then(|mut parser| {
            parser.enable_rego_v1()?;
            parser.parse()
        })
        .map_err(|e| Diagnostic::from_regorus(&source.path, &e.to_string()))?;
    describe(source, &module)
}

/// Refuses text nested deeper than [`MAX_NESTING`], reading regorus's own tokens.
fn check_nesting(source: &PolicySource, regorus_source: &Source) -> Result<(), Diagnostic> {
    let mut lexer = Lexer::new(regorus_source);
    let mut depth = 0usize;
    loop {
        let token = lexer
            .next_token()
            .map_err(|e| Diagnostic::from_regorus(&source.path, &e.to_string()))?;
        match token.0 {
            TokenKind::Eof => return Ok(()),
            TokenKind::Symbol => match token.1.text() {
                "(" | "[" | "{" => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(Diagnostic::new(
                            &source.path,
                            at(&token.1).0,
                            at(&token.1).1,
                            format!(
                                "brackets, braces and parentheses are nested more than \
                                 {MAX_NESTING} levels deep here"
                            ),
                        )
                        .hint(
                            "the Rego parser's time doubles with every level of nested \
                             literals: build deep values from smaller named rules or functions",
                        ));
                    }
                }
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
}

/// A span's 1-based line and column, the column in characters (regorus counts a tab as
/// several columns; editors and `file:line:col` readers count it as one).
fn at(span: &Span) -> (usize, usize) {
    let text = span.source.contents();
    let start = offset(span.start).min(text.len());
    let Some(before) = text.get(..start) else {
        // Not a character boundary (never, for a token): regorus's own count.
        return (position(span.line), position(span.col));
    };
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn position(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Reads what trailguard needs from a parsed module.
fn describe(source: &PolicySource, module: &Module) -> Result<Parsed, Diagnostic> {
    let package = ref_path(&module.package.refr)
        .map(|p| p.join("."))
        .ok_or_else(|| {
            Diagnostic::new(
                &source.path,
                at(&module.package.span).0,
                at(&module.package.span).1,
                "the package name is not a plain path",
            )
        })?;
    // Import aliases: `import data.trailguard.lib.trail as tl` makes `tl` stand for
    // `trailguard.lib.trail`; `import data.trailguard.lib` makes `lib` stand for it.
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for import in &module.imports {
        let Some(path) = ref_path(&import.refr) else {
            continue;
        };
        let Some(("data", rest)) = path.split_first().map(|(h, r)| (h.as_str(), r)) else {
            continue;
        };
        let alias = match &import.r#as {
            Some(span) => span.text().to_string(),
            None => match rest.last() {
                Some(last) => last.clone(),
                None => continue,
            },
        };
        aliases.insert(alias, rest.join("."));
    }

    let mut walk = Walk {
        path: &source.path,
        calls: Vec::new(),
        refs: Vec::new(),
    };
    let mut rules = Vec::new();
    let mut spans: Vec<(u32, u32, Annotated)> = vec![(
        module.package.span.start,
        module.package.span.end,
        Annotated::Package,
    )];
    for import in &module.imports {
        spans.push((import.span.start, import.span.end, Annotated::Other));
    }
    for rule in &module.policy {
        let (head_ref, function, roots) = match rule.as_ref() {
            Rule::Spec { head, bodies, .. } => {
                let mut roots: Vec<Root> = Vec::new();
                let head_ref = match head {
                    RuleHead::Compr { refr, assign, .. } => {
                        roots.extend(assign.iter().map(|a| Root::Expr(&a.value)));
                        refr
                    }
                    RuleHead::Set { refr, key, .. } => {
                        roots.extend(key.iter().map(|k| Root::Expr(k)));
                        refr
                    }
                    RuleHead::Func {
                        refr, args, assign, ..
                    } => {
                        roots.extend(args.iter().map(|a| Root::Expr(a)));
                        roots.extend(assign.iter().map(|a| Root::Expr(&a.value)));
                        refr
                    }
                };
                roots.push(Root::Expr(head_ref));
                for body in bodies {
                    roots.extend(body.assign.iter().map(|a| Root::Expr(&a.value)));
                    roots.push(Root::Query(&body.query));
                }
                let function = matches!(head, RuleHead::Func { .. });
                (head_ref, function, roots)
            }
            Rule::Default {
                refr, args, value, ..
            } => {
                let mut roots = vec![Root::Expr(refr), Root::Expr(value)];
                roots.extend(args.iter().map(|a| Root::Expr(a)));
                (refr, !args.is_empty(), roots)
            }
        };
        let span = rule.span();
        let first_call = walk.calls.len();
        for root in roots {
            walk.root(root)?;
        }
        let calls = walk.calls[first_call..]
            .iter()
            .filter_map(|call| resolve_call(&call.name, &package, &aliases))
            .collect();
        let name = root_name(head_ref).ok_or_else(|| {
            Diagnostic::new(
                &source.path,
                at(span).0,
                at(span).1,
                "a rule head must start with a name",
            )
        })?;
        rules.push(RuleDef {
            name: name.clone(),
            function,
            line: at(span).0,
            column: at(span).1,
            calls,
        });
        spans.push((span.start, span.end, Annotated::Rule(name)));
    }
    spans.sort_by_key(|(start, _, _)| *start);
    let metadata = metadata_blocks(&source.text, &spans);
    Ok(Parsed {
        package,
        package_line: at(&module.package.span).0,
        rules,
        calls: walk.calls,
        refs: walk.refs,
        imports: aliases,
        metadata,
    })
}

/// The `data` path (without `data.`) of a function a policy may define, called as `name`:
/// `f` is the package's own, `alias.f` an import's, `data.a.f` itself. Builtins (`count`,
/// `time.clock`) resolve to nothing.
fn resolve_call(name: &str, package: &str, aliases: &BTreeMap<String, String>) -> Option<String> {
    match name.split_once('.') {
        None => Some(format!("{package}.{name}")),
        Some(("data", rest)) => Some(rest.to_string()),
        Some((head, rest)) => aliases.get(head).map(|target| format!("{target}.{rest}")),
    }
}

/// Functions that call themselves, directly or through others: regorus would recurse until the
/// stack overflows (it detects recursion between rules, not between functions), and Rego does
/// not allow recursion. One diagnostic per cycle, at its first function in file order.
pub(crate) fn recursion(files: &[(&crate::PolicySource, &Parsed)]) -> Vec<Diagnostic> {
    // Each function's path with its first definition's file and head, and what all its
    // definitions call (a function may be defined by several rules).
    let mut functions: BTreeMap<String, (&str, &RuleDef)> = BTreeMap::new();
    let mut calls: BTreeMap<String, BTreeSet<&String>> = BTreeMap::new();
    for (source, parsed) in files {
        for rule in parsed.rules.iter().filter(|r| r.function) {
            let path = format!("{}.{}", parsed.package, rule.name);
            calls.entry(path.clone()).or_default().extend(&rule.calls);
            functions.entry(path).or_insert((&source.path, rule));
        }
    }
    // Only calls of functions the policies define can make a cycle.
    let edges: BTreeMap<&str, BTreeSet<String>> = calls
        .iter()
        .map(|(path, called)| {
            let defined = called
                .iter()
                .filter(|c| functions.contains_key(c.as_str()))
                .map(|c| (*c).clone())
                .collect();
            (path.as_str(), defined)
        })
        .collect();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for start in functions.keys() {
        if reported.contains(start) {
            continue;
        }
        // Depth-first from `start`, keeping the path, until it comes back to `start`.
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(at.as_str()).into_iter().flatten() {
                if next == start {
                    let cycle: Vec<String> = path.iter().chain([next]).cloned().collect();
                    reported.extend(path.iter().cloned());
                    if let Some((file, rule)) = functions.get(start) {
                        out.push(
                            Diagnostic::new(
                                file,
                                rule.line,
                                rule.column,
                                format!(
                                    "function {} calls itself ({}): Rego does not allow recursion",
                                    rule.name,
                                    cycle.join(" -> ")
                                ),
                            )
                            .hint("iterate over the data with `some ... in` or a comprehension instead"),
                        );
                    }
                    stack.clear();
                    break;
                }
                if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    out
}

/// Where a walk starts.
enum Root<'a> {
    Expr(&'a Expr),
    Query(&'a Query),
}

/// Gathers calls from expressions, without recursion (a policy's expression tree can be
/// deep), and bounds the depth of every tree.
struct Walk<'a> {
    path: &'a str,
    calls: Vec<Call>,
    refs: Vec<Call>,
}

impl Walk<'_> {
    fn root(&mut self, root: Root<'_>) -> Result<(), Diagnostic> {
        let mut stack: Vec<(Root<'_>, usize)> = vec![(root, 0)];
        while let Some((node, depth)) = stack.pop() {
            let expr = match node {
                Root::Query(query) => {
                    for stmt in &query.stmts {
                        for modifier in &stmt.with_mods {
                            stack.push((Root::Expr(&modifier.refr), depth + 1));
                            stack.push((Root::Expr(&modifier.r#as), depth + 1));
                        }
                        match &stmt.literal {
                            Literal::SomeVars { .. } => {}
                            Literal::SomeIn {
                                key,
                                value,
                                collection,
                                ..
                            } => {
                                stack.extend(key.iter().map(|k| (Root::Expr(k), depth + 1)));
                                stack.push((Root::Expr(value), depth + 1));
                                stack.push((Root::Expr(collection), depth + 1));
                            }
                            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                                stack.push((Root::Expr(expr), depth + 1));
                            }
                            Literal::Every { domain, query, .. } => {
                                stack.push((Root::Expr(domain), depth + 1));
                                stack.push((Root::Query(query), depth + 1));
                            }
                        }
                    }
                    continue;
                }
                Root::Expr(expr) => expr,
            };
            if depth > MAX_EXPRESSION_DEPTH {
                let span = expr.span();
                return Err(Diagnostic::new(
                    self.path,
                    at(span).0,
                    at(span).1,
                    format!(
                        "this expression is nested more than {MAX_EXPRESSION_DEPTH} levels deep"
                    ),
                )
                .hint("split it into smaller named rules or functions"));
            }
            let next = depth + 1;
            match expr {
                Expr::String { .. }
                | Expr::RawString { .. }
                | Expr::Number { .. }
                | Expr::Bool { .. }
                | Expr::Null { .. }
                | Expr::Var { .. } => {}
                Expr::Array { items, .. } | Expr::Set { items, .. } => {
                    stack.extend(items.iter().map(|i| (Root::Expr(i), next)));
                }
                Expr::Object { fields, .. } => {
                    for (_, key, value) in fields {
                        stack.push((Root::Expr(key), next));
                        stack.push((Root::Expr(value), next));
                    }
                }
                Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                    stack.push((Root::Expr(term), next));
                    stack.push((Root::Query(query), next));
                }
                Expr::ObjectCompr {
                    key, value, query, ..
                } => {
                    stack.push((Root::Expr(key), next));
                    stack.push((Root::Expr(value), next));
                    stack.push((Root::Query(query), next));
                }
                Expr::Call { fcn, params, .. } => {
                    if let Some(name) = ref_path(fcn) {
                        // The call's own span starts at `(`, a reference's at its last `.`:
                        // point at the name's first character.
                        let span = ref_root(fcn).span();
                        self.calls.push(Call {
                            name: name.join("."),
                            line: at(span).0,
                            column: at(span).1,
                        });
                    }
                    // A function's name is no reference to a value.
                    if ref_path(fcn).is_none() {
                        stack.push((Root::Expr(fcn), next));
                    }
                    stack.extend(params.iter().map(|p| (Root::Expr(p), next)));
                }
                Expr::UnaryExpr { expr, .. } => stack.push((Root::Expr(expr), next)),
                Expr::RefDot { .. } | Expr::RefBrack { .. } => {
                    // The whole reference once, then what is inside it: its computed indexes,
                    // and what it starts from when that is not a name (`f(x).y`).
                    if let Some(names) = named_prefix(expr).filter(|n| n.len() > 1) {
                        let span = ref_root(expr).span();
                        self.refs.push(Call {
                            name: names.join("."),
                            line: at(span).0,
                            column: at(span).1,
                        });
                    }
                    let mut inner = expr;
                    loop {
                        match inner {
                            Expr::RefDot { refr, .. } => inner = refr,
                            Expr::RefBrack { refr, index, .. } => {
                                stack.push((Root::Expr(index), next));
                                inner = refr;
                            }
                            Expr::Var { .. } => break,
                            other => {
                                stack.push((Root::Expr(other), next));
                                break;
                            }
                        }
                    }
                }
                Expr::BinExpr { lhs, rhs, .. }
                | Expr::BoolExpr { lhs, rhs, .. }
                | Expr::ArithExpr { lhs, rhs, .. }
                | Expr::AssignExpr { lhs, rhs, .. } => {
                    stack.push((Root::Expr(lhs), next));
                    stack.push((Root::Expr(rhs), next));
                }
                Expr::Membership {
                    key,
                    value,
                    collection,
                    ..
                } => {
                    stack.extend(key.iter().map(|k| (Root::Expr(k), next)));
                    stack.push((Root::Expr(value), next));
                    stack.push((Root::Expr(collection), next));
                }
            }
        }
        Ok(())
    }
}

/// `a.b["c"].d` as `[a, b, c, d]`: a reference made of a name and string keys; `None` for any
/// other expression (an index by a variable or number included).
pub(crate) fn ref_path(expr: &Expr) -> Option<Vec<String>> {
    names(expr).and_then(|(parts, whole)| whole.then_some(parts))
}

/// The names a reference starts with, up to its first computed index: `[a, b, c]` for
/// `a.b["c"][x].d`; `None` when it does not start from a name (`f(x).y`).
fn named_prefix(expr: &Expr) -> Option<Vec<String>> {
    names(expr).map(|(parts, _)| parts)
}

/// The names a reference starts with, up to its first computed index, and whether that is all
/// of it; `None` when it does not start from a name.
fn names(expr: &Expr) -> Option<(Vec<String>, bool)> {
    let mut parts = Vec::new();
    let mut whole = true;
    let mut at = expr;
    loop {
        match at {
            Expr::Var { span, .. } => {
                parts.push(span.text().to_string());
                break;
            }
            Expr::RefDot { refr, field, .. } => {
                parts.push(field.0.text().to_string());
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                let key = match index.as_ref() {
                    Expr::String { value, .. } | Expr::RawString { value, .. } => {
                        value.as_string().ok()
                    }
                    _ => None,
                };
                match key {
                    Some(key) => parts.push(key.to_string()),
                    // What came after a computed index is not part of the names.
                    None => {
                        parts.clear();
                        whole = false;
                    }
                }
                at = refr;
            }
            _ => return None,
        }
    }
    parts.reverse();
    Some((parts, whole))
}

/// References to a rule of another package through an import of the package (`lib.params`
/// after `import data.trailguard.lib`): regorus then evaluates every rule of that package and
/// of the packages under it before it reads the one named (`lib.params.retention_days` cost
/// TG052 0.1 s at 100k resources, for one number). Importing the rule itself (`import
/// data.trailguard.lib.params`) or writing its whole path reads only that rule; calling a
/// function through the package's alias costs nothing extra. One diagnostic per reference.
#[cfg(test)]
pub(crate) fn alias_rule_refs(files: &[(&crate::PolicySource, &Parsed)]) -> Vec<Diagnostic> {
    let packages: BTreeSet<&str> = files.iter().map(|(_, p)| p.package.as_str()).collect();
    let rules: BTreeSet<(&str, &str)> = files
        .iter()
        .flat_map(|(_, p)| {
            p.rules
                .iter()
                .filter(|r| !r.function)
                .map(|r| (p.package.as_str(), r.name.as_str()))
        })
        .collect();
    let mut out = Vec::new();
    for (source, parsed) in files {
        let mut refs: Vec<&Call> = parsed.refs.iter().collect();
        refs.sort_by_key(|r| (r.line, r.column));
        for reference in refs {
            let mut names = reference.name.split('.');
            let Some(alias) = names.next() else {
                continue;
            };
            // Only an import that names a package: one that names a rule reads that rule.
            let Some(target) = parsed.imports.get(alias) else {
                continue;
            };
            if !packages.contains(target.as_str()) {
                continue;
            }
            let mut package = target.clone();
            for name in names {
                if rules.contains(&(package.as_str(), name)) {
                    out.push(
                        Diagnostic::new(
                            &source.path,
                            reference.line,
                            reference.column,
                            format!(
                                "`{}` reads rule {name} of package {package} through the \
                                 import `{alias}`: regorus evaluates every rule of {target} \
                                 and of the packages under it first",
                                reference.name
                            ),
                        )
                        .hint(format!(
                            "import the rule itself: `import data.{package}.{name}`"
                        )),
                    );
                    break;
                }
                let below = format!("{package}.{name}");
                if !packages.contains(below.as_str()) {
                    break;
                }
                package = below;
            }
        }
    }
    out
}

/// The expression a reference starts from (`a` in `a.b["c"]`).
fn ref_root(expr: &Expr) -> &Expr {
    let mut at = expr;
    while let Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } = at {
        at = refr;
    }
    at
}

/// The name a rule head starts with (`by` in `by.bucket[b]`, `deny` in `deny contains x`).
fn root_name(expr: &Expr) -> Option<String> {
    let mut at = expr;
    loop {
        match at {
            Expr::Var { span, .. } => return Some(span.text().to_string()),
            Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => at = refr,
            _ => return None,
        }
    }
}

/// The METADATA blocks in the text between statements (`spans`: each statement's byte range and
/// what it is, sorted by start). Only blanks and comments lie there, so a `# METADATA` line in
/// it is a comment, never part of a string.
fn metadata_blocks(text: &str, spans: &[(u32, u32, Annotated)]) -> Vec<MetadataBlock> {
    let mut out = Vec::new();
    let mut gap_start = 0usize;
    let ends = spans
        .iter()
        .map(|(start, end, what)| (offset(*start), offset(*end), what.clone()))
        .chain(std::iter::once((text.len(), text.len(), Annotated::Other)));
    for (start, end, annotates) in ends {
        if let Some(gap) = text.get(gap_start..start.max(gap_start)) {
            // The gap's lines that start a line of the file (a comment after code on the same
            // line is not a block marker).
            let first_line = text[..gap_start].matches('\n').count() + 1;
            let at_line_start = gap_start == 0 || text[..gap_start].ends_with('\n');
            let lines: Vec<&str> = gap.split('\n').collect();
            let mut i = usize::from(!at_line_start);
            while i < lines.len() {
                if lines[i].trim() != "# METADATA" {
                    i += 1;
                    continue;
                }
                let marker = i;
                let mut yaml = String::new();
                let mut prefix = 2;
                i += 1;
                while let Some(rest) = lines.get(i).and_then(|l| l.trim_start().strip_prefix('#')) {
                    let body = rest.strip_prefix(' ').unwrap_or(rest);
                    if i == marker + 1 {
                        prefix = lines[i].len() - body.len();
                    }
                    yaml.push_str(body.trim_end_matches('\r'));
                    yaml.push('\n');
                    i += 1;
                }
                out.push(MetadataBlock {
                    line: first_line + marker,
                    yaml,
                    prefix,
                    annotates: annotates.clone(),
                });
            }
        }
        gap_start = gap_start.max(end);
    }
    out
}

fn offset(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Parsed {
        parse(&PolicySource::custom("p.rego", text)).unwrap()
    }

    #[test]
    fn rules_are_found_however_their_heads_are_written() {
        // Regression: a regex missed heads that were indented, had a ref or a call in the key,
        // or put `contains` on the next line.
        let p = parsed(
            "package p\nimport rego.v1\n\n  deny contains f(x) if { some x in input.xs }\nby.bucket[b] contains 1 if { some b in input.bs }\nf(x) := x\nindex[k]\n  contains v if { some k, v in input.m }\n",
        );
        let names: Vec<&str> = p.definitions().collect();
        assert_eq!(names, vec!["deny", "by", "f", "index"]);
        assert!(p.declares("deny"));
        assert!(p.rules[2].function);
        assert_eq!(p.rules[0].line, 4);
    }

    #[test]
    fn calls_are_found_by_the_name_they_are_called_with() {
        let p = parsed(
            "package p\nimport rego.v1\nimport data.a.lib\nimport data.b.helpers as h\n\nx := lib.f(1) if h.index[\"k\"]\ny := data.c.d.e\nz := time[\"now_ns\"]()\n# time.now_ns() in a comment\nw := \"opa.runtime()\"\n",
        );
        let calls: Vec<&str> = p.calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(calls, vec!["lib.f", "time.now_ns"]);
    }

    #[test]
    fn metadata_is_read_between_statements_only() {
        let text = "# METADATA\n# title: T\n# custom:\n#   id: X1\npackage p\nimport rego.v1\n\nx := `\n# METADATA\n# title: in a string\n`\n\n# METADATA\n# title: helper\nf(x) := 1\n";
        let p = parsed(text);
        assert_eq!(p.metadata.len(), 2, "{:?}", p.metadata);
        assert_eq!(p.metadata[0].line, 1);
        assert_eq!(p.metadata[0].annotates, Annotated::Package);
        assert_eq!(p.metadata[0].yaml, "title: T\ncustom:\n  id: X1\n");
        assert_eq!(p.metadata[1].line, 13);
        assert_eq!(p.metadata[1].annotates, Annotated::Rule("f".into()));
    }

    #[test]
    fn recursive_functions_are_found_directly_and_through_others() {
        let a = PolicySource::custom(
            "a.rego",
            "package a\nimport rego.v1\nimport data.b\nf(n) := b.g(n)\nh(n) := h(n)\nok(n) := count([n])\n",
        );
        let b = PolicySource::custom("b.rego", "package b\nimport rego.v1\ng(n) := data.a.f(n)\n");
        let (pa, pb) = (parse(&a).unwrap(), parse(&b).unwrap());
        let found: Vec<String> = recursion(&[(&a, &pa), (&b, &pb)])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with("a.rego:4:1: function f calls itself (a.f -> b.g -> a.f)"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("a.rego:5:1: function h calls itself (a.h -> a.h)"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_rule_of_another_package_read_through_its_import_is_found() {
        let lib = PolicySource::custom(
            "lib.rego",
            "package x.lib\nimport rego.v1\nparams := {\"days\": 1}\nf(n) := n\n",
        );
        let sub = PolicySource::custom("sub.rego", "package x.lib.sub\nimport rego.v1\nr := 2\n");
        let rule = PolicySource::custom(
            "rule.rego",
            "package x.rules.r1\nimport rego.v1\nimport data.x.lib\nimport data.x.lib.params\n\
             import data.x.lib.sub as s\n\
             a := lib.params.days\n\
             b := lib.f(params.days) + data.x.lib.params.days + input.a.b\n\
             c := [lib.sub.r, s.r[0]]\n\
             d := {k | some k in lib.params}\n",
        );
        let found = alias_findings(&[lib, sub, rule]);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("rule.rego:6:6: `lib.params.days` reads rule params of package x.lib through the import `lib`"), "{found:#?}");
        assert!(found[0].contains("import data.x.lib.params"), "{found:#?}");
        assert!(
            found[1].starts_with("rule.rego:8:7: `lib.sub.r` reads rule r of package x.lib.sub"),
            "{found:#?}"
        );
        assert!(
            found[2].starts_with(
                "rule.rego:8:18: `s.r` reads rule r of package x.lib.sub through the import `s`"
            ),
            "{found:#?}"
        );
        assert!(
            found[3].starts_with("rule.rego:9:21: `lib.params`"),
            "{found:#?}"
        );
    }

    /// Regression: TG013 and TG052 read `lib.params`, TG063, TG065 and TG066 `sensitive.*`,
    /// TG090 `tl.monitoring_rules`: each evaluated whole helper packages for every rule run
    /// (0.1 to 0.2 s each at 100k resources).
    #[test]
    fn the_built_in_policies_read_helper_rules_directly() {
        // Rules and helpers: a test reads its rule's `deny` through the rule's package, whose
        // cost does not matter.
        let sources: Vec<PolicySource> = crate::builtin_sources()
            .into_iter()
            .filter(|s| !s.path.ends_with("_test.rego"))
            .collect();
        assert!(sources.len() > 60, "{} built-in files", sources.len());
        let found = alias_findings(&sources);
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    /// What [`alias_rule_refs`] says of these sources, parsed.
    fn alias_findings(sources: &[PolicySource]) -> Vec<String> {
        let parsed: Vec<Parsed> = sources.iter().map(|s| parse(s).unwrap()).collect();
        let files: Vec<(&PolicySource, &Parsed)> = sources.iter().zip(&parsed).collect();
        alias_rule_refs(&files)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn tests_are_rules_named_test() {
        let p = parsed(
            "package p\nimport rego.v1\ntest_a if true\n  test_b if true\ntest_a if false\n",
        );
        assert_eq!(p.tests(), vec![("test_a".into(), 3), ("test_b".into(), 4)]);
    }

    #[test]
    fn deeper_nesting_is_reported_at_the_bracket_that_goes_too_deep() {
        let text = format!(
            "package p\nx := {}1{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let shown = parse(&PolicySource::custom("p.rego", text))
            .unwrap_err()
            .to_string();
        assert!(
            shown.starts_with(
                "p.rego:2:22: brackets, braces and parentheses are nested more than 16"
            ),
            "{shown}"
        );
    }

    #[test]
    fn nesting_up_to_the_limit_and_brackets_in_strings_and_comments_are_accepted() {
        let deep = "[".repeat(100);
        let text = format!(
            "package p\n# {deep}\nx := \"{deep}\"\ny := `{deep}`\nz := {}1{}\n",
            "[".repeat(MAX_NESTING),
            "]".repeat(MAX_NESTING)
        );
        parsed(&text);
    }

    #[test]
    fn a_deep_expression_is_refused() {
        // regorus's parser bounds the depth it builds; trailguard's walk bounds what it reads.
        let text = format!(
            "package p\nx := 1{}\n",
            "\n + 1".repeat(MAX_EXPRESSION_DEPTH + 10)
        );
        let shown = parse(&PolicySource::custom("p.rego", text))
            .unwrap_err()
            .to_string();
        assert!(shown.starts_with("p.rego:"), "{shown}");
        assert!(shown.contains("deep") || shown.contains("depth"), "{shown}");
    }

    #[test]
    fn the_shipped_policies_parse() {
        for source in crate::builtin_sources() {
            let p = parse(&source).unwrap_or_else(|d| panic!("{d}"));
            assert!(p.package.starts_with("trailguard."), "{}", source.path);
        }
    }
}
