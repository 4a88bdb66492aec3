//! [`Builder`]: regorus values built fast, for the policy `input` and the snapshot's documents.

use regorus::value::Object;
use regorus::{Rc, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// A fast hash with a random seed per process: a snapshot's author cannot aim for collisions.
type Strings = HashSet<Rc<str>, foldhash::fast::RandomState>;

/// Objects' shapes seen so far, by the addresses and lengths of their keys in the order given
/// (see [`Builder::object`]).
type Shapes = HashMap<Box<[usize]>, Shape, foldhash::fast::RandomState>;

/// The keys of objects built alike.
struct Shape {
    /// An object of the keys, in regorus's compact sorted form, whose values are `null`.
    object: Object,
    /// The keys in the order given.
    keys: Box<[Value]>,
}

/// An object's key, as given to a [`Builder`].
enum Key {
    /// A struct's field name (a string that lives as long as the program).
    Field(&'static str),
    /// A map's key.
    Value(Value),
}

/// The most keys an object may have for its shape to be remembered.
const MAX_SHAPE_KEYS: usize = 16;

/// The most shapes a builder remembers (a bound on the memory an adversarial snapshot, all of
/// whose objects differ in their keys, could make it hold).
pub const MAX_SHAPES: usize = 4_096;

/// The longest string (key or value) a [`Builder`] shares, besides field names.
pub const SHARED_STRING_BYTES: usize = 16;

/// Why an object could not be built: a [`Builder`]'s own invariant broke (never the data's
/// fault, but reported, never turned into a wrong value).
#[derive(Debug)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

/// Builds regorus values, sharing what values built by one builder have in common.
///
/// A snapshot repeats the same few dozen field names hundreds of thousands of times, and its
/// short strings many times over ("Allow", "*", "Effect", "2012-10-17", regions, actions): each
/// distinct field name and short string (up to [`SHARED_STRING_BYTES`]) is allocated once and
/// shared, as are the empty object and the empty array. Longer strings (ARNs, names, the keys of
/// the resource and IAM maps) repeat less: looking them up costs more than allocating them.
///
/// An object is built from entries given one by one, innermost objects first:
///
/// ```
/// use trailguard_json::Builder;
///
/// let mut builder = Builder::new();
/// let start = builder.start();
/// let allow = builder.string("Allow");
/// builder.field("Effect", allow);
/// let action = builder.string("s3:GetObject");
/// let key = builder.string("Action");
/// builder.entry(key, action);
/// let statement = builder.object(start).unwrap();
/// assert_eq!(
///     statement,
///     regorus::Value::from_json_str(r#"{"Action": "s3:GetObject", "Effect": "Allow"}"#).unwrap()
/// );
/// ```
pub struct Builder {
    strings: Strings,
    shapes: Shapes,
    /// The entries of the objects under construction, innermost last: each object takes those
    /// from where it started when it ends, so objects allocate no list of their own.
    entries: Vec<(Key, Value)>,
    empty_object: Value,
    empty_array: Value,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// A builder that shares nothing yet.
    pub fn new() -> Builder {
        Builder {
            strings: Strings::default(),
            shapes: Shapes::default(),
            entries: Vec::new(),
            empty_object: Value::new_object(),
            empty_array: Value::new_array(),
        }
    }

    /// A string (a value, or a map's key): shared when short.
    pub fn string(&mut self, text: &str) -> Value {
        if text.len() > SHARED_STRING_BYTES {
            return Value::from(text);
        }
        self.shared(text)
    }

    /// A field or enum variant name, always shared.
    pub fn name(&mut self, name: &'static str) -> Value {
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

    /// Where the entries of an object begun now start: give it to [`Builder::object`] once its
    /// entries are in.
    pub fn start(&self) -> usize {
        self.entries.len()
    }

    /// A struct field of the object under construction.
    pub fn field(&mut self, name: &'static str, value: Value) {
        self.entries.push((Key::Field(name), value));
    }

    /// An entry of the object under construction (its key a value of this builder, from
    /// [`Builder::string`], for its shape to be remembered).
    pub fn entry(&mut self, key: Value, value: Value) {
        self.entries.push((Key::Value(key), value));
    }

    /// Forgets the entries of the objects left unfinished (by an error).
    pub fn abandon(&mut self) {
        self.entries.clear();
    }

    /// The entries given and not yet taken into an object.
    pub fn pending(&self) -> usize {
        self.entries.len()
    }

    /// The shapes remembered (at most [`MAX_SHAPES`]).
    pub fn shapes(&self) -> usize {
        self.shapes.len()
    }

    /// The object of the entries given since `start` (in the order given; of equal keys the
    /// last wins, as the JSON parser keeps the last), in regorus's compact read-only form.
    ///
    /// Objects of the same keys are the rule (every struct of a type, every statement written
    /// alike): the first of a shape is built through a sorted map and its shape remembered, the
    /// next ones are a copy of the shape with their values put in. A shape is known by the
    /// addresses (and lengths) of its keys: a field name's, or a shared string's. So only shapes
    /// whose keys are all field names or short strings are remembered: a map keyed by names or
    /// ARNs fills no memory. The shape holds its keys, so an address in it cannot be freed and
    /// reused for another string while it is remembered.
    pub fn object(&mut self, start: usize) -> Result<Value, BuildError> {
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
                        BuildError(format!("the object's shape lost its key {key}"))
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
                    Key::Field(name) => self.name(name),
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
        if map.is_empty() {
            return Ok(self.empty_object.clone());
        }
        Ok(Object::from(map).into_value())
    }

    /// An array of the items.
    pub fn array(&self, items: Vec<Value>) -> Value {
        if items.is_empty() {
            return self.empty_array.clone();
        }
        Value::from(items)
    }

    /// `{"variant": value}`, serde_json's form of a non-unit enum variant.
    pub fn variant(&mut self, name: &'static str, value: Value) -> Value {
        let mut object = Object::new();
        object.insert(self.name(name), value);
        object.into_value()
    }
}
