//! `%regex%` values: CloudWatch Logs accepts a documented subset of regular-expression syntax.
//! A pattern is first checked against that subset (so a construct CloudWatch would refuse is a
//! parse error here too, never a silent difference in meaning), then compiled with the `regex`
//! crate, whose meaning of each construct in the subset is the usual one.

use super::cursor::Cursor;
use super::FilterPatternError as PatternError;

/// How many `%regex%` values one filter pattern may hold (AWS: "a limit of 2 regex for each
/// filter pattern").
pub const MAX_REGEXES: usize = 2;

/// A checked, compiled `%regex%`.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    source: String,
    compiled: regex::Regex,
}

impl PartialEq for Regex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Regex {
    /// Reads `%...%` (the cursor on the opening `%`).
    pub(crate) fn read(cursor: &mut Cursor<'_>) -> Result<Regex, PatternError> {
        let start = cursor.pos();
        cursor.bump();
        let body_start = cursor.pos();
        loop {
            match cursor.bump() {
                None => return Err(cursor.error_at(start, "this %regex% is never closed with `%`")),
                Some('\\') => {
                    if cursor.bump().is_none() {
                        return Err(cursor.error_at(start, "this %regex% is never closed with `%`"));
                    }
                }
                Some('%') => break,
                Some(_) => {}
            }
        }
        let with_close = cursor.since(body_start);
        let source = with_close.strip_suffix('%').unwrap_or(with_close);
        check_subset(source).map_err(|(offset, message)| {
            cursor.error_at(body_start + offset, format!("in %{source}%: {message}"))
        })?;
        let compiled = regex::RegexBuilder::new(&translate(source))
            .size_limit(1 << 20)
            .build()
            .map_err(|e| cursor.error_at(start, format!("%{source}% is not a valid regex: {e}")))?;
        Ok(Regex {
            source: source.to_string(),
            compiled,
        })
    }

    /// Whether it matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.compiled.is_match(text)
    }
}

/// Checks `source` uses only what CloudWatch Logs documents: letters, digits, the symbols
/// `: _ # = @ / ; , -` and space (used in AWS's own examples), the operators
/// `^ $ ? [ ] { } | \ * + .`, the classes `\d \D \s \S \w \W`, `\xhh` for any other ASCII
/// character, and `\` before an operator. Parentheses and multi-byte characters are refused
/// ("the ( and ) operators are not supported"). The error is the byte offset of the first
/// construct outside the subset, and what is wrong there.
fn check_subset(source: &str) -> Result<(), (usize, String)> {
    if source.is_empty() {
        return Err((0, "an empty %% regex is refused".into()));
    }
    let mut chars = source.char_indices();
    // Inside `[...]` the operators are literal characters.
    let mut in_class = false;
    // Whether the last construct was a quantifier (`*`, `+`, `?`, `{m,n}`) outside a class.
    let mut after_quantifier = false;
    while let Some((at, c)) = chars.next() {
        let quantifier = !in_class && matches!(c, '*' | '+' | '?' | '{');
        if quantifier && after_quantifier {
            // `a*+`, `a+?`, `a{2}*`: possessive, lazy or stacked repetition in other dialects,
            // undocumented in CloudWatch's; the regex crate would also nest each one, and a
            // few hundred of them overflowed the stack (fuzz target filter_pattern).
            return Err((
                at,
                format!("`{c}` follows another quantifier: CloudWatch's regex syntax gives that no meaning"),
            ));
        }
        after_quantifier = quantifier;
        match c {
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '\\' => match chars.next() {
                Some((_, 'd' | 'D' | 's' | 'S' | 'w' | 'W')) => {}
                Some((_, 'x')) => {
                    let hex: String = chars.by_ref().take(2).map(|(_, h)| h).collect();
                    if hex.len() != 2 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        return Err((at, "`\\x` takes two hex digits: `\\x3A`".into()));
                    }
                }
                Some((_, e)) if OPERATORS.contains(e) => {}
                Some((_, e)) => {
                    return Err((at, format!("`\\{e}` is not in CloudWatch's regex syntax")))
                }
                None => return Err((at, "a trailing `\\` escapes nothing".into())),
            },
            '(' | ')' => {
                return Err((
                    at,
                    "CloudWatch's regex syntax has no `(` or `)`: write the alternatives \
                     without a group"
                        .into(),
                ))
            }
            '{' => {
                let count: String = chars
                    .by_ref()
                    .map(|(_, k)| k)
                    .take_while(|k| *k != '}')
                    .collect();
                let valid = !count.is_empty()
                    && count
                        .chars()
                        .all(|k| k.is_ascii_digit() || k == ',' || k == ' ')
                    && count.matches(',').count() <= 1;
                if !valid {
                    return Err((
                        at,
                        "`{` takes a count: `{m}`, `{m,}`, `{,n}` or `{m,n}`".into(),
                    ));
                }
            }
            c if c.is_ascii_alphanumeric() || SYMBOLS.contains(c) || OPERATORS.contains(c) => {}
            c if !c.is_ascii() => {
                return Err((
                    at,
                    format!(
                        "`{c}`: multi-byte characters are not supported (write `\\xhh` for ASCII)"
                    ),
                ))
            }
            c => {
                return Err((
                    at,
                    format!(
                        "`{c}` is not in CloudWatch's regex syntax (write it `\\x{:02X}`)",
                        c as u32
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// The symbols a regex may hold as themselves.
const SYMBOLS: &str = ":_#=@/;,- ";
/// The operators; `\` before one makes it literal.
const OPERATORS: &str = "^$?[]{}|\\*+.";

/// The regex the `regex` crate is given for a checked CloudWatch regex: the same text, with a
/// `{,n}` count (CloudWatch: "either m or n can be omitted") written `{0,n}`, spaces inside
/// counts removed, and `\d \w \s` (and their negations) written as CloudWatch's ASCII
/// classes (nested inside a `[...]` class, which the regex crate allows).
fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                // CloudWatch's classes are ASCII (`\d` is [0-9], `\w` [a-zA-Z_0-9], `\s` tab,
                // space and newline); the regex crate's are Unicode's.
                Some('d') => out.push_str("[0-9]"),
                Some('D') => out.push_str("[^0-9]"),
                Some('w') => out.push_str("[a-zA-Z_0-9]"),
                Some('W') => out.push_str("[^a-zA-Z_0-9]"),
                Some('s') => out.push_str("[\\t\\n ]"),
                Some('S') => out.push_str("[^\\t\\n ]"),
                Some(next) => {
                    out.push(c);
                    out.push(next);
                }
                None => out.push(c),
            },
            '{' => {
                out.push('{');
                let count: String = chars.by_ref().take_while(|k| *k != '}').collect();
                let count: String = count.chars().filter(|k| *k != ' ').collect();
                if count.starts_with(',') {
                    out.push('0');
                }
                out.push_str(&count);
                out.push('}');
            }
            other => out.push(other),
        }
    }
    out
}
