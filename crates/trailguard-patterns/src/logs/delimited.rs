//! The space-delimited form, `[ip, user, ..., status_code = 4*, bytes > 1000]`: the message is
//! split into fields at spaces (text in `"..."` or `[...]` is one field), and the pattern names
//! each field in order, with conditions on some; `...` stands for any number of fields.

use super::condition::{number, Comparison, Scalar};
use super::cursor::Cursor;
use super::FilterPatternError as PatternError;

/// Conditions on one field, `&&` binding tighter than `||`.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Compare(Comparison),
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

impl Condition {
    fn holds(&self, field: &str) -> bool {
        match self {
            Condition::Compare(comparison) => match number(field) {
                Some(n) => comparison.holds(Scalar::Number(n, field)),
                None => comparison.holds(Scalar::Text(field)),
            },
            Condition::And(all) => all.iter().all(|c| c.holds(field)),
            Condition::Or(any) => any.iter().any(|c| c.holds(field)),
        }
    }
}

/// One position of the pattern.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    /// `...`: any number of fields, none included.
    Any,
    /// A named field, with its conditions if it has any.
    Named(Option<Condition>),
}

/// A space-delimited pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Delimited {
    fields: Vec<Field>,
}

/// Parses the space-delimited form (the cursor on `[`).
pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Delimited, PatternError> {
    cursor.bump();
    let mut fields = Vec::new();
    let mut regexes = 0;
    loop {
        cursor.skip_whitespace();
        if cursor.eat("...") {
            fields.push(Field::Any);
        } else {
            let name = cursor.take_while(|c| c.is_alphanumeric() || c == '_');
            if name.is_empty() {
                return Err(cursor.error("expected a field name or `...`"));
            }
            cursor.skip_whitespace();
            let condition = if matches!(cursor.peek(), Some('=' | '!' | '<' | '>')) {
                Some(conditions(cursor, name, &mut regexes)?)
            } else {
                None
            };
            fields.push(Field::Named(condition));
        }
        cursor.skip_whitespace();
        if cursor.eat("]") {
            break;
        }
        if !cursor.eat(",") {
            return Err(cursor.error("expected `,` or the closing `]`"));
        }
    }
    cursor.skip_whitespace();
    if !cursor.at_end() {
        return Err(cursor.error("nothing may follow the closing `]`"));
    }
    Ok(Delimited { fields })
}

/// Reads `op value ((&& | ||) name op value)*` for the field `name`.
fn conditions(
    cursor: &mut Cursor<'_>,
    name: &str,
    regexes: &mut usize,
) -> Result<Condition, PatternError> {
    let mut any = Vec::new();
    let mut all = vec![Condition::Compare(Comparison::read(
        cursor,
        &[',', ']'],
        regexes,
    )?)];
    loop {
        cursor.skip_whitespace();
        let or = if cursor.eat("&&") {
            false
        } else if cursor.eat("||") {
            true
        } else {
            break;
        };
        if or {
            any.push(fold(std::mem::take(&mut all), Condition::And));
        }
        cursor.skip_whitespace();
        let at = cursor.pos();
        let again = cursor.take_while(|c| c.is_alphanumeric() || c == '_');
        if again != name {
            return Err(cursor.error_at(
                at,
                format!("a condition joined to `{name}`'s must be on `{name}` too"),
            ));
        }
        all.push(Condition::Compare(Comparison::read(
            cursor,
            &[',', ']'],
            regexes,
        )?));
    }
    any.push(fold(all, Condition::And));
    Ok(fold(any, Condition::Or))
}

fn fold(mut items: Vec<Condition>, join: fn(Vec<Condition>) -> Condition) -> Condition {
    if items.len() == 1 {
        items.remove(0)
    } else {
        join(items)
    }
}

/// Splits a message into fields: at spaces, with `"..."` and `[...]` kept whole (without their
/// quotes or brackets).
fn split(message: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut rest = message.trim_start();
    while !rest.is_empty() {
        let (field, after) = match rest.chars().next() {
            Some('"') => match rest[1..].find('"') {
                Some(end) => (&rest[1..1 + end], &rest[end + 2..]),
                None => (rest, ""),
            },
            Some('[') => match rest[1..].find(']') {
                Some(end) => (&rest[1..1 + end], &rest[end + 2..]),
                None => (rest, ""),
            },
            _ => match rest.find(char::is_whitespace) {
                Some(end) => (&rest[..end], &rest[end..]),
                None => (rest, ""),
            },
        };
        fields.push(field);
        rest = after.trim_start();
    }
    fields
}

impl Delimited {
    /// Whether `message` matches.
    pub(crate) fn matches(&self, message: &str) -> bool {
        let values = split(message);
        // reachable[j]: the pattern read so far can end just before value j.
        let mut reachable = vec![false; values.len() + 1];
        reachable[0] = true;
        for field in &self.fields {
            let mut next = vec![false; values.len() + 1];
            match field {
                Field::Any => {
                    let mut seen = false;
                    for (j, slot) in next.iter_mut().enumerate() {
                        seen |= reachable[j];
                        *slot = seen;
                    }
                }
                Field::Named(condition) => {
                    for (j, value) in values.iter().enumerate() {
                        if reachable[j] && condition.as_ref().is_none_or(|c| c.holds(value)) {
                            next[j + 1] = true;
                        }
                    }
                }
            }
            reachable = next;
        }
        reachable[values.len()]
    }
}
