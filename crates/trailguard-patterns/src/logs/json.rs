//! The JSON form, `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`:
//! selectors into the event, compared, joined by `&&` (binding tighter) and `||`, with
//! parentheses.

use super::condition::{number, Comparison, Scalar};
use super::cursor::Cursor;
use super::FilterPatternError as PatternError;
use trailguard_json::{Json, Kind};

/// One step of a selector: `.name` (or `.['name']`), `[index]`, or a wildcard: `[*]` or `.*`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Field(String),
    Index(usize),
    AnyItem,
    AnyField,
}

/// The most wildcard steps one selector may hold, and one pattern (AWS's limits).
const WILDCARDS_PER_SELECTOR: usize = 1;
const WILDCARDS_PER_PATTERN: usize = 3;

/// What is tested at a selector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    Compare(Comparison),
    IsNull,
    NotExists,
    IsBool(bool),
}

/// A JSON filter expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Test { selector: Vec<Step>, test: Test },
}

/// Parses the JSON form (the cursor on `{`).
pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Expr, PatternError> {
    cursor.bump();
    let mut counts = Counts::default();
    let expr = or(cursor, &mut counts)?;
    cursor.skip_whitespace();
    if !cursor.eat("}") {
        return Err(cursor.error("expected `&&`, `||` or the closing `}`"));
    }
    cursor.skip_whitespace();
    if !cursor.at_end() {
        return Err(cursor.error("nothing may follow the closing `}`"));
    }
    Ok(expr)
}

/// What the whole pattern has used of AWS's limits.
#[derive(Default)]
struct Counts {
    regexes: usize,
    wildcards: usize,
}

fn or(cursor: &mut Cursor<'_>, counts: &mut Counts) -> Result<Expr, PatternError> {
    let mut terms = vec![and(cursor, counts)?];
    loop {
        cursor.skip_whitespace();
        if !cursor.eat("||") {
            break;
        }
        terms.push(and(cursor, counts)?);
    }
    Ok(if terms.len() == 1 {
        terms.remove(0)
    } else {
        Expr::Or(terms)
    })
}

fn and(cursor: &mut Cursor<'_>, counts: &mut Counts) -> Result<Expr, PatternError> {
    let mut terms = vec![unary(cursor, counts)?];
    loop {
        cursor.skip_whitespace();
        if !cursor.eat("&&") {
            break;
        }
        terms.push(unary(cursor, counts)?);
    }
    Ok(if terms.len() == 1 {
        terms.remove(0)
    } else {
        Expr::And(terms)
    })
}

fn unary(cursor: &mut Cursor<'_>, counts: &mut Counts) -> Result<Expr, PatternError> {
    cursor.skip_whitespace();
    if cursor.peek() == Some('(') {
        let open = cursor.pos();
        cursor.bump();
        let inner = or(cursor, counts)?;
        cursor.skip_whitespace();
        if !cursor.eat(")") {
            return Err(cursor.error_at(open, "this `(` is never closed"));
        }
        return Ok(inner);
    }
    let selector_at = cursor.pos();
    let selector = selector(cursor)?;
    let wildcards = selector
        .iter()
        .filter(|s| matches!(s, Step::AnyItem | Step::AnyField))
        .count();
    if wildcards > WILDCARDS_PER_SELECTOR {
        return Err(cursor.error_at(
            selector_at,
            format!("a selector may hold {WILDCARDS_PER_SELECTOR} wildcard (`[*]` or `.*`)"),
        ));
    }
    counts.wildcards += wildcards;
    if counts.wildcards > WILDCARDS_PER_PATTERN {
        return Err(cursor.error_at(
            selector_at,
            format!("a pattern may hold at most {WILDCARDS_PER_PATTERN} wildcard selectors"),
        ));
    }
    cursor.skip_whitespace();
    let test = if cursor.eat_keyword("IS") {
        cursor.skip_whitespace();
        if cursor.eat_keyword("NULL") {
            Test::IsNull
        } else if cursor.eat_keyword("TRUE") {
            Test::IsBool(true)
        } else if cursor.eat_keyword("FALSE") {
            Test::IsBool(false)
        } else {
            return Err(cursor.error("`IS` takes `NULL`, `TRUE` or `FALSE`"));
        }
    } else if cursor.eat_keyword("NOT") {
        cursor.skip_whitespace();
        if !cursor.eat_keyword("EXISTS") {
            return Err(cursor.error("`NOT` takes `EXISTS`"));
        }
        Test::NotExists
    } else {
        Test::Compare(Comparison::read(cursor, &[')', '}'], &mut counts.regexes)?)
    };
    let negative = match &test {
        Test::Compare(comparison) => comparison.is_not_equal(),
        _ => true,
    };
    if wildcards > 0 && negative {
        return Err(cursor.error_at(
            selector_at,
            "a wildcard selector is compared with `=`, `<`, `>`, `<=` or `>=`: what `!=`, `IS` or \
             `NOT EXISTS` mean on it is not documented",
        ));
    }
    Ok(Expr::Test { selector, test })
}

/// Reads `$.a.b[0].c`, `$.['a.b']`, `$.list[*]`, `$.*`.
fn selector(cursor: &mut Cursor<'_>) -> Result<Vec<Step>, PatternError> {
    if !cursor.eat("$") {
        return Err(cursor.error("expected a selector starting with `$`, or `(`"));
    }
    let mut steps = Vec::new();
    loop {
        let at = cursor.pos();
        if cursor.eat(".['") {
            let name = cursor.take_while(|c| c != '\'');
            if !cursor.eat("']") || name.is_empty() {
                return Err(cursor.error_at(at, "`.['` takes a field name and `']`"));
            }
            steps.push(Step::Field(name.to_string()));
        } else if cursor.eat(".*") {
            steps.push(Step::AnyField);
        } else if cursor.eat(".") {
            let name = cursor.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if name.is_empty() {
                return Err(cursor.error_at(
                    at,
                    "expected a field name after `.` (letters, digits, `-` and `_`; \
                     `.['name']` for others)",
                ));
            }
            steps.push(Step::Field(name.to_string()));
        } else if cursor.eat("[*]") {
            steps.push(Step::AnyItem);
        } else if cursor.eat("[") {
            let digits = cursor.take_while(|c| c.is_ascii_digit());
            let index = digits.parse::<usize>().ok().filter(|_| cursor.eat("]"));
            match index {
                Some(index) => steps.push(Step::Index(index)),
                None => {
                    return Err(cursor.error_at(at, "`[` takes an array index, `[0]`, or `[*]`"))
                }
            }
        } else {
            break;
        }
    }
    if steps.is_empty() {
        return Err(cursor.error("a selector names a field: `$.eventName`"));
    }
    if cursor
        .peek()
        .is_some_and(|c| !(c.is_whitespace() || "=!<>)}&|".contains(c)))
    {
        return Err(cursor
            .error("a field name holds letters, digits, `-` and `_` (`.['name']` for others)"));
    }
    Ok(steps)
}

impl Expr {
    /// Whether the JSON value `event` matches.
    pub(crate) fn matches<J: Json>(&self, event: &J) -> bool {
        match self {
            Expr::Or(terms) => terms.iter().any(|t| t.matches(event)),
            Expr::And(terms) => terms.iter().all(|t| t.matches(event)),
            Expr::Test { selector, test } => {
                let mut found = false;
                let mut exists = false;
                select(event, selector, &mut |value| {
                    exists = true;
                    found = found || holds(test, value);
                });
                match test {
                    Test::NotExists => !exists,
                    _ => found,
                }
            }
        }
    }
}

/// Whether `value`, which the selector reached, passes `test` (not `NOT EXISTS`, decided by
/// whether anything was reached). A comparison needs a string or a number: an array, an object,
/// a boolean or null never satisfies one, under `=` or `!=` (AWS's guide: "if a property
/// selector points to an array or object, the filter pattern won't match").
fn holds<J: Json>(test: &Test, value: &J) -> bool {
    match test {
        Test::NotExists => false,
        Test::IsNull => value.kind() == Kind::Null,
        Test::IsBool(b) => value.kind() == Kind::Bool(*b),
        Test::Compare(comparison) => match value.kind() {
            Kind::String(s) => comparison.holds(Scalar::Text(s)),
            Kind::Number(text) => match number(&text) {
                Some(n) => comparison.holds(Scalar::Number(n, &text)),
                None => false,
            },
            _ => false,
        },
    }
}

/// Calls `found` with each value `selector` reaches in `at` (several only through a wildcard).
fn select<J: Json>(at: &J, selector: &[Step], found: &mut dyn FnMut(&J)) {
    let Some((step, rest)) = selector.split_first() else {
        found(at);
        return;
    };
    match step {
        Step::Field(name) => {
            if let Some(next) = at.get_field(name) {
                select(next, rest, found);
            }
        }
        Step::Index(i) => {
            if let Some(next) = at.items().nth(*i) {
                select(next, rest, found);
            }
        }
        Step::AnyItem => {
            for next in at.items() {
                select(next, rest, found);
            }
        }
        Step::AnyField => {
            for (_, next) in at.entries() {
                select(next, rest, found);
            }
        }
    }
}
