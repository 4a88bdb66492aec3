//! A serde [`Serializer`](ser::Serializer) that builds a [`regorus::Value`]: the value the
//! JSON text of what it serialises would parse to, without writing the text.

use regorus::value::Object;
use regorus::{Rc, Value};
use serde::ser::{self, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// A fast hash with a random seed per process: a snapshot's author cannot aim for collisions.
type Strings = HashSet<Rc<str>, foldhash::fast::RandomState>;

/// Objects' shapes seen so far, by the addresses and lengths of their keys in the order given
/// (see [`Shared::object_of`]).
type Shapes = HashMap<Box<[usize]>, Shape, foldhash::fast::RandomState>;

/// The keys of objects built alike.
struct Shape {
    /// An object of the keys, in regorus's compact sorted form, whose values are `null`.
    object: Object,
    /// The keys in the order given.
    keys: Box<[Value]>,
}

/// An object's key, as given to a [`MapBuilder`].
enum Key {
    /// A struct's field name (a string that lives as long as the program).
    Field(&'static str),
    /// A map's key.
    Value(Value),
}

/// The most keys an object may have for its shape to be remembered.
const MAX_SHAPE_KEYS: usize = 16;

/// The most shapes a conversion remembers (a bound on the memory an adversarial snapshot, all
/// of whose objects differ in their keys, could make it hold).
const MAX_SHAPES: usize = 4_096;

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

pub(super) type Result<T, E = ConvertError> = std::result::Result<T, E>;

/// The longest string (key or value) [`Shared`] shares, besides field names.
const SHARED_STRING_BYTES: usize = 16;

/// What values of one conversion share. A snapshot repeats the same few dozen field names
/// hundreds of thousands of times, and its short strings many times over ("Allow", "*",
/// "Effect", "2012-10-17", regions, actions): each distinct field name and short string is
/// allocated once and shared, as are the empty object and the empty array. Longer strings (ARNs,
/// names, the keys of the resource and IAM maps) repeat less: looking them up costs more than
/// allocating them.
pub(super) struct Shared {
    strings: Strings,
    shapes: Shapes,
    /// The entries of the objects under construction, innermost last: each [`MapBuilder`] takes
    /// those from where it started when it ends, so objects allocate no list of their own.
    entries: Vec<(Key, Value)>,
    empty_object: Value,
    empty_array: Value,
}

impl Shared {
    /// Any serialisable value, as its JSON text would parse.
    pub(super) fn convert<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Value> {
        let converted = value.serialize(ValueSerializer { shared: self });
        if converted.is_err() {
            // The objects the error left unfinished.
            self.entries.clear();
        }
        converted
    }

    pub(super) fn new() -> Shared {
        Shared {
            strings: Strings::default(),
            shapes: Shapes::default(),
            entries: Vec::new(),
            empty_object: Value::new_object(),
            empty_array: Value::new_array(),
        }
    }

    /// A string (a value, or a map's key): shared when short.
    fn string(&mut self, text: &str) -> Value {
        if text.len() > SHARED_STRING_BYTES {
            return Value::from(text);
        }
        self.shared(text)
    }

    /// A field or enum variant name, always shared.
    fn field(&mut self, name: &'static str) -> Value {
        self.shared(name)
    }

    fn shared(&mut self, text: &str) -> Value {
        if let Some(shared) = self.strings.get(text) {
            return Value::String(Rc::clone(shared));
        }
        let shared: Rc<str> = Rc::from(text);
        self.strings.insert(Rc::clone(&shared));
        Value::String(shared)
    }

    /// The object as a value (in regorus's compact read-only form).
    fn object(&self, object: Object) -> Value {
        if object.is_empty() {
            return self.empty_object.clone();
        }
        object.into_value()
    }

    /// The object of the entries from `start` on (in the order given; of equal keys the last
    /// wins, as the JSON parser keeps the last), taken off [`Shared::entries`].
    ///
    /// Objects of the same keys are the rule (every struct of a type, every statement written
    /// alike): the first of a shape is built through a sorted map and its shape remembered, the
    /// next ones are a copy of the shape with their values put in. A shape is known by the
    /// addresses (and lengths) of its keys: a field name's, or a shared string's. So only shapes whose keys
    /// are all field names or short strings are remembered: a map keyed by names or ARNs fills
    /// no memory. The shape holds its keys, so an address in it cannot be freed and reused for
    /// another string while it is remembered.
    fn object_of(&mut self, start: usize) -> Result<Value> {
        let count = self.entries.len().saturating_sub(start);
        if count == 0 {
            return Ok(self.empty_object.clone());
        }
        // Each key's address and length: two strings that start at the same address (a field
        // name the linker stored as the beginning of a longer one) differ in length.
        let mut addresses = [0usize; 2 * MAX_SHAPE_KEYS];
        let mut known = count <= MAX_SHAPE_KEYS;
        for (address, (key, _)) in addresses.chunks_exact_mut(2).zip(&self.entries[start..]) {
            let (at, len) = match key {
                Key::Field(name) => (name.as_ptr() as usize, name.len()),
                Key::Value(Value::String(text)) if text.len() <= SHARED_STRING_BYTES => {
                    (Rc::as_ptr(text).cast::<u8>() as usize, text.len())
                }
                Key::Value(_) => {
                    known = false;
                    break;
                }
            };
            address.copy_from_slice(&[at, len]);
        }
        let shape = &addresses[..2 * count.min(MAX_SHAPE_KEYS)];
        if known {
            if let Some(Shape { object, keys }) = self.shapes.get(shape) {
                let mut object = object.clone();
                for ((_, value), key) in self.entries.drain(start..).zip(keys.iter()) {
                    // Every key is in the copy: each value replaces a `null` in place, and the
                    // object keeps its compact sorted form.
                    *object.get_mut(key).ok_or_else(|| {
                        ConvertError(format!("the object's shape lost its key {key}"))
                    })? = value;
                }
                return Ok(object.into_value());
            }
        }
        let entries: Vec<(Value, Value)> = self
            .entries
            .split_off(start)
            .into_iter()
            .map(|(key, value)| {
                let key = match key {
                    Key::Field(name) => self.field(name),
                    Key::Value(key) => key,
                };
                (key, value)
            })
            .collect();
        if known && self.shapes.len() < MAX_SHAPES {
            let keys: Box<[Value]> = entries.iter().map(|(key, _)| key.clone()).collect();
            let nulls: BTreeMap<Value, Value> =
                keys.iter().map(|key| (key.clone(), Value::Null)).collect();
            if let Value::Object(object) = Object::from(nulls).into_value() {
                let object = Rc::unwrap_or_clone(object);
                self.shapes.insert(Box::from(shape), Shape { object, keys });
            }
        }
        // Built in one pass from the sorted entries (`collect` sorts stably and keeps the last
        // of equal keys), not key by key: inserting each key walked the tree every time.
        let map: BTreeMap<Value, Value> = entries.into_iter().collect();
        Ok(self.object(Object::from(map)))
    }

    fn array(&self, items: Vec<Value>) -> Value {
        if items.is_empty() {
            return self.empty_array.clone();
        }
        Value::from(items)
    }

    /// `{"variant": value}`, serde_json's form of a non-unit enum variant.
    fn variant(&mut self, name: &'static str, value: Value) -> Value {
        let mut object = Object::new();
        object.insert(self.field(name), value);
        self.object(object)
    }
}

/// Builds a [`Value`] from anything serde can serialise.
struct ValueSerializer<'k> {
    shared: &'k mut Shared,
}

/// A float as serde_json writes it and then reads it back: `null` when not finite, otherwise the
/// number its shortest text parses to (serde_json's default float parser may land one unit in
/// the last place away from the original, and the input must not depend on how it was built).
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
        Ok(self.shared.string(v))
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
        _name: &'static str,
        value: &T,
    ) -> Result<Value> {
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
            shared: &mut *self.shared,
        })?;
        Ok(self.shared.variant(name, inner))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'k>> {
        Ok(SeqBuilder {
            shared: self.shared,
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
            shared: self.shared,
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapBuilder<'k>> {
        Ok(MapBuilder {
            start: self.shared.entries.len(),
            shared: self.shared,
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
            start: self.shared.entries.len(),
            shared: self.shared,
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
            start: self.shared.entries.len(),
            shared: self.shared,
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
    shared: &'k mut Shared,
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl SeqBuilder<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(ValueSerializer {
            shared: &mut *self.shared,
        })?);
        Ok(())
    }

    fn finish(self) -> Value {
        let array = self.shared.array(self.items);
        match self.variant {
            Some(name) => self.shared.variant(name, array),
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
    shared: &'k mut Shared,
    /// Where this object's entries start in [`Shared::entries`].
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
            shared: &mut *self.shared,
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
        self.shared.entries.push((Key::Field(key), value));
        Ok(())
    }

    fn finish(self) -> Result<Value> {
        if self.number {
            return self
                .digits
                .ok_or_else(|| ConvertError("a number without its digits".into()));
        }
        let value = self.shared.object_of(self.start)?;
        Ok(match self.variant {
            Some(name) => self.shared.variant(name, value),
            None => value,
        })
    }
}

impl ser::SerializeMap for MapBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySerializer {
            shared: &mut *self.shared,
        })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ConvertError("a map value came without its key".into()))?;
        let value = value.serialize(ValueSerializer {
            shared: &mut *self.shared,
        })?;
        self.shared.entries.push((Key::Value(key), value));
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
    shared: &'k mut Shared,
}

impl KeySerializer<'_> {
    fn text(self, text: &str) -> Result<Value> {
        Ok(self.shared.string(text))
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
    use std::collections::HashMap;

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
        let mut shared = Shared::new();
        let direct = shared.convert(&maps).unwrap();
        assert_eq!(shared.shapes.len(), MAX_SHAPES);
        assert_eq!(direct, through_text(&maps));
    }

    #[test]
    fn an_error_leaves_no_unfinished_object_behind() {
        #[derive(Serialize)]
        struct Half {
            a: u8,
            b: Refuses,
        }
        let mut shared = Shared::new();
        assert!(shared.convert(&Half { a: 1, b: Refuses }).is_err());
        assert!(shared.entries.is_empty());
        let statement = Statement {
            effect: "Allow",
            action: vec!["kms:Decrypt"],
            sid: None,
        };
        assert_eq!(
            shared.convert(&statement).unwrap(),
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
