//! EventBridge event patterns: what an EventBridge rule on an event bus matches.
//!
//! A pattern is a JSON object. A field holding an object matches the event's field of that
//! name, which must be an object (or a list of them, one of which matches); a field holding a
//! list of filters matches when any one filter matches the event's value there (any element of
//! it, when the event holds a list). Every field of the pattern must match; `$or` takes a list
//! of patterns of which one must. The filters are exact values and the objects
//! `{"prefix"}`, `{"suffix"}`, `{"equals-ignore-case"}`, `{"anything-but"}`, `{"numeric"}`,
//! `{"exists"}`, `{"cidr"}` and `{"wildcard"}` (see [`filter`]).
//!
//! Parsing is strict: a pattern EventBridge would refuse (a field that is neither an object nor
//! a list, an empty list, an unknown operator) is an [`EventPatternError`] naming the field.

mod filter;

use self::filter::Filter;
use trailguard_json::{Json, Kind};

/// The most combinations the `$or`s of one pattern may make (the product of their lengths).
pub const MAX_OR_COMBINATIONS: u64 = 1_000;

/// Why a JSON value is not an event pattern EventBridge would accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct EventPatternError {
    /// Where in the pattern: `detail.eventName[0]`, or `(pattern)` for the whole.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

/// A parsed event pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPattern {
    root: Object,
}

/// The fields of one object of a pattern, and its `$or` alternatives.
#[derive(Debug, Clone, PartialEq)]
struct Object {
    fields: Vec<(String, Node)>,
    any_of: Vec<Vec<Object>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Object(Object),
    Filters(Vec<Filter>),
}

impl EventPattern {
    /// Parses `pattern` (the JSON of a rule's `EventPattern`).
    ///
    /// ```
    /// use trailguard_patterns::events::EventPattern;
    ///
    /// let rule = EventPattern::parse(&serde_json::json!({
    ///     "source": ["aws.ec2"],
    ///     "detail": {"eventName": [{"anything-but": {"prefix": "Describe"}}]},
    /// }))?;
    /// let event = |name: &str| serde_json::json!({"source": "aws.ec2", "detail": {"eventName": name}});
    /// assert!(rule.matches(&event("AuthorizeSecurityGroupIngress")));
    /// assert!(!rule.matches(&event("DescribeInstances")));
    ///
    /// let bad = EventPattern::parse(&serde_json::json!({"source": "aws.ec2"})).unwrap_err();
    /// assert_eq!(bad.to_string(), "source: a field's value is a list of filters or an object, not a string");
    /// # Ok::<(), trailguard_patterns::events::EventPatternError>(())
    /// ```
    pub fn parse<J: Json>(pattern: &J) -> Result<EventPattern, EventPatternError> {
        if pattern.kind() != Kind::Object {
            return Err(error("(pattern)", "an event pattern is a JSON object"));
        }
        let root = object(pattern, "")?;
        if root.fields.is_empty() && root.any_of.is_empty() {
            return Err(error(
                "(pattern)",
                "an empty pattern is refused by EventBridge",
            ));
        }
        let combinations = root.combinations();
        if combinations > MAX_OR_COMBINATIONS {
            return Err(error(
                "(pattern)",
                format!(
                    "its `$or`s make {combinations} combinations; EventBridge refuses more than \
                     {MAX_OR_COMBINATIONS}"
                ),
            ));
        }
        Ok(EventPattern { root })
    }

    /// Whether `event` (the whole event: `source`, `detail-type`, `detail`, ...) matches.
    pub fn matches<J: Json>(&self, event: &J) -> bool {
        self.root.matches(Some(event))
    }
}

fn error(path: &str, message: impl Into<String>) -> EventPatternError {
    EventPatternError {
        path: if path.is_empty() {
            "(pattern)".to_string()
        } else {
            path.to_string()
        },
        message: message.into(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn object<J: Json>(pattern: &J, path: &str) -> Result<Object, EventPatternError> {
    let mut out = Object {
        fields: Vec::new(),
        any_of: Vec::new(),
    };
    for (key, value) in pattern.entries() {
        let here = join(path, key);
        if key == "$or" {
            if value.kind() != Kind::Array {
                return Err(error(&here, "`$or` takes a list of patterns"));
            }
            let alternatives = value
                .items()
                .enumerate()
                .map(|(i, alternative)| {
                    let at = format!("{here}[{i}]");
                    if alternative.kind() != Kind::Object {
                        return Err(error(&at, "each `$or` alternative is an object"));
                    }
                    let parsed = object(alternative, path).map_err(|mut e| {
                        if e.path == "(pattern)" {
                            e.path = at.clone();
                        }
                        e
                    })?;
                    if parsed.fields.is_empty() && parsed.any_of.is_empty() {
                        return Err(error(&at, "an empty object matches nothing and is refused"));
                    }
                    Ok(parsed)
                })
                .collect::<Result<Vec<_>, _>>()?;
            if alternatives.len() < 2 {
                return Err(error(&here, "`$or` takes at least two alternatives"));
            }
            for (i, alternative) in value.items().enumerate() {
                if let Some((key, _)) = alternative
                    .entries()
                    .find(|(key, _)| filter::OPERATORS.contains(key))
                {
                    return Err(error(
                        &format!("{here}[{i}]"),
                        format!("`{key}` is a filter, not a field, and cannot be a key in `$or`"),
                    ));
                }
            }
            out.any_of.push(alternatives);
            continue;
        }
        let node = match value.kind() {
            Kind::Object => {
                let inner = object(value, &here)?;
                if inner.fields.is_empty() && inner.any_of.is_empty() {
                    return Err(error(
                        &here,
                        "an empty object matches nothing and is refused",
                    ));
                }
                Node::Object(inner)
            }
            Kind::Array => {
                let filters = value
                    .items()
                    .enumerate()
                    .map(|(i, item)| Filter::parse(item, &format!("{here}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                if filters.is_empty() {
                    return Err(error(&here, "an empty list of filters is refused"));
                }
                Node::Filters(filters)
            }
            _ => {
                return Err(error(
                    &here,
                    format!(
                        "a field's value is a list of filters or an object, not {}",
                        value.describe()
                    ),
                ))
            }
        };
        out.fields.push((key.to_string(), node));
    }
    Ok(out)
}

/// The event's field `key`: by its name, or, for a key with dots, by the path it spells
/// (`"state.status"` reaches `{"state": {"status": ...}}`, as EventBridge matches today).
fn field<'a, J: Json>(event: &'a J, key: &str) -> Option<&'a J> {
    event.get_field(key).or_else(|| {
        key.contains('.')
            .then(|| {
                key.split('.')
                    .try_fold(event, |at, part| at.get_field(part))
            })
            .flatten()
    })
}

impl Object {
    /// How many plain patterns its `$or`s expand to.
    fn combinations(&self) -> u64 {
        let nested = self.fields.iter().map(|(_, node)| match node {
            Node::Object(object) => object.combinations(),
            Node::Filters(_) => 1,
        });
        let ors = self.any_of.iter().map(|alternatives| {
            alternatives
                .iter()
                .map(Object::combinations)
                .fold(0u64, u64::saturating_add)
        });
        nested.chain(ors).fold(1u64, u64::saturating_mul)
    }

    /// Whether `event` (the event's value at this object's place, if it has one) matches.
    fn matches<J: Json>(&self, event: Option<&J>) -> bool {
        self.fields
            .iter()
            .all(|(key, node)| node.matches(event.and_then(|e| field(e, key))))
            && self
                .any_of
                .iter()
                .all(|alternatives| alternatives.iter().any(|a| a.matches(event)))
    }
}

impl Node {
    fn matches<J: Json>(&self, value: Option<&J>) -> bool {
        match self {
            Node::Object(object) => match value {
                // A list of objects (of lists of objects...): one of them must match the whole
                // object, so fields are matched within one element.
                Some(v) if v.kind() == Kind::Array && v.items().next().is_some() => {
                    v.items().any(|item| self.matches(Some(item)))
                }
                Some(v) if v.kind() == Kind::Object => object.matches(Some(v)),
                // Absent, an empty list, or a scalar where the pattern expects an object: only
                // filters that match absence (`exists: false`) can match beneath.
                _ => object.matches(None::<&J>),
            },
            Node::Filters(filters) => filter::any_matches(filters, value),
        }
    }
}
