//! JSON values for trailguard, in two parts:
//!
//! - [`Json`], a read-only view of a JSON value, so IAM policies, the snapshot and the events
//!   patterns are matched against are read where they are: from `serde_json` values (questions,
//!   tests) and from regorus values (the policy `input` the builtins are given, and the
//!   snapshot's documents), without copying one into the other. Copying the input's IAM into
//!   `serde_json` took longer than everything else an IAM rule does on a large organisation.
//! - [`Builder`], which builds regorus values fast, sharing the field names, short strings and
//!   object shapes the values it builds have in common: the snapshot's documents as they are
//!   parsed, and the policy `input` made from the typed snapshot.
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

mod builder;

pub use builder::{BuildError, Builder, MAX_SHAPES, SHARED_STRING_BYTES};

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
            serde_json::Value::Number(n) => Kind::Number(number_text(n)),
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
        if has_whole_float(self) {
            whole_floats_as_integers(self).to_string()
        } else {
            self.to_string()
        }
    }

    fn get_field(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
}

/// A whole number held as a float (`1000.0`, read from `1e3`), as an integer: regorus writes
/// such a number as `1000`, and a pattern that reads an event's text must see one text whichever
/// representation the event came in. Zero's sign, fractions and numbers past 64 bits stay floats.
fn as_integer(n: &serde_json::Number) -> Option<serde_json::Number> {
    let f = n.as_f64().filter(|_| n.is_f64())?;
    let whole = f.fract() == 0.0 && !(f == 0.0 && f.is_sign_negative());
    // Exact in f64: -2^63 and 2^64.
    if !whole || !(-9_223_372_036_854_775_808.0..18_446_744_073_709_551_616.0).contains(&f) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Whole and in range.
    Some(if f < 0.0 {
        serde_json::Number::from(f as i64)
    } else {
        serde_json::Number::from(f as u64)
    })
}

/// A number's JSON text, whole floats written as integers (see [`as_integer`]).
fn number_text(n: &serde_json::Number) -> String {
    as_integer(n).map_or_else(|| n.to_string(), |i| i.to_string())
}

fn has_whole_float(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(n) => as_integer(n).is_some(),
        serde_json::Value::Array(items) => items.iter().any(has_whole_float),
        serde_json::Value::Object(fields) => fields.values().any(has_whole_float),
        _ => false,
    }
}

fn whole_floats_as_integers(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Number(n) => {
            serde_json::Value::Number(as_integer(n).unwrap_or_else(|| n.clone()))
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(whole_floats_as_integers).collect())
        }
        serde_json::Value::Object(fields) => serde_json::Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), whole_floats_as_integers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Objects of at most this many fields are read in order by [`Json::get_field`]; larger ones
/// are searched.
const SCANNED_FIELDS: usize = 32;

impl Json for regorus::Value {
    fn kind(&self) -> Kind<'_> {
        use regorus::Value;
        match self {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(_) => Kind::Number(self.text()),
            Value::String(s) => Kind::String(s),
            Value::Array(_) => Kind::Array,
            // Keys are sorted by `Value`'s derived order, which ranks the variant first: every
            // key is a string exactly when the least and the greatest are. Two lookups, not a
            // walk over the keys: this is asked of sections holding thousands.
            Value::Object(fields)
                if {
                    let mut keys = fields.iter_sorted().map(|(k, _)| k);
                    let string = |k: Option<&Value>| matches!(k, None | Some(Value::String(_)));
                    string(keys.next()) && string(keys.next_back())
                } =>
            {
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
        let regorus::Value::Object(fields) = self else {
            return None;
        };
        // A small object (a policy statement, a trail) is read in order, its keys sorted: a
        // lookup in its map would first make the key a `Value`, an allocation per field read.
        // A large one (the snapshot's sections hold thousands) is searched.
        if fields.len() > SCANNED_FIELDS {
            return fields.get(&regorus::Value::from(key));
        }
        for (k, v) in fields.iter_sorted() {
            if let regorus::Value::String(k) = k {
                match k.as_ref().cmp(key) {
                    std::cmp::Ordering::Less => {}
                    std::cmp::Ordering::Equal => return Some(v),
                    std::cmp::Ordering::Greater => return None,
                }
            }
        }
        None
    }

    fn text(&self) -> String {
        // Compact, as serde_json writes its own values (regorus's to_json_str pretty-prints):
        // a term filter pattern is matched against this text as CloudTrail writes it. A value
        // of the input is JSON; anything else is named by its kind.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("(a value JSON cannot hold)"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: fail loudly.
mod tests {
    use super::Json;

    /// An object is JSON only when every key is a string, wherever the other key sorts.
    #[test]
    fn an_object_with_a_key_that_is_not_a_string_is_other() {
        use regorus::Value;
        for other in [
            Value::Null,
            Value::Bool(true),
            Value::from(3),
            Value::from(vec![Value::from("a")]),
            Value::new_set(),
            Value::new_object(),
        ] {
            for strings in [0, 1, 3] {
                let mut object = Value::new_object();
                let map = object.as_object_mut().unwrap();
                for n in 0..strings {
                    map.insert(Value::from(format!("k{n}")), Value::Null);
                }
                map.insert(other.clone(), Value::Null);
                assert_eq!(object.kind(), super::Kind::Other, "{object}");
            }
        }
        let mut strings = Value::new_object();
        for n in 0..3 {
            let map = strings.as_object_mut().unwrap();
            map.insert(Value::from(format!("k{n}")), Value::Null);
        }
        assert_eq!(strings.kind(), super::Kind::Object);
        assert_eq!(Value::new_object().kind(), super::Kind::Object);
    }

    /// A field is found by its name in objects small (read in order) and large (searched),
    /// among keys that are not strings, and a name that is not there is not found.
    #[test]
    fn a_field_is_found_in_small_and_large_objects() {
        use regorus::Value;
        for size in [
            0,
            1,
            2,
            5,
            super::SCANNED_FIELDS,
            super::SCANNED_FIELDS + 1,
            100,
        ] {
            let mut object = Value::new_object();
            let map = object.as_object_mut().unwrap();
            for n in 0..size {
                map.insert(Value::from(format!("k{n:03}")), Value::from(n));
            }
            map.insert(Value::from(7), Value::from("number key"));
            map.insert(
                Value::from(vec![Value::from("k001")]),
                Value::from("array key"),
            );
            for n in 0..size {
                let found = object.get_field(&format!("k{n:03}"));
                assert_eq!(found, Some(&Value::from(n)), "k{n:03} of {size}");
            }
            for missing in ["", "a", "k", "k0000", "k999", "z", "\u{10ffff}"] {
                assert_eq!(object.get_field(missing), None, "{missing} of {size}");
            }
        }
        assert_eq!(Value::from("k").get_field("k"), None);
    }

    /// Regression (fuzz target filter_pattern): `-1e3` read by serde_json was written `-1000.0`,
    /// by regorus `-1000`, so a `%regex%` or term pattern matched one representation of an event
    /// and not the other.
    #[test]
    fn a_number_reads_as_one_text_from_serde_json_and_regorus() {
        for text in [
            "-1e3",
            "1000.0",
            "1.5",
            "12.50",
            "0.1",
            "3",
            "-0.0",
            "1E2",
            "1e17",
            "1e19",
            "-5e18",
            "18446744073709551615",
            "18446744073709551616.0",
            "100000000000000000000",
            r#"{"n": [1e3, {"m": 2.0}], "s": "1.0"}"#,
        ] {
            let serde: serde_json::Value = serde_json::from_str(text).unwrap();
            let rego = regorus::Value::from_json_str(text).unwrap();
            assert_eq!(serde.text(), rego.text(), "{text}");
            assert_eq!(serde.kind(), rego.kind(), "{text}");
        }
    }
}
