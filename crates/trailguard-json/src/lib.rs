//! A read-only view of a JSON value ([`Json`]), so IAM policies, the snapshot and the events
//! patterns are matched against are read where they are: from `serde_json` values (questions, tests, the typed snapshot's policy documents) and
//! from regorus values (the policy `input` the builtins are given), without copying one into
//! the other. Copying the input's IAM into `serde_json` took longer than everything else an IAM
//! rule does on a large organisation.
//!
//! ```
//! use trailguard_json::{Json, Kind};
//!
//! let serde = serde_json::json!({"Effect": "Allow", "Action": ["s3:*"]});
//! let rego = regorus::Value::from_json_str(&serde.to_string()).unwrap();
//! assert_eq!(serde.get_field("Effect").and_then(Json::as_text), Some("Allow"));
//! assert_eq!(rego.get_field("Effect").and_then(Json::as_text), Some("Allow"));
//! assert!(matches!(rego.kind(), Kind::Object));
//! assert_eq!(rego.get_field("Action").map(|a| a.items().count()), Some(1));
//! ```

/// A value's JSON type, with a scalar's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text.
    Number(String),
    /// A string.
    String(&'a str),
    /// A list: see [`Json::items`].
    Array,
    /// An object with string keys: see [`Json::entries`].
    Object,
    /// Anything JSON has no form for (a regorus set, undefined, an object with a key that is not
    /// a string): never read as any of the above.
    Other,
}

/// A JSON value, read in place.
pub trait Json: Sized {
    /// Its type and, for a scalar, its content.
    fn kind(&self) -> Kind<'_>;
    /// Its items, when it is a list (none otherwise).
    fn items(&self) -> impl Iterator<Item = &Self>;
    /// Its fields, when it is an object (none otherwise).
    fn entries(&self) -> impl Iterator<Item = (&str, &Self)>;
    /// Its JSON text, compact (no whitespace between tokens), as CloudTrail writes a record to
    /// CloudWatch Logs: for messages, and for filter patterns that read a log event as text.
    fn text(&self) -> String;

    /// The field `key` of an object.
    fn get_field(&self, key: &str) -> Option<&Self> {
        self.entries().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The string, when it is one.
    fn as_text(&self) -> Option<&str> {
        match self.kind() {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// What it is, for messages: `a string`, `a list`, ...
    fn describe(&self) -> &'static str {
        match self.kind() {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array => "a list",
            Kind::Object => "an object",
            Kind::Other => "a value JSON cannot hold",
        }
    }
}

impl Json for serde_json::Value {
    fn kind(&self) -> Kind<'_> {
        match self {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(b) => Kind::Bool(*b),
            serde_json::Value::Number(n) => Kind::Number(n.to_string()),
            serde_json::Value::String(s) => Kind::String(s),
            serde_json::Value::Array(_) => Kind::Array,
            serde_json::Value::Object(_) => Kind::Object,
        }
    }

    fn items(&self) -> impl Iterator<Item = &Self> {
        self.as_array().into_iter().flatten()
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &Self)> {
        self.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }

    fn text(&self) -> String {
        self.to_string()
    }

    fn get_field(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
}

impl Json for regorus::Value {
    fn kind(&self) -> Kind<'_> {
        use regorus::Value;
        match self {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(_) => Kind::Number(self.text()),
            Value::String(s) => Kind::String(s),
            Value::Array(_) => Kind::Array,
            Value::Object(fields) if fields.iter().all(|(k, _)| matches!(k, Value::String(_))) => {
                Kind::Object
            }
            Value::Object(_) | Value::Set(_) | Value::Undefined => Kind::Other,
        }
    }

    // Matched on the variant, not through `as_array`/`as_object`: those build an `anyhow` error
    // (with a backtrace, under RUST_BACKTRACE) for every value of another type, and reading a
    // snapshot asks such values for fields by the million.
    fn items(&self) -> impl Iterator<Item = &Self> {
        let items = match self {
            regorus::Value::Array(items) => Some(items.iter()),
            _ => None,
        };
        items.into_iter().flatten()
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &Self)> {
        let fields = match self {
            regorus::Value::Object(fields) => Some(fields.iter()),
            _ => None,
        };
        fields.into_iter().flatten().filter_map(|(k, v)| match k {
            regorus::Value::String(k) => Some((k.as_ref(), v)),
            _ => None,
        })
    }

    fn get_field(&self, key: &str) -> Option<&Self> {
        // A lookup in the object's map, not a walk over its entries: the snapshot's sections
        // (log groups, alarms, topics by ARN) hold thousands.
        match self {
            regorus::Value::Object(fields) => fields.get(&regorus::Value::from(key)),
            _ => None,
        }
    }

    fn text(&self) -> String {
        // Compact, as serde_json writes its own values (regorus's to_json_str pretty-prints):
        // a term filter pattern is matched against this text as CloudTrail writes it. A value
        // of the input is JSON; anything else is named by its kind.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("(a value JSON cannot hold)"))
    }
}
