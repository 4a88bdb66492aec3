//! CloudWatch Logs filter patterns: the language of metric filters and subscription filters.
//!
//! A pattern has one of four forms, told apart by its first character:
//! - empty: matches every event;
//! - `{ ... }`: the JSON form, selectors into a JSON event ([`json`]);
//! - `[ ... ]`: the space-delimited form, fields of a line ([`delimited`]);
//! - anything else: terms searched for in the event's text ([`terms`]).
//!
//! Parsing is strict: what CloudWatch would refuse, and what its documentation leaves without a
//! meaning, is a [`FilterPatternError`] naming the column, so a caller can report "cannot judge this
//! filter" instead of guessing.

mod condition;
mod cursor;
mod delimited;
mod json;
mod regex;
mod terms;

use self::cursor::Cursor;
pub use self::regex::MAX_REGEXES;
use trailguard_json::Json;

/// Why a text is not a filter pattern trailguard can judge: where it stops making sense, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FilterPatternError {
    /// The 1-based column, in characters, where the problem is.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
}

/// The longest filter pattern CloudWatch Logs accepts, in characters.
pub const MAX_PATTERN_LENGTH: usize = 1024;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPattern {
    form: Form,
}

#[derive(Debug, Clone, PartialEq)]
enum Form {
    Everything,
    Terms(terms::Terms),
    Json(json::Expr),
    Delimited(delimited::Delimited),
}

/// A log event as a filter sees it: its message, and that message read as JSON when it is
/// JSON.
///
/// Built from the text CloudWatch Logs stores ([`LogEvent::text`]), or from a JSON value already
/// in hand ([`LogEvent::json`]; a CloudTrail record delivered to CloudWatch Logs is such a
/// message), whose text is written out only if a term or space-delimited pattern asks for it.
pub struct LogEvent<'a, J: Json = serde_json::Value> {
    source: Source<'a, J>,
    text: std::cell::OnceCell<String>,
    parsed: std::cell::OnceCell<Option<serde_json::Value>>,
}

enum Source<'a, J> {
    Text(&'a str),
    Json(&'a J),
}

impl<'a> LogEvent<'a, serde_json::Value> {
    /// An event whose message is `message`.
    pub fn text(message: &'a str) -> Self {
        Self::from_text(message)
    }
}

impl<'a, J: Json> LogEvent<'a, J> {
    /// An event whose message is `message`, among events built from `J` values (the message is
    /// read as JSON, with serde_json, only if a JSON pattern asks).
    pub fn from_text(message: &'a str) -> Self {
        LogEvent {
            source: Source::Text(message),
            text: std::cell::OnceCell::new(),
            parsed: std::cell::OnceCell::new(),
        }
    }

    /// An event whose message is the JSON text of `value`.
    pub fn json(value: &'a J) -> Self {
        LogEvent {
            source: Source::Json(value),
            text: std::cell::OnceCell::new(),
            parsed: std::cell::OnceCell::new(),
        }
    }

    fn message(&self) -> &str {
        match self.source {
            Source::Text(text) => text,
            Source::Json(value) => self.text.get_or_init(|| value.text()),
        }
    }
}

impl FilterPattern {
    /// Parses `pattern`, or says where and why it is not a filter pattern CloudWatch Logs
    /// would accept with a documented meaning.
    ///
    /// ```
    /// use trailguard_patterns::logs::{FilterPattern, LogEvent};
    ///
    /// let unauthorized = FilterPattern::parse(
    ///     r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
    /// )?;
    /// let denied = serde_json::json!({"eventName": "StopLogging", "errorCode": "AccessDenied"});
    /// assert!(unauthorized.matches(&LogEvent::json(&denied)));
    /// assert!(!unauthorized.matches(&LogEvent::text("ERROR AccessDenied")));
    ///
    /// let error = FilterPattern::parse("{ $.eventName = }").unwrap_err();
    /// assert_eq!(error.to_string(), "column 17: `=` needs a value after it");
    /// # Ok::<(), trailguard_patterns::logs::FilterPatternError>(())
    /// ```
    pub fn parse(pattern: &str) -> Result<FilterPattern, FilterPatternError> {
        let length = pattern.chars().count();
        if length > MAX_PATTERN_LENGTH {
            return Err(FilterPatternError {
                column: MAX_PATTERN_LENGTH + 1,
                message: format!(
                    "the pattern is {length} characters long; CloudWatch Logs accepts at most \
                     {MAX_PATTERN_LENGTH}"
                ),
            });
        }
        let mut cursor = Cursor::new(pattern);
        cursor.skip_whitespace();
        let form = match cursor.peek() {
            None => Form::Everything,
            Some('{') => Form::Json(json::parse(&mut cursor)?),
            Some('[') => Form::Delimited(delimited::parse(&mut cursor)?),
            Some(_) => Form::Terms(terms::parse(&mut cursor)?),
        };
        Ok(FilterPattern { form })
    }

    /// Whether the pattern matches `event`. A JSON pattern never matches an event whose message
    /// is not JSON.
    pub fn matches<J: Json>(&self, event: &LogEvent<'_, J>) -> bool {
        match &self.form {
            Form::Everything => true,
            Form::Terms(terms) => terms.matches(event.message()),
            Form::Delimited(delimited) => delimited.matches(event.message()),
            Form::Json(expr) => match event.source {
                Source::Json(value) => expr.matches(value),
                // A message that is not JSON is not an error: CloudWatch Logs holds any text,
                // and a JSON pattern simply does not match it.
                Source::Text(text) => event
                    .parsed
                    .get_or_init(|| serde_json::from_str(text).ok())
                    .as_ref()
                    .is_some_and(|value| expr.matches(value)),
            },
        }
    }

    /// Whether it is the JSON form (`{ ... }`), which reads fields rather than text.
    pub fn is_json(&self) -> bool {
        matches!(self.form, Form::Json(_))
    }
}
