//! A serde [`Serializer`](ser::Serializer) that builds a [`regorus::Value`]: the value the
//! JSON text of what it serialises would parse to, without writing the text.

use regorus::Value;
use serde::ser::{self, Serialize};
use std::fmt;
use trailguard_json::Builder;
use trailguard_snapshot::{take_handed, DOCUMENT_NEWTYPE};

/// Why a value could not be converted.
#[derive(Debug)]
pub(crate) struct ConvertError(pub(crate) String);

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConvertError {}

impl ser::Error for ConvertError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ConvertError(msg.to_string())
    }
}

impl From<trailguard_json::BuildError> for ConvertError {
    fn from(error: trailguard_json::BuildError) -> Self {
        ConvertError(error.to_string())
    }
}

pub(super) type Result<T, E = ConvertError> = std::result::Result<T, E>;

/// Any serialisable value, as its JSON text would parse, built with `builder` (so values
/// converted with one builder share their field names, short strings and shapes).
pub(super) fn convert<T: Serialize + ?Sized>(builder: &mut Builder, value: &T) -> Result<Value> {
    let converted = value.serialize(ValueSerializer { builder });
    if converted.is_err() {
        // The objects the error left unfinished.
        builder.abandon();
    }
    converted
}

/// Builds a [`Value`] from anything serde can serialise.
struct ValueSerializer<'k> {
    builder: &'k mut Builder,
}

/// A float as serde_json writes it and then reads it back: `null` when not finite, otherwise the
/// number its shortest text parses to (an f32's shortest text reads back as another f64 than the
/// f32 widened; the input must not depend on how it was built).
fn float(text_of: impl FnOnce() -> serde_json::Result<String>, finite: bool) -> Result<Value> {
    if !finite {
        return Ok(Value::Null);
    }
    let text = text_of().map_err(|e| ConvertError(e.to_string()))?;
    let parsed: f64 = serde_json::from_str(&text).map_err(|e| ConvertError(e.to_string()))?;
    Ok(Value::from(parsed))
}

impl<'k> ser::Serializer for ValueSerializer<'k> {
    type Ok = Value;
    type Error = ConvertError;
    type SerializeSeq = SeqBuilder<'k>;
    type SerializeTuple = SeqBuilder<'k>;
    type SerializeTupleStruct = SeqBuilder<'k>;
    type SerializeTupleVariant = SeqBuilder<'k>;
    type SerializeMap = MapBuilder<'k>;
    type SerializeStruct = MapBuilder<'k>;
    type SerializeStructVariant = MapBuilder<'k>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        // JSON text has no sign for a non-negative number: it parses back unsigned.
        Ok(match u64::try_from(v) {
            Ok(unsigned) => Value::from(unsigned),
            Err(_) => Value::from(v),
        })
    }
    fn serialize_i128(self, v: i128) -> Result<Value> {
        Ok(match (u64::try_from(v), i64::try_from(v)) {
            (Ok(unsigned), _) => Value::from(unsigned),
            (_, Ok(signed)) => Value::from(signed),
            // serde_json reads an integer beyond 64 bits as a float.
            _ => float(|| serde_json::to_string(&v), true)?,
        })
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value> {
        match u64::try_from(v) {
            Ok(small) => Ok(Value::from(small)),
            Err(_) => float(|| serde_json::to_string(&v), true),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        float(|| serde_json::to_string(&v), v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        float(|| serde_json::to_string(&v), v.is_finite())
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::from(v.encode_utf8(&mut [0u8; 4]) as &str))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(self.builder.string(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::from(
            v.iter()
                .map(|b| Value::from(u64::from(*b)))
                .collect::<Vec<_>>(),
        ))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value> {
        // A snapshot's document (a policy) is a regorus value already: taken as it is.
        if name == DOCUMENT_NEWTYPE {
            if let Some(document) = take_handed() {
                return Ok(document);
            }
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        value: &T,
    ) -> Result<Value> {
        let inner = value.serialize(ValueSerializer {
            builder: &mut *self.builder,
        })?;
        Ok(self.builder.variant(name, inner))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'k>> {
        Ok(SeqBuilder {
            builder: self.builder,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'k>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder<'k>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder<'k>> {
        Ok(SeqBuilder {
            builder: self.builder,
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapBuilder<'k>> {
        Ok(MapBuilder {
            start: self.builder.start(),
            builder: self.builder,
            key: None,
            variant: None,
            number: false,
            digits: None,
        })
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<MapBuilder<'k>> {
        // serde_json's private structs: with its `arbitrary_precision` feature a number arrives
        // as a struct of one field holding its digits, and a raw value holds unparsed JSON.
        if name == RAW_VALUE {
            return Err(ConvertError(
                "a raw JSON value cannot be part of the policy input".into(),
            ));
        }
        Ok(MapBuilder {
            start: self.builder.start(),
            builder: self.builder,
            key: None,
            variant: None,
            number: name == NUMBER,
            digits: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<MapBuilder<'k>> {
        Ok(MapBuilder {
            start: self.builder.start(),
            builder: self.builder,
            key: None,
            variant: Some(variant),
            number: false,
            digits: None,
        })
    }
}

/// The struct name serde_json gives a number under its `arbitrary_precision` feature.
const NUMBER: &str = "$serde_json::private::Number";
/// The struct name serde_json gives a `RawValue`.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// An array (or a tuple variant's array) under construction.
pub(super) struct SeqBuilder<'k> {
    builder: &'k mut Builder,
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl SeqBuilder<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(ValueSerializer {
            builder: &mut *self.builder,
        })?);
        Ok(())
    }

    fn finish(self) -> Value {
        let array = self.builder.array(self.items);
        match self.variant {
            Some(name) => self.builder.variant(name, array),
            None => array,
        }
    }
}

impl ser::SerializeSeq for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// An object (a map, a struct, or a struct variant's object) under construction.
pub(super) struct MapBuilder<'k> {
    builder: &'k mut Builder,
    /// Where this object's entries start (see [`Builder::start`]).
    start: usize,
    /// The key given by `serialize_key`, waiting for its value.
    key: Option<Value>,
    variant: Option<&'static str>,
    /// serde_json's `arbitrary_precision` number, whose one field holds its digits.
    number: bool,
    /// That number.
    digits: Option<Value>,
}

impl MapBuilder<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let value = value.serialize(ValueSerializer {
            builder: &mut *self.builder,
        })?;
        if self.number {
            // The digits, read as regorus's JSON parser reads them.
            let digits = value
                .as_string()
                .map_err(|_| ConvertError("a number's digits are not a string".into()))?;
            let number = Value::from_numeric_string(digits)
                .map_err(|_| ConvertError(format!("{digits} is not a number")))?;
            if self.digits.replace(number).is_some() {
                return Err(ConvertError("a number with two digits fields".into()));
            }
            return Ok(());
        }
        self.builder.field(key, value);
        Ok(())
    }

    fn finish(self) -> Result<Value> {
        if self.number {
            return self
                .digits
                .ok_or_else(|| ConvertError("a number without its digits".into()));
        }
        let value = self.builder.object(self.start)?;
        Ok(match self.variant {
            Some(name) => self.builder.variant(name, value),
            None => value,
        })
    }
}

impl ser::SerializeMap for MapBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySerializer {
            builder: &mut *self.builder,
        })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ConvertError("a map value came without its key".into()))?;
        let value = value.serialize(ValueSerializer {
            builder: &mut *self.builder,
        })?;
        self.builder.entry(key, value);
        Ok(())
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}

/// A map key: a string, or a number or boolean as its JSON text (serde_json's rule); anything
/// else is an error, as it is for serde_json.
pub(super) struct KeySerializer<'k> {
    builder: &'k mut Builder,
}

impl KeySerializer<'_> {
    fn text(self, text: &str) -> Result<Value> {
        Ok(self.builder.string(text))
    }
}

/// The error for a key serde_json would refuse.
fn bad_key(what: &str) -> ConvertError {
    ConvertError(format!("a map key must be a string, not {what}"))
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = Value;
    type Error = ConvertError;
    type SerializeSeq = ser::Impossible<Value, ConvertError>;
    type SerializeTuple = ser::Impossible<Value, ConvertError>;
    type SerializeTupleStruct = ser::Impossible<Value, ConvertError>;
    type SerializeTupleVariant = ser::Impossible<Value, ConvertError>;
    type SerializeMap = ser::Impossible<Value, ConvertError>;
    type SerializeStruct = ser::Impossible<Value, ConvertError>;
    type SerializeStructVariant = ser::Impossible<Value, ConvertError>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<Value> {
        self.text(&v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        if !v.is_finite() {
            return Err(bad_key("a non-finite number"));
        }
        let text = serde_json::to_string(&v).map_err(|e| ConvertError(e.to_string()))?;
        self.text(&text)
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        if !v.is_finite() {
            return Err(bad_key("a non-finite number"));
        }
        let text = serde_json::to_string(&v).map_err(|e| ConvertError(e.to_string()))?;
        self.text(&text)
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        self.text(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        self.text(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Value> {
        Err(bad_key("bytes"))
    }
    fn serialize_none(self) -> Result<Value> {
        Err(bad_key("null"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Err(bad_key("null"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Err(bad_key("null"))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Value> {
        Err(bad_key("an enum variant with data"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(bad_key("an array"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(bad_key("an array"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(bad_key("an array"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(bad_key("an enum variant with data"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(bad_key("an object"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(bad_key("an object"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(bad_key("an enum variant with data"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::to_value;
    use serde::Serialize;
    use std::collections::{BTreeMap, HashMap};
    use trailguard_json::MAX_SHAPES;

    /// The old conversion, through JSON text: what the direct one must equal.
    fn through_text<T: Serialize>(value: &T) -> Value {
        Value::from_json_str(&serde_json::to_string(value).unwrap()).unwrap()
    }

    /// Equal, and printed alike (`==` compares numbers by value; `Debug` shows their digits).
    fn same<T: Serialize>(value: &T) {
        let direct = to_value(value).unwrap();
        let text = through_text(value);
        assert_eq!(direct, text);
        assert_eq!(format!("{direct:?}"), format!("{text:?}"));
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        Struct { x: i64, y: Option<f64> },
    }

    /// A unit variant as a map key.
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Region {
        EuWest1,
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Tuple(u8, bool);

    struct Bytes(&'static [u8]);
    impl Serialize for Bytes {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    #[test]
    fn every_serde_shape_converts_as_json_text_parses() {
        same(&(
            Shape::Unit,
            Shape::Newtype(7),
            Shape::Tuple(-3, "é\"\\".into()),
            Shape::Struct { x: -1, y: None },
        ));
        same(&Shape::Struct {
            x: i64::MIN,
            y: Some(0.1),
        });
        same(&(
            Unit,
            Tuple(1, false),
            (),
            'ß',
            [0u8; 3],
            Bytes(&[1, 2, 255]),
        ));
        same(&(
            u64::MAX,
            i64::MAX,
            i8::MIN,
            0i64,
            5i32,
            -0.0f64,
            1.0f64,
            1e300f64,
        ));
        same(&(
            0.1f32,
            16_777_217.0f32,
            f32::MAX,
            f64::MIN_POSITIVE,
            2.5e-308f64,
        ));
        same(&(f64::NAN, f64::INFINITY, f32::NEG_INFINITY));
        same(&(
            u128::MAX,
            i128::MIN,
            u128::from(u64::MAX),
            i128::from(i64::MIN),
        ));
        same(&Option::<u8>::None);
    }

    #[test]
    fn map_keys_become_their_json_text() {
        same(&BTreeMap::from([(1u8, "a"), (200, "b")]));
        same(&BTreeMap::from([(-5i64, 1), (7, 2)]));
        same(&BTreeMap::from([(true, 1), (false, 2)]));
        same(&BTreeMap::from([('x', 1)]));
        same(&BTreeMap::from([(Region::EuWest1, 1)]));
        same(&HashMap::from([("b", 1), ("a", 2), ("é", 3)]));
        same(&HashMap::from([(FloatKey(1.5), 1)]));
    }

    #[derive(Serialize)]
    struct FloatKey(f64);
    impl PartialEq for FloatKey {
        fn eq(&self, other: &Self) -> bool {
            self.0.to_bits() == other.0.to_bits()
        }
    }
    impl Eq for FloatKey {}
    impl std::hash::Hash for FloatKey {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            self.0.to_bits().hash(state);
        }
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_as_the_parser_does() {
        struct Twice;
        impl Serialize for Twice {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                map.serialize_entry("k", &1)?;
                map.serialize_entry("j", &0)?;
                map.serialize_entry("k", &2)?;
                map.end()
            }
        }
        same(&Twice);
        assert_eq!(to_value(&Twice).unwrap()["k"], Value::from(2u64));
    }

    #[test]
    fn a_key_json_cannot_hold_is_an_error_not_an_empty_input() {
        let array = BTreeMap::from([(vec![1], 1)]);
        let null = BTreeMap::from([((), 1)]);
        let nan = HashMap::from([(FloatKey(f64::NAN), 1)]);
        assert!(serde_json::to_string(&array).is_err());
        assert!(serde_json::to_string(&null).is_err());
        assert!(serde_json::to_string(&nan).is_err());
        for error in [
            to_value(&array).unwrap_err(),
            to_value(&null).unwrap_err(),
            to_value(&nan).unwrap_err(),
        ] {
            let message = error.to_string();
            assert!(
                message.starts_with("cannot give the snapshot to the policies as `input`")
                    && message.contains("map key must be a string"),
                "{message}"
            );
        }
    }

    #[test]
    fn an_error_raised_by_a_serialize_impl_is_reported() {
        struct Refuses;
        impl Serialize for Refuses {
            fn serialize<S: ser::Serializer>(&self, _s: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("the bucket policy is not valid"))
            }
        }
        let error = to_value(&vec![Refuses]).unwrap_err().to_string();
        assert!(error.contains("the bucket policy is not valid"), "{error}");
    }

    /// Objects of one shape after the first are copies of the shape with their values put in:
    /// each must still equal what the text round trip gives, whatever its values.
    #[derive(Serialize)]
    struct Statement {
        #[serde(rename = "Effect")]
        effect: &'static str,
        #[serde(rename = "Action")]
        action: Vec<&'static str>,
        #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
        sid: Option<&'static str>,
    }

    #[test]
    fn objects_of_a_shape_seen_before_get_their_own_values() {
        let statements = [
            Statement {
                effect: "Allow",
                action: vec!["s3:GetObject"],
                sid: None,
            },
            Statement {
                effect: "Deny",
                action: vec!["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
                sid: Some("protect"),
            },
            Statement {
                effect: "Allow",
                action: vec![],
                sid: Some("a"),
            },
            Statement {
                effect: "Deny",
                action: vec!["*"],
                sid: None,
            },
        ];
        same(&statements);
        let value = to_value(&statements).unwrap();
        assert_eq!(value[1]["Effect"], Value::from("Deny"));
        assert_eq!(value[3]["Action"][0], Value::from("*"));
        assert_eq!(value[3]["Sid"], Value::Undefined);
    }

    #[test]
    fn maps_of_the_same_keys_in_other_orders_or_repeated_keys_convert_alike() {
        struct Entries(Vec<(&'static str, u64)>);
        impl Serialize for Entries {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                for (key, value) in &self.0 {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
        let maps = vec![
            Entries(vec![("b", 1), ("a", 2)]),
            Entries(vec![("b", 3), ("a", 4)]),
            Entries(vec![("a", 5), ("b", 6)]),
            Entries(vec![("b", 7), ("a", 8), ("b", 9)]),
            Entries(vec![("b", 10), ("a", 11), ("b", 12)]),
            // Keys too long to be shared: never remembered as a shape.
            Entries(vec![("a key longer than sixteen bytes", 13), ("a", 14)]),
            Entries(vec![("a key longer than sixteen bytes", 15), ("a", 16)]),
        ];
        same(&maps);
        let value = to_value(&maps).unwrap();
        assert_eq!(value[1]["a"], Value::from(4u64));
        assert_eq!(value[4]["b"], Value::from(12u64));
        assert_eq!(
            value[6]["a key longer than sixteen bytes"],
            Value::from(15u64)
        );
    }

    #[test]
    fn more_shapes_than_are_remembered_still_convert() {
        let maps: Vec<BTreeMap<String, usize>> = (0..MAX_SHAPES + 10)
            .map(|n| BTreeMap::from([(format!("k{n}"), n), ("v".to_string(), n)]))
            .collect();
        let mut builder = Builder::new();
        let direct = convert(&mut builder, &maps).unwrap();
        assert_eq!(builder.shapes(), MAX_SHAPES);
        assert_eq!(direct, through_text(&maps));
    }

    #[test]
    fn an_error_leaves_no_unfinished_object_behind() {
        #[derive(Serialize)]
        struct Half {
            a: u8,
            b: Refuses,
        }
        let mut builder = Builder::new();
        assert!(convert(&mut builder, &Half { a: 1, b: Refuses }).is_err());
        assert_eq!(builder.pending(), 0);
        let statement = Statement {
            effect: "Allow",
            action: vec!["kms:Decrypt"],
            sid: None,
        };
        assert_eq!(
            convert(&mut builder, &statement).unwrap(),
            through_text(&statement)
        );
    }

    /// Field names are told apart by address and length: a linker may store a name as the start
    /// of a longer one.
    #[test]
    fn field_names_at_the_same_address_but_of_other_lengths_are_other_shapes() {
        const LONG: &str = "ArnLike";
        struct Field(&'static str, u8);
        impl Serialize for Field {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeStruct;
                let mut object = s.serialize_struct("Field", 1)?;
                object.serialize_field(self.0, &self.1)?;
                object.end()
            }
        }
        let fields = [Field(&LONG[..3], 1), Field(LONG, 2), Field(&LONG[..3], 3)];
        assert_eq!(fields[0].0.as_ptr(), fields[1].0.as_ptr());
        same(&fields);
        let value = to_value(&fields).unwrap();
        assert_eq!(value[1]["ArnLike"], Value::from(2u64));
        assert_eq!(value[1]["Arn"], Value::Undefined);
    }

    struct Refuses;
    impl Serialize for Refuses {
        fn serialize<S: ser::Serializer>(&self, _s: S) -> Result<S::Ok, S::Error> {
            Err(ser::Error::custom("refused"))
        }
    }
}
