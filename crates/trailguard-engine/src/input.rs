//! The snapshot as the Rego `input` document, built directly from the typed model.
//!
//! [`snapshot_value`] walks the [`Snapshot`] with serde and builds the [`regorus::Value`] tree as
//! it goes ([`ValueSerializer`]), with no JSON text in between: writing the snapshot out as
//! JSON and parsing that text back took longer than parsing the snapshot file itself. The
//! accounts, trails, buckets and keys are converted on up to [`MAX_THREADS`] threads, and each
//! thread allocates each distinct key and short string once ([`Shared`]).
//!
//! The value is the one the text round trip (`serde_json::to_string`, then
//! [`Value::from_json_str`]) gives: equal, and printed alike (so every number has the same
//! digits); `crates/trailguard-engine/tests/input.rs` checks that on every shipped snapshot, the
//! fuzz corpus and generated snapshots. So it follows serde_json's conventions: `None` and unit are `null`, a non-finite float is `null`, a unit
//! enum variant is its name, other variants are `{"Variant": ...}`, bytes are an array of
//! numbers, map keys that are numbers or booleans become their JSON text, and an integer too
//! large for 64 bits becomes a float. A map key serde_json refuses (an array, an object, `null`,
//! a non-finite float) is an error here as well, never a silently empty input.

use crate::EngineError;
use regorus::value::Object;
use regorus::{Rc, Value};
use serde::ser::{self, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use trailguard_snapshot::Snapshot;

/// A fast hash with a random seed per process: a snapshot's author cannot aim for collisions.
type Strings = HashSet<Rc<str>, foldhash::fast::RandomState>;

/// At most this many threads convert a snapshot.
const MAX_THREADS: usize = 8;

/// The resource maps the snapshot's JSON leaves out when they are empty (`skip_serializing_if`),
/// left out of the input alike, so it is what the JSON text would give.
const OMITTED_WHEN_EMPTY: [&str; 3] = ["log_groups", "alarms", "topics"];

/// Resources a thread takes at a time.
const CHUNK: usize = 16;

/// The snapshot as the `input` document.
///
/// ```
/// use trailguard_engine::snapshot_value;
/// use trailguard_snapshot::Snapshot;
///
/// let snapshot = Snapshot::from_json(r#"{"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z"}"#).unwrap();
/// let input = snapshot_value(&snapshot).unwrap();
/// assert_eq!(input["collected_at"], regorus::Value::from("2026-11-20T00:00:00Z"));
/// assert_eq!(input["trails"], regorus::Value::new_object());
/// ```
pub fn snapshot_value(snapshot: &Snapshot) -> Result<Value, EngineError> {
    // Everything but the resource maps, as one value; the resources are converted one by one,
    // spread over the cores (resources are independent, and a snapshot has thousands).
    let rest = Snapshot {
        schema_version: snapshot.schema_version,
        collected_at: snapshot.collected_at.clone(),
        collector_version: snapshot.collector_version.clone(),
        accounts: BTreeMap::new(),
        trails: BTreeMap::new(),
        buckets: BTreeMap::new(),
        kms_keys: BTreeMap::new(),
        organizations: snapshot.organizations.clone(),
        log_groups: BTreeMap::new(),
        alarms: BTreeMap::new(),
        topics: BTreeMap::new(),
        // Few (CloudTrail Lake is closed to new customers): converted with the rest.
        event_data_stores: snapshot.event_data_stores.clone(),
        gaps: snapshot.gaps.clone(),
    };
    let maps: [(&str, Resources<'_>); 7] = [
        ("accounts", entries(&snapshot.accounts)),
        ("trails", entries(&snapshot.trails)),
        ("buckets", entries(&snapshot.buckets)),
        ("kms_keys", entries(&snapshot.kms_keys)),
        ("log_groups", entries(&snapshot.log_groups)),
        ("alarms", entries(&snapshot.alarms)),
        ("topics", entries(&snapshot.topics)),
    ];
    let mut converted = convert_resources(&maps)?.into_iter();
    let mut top = Object::new();
    let rest = to_value(&rest)?;
    let fields = rest.as_object().map_err(|_| EngineError::Input {
        message: "the snapshot is not an object".into(),
    })?;
    for (key, value) in fields.iter() {
        top.insert(key.clone(), value.clone());
    }
    for (name, entries) in &maps {
        // Already in key order: collecting into a BTreeMap sorts nothing.
        let map: BTreeMap<Value, Value> = converted.by_ref().take(entries.len()).collect();
        // As the snapshot's JSON does: the monitoring maps are left out when empty.
        if map.is_empty() && OMITTED_WHEN_EMPTY.contains(name) {
            continue;
        }
        top.insert(Value::from(*name), Value::from(map));
    }
    Ok(top.into_value())
}

/// A resource of the snapshot, as something a thread can serialise.
trait ErasedResource: Sync {
    fn value(&self, shared: &mut Shared) -> Result<Value>;
}

impl<T: Serialize + Sync> ErasedResource for T {
    fn value(&self, shared: &mut Shared) -> Result<Value> {
        self.serialize(ValueSerializer { shared })
    }
}

/// A chunk's number and its resources converted, with their keys.
type Chunk = (usize, Vec<Result<(Value, Value)>>);

/// The entries of a resource map (`accounts`, `trails`, ...), in key order.
type Resources<'a> = Vec<(&'a String, &'a dyn ErasedResource)>;

fn entries<T: Serialize + Sync>(map: &BTreeMap<String, T>) -> Resources<'_> {
    map.iter()
        .map(|(key, value)| (key, value as &dyn ErasedResource))
        .collect()
}

/// Every resource of the maps converted, with its key, in order (the maps one after the other),
/// on up to
/// [`MAX_THREADS`] threads (no more than the machine's cores) taking [`CHUNK`] resources at a
/// time; the first error (in that order) names its resource.
fn convert_resources(maps: &[(&str, Resources<'_>)]) -> Result<Vec<(Value, Value)>, EngineError> {
    let all: Vec<(&str, &String, &dyn ErasedResource)> = maps
        .iter()
        .flat_map(|(name, entries)| entries.iter().map(|(key, value)| (*name, *key, *value)))
        .collect();
    let chunks = all.len().div_ceil(CHUNK);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS)
        .min(chunks)
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut shared = Shared::new();
        let mut done: Vec<Chunk> = Vec::new();
        loop {
            let chunk = next.fetch_add(1, Ordering::Relaxed);
            let start = chunk.saturating_mul(CHUNK);
            let Some(resources) = all.get(start..all.len().min(start.saturating_add(CHUNK))) else {
                break;
            };
            if resources.is_empty() {
                break;
            }
            let values = resources
                .iter()
                .map(|(_, key, resource)| {
                    Ok((Value::from(key.as_str()), resource.value(&mut shared)?))
                })
                .collect();
            done.push((chunk, values));
        }
        done
    };
    // This thread works too, with whichever helpers the OS lets it start: chunks are taken from
    // a shared counter, so any number of workers converts them all.
    let mut chunks: Vec<Chunk> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut chunks = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => chunks.extend(done),
                Err(_) => {
                    return Err(EngineError::Input {
                        message: "a conversion thread panicked".into(),
                    })
                }
            }
        }
        Ok(chunks)
    })?;
    chunks.sort_by_key(|(chunk, _)| *chunk);
    let mut values = Vec::with_capacity(all.len());
    for ((name, key, _), value) in all.iter().zip(chunks.into_iter().flat_map(|(_, v)| v)) {
        values.push(value.map_err(|e| EngineError::Input {
            message: format!("{name}[{key}]: {e}"),
        })?);
    }
    if values.len() != all.len() {
        return Err(EngineError::Input {
            message: format!("{} of {} resources converted", values.len(), all.len()),
        });
    }
    Ok(values)
}

/// Any serialisable value as a regorus value, as its JSON text would parse.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, EngineError> {
    let mut shared = Shared::new();
    value
        .serialize(ValueSerializer {
            shared: &mut shared,
        })
        .map_err(|e| EngineError::Input { message: e.0 })
}

/// A builtin's answer, built in Rust as JSON, as the regorus value its JSON text would parse to,
/// without writing the text.
pub(crate) fn answer_value<T: Serialize + ?Sized>(answer: &T) -> anyhow::Result<Value> {
    to_value(answer).map_err(|e| anyhow::anyhow!("its answer cannot be converted: {e}"))
}

/// Why a value could not be converted.
#[derive(Debug)]
pub(crate) struct ConvertError(String);

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

type Result<T, E = ConvertError> = std::result::Result<T, E>;

/// The longest string (key or value) [`Shared`] shares, besides field names.
const SHARED_STRING_BYTES: usize = 16;

/// What values of one conversion share. A snapshot repeats the same few dozen field names
/// hundreds of thousands of times, and its short strings many times over ("Allow", "*",
/// "Effect", "2012-10-17", regions, actions): each distinct field name and short string is
/// allocated once and shared, as are the empty object and the empty array. Longer strings (ARNs,
/// names, the keys of the resource and IAM maps) repeat less: looking them up costs more than
/// allocating them.
struct Shared {
    strings: Strings,
    empty_object: Value,
    empty_array: Value,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            strings: Strings::default(),
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
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder<'k>> {
        Ok(MapBuilder {
            shared: self.shared,
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
            variant: None,
            number: false,
            digits: None,
        })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<MapBuilder<'k>> {
        // serde_json's private structs: with its `arbitrary_precision` feature a number arrives
        // as a struct of one field holding its digits, and a raw value holds unparsed JSON.
        if name == RAW_VALUE {
            return Err(ConvertError(
                "a raw JSON value cannot be part of the policy input".into(),
            ));
        }
        Ok(MapBuilder {
            shared: self.shared,
            entries: Vec::with_capacity(len),
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
        len: usize,
    ) -> Result<MapBuilder<'k>> {
        Ok(MapBuilder {
            shared: self.shared,
            entries: Vec::with_capacity(len),
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
struct SeqBuilder<'k> {
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
struct MapBuilder<'k> {
    shared: &'k mut Shared,
    /// The entries so far, in the order given; sorted into an object at the end, where a later
    /// entry of the same key replaces an earlier one, as the JSON parser keeps the last.
    entries: Vec<(Value, Value)>,
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
        self.entries.push((self.shared.field(key), value));
        Ok(())
    }

    fn finish(self) -> Result<Value> {
        if self.number {
            return self
                .digits
                .ok_or_else(|| ConvertError("a number without its digits".into()));
        }
        // Built in one pass from the sorted entries (`collect` sorts stably and keeps the last
        // of equal keys), not key by key: inserting each key walked the tree every time.
        let map: BTreeMap<Value, Value> = self.entries.into_iter().collect();
        let value = self.shared.object(Object::from(map));
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
        self.entries.push((key, value));
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
struct KeySerializer<'k> {
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
}
