//! [`Document`]: a JSON document of the snapshot (a policy, an event pattern), held as the
//! policy engine reads it.

use regorus::Value;
use schemars::JsonSchema;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use trailguard_json::Builder;

/// A JSON document the snapshot holds as it was given (an IAM, bucket, key or control policy, a
/// trust policy, an EventBridge pattern): parsed, never interpreted by the model.
///
/// It is held as a regorus value, the form the policies read it in: the policy `input` takes
/// the document as it is (one reference more), instead of building it again from another form.
/// Documents read in one [`Snapshot`](crate::Snapshot) parse share their keys, short strings and
/// object shapes ([`trailguard_json::Builder`]). It is read in Rust through
/// [`trailguard_json::Json`] on [`Document::value`], and written as the JSON it was read from
/// (keys in sorted order).
///
/// ```
/// use trailguard_snapshot::Document;
/// use trailguard_json::Json;
///
/// let policy = Document::from_json_str(r#"{"Version": "2012-10-17", "Statement": []}"#).unwrap();
/// assert_eq!(policy.value().get_field("Version").and_then(Json::as_text), Some("2012-10-17"));
/// assert_eq!(
///     serde_json::to_string(&policy).unwrap(),
///     r#"{"Statement":[],"Version":"2012-10-17"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document(Value);

impl Default for Document {
    /// `null`, as `serde_json::Value`'s default.
    fn default() -> Self {
        Document(Value::Null)
    }
}

/// The name a [`Document`] gives the newtype it serialises as: a serializer that builds regorus
/// values (the policy `input`'s) takes the document's value as it is on seeing it (see
/// [`take_handed`]); any other serializer writes the value inside, as it does every newtype.
pub const DOCUMENT_NEWTYPE: &str = "$trailguard::Document";

std::thread_local! {
    /// The value of the document being serialised on this thread, for [`take_handed`].
    static HANDED: RefCell<Option<Value>> = const { RefCell::new(None) };
    /// The builder documents read on this thread share, while a [`Sharing`] lasts.
    static SHARING: RefCell<Option<Builder>> = const { RefCell::new(None) };
}

/// The value of the [`Document`] this thread is serialising, for a serializer that builds
/// regorus values and was just given the newtype [`DOCUMENT_NEWTYPE`]: taken once (`None`
/// after, and `None` outside a document's serialisation).
pub fn take_handed() -> Option<Value> {
    HANDED.with(|handed| handed.borrow_mut().take())
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        HANDED.with(|handed| *handed.borrow_mut() = Some(self.0.clone()));
        let written = serializer.serialize_newtype_struct(DOCUMENT_NEWTYPE, &Written(&self.0));
        // Whether the serializer took it or not: never left for another document's turn.
        HANDED.with(|handed| handed.borrow_mut().take());
        written
    }
}

/// A document's value, written as the JSON it was read from.
///
/// Not through regorus's own `Serialize`: that writes a float by its shortest decimal digits,
/// so `4.133534352899022e18` came out as the integer `4133534352899022000`, which reads back as
/// another number. Here numbers are written as serde_json writes what it read: integers as
/// integers, floats in their shortest form that reads back as the same float.
struct Written<'a>(&'a Value);

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => {
                // regorus's number type is not public: told apart by what it converts to. Only
                // a float converts to an f64 beyond 2^53; a whole float up to there is the
                // same number, and prints alike, as the integer.
                const EXACT: f64 = 9_007_199_254_740_992.0;
                match (n.as_f64(), n.as_u64(), n.as_i64()) {
                    (Some(f), _, _)
                        if f.fract() != 0.0
                            || f.abs() > EXACT
                            || (f == 0.0 && f.is_sign_negative()) =>
                    {
                        serializer.serialize_f64(f)
                    }
                    (_, Some(u), _) => serializer.serialize_u64(u),
                    (_, _, Some(i)) => serializer.serialize_i64(i),
                    // An integer past 64 bits: as regorus writes it.
                    _ => self.0.serialize(serializer),
                }
            }
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&Written(item))?;
                }
                seq.end()
            }
            Value::Object(fields) if fields.keys().all(|k| matches!(k, Value::String(_))) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields.iter() {
                    map.serialize_entry(key, &Written(value))?;
                }
                map.end()
            }
            // Nothing JSON text parses to (a set, an object with other keys, undefined): as
            // regorus writes it.
            other => other.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The builder this thread's documents share while a snapshot is parsed; otherwise one of
        // the document's own (it then shares only within itself).
        let shared = SHARING.with(|sharing| sharing.borrow_mut().take());
        let installed = shared.is_some();
        let mut builder = shared.unwrap_or_default();
        let read = DocumentSeed {
            builder: &mut builder,
        }
        .deserialize(deserializer);
        if read.is_err() {
            // The objects the error left unfinished.
            builder.abandon();
        }
        if installed {
            SHARING.with(|sharing| *sharing.borrow_mut() = Some(builder));
        }
        read.map(Document)
    }
}

impl JsonSchema for Document {
    // Any JSON value: the schema `serde_json::Value` has.
    fn inline_schema() -> bool {
        <serde_json::Value as JsonSchema>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <serde_json::Value as JsonSchema>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <serde_json::Value as JsonSchema>::json_schema(generator)
    }
}

impl Document {
    /// The document of a JSON text.
    pub fn from_json_str(text: &str) -> Result<Document, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The document of a `serde_json` value.
    pub fn from_json(value: &serde_json::Value) -> Result<Document, serde_json::Error> {
        Document::deserialize(value)
    }

    /// A JSON string: what the snapshot holds for a document AWS gave that is not JSON, for the
    /// rules to report.
    pub fn string(text: &str) -> Document {
        Document(Value::from(text))
    }

    /// The document as a `serde_json` value (its numbers as [`Written`] writes them).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(Written(&self.0))
    }

    /// The document, as the policies read it.
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// Documents read on this thread until the guard returned drops share one
    /// [`Builder`](trailguard_json::Builder): a snapshot's thousands of policies allocate each
    /// key and short string once. Nested calls share the outermost's.
    pub fn sharing() -> Sharing {
        let installed = SHARING.with(|sharing| {
            let mut sharing = sharing.borrow_mut();
            if sharing.is_some() {
                return false;
            }
            *sharing = Some(Builder::new());
            true
        });
        Sharing { installed }
    }
}

/// While it lives, the documents this thread reads share their strings and shapes (see
/// [`Document::sharing`]).
#[must_use = "documents share only while the guard lives"]
pub struct Sharing {
    installed: bool,
}

impl Drop for Sharing {
    fn drop(&mut self) {
        if self.installed {
            SHARING.with(|sharing| sharing.borrow_mut().take());
        }
    }
}

/// Reads one JSON value into a [`Builder`]: the value regorus's own JSON parser gives
/// ([`Value::from_json_str`]), numbers and all.
struct DocumentSeed<'b> {
    builder: &'b mut Builder,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An object's key, read into the builder.
struct KeySeed<'b> {
    builder: &'b mut Builder,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Value, E> {
        Ok(self.builder.string(key))
    }
}

/// The struct name serde_json gives a number under its `arbitrary_precision` feature.
const NUMBER: &str = "$serde_json::private::Number";

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // JSON text has no form for one; regorus's parser refuses it too.
        if !v.is_finite() {
            return Err(E::custom(format!("a number that is not finite: {v}")));
        }
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(self.builder.string(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut values = Vec::with_capacity(items.size_hint().unwrap_or(0).min(4096));
        while let Some(value) = items.next_element_seed(DocumentSeed {
            builder: &mut *self.builder,
        })? {
            values.push(value);
        }
        Ok(self.builder.array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let start = self.builder.start();
        while let Some(key) = entries.next_key_seed(KeySeed {
            builder: &mut *self.builder,
        })? {
            let first = start == self.builder.start();
            if first && matches!(&key, Value::String(k) if k.as_ref() == NUMBER) {
                // serde_json's `arbitrary_precision` number: its digits, read as regorus's
                // parser reads them.
                let digits: String = entries.next_value()?;
                return Value::from_numeric_string(&digits)
                    .map_err(|_| de::Error::custom(format!("{digits} is not a number")));
            }
            let value = entries.next_value_seed(DocumentSeed {
                builder: &mut *self.builder,
            })?;
            self.builder.entry(key, value);
        }
        self.builder.object(start).map_err(de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: fail loudly.
mod tests {
    use super::*;

    /// The document equals, and prints as, what regorus's own parser makes of the text.
    fn same(text: &str) {
        let document = Document::from_json_str(text).unwrap();
        let parsed = Value::from_json_str(text).unwrap();
        assert_eq!(document.value(), &parsed, "{text}");
        assert_eq!(
            format!("{:?}", document.value()),
            format!("{parsed:?}"),
            "{text}"
        );
        // And writes a text that reads back to the same document, every digit alike.
        let written = serde_json::to_string(&document).unwrap();
        let serde: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(document.to_json().unwrap(), serde, "{text}");
        let again = Document::from_json_str(&written).unwrap();
        assert_eq!(again, document, "{text}");
        assert_eq!(format!("{again:?}"), format!("{document:?}"), "{text}");
    }

    #[test]
    fn a_document_is_what_regorus_parses_from_its_text() {
        for text in [
            "null",
            "true",
            "0",
            "-1",
            "18446744073709551615",
            "-9223372036854775808",
            "100000000000000000000",
            "1.5",
            "-0.0",
            "1e3",
            "2.5e-308",
            // Regression: a float regorus writes as an integer of another value.
            "4133534352899022000.5",
            "4.133534352899022e18",
            "2.004793321821806e-300",
            "1000.0",
            "-0.0",
            "9007199254740993.0",
            "-9007199254740993.5e3",
            r#""é\"\\\u0000""#,
            "[]",
            "{}",
            r#"{"b": 1, "a": [1, "x", {"c": null}], "a": 2}"#,
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Deny", "Action": ["cloudtrail:StopLogging"], "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}},
                {"Resource": "arn:aws:s3:::b/*", "Action": "s3:PutObject", "Effect": "Allow"}]}"#,
        ] {
            same(text);
        }
    }

    #[test]
    fn documents_read_in_one_sharing_share_their_strings() {
        let text = r#"{"Effect": "Allow", "Action": "s3:GetObject"}"#;
        let (one, two) = {
            let _sharing = Document::sharing();
            (
                Document::from_json_str(text).unwrap(),
                Document::from_json_str(text).unwrap(),
            )
        };
        let three = Document::from_json_str(text).unwrap();
        let effect = |d: &Document| match &d.value()["Effect"] {
            Value::String(s) => s.clone(),
            other => panic!("not a string: {other:?}"),
        };
        assert!(regorus::Rc::ptr_eq(&effect(&one), &effect(&two)));
        assert!(!regorus::Rc::ptr_eq(&effect(&one), &effect(&three)));
        assert_eq!(one, three);
    }

    #[test]
    fn an_error_in_a_document_leaves_the_shared_builder_clean() {
        let _sharing = Document::sharing();
        assert!(Document::from_json_str(r#"{"a": {"b": [1, }}"#).is_err());
        let after = Document::from_json_str(r#"{"c": 1}"#).unwrap();
        assert_eq!(after.value(), &Value::from_json_str(r#"{"c": 1}"#).unwrap());
        SHARING
            .with(|sharing| assert_eq!(sharing.borrow().as_ref().map(Builder::pending), Some(0)));
    }

    #[test]
    fn a_document_is_handed_over_only_while_it_is_serialised() {
        // serde_json writes the newtype's value, and leaves nothing behind to take.
        let document = Document::from_json_str(r#"{"a": [1]}"#).unwrap();
        assert_eq!(serde_json::to_string(&document).unwrap(), r#"{"a":[1]}"#);
        assert_eq!(take_handed(), None);
    }

    #[test]
    fn its_schema_is_any_json_value() {
        assert_eq!(
            serde_json::to_value(schemars::schema_for!(Document)).unwrap(),
            serde_json::to_value(schemars::schema_for!(serde_json::Value)).unwrap()
        );
    }
}
