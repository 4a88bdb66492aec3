//! [`Collected`]: the three states of a piece of configuration read from AWS.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// A piece of configuration the collector tried to read.
///
/// AWS answers "this bucket has no policy" (`NoSuchBucketPolicy`) differently from "you may not read
/// this bucket's policy" (`AccessDenied`). The snapshot keeps the difference:
///
/// | state | JSON | meaning |
/// |---|---|---|
/// | [`Collected::Unknown`] | key absent | not read; a [`crate::Gap`] says why |
/// | [`Collected::Absent`] | `null` | AWS says it does not exist |
/// | [`Collected::Present`] | the value | what AWS returned |
///
/// A policy therefore never mistakes "could not read" for "not configured".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Collected<T> {
    /// Not read: the key is left out of the JSON and a gap records why.
    #[default]
    Unknown,
    /// AWS says this configuration does not exist (`null` in JSON).
    Absent,
    /// The configuration as AWS returned it.
    Present(T),
}

impl<T> Collected<T> {
    /// True when the collector could not read this configuration.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Collected::Unknown)
    }

    /// The value, when AWS returned one.
    pub fn present(&self) -> Option<&T> {
        match self {
            Collected::Present(value) => Some(value),
            _ => None,
        }
    }

    /// The value, when AWS returned one, by value.
    pub fn into_present(self) -> Option<T> {
        match self {
            Collected::Present(value) => Some(value),
            _ => None,
        }
    }

    /// Continues with the value when there is one: for answers that may themselves say
    /// "none" (an empty `LoggingEnabled`), so `f` can return `Absent`.
    pub fn and_then<U>(self, f: impl FnOnce(T) -> Collected<U>) -> Collected<U> {
        match self {
            Collected::Unknown => Collected::Unknown,
            Collected::Absent => Collected::Absent,
            Collected::Present(value) => f(value),
        }
    }

    /// Converts the value, keeping the state.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Collected::Unknown => Collected::Unknown,
            Collected::Absent => Collected::Absent,
            Collected::Present(value) => Collected::Present(f(value)),
        }
    }
}

impl<T> From<Option<T>> for Collected<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Collected::Absent, Collected::Present)
    }
}

impl<T: Serialize> Serialize for Collected<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Fields of this type carry `skip_serializing_if = "Collected::is_unknown"`, so
            // `Unknown` only reaches here when used outside a struct; null is the closest JSON.
            Collected::Unknown | Collected::Absent => serializer.serialize_none(),
            Collected::Present(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collected<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Collected::from)
    }
}

impl<T: JsonSchema> JsonSchema for Collected<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Option::<T>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(default, skip_serializing_if = "Collected::is_unknown")]
        policy: Collected<u32>,
    }

    #[test]
    fn three_states_round_trip_through_json() {
        for (json, state) in [
            ("{}", Collected::Unknown),
            (r#"{"policy":null}"#, Collected::Absent),
            (r#"{"policy":7}"#, Collected::Present(7)),
        ] {
            let parsed: Holder = serde_json::from_str(json).unwrap();
            assert_eq!(parsed.policy, state);
            let written = serde_json::to_string(&parsed).unwrap();
            assert_eq!(written, json);
        }
    }
}
