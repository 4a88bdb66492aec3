//! The term form, `ERROR`, `"Failed login" -ignore`, `?ERROR ?WARN`, `%regex%`: terms searched
//! for in the log event's text, case-sensitively, as substrings (AWS's examples have `ERROR`
//! match `ERRORCODE`).

use super::cursor::Cursor;
use super::regex::Regex;
use super::FilterPatternError as PatternError;

/// One term.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    /// Text that must occur in the message.
    Text(String),
    /// A `%regex%` that must match somewhere in it.
    Regex(Regex),
}

impl Term {
    fn found_in(&self, message: &str) -> bool {
        match self {
            // `" "` "returns all log events" (AWS's guide), messages without a space included.
            Term::Text(text) if text.chars().all(|c| c == ' ') => true,
            Term::Text(text) => message.contains(text.as_str()),
            Term::Regex(regex) => regex.is_match(message),
        }
    }
}

/// A term pattern: every plain term present and no `-` term; or, written only with `?` terms,
/// any of them present. `?` terms beside plain or `-` ones are ignored, as AWS documents ("if
/// you combine "?" with other filter patterns, all question mark terms will be ignored").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Terms {
    all: Vec<Term>,
    none: Vec<Term>,
    any: Vec<Term>,
}

/// Parses the term form (the cursor on its first non-blank character).
pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Terms, PatternError> {
    let mut terms = Terms {
        all: Vec::new(),
        none: Vec::new(),
        any: Vec::new(),
    };
    let mut regexes = 0;
    loop {
        cursor.skip_whitespace();
        if cursor.at_end() {
            break;
        }
        let at = cursor.pos();
        let list = if cursor.eat("?") {
            &mut terms.any
        } else if cursor.eat("-") {
            &mut terms.none
        } else {
            &mut terms.all
        };
        let term = match cursor.peek() {
            Some('"') => Term::Text(cursor.quoted()?),
            Some('%') => {
                regexes += 1;
                Term::Regex(Regex::read(cursor)?)
            }
            _ => {
                let word = cursor.take_while(|c| !c.is_whitespace());
                if word.is_empty() {
                    return Err(cursor.error("expected a term"));
                }
                if let Some(bad) = word.chars().find(|c| !(c.is_alphanumeric() || *c == '_')) {
                    return Err(cursor.error_at(
                        at,
                        format!(
                            "the term `{word}` holds `{bad}`: a term with characters other than \
                             letters, digits and `_` is written in double quotes"
                        ),
                    ));
                }
                Term::Text(word.to_string())
            }
        };
        if cursor.peek().is_some_and(|c| !c.is_whitespace()) {
            return Err(cursor.error("terms are separated by spaces"));
        }
        list.push(term);
    }
    let count = terms.all.len() + terms.none.len() + terms.any.len();
    if regexes > 0 && count > 1 {
        return Err(cursor.error_at(
            0,
            "a %regex% is a pattern of its own: what it means beside other terms is not \
             documented",
        ));
    }
    if !(terms.all.is_empty() && terms.none.is_empty()) {
        terms.any.clear();
    }
    Ok(terms)
}

impl Terms {
    /// Whether `message` matches.
    pub(crate) fn matches(&self, message: &str) -> bool {
        if !self.any.is_empty() {
            return self.any.iter().any(|t| t.found_in(message));
        }
        self.all.iter().all(|t| t.found_in(message))
            && !self.none.iter().any(|t| t.found_in(message))
    }
}
