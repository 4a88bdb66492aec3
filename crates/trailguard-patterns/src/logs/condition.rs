//! One comparison, `= "AccessDenied*"` or `> 1000` or `!= %^1\d\d%`: what JSON selectors and
//! space-delimited fields are compared with.

use super::cursor::Cursor;
use super::regex::Regex;
use super::FilterPatternError as PatternError;
use crate::wildcard::Wildcard;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl Op {
    /// Reads an operator, longest first (`<=` before `<`).
    fn read(cursor: &mut Cursor<'_>) -> Option<Op> {
        [
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find_map(|(text, op)| cursor.eat(text).then_some(op))
    }

    fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Ge => ">=",
        }
    }
}

/// What a value is compared with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// A string, with `*` wildcards.
    Text(Wildcard),
    /// A number (written bare: `404`, `-1.5`, `1e3`).
    Number(f64),
    /// A `%regex%`.
    Regex(Regex),
}

/// An operator and what it compares with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comparison {
    op: Op,
    operand: Operand,
}

/// A scalar a comparison can be made on.
pub(crate) enum Scalar<'a> {
    Text(&'a str),
    /// A number, with its text.
    Number(f64, &'a str),
}

impl Comparison {
    /// Reads `op value` (the cursor on the operator, or on whitespace before it). A bare value
    /// ends at whitespace, `&&`, `||` or one of `stops`.
    pub(crate) fn read(
        cursor: &mut Cursor<'_>,
        stops: &[char],
        regexes: &mut usize,
    ) -> Result<Comparison, PatternError> {
        cursor.skip_whitespace();
        let op_at = cursor.pos();
        let op = Op::read(cursor).ok_or_else(|| {
            cursor.error("expected a comparison: `=`, `!=`, `<`, `>`, `<=` or `>=`")
        })?;
        cursor.skip_whitespace();
        let value_at = cursor.pos();
        let operand = match cursor.peek() {
            Some('"') => Operand::Text(Wildcard::at_edges(&cursor.quoted()?)),
            Some('=' | '!' | '<' | '>') => {
                return Err(cursor.error(format!(
                    "`{}` needs a value after it, not another operator (`==` is written `=`)",
                    op.text()
                )))
            }
            Some('\'') => {
                return Err(cursor.error(
                    "a value is quoted with double quotes: CloudWatch Logs refuses single ones",
                ))
            }
            Some('%') => {
                *regexes += 1;
                if *regexes > super::regex::MAX_REGEXES {
                    return Err(cursor.error(format!(
                        "a filter pattern may hold at most {} %regex% values",
                        super::regex::MAX_REGEXES
                    )));
                }
                Operand::Regex(Regex::read(cursor)?)
            }
            _ => {
                let start = cursor.pos();
                while let Some(c) = cursor.peek() {
                    let rest = cursor.rest();
                    if c.is_whitespace()
                        || stops.contains(&c)
                        || rest.starts_with("&&")
                        || rest.starts_with("||")
                    {
                        break;
                    }
                    cursor.bump();
                }
                let bare = cursor.since(start);
                if bare.is_empty() {
                    return Err(cursor.error(format!("`{}` needs a value after it", op.text())));
                }
                match number(bare) {
                    Some(n) => Operand::Number(n),
                    None => Operand::Text(Wildcard::at_edges(bare)),
                }
            }
        };
        let comparison = Comparison { op, operand };
        match (&comparison.operand, op) {
            (Operand::Number(_), _) | (_, Op::Eq | Op::Ne) => Ok(comparison),
            (Operand::Text(_), _) => Err(cursor.error_at(
                op_at,
                format!(
                    "`{}` compares numbers; a string (at column {}) takes only `=` or `!=`",
                    op.text(),
                    cursor.column(value_at)
                ),
            )),
            (Operand::Regex(_), _) => Err(cursor.error_at(
                op_at,
                format!(
                    "`{}` compares numbers; a %regex% takes only `=` or `!=`",
                    op.text()
                ),
            )),
        }
    }

    /// Whether `value` satisfies it.
    ///
    /// A string value (`"x*"`, `*`) compared with a number matches the number's text: AWS's
    /// guide has `{ $.latency = * }` match `"latency": 50` ("use the asterisk as a wild card to
    /// match numbers"). A number compared with a string does not match, under `=` or `!=`: AWS
    /// does not document it, and a filter that compares an event's string with a number is not
    /// taken to catch it.
    pub(crate) fn holds(&self, value: Scalar<'_>) -> bool {
        match (&self.operand, value) {
            (Operand::Text(w), Scalar::Text(t)) => w.matches(t) == (self.op == Op::Eq),
            (Operand::Text(w), Scalar::Number(_, text)) => w.matches(text) == (self.op == Op::Eq),
            (Operand::Regex(r), Scalar::Text(t)) => r.is_match(t) == (self.op == Op::Eq),
            (Operand::Number(n), Scalar::Number(v, _)) => match self.op {
                Op::Eq => v == *n,
                Op::Ne => v != *n,
                Op::Lt => v < *n,
                Op::Gt => v > *n,
                Op::Le => v <= *n,
                Op::Ge => v >= *n,
            },
            _ => false,
        }
    }

    /// Whether it is `!=`.
    pub(crate) fn is_not_equal(&self) -> bool {
        self.op == Op::Ne
    }
}

/// A bare value read as a number, when it is written as one: an optional sign, digits, a
/// decimal part, an exponent (AWS's guide: `1e+3`, `10e-3`, `55.5`, `+1000`).
pub(crate) fn number(text: &str) -> Option<f64> {
    let digits = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    let starts_with_digit = digits.chars().next().is_some_and(|c| c.is_ascii_digit());
    let only_number_chars = digits
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !(starts_with_digit && only_number_chars) {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}
