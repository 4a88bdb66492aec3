//! The snapshot as the Rego `input` document, built directly from the typed model.
//!
//! [`snapshot_value`] walks the [`Snapshot`] with serde and builds the [`regorus::Value`] tree as
//! it goes (`serializer.rs`), with no JSON text in between: writing the snapshot out as JSON and
//! parsing that text back took longer than parsing the snapshot file itself. The resources
//! (accounts, trails, buckets, keys, the monitoring maps, organisations) are converted on up to
//! [`MAX_THREADS`] threads; an account's IAM maps are converted apart from it, entry by entry
//! like the resources, and put back (`account.rs`), so one large account is spread over the
//! cores too. Each thread allocates each distinct key and short string once, and builds objects
//! of a shape it has seen as copies of that shape ([`trailguard_json::Builder`]). The
//! snapshot's documents (policies, patterns: most of an IAM-heavy snapshot) are regorus values
//! from the parse on ([`trailguard_snapshot::Document`]): the input takes each as it is.
//!
//! The value is the one the text round trip (`serde_json::to_string`, then
//! [`Value::from_json_str`]) gives: equal, and printed alike (so every number has the same
//! digits); `crates/trailguard-engine/tests/input.rs` checks that on every shipped snapshot, the
//! fuzz corpus and generated snapshots. So it follows serde_json's conventions: `None` and unit
//! are `null`, a non-finite float is `null`, a unit enum variant is its name, other variants are
//! `{"Variant": ...}`, bytes are an array of numbers, map keys that are numbers or booleans
//! become their JSON text, and an integer too large for 64 bits becomes a float. A map key
//! serde_json refuses (an array, an object, `null`, a non-finite float) is an error here as well,
//! never a silently empty input.

mod account;
mod serializer;

use crate::EngineError;
use account::{put_iam, AccountShell, IAM_MAPS};
use regorus::value::Object;
use regorus::Value;
use serde::Serialize;
use serializer::{convert, Result};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use trailguard_json::Builder;
use trailguard_snapshot::Snapshot;

/// At most this many threads convert a snapshot.
const MAX_THREADS: usize = 8;

/// The resource maps the snapshot's JSON leaves out when they are empty (`skip_serializing_if`),
/// left out of the input alike, so it is what the JSON text would give.
const OMITTED_WHEN_EMPTY: [&str; 5] = [
    "log_groups",
    "alarms",
    "topics",
    "organizations",
    "event_data_stores",
];

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
        organizations: BTreeMap::new(),
        log_groups: BTreeMap::new(),
        alarms: BTreeMap::new(),
        topics: BTreeMap::new(),
        event_data_stores: BTreeMap::new(),
        gaps: snapshot.gaps.clone(),
    };
    // Accounts as shells, their IAM maps apart: one large account is then spread over the
    // cores like the rest.
    let (shells, iams): (Vec<_>, Vec<_>) =
        snapshot.accounts.values().map(AccountShell::new).unzip();
    let accounts: Resources<'_> = snapshot
        .accounts
        .keys()
        .zip(&shells)
        .map(|(key, shell)| (key, shell as &dyn ErasedResource))
        .collect();
    let mut groups: Vec<(String, Resources<'_>)> = vec![
        ("accounts".into(), accounts),
        ("trails".into(), entries(&snapshot.trails)),
        ("buckets".into(), entries(&snapshot.buckets)),
        ("kms_keys".into(), entries(&snapshot.kms_keys)),
        ("log_groups".into(), entries(&snapshot.log_groups)),
        ("alarms".into(), entries(&snapshot.alarms)),
        ("topics".into(), entries(&snapshot.topics)),
        ("organizations".into(), entries(&snapshot.organizations)),
        (
            "event_data_stores".into(),
            entries(&snapshot.event_data_stores),
        ),
    ];
    let top_level = groups.len();
    // The accounts whose IAM was read, in order; their IAM maps are the groups after the top
    // level's, four per account.
    let mut with_iam = Vec::with_capacity(shells.len());
    for (id, iam) in snapshot.accounts.keys().zip(iams) {
        with_iam.push(iam.is_some());
        for (name, entries) in IAM_MAPS.into_iter().zip(iam.into_iter().flatten()) {
            groups.push((format!("accounts[{id}].Iam.{name}"), entries));
        }
    }
    let mut converted = convert_resources(&groups)?.into_iter();
    let mut maps: Vec<(&str, Vec<(Value, Value)>)> = groups[..top_level]
        .iter()
        .map(|(name, entries)| {
            (
                name.as_str(),
                converted.by_ref().take(entries.len()).collect(),
            )
        })
        .collect();
    // Each account's IAM maps, back into its shell.
    let mut iam_groups = groups[top_level..].iter();
    if let Some((_, accounts)) = maps.first_mut() {
        for ((id, account), read) in accounts.iter_mut().zip(&with_iam) {
            if !read {
                continue;
            }
            let mut iam = Vec::with_capacity(IAM_MAPS.len());
            for (_, entries) in iam_groups.by_ref().take(IAM_MAPS.len()) {
                // Already in key order: collecting into a BTreeMap sorts nothing.
                let map: BTreeMap<Value, Value> = converted.by_ref().take(entries.len()).collect();
                iam.push(Value::from(map));
            }
            let iam: [Value; IAM_MAPS.len()] = iam.try_into().map_err(|_| EngineError::Input {
                message: format!("accounts[{id}]: its IAM maps were not all converted"),
            })?;
            put_iam(account, iam).map_err(|e| EngineError::Input {
                message: format!("accounts[{id}]: {e}"),
            })?;
        }
    }
    let mut top = Object::new();
    let rest = to_value(&rest)?;
    let fields = rest.as_object().map_err(|_| EngineError::Input {
        message: "the snapshot is not an object".into(),
    })?;
    for (key, value) in fields.iter() {
        top.insert(key.clone(), value.clone());
    }
    for (name, entries) in maps {
        // Already in key order: collecting into a BTreeMap sorts nothing.
        let map: BTreeMap<Value, Value> = entries.into_iter().collect();
        // As the snapshot's JSON does: some maps are left out when empty.
        if map.is_empty() && OMITTED_WHEN_EMPTY.contains(&name) {
            continue;
        }
        top.insert(Value::from(name), Value::from(map));
    }
    Ok(top.into_value())
}

/// A resource of the snapshot, as something a thread can serialise.
trait ErasedResource: Sync {
    fn value(&self, builder: &mut Builder) -> Result<Value>;
}

impl<T: Serialize + Sync> ErasedResource for T {
    fn value(&self, builder: &mut Builder) -> Result<Value> {
        convert(builder, self)
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
fn convert_resources(maps: &[(String, Resources<'_>)]) -> Result<Vec<(Value, Value)>, EngineError> {
    let all: Vec<(&str, &String, &dyn ErasedResource)> = maps
        .iter()
        .flat_map(|(name, entries)| {
            entries
                .iter()
                .map(|(key, value)| (name.as_str(), *key, *value))
        })
        .collect();
    let chunks = all.len().div_ceil(CHUNK);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS)
        .min(chunks)
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut builder = Builder::new();
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
                    Ok((Value::from(key.as_str()), resource.value(&mut builder)?))
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
    convert(&mut Builder::new(), value).map_err(|e| EngineError::Input { message: e.0 })
}

/// A builtin's answer, built in Rust as JSON, as the regorus value its JSON text would parse to,
/// without writing the text.
pub(crate) fn answer_value<T: Serialize + ?Sized>(answer: &T) -> anyhow::Result<Value> {
    to_value(answer).map_err(|e| anyhow::anyhow!("its answer cannot be converted: {e}"))
}
