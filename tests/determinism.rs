//! Property tests: the same inputs give byte-identical reports whatever their order.
//!
//! Snapshots come from the strategy shared with the merge properties
//! (`tests/common/snapshot_strategy.rs`), are split into one file per account and written with
//! random key order, indentation and string escapes, then judged through the library
//! (`PolicyEngine::evaluate_files` and `trailguard_report::render`) and, twice, through the
//! binary. Checked:
//! - the order of the snapshot files changes no byte of the SARIF or JSON report;
//! - the layout of a file (key order, whitespace, escapes, the order of arrays that are sets)
//!   changes nothing but the line numbers;
//! - the order in which policy files are loaded changes nothing;
//! - every SARIF result points at the file that keys its resource and at the line of that key.
//!
//! Failures are persisted next to this file (`determinism.proptest-regressions`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

#[path = "common/snapshot_strategy.rs"]
mod snapshot_strategy;

mod common;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::Value;
use snapshot_strategy::{shard_by_account, snapshot};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;
use trailguard_engine::{builtin_sources, Evaluation, Params, PolicyEngine, PolicySource};
use trailguard_report::{render, Format, Options};
use trailguard_snapshot::{Snapshot, SnapshotFile};

/// The built-in catalogue, compiled once for every case.
fn engine() -> &'static PolicyEngine {
    static ENGINE: OnceLock<PolicyEngine> = OnceLock::new();
    ENGINE.get_or_init(|| PolicyEngine::new(&builtin_sources(), &Params::default()).unwrap())
}

/// A small deterministic generator for layout choices (proptest draws its seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Arrays the model treats as sets: their order carries no meaning.
const SET_ARRAYS: [&str; 11] = [
    "Regions",
    "TrailArns",
    "GroupList",
    "Members",
    "MFADevices",
    "PolicyUsers",
    "PolicyGroups",
    "PolicyRoles",
    "Aliases",
    "ExcludeManagementEventSources",
    "gaps",
];

/// How a snapshot file is written.
struct Layout {
    rng: Rng,
    /// One member or element per line (so lines mean something), else all on one line.
    lines: bool,
    indent: &'static str,
    /// Shuffle object keys.
    shuffle_keys: bool,
    /// Shuffle the arrays in [`SET_ARRAYS`].
    shuffle_sets: bool,
    /// Percent of non-ASCII characters written as `\uXXXX`, of `/` written as `\/`, and of other
    /// characters written as `\uXXXX`.
    escape_unicode: u64,
    escape_slash: u64,
    escape_any: u64,
}

impl Layout {
    fn random(seed: u64, lines: bool) -> Layout {
        let mut rng = Rng(seed);
        let indent = ["", " ", "  ", "\t", "    ", " \t "][rng.below(6)];
        let escape_unicode = [0, 50, 100][rng.below(3)];
        let escape_slash = [0, 50, 100][rng.below(3)];
        let escape_any = [0, 0, 5][rng.below(3)];
        Layout {
            rng,
            lines,
            indent,
            shuffle_keys: true,
            shuffle_sets: true,
            escape_unicode,
            escape_slash,
            escape_any,
        }
    }
}

/// A snapshot file's text and the 1-based line of every object key, by key path.
struct Written {
    text: String,
    key_lines: HashMap<Vec<String>, usize>,
}

fn write_snapshot(snapshot: &Snapshot, layout: &mut Layout) -> Written {
    let value = serde_json::to_value(snapshot).unwrap();
    let mut w = Writer {
        layout,
        out: String::new(),
        line: 1,
        key_lines: HashMap::new(),
    };
    w.value(&value, &mut Vec::new(), 0, None);
    w.push("\n");
    // The text is the same snapshot, up to the order of the arrays that are sets.
    Snapshot::from_json(&w.out).unwrap();
    let mut read: Value = serde_json::from_str(&w.out).unwrap();
    let mut expected = value;
    sort_sets(&mut read, None);
    sort_sets(&mut expected, None);
    assert_eq!(read, expected);
    Written {
        text: w.out,
        key_lines: w.key_lines,
    }
}

/// Sorts the arrays of [`SET_ARRAYS`] (by their JSON text).
fn sort_sets(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                sort_sets(v, Some(k));
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                sort_sets(item, None);
            }
            if key.is_some_and(|k| SET_ARRAYS.contains(&k)) {
                items.sort_by_key(|v| v.to_string());
            }
        }
        _ => {}
    }
}

struct Writer<'a> {
    layout: &'a mut Layout,
    out: String,
    line: usize,
    key_lines: HashMap<Vec<String>, usize>,
}

impl Writer<'_> {
    fn push(&mut self, s: &str) {
        self.line += s.matches('\n').count();
        self.out.push_str(s);
    }

    fn newline(&mut self, depth: usize) {
        if self.layout.lines {
            let indent = self.layout.indent.repeat(depth);
            self.push("\n");
            self.push(&indent);
        } else if self.layout.rng.chance(30) {
            self.push(" ");
        }
    }

    fn string(&mut self, s: &str) {
        let mut out = String::from("\"");
        for c in s.chars() {
            let l = &mut self.layout;
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' if l.rng.chance(l.escape_slash) => out.push_str("\\/"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c if (!c.is_ascii() && l.rng.chance(l.escape_unicode))
                    || l.rng.chance(l.escape_any) =>
                {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        // Upper or lower case hex digits, as JSON allows.
                        if l.rng.chance(50) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        } else {
                            out.push_str(&format!("\\u{unit:04X}"));
                        }
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
        self.push(&out);
    }

    fn value(&mut self, value: &Value, path: &mut Vec<String>, depth: usize, key: Option<&str>) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                if self.layout.shuffle_keys {
                    self.layout.rng.shuffle(&mut keys);
                }
                self.push("{");
                for (i, k) in keys.iter().enumerate() {
                    self.newline(depth + 1);
                    path.push((*k).clone());
                    self.key_lines.insert(path.clone(), self.line);
                    self.string(k);
                    let colon = if self.layout.rng.chance(50) {
                        ": "
                    } else {
                        ":"
                    };
                    self.push(colon);
                    self.value(&map[*k], path, depth + 1, Some(k));
                    path.pop();
                    if i + 1 < keys.len() {
                        self.push(",");
                    }
                }
                if !keys.is_empty() {
                    self.newline(depth);
                }
                self.push("}");
            }
            Value::Array(items) => {
                let mut items: Vec<&Value> = items.iter().collect();
                if self.layout.shuffle_sets && key.is_some_and(|k| SET_ARRAYS.contains(&k)) {
                    self.layout.rng.shuffle(&mut items);
                }
                self.push("[");
                for (i, item) in items.iter().enumerate() {
                    self.newline(depth + 1);
                    // Paths do not go through arrays: locations are of objects reached by keys.
                    let mut inner = vec!["[]".to_string()];
                    self.value(item, &mut inner, depth + 1, None);
                    if i + 1 < items.len() {
                        self.push(",");
                    }
                }
                if !items.is_empty() {
                    self.newline(depth);
                }
                self.push("]");
            }
            Value::String(s) => self.string(s),
            other => self.push(&other.to_string()),
        }
    }
}

/// Writes `files` (name, text) into a fresh directory.
fn write_files(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Loads the named files of `dir` in the given order and evaluates them.
fn evaluate_with(engine: &PolicyEngine, dir: &Path, names: &[&str]) -> Evaluation {
    let files: Vec<SnapshotFile> = names
        .iter()
        .map(|n| Snapshot::load(&dir.join(n)).unwrap())
        .collect();
    engine.evaluate_files(&files, dir).unwrap()
}

/// The SARIF and JSON reports.
fn reports(evaluation: &Evaluation) -> (String, String) {
    let options = Options::default();
    (
        render(evaluation, Format::Sarif, &options).unwrap(),
        render(evaluation, Format::Json, &options).unwrap(),
    )
}

/// Shard files `shard-N.json`, written with random layouts, and sometimes the whole snapshot as
/// well (`all.json`), so resources are keyed by two files.
fn shard_files(snapshot: &Snapshot, seed: u64, with_whole: bool, lines: bool) -> Vec<Written> {
    let mut rng = Rng(seed);
    let mut parts = shard_by_account(snapshot);
    if with_whole {
        parts.push(snapshot.clone());
    }
    parts
        .iter()
        .map(|part| write_snapshot(part, &mut Layout::random(rng.next(), lines)))
        .collect()
}

fn file_name(i: usize, count: usize, with_whole: bool) -> String {
    if with_whole && i + 1 == count {
        "all.json".to_string()
    } else {
        format!("shard-{i}.json")
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_order_of_snapshot_files_changes_no_byte(
        snapshot in snapshot(),
        seed in any::<u64>(),
        with_whole in any::<bool>(),
        lines in any::<bool>(),
    ) {
        let written = shard_files(&snapshot, seed, with_whole, lines);
        let named: Vec<(String, String)> = written
            .iter()
            .enumerate()
            .map(|(i, w)| (file_name(i, written.len(), with_whole), w.text.clone()))
            .collect();
        let dir = write_files(&named);
        let mut names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        let (sarif, json) = reports(&evaluate_with(engine(), dir.path(), &names));
        let mut rng = Rng(seed ^ 1);
        for _ in 0..2 {
            rng.shuffle(&mut names);
            let (other_sarif, other_json) = reports(&evaluate_with(engine(), dir.path(), &names));
            prop_assert_eq!(&sarif, &other_sarif, "files in order {:?}", names);
            prop_assert_eq!(&json, &other_json, "files in order {:?}", names);
        }
    }

    #[test]
    fn the_layout_of_a_file_changes_nothing_but_line_numbers(
        snapshot in snapshot(),
        seeds in (any::<u64>(), any::<u64>()),
        lines in (any::<bool>(), any::<bool>()),
    ) {
        let canonical = snapshot.to_json_pretty().unwrap();
        let a = write_snapshot(&snapshot, &mut Layout::random(seeds.0, lines.0)).text;
        let b = write_snapshot(&snapshot, &mut Layout::random(seeds.1, lines.1)).text;
        let mut outputs = Vec::new();
        for text in [canonical, a, b] {
            let dir = write_files(&[("snapshot.json".to_string(), text)]);
            let mut evaluation = evaluate_with(engine(), dir.path(), &["snapshot.json"]);
            for finding in &mut evaluation.findings {
                finding.location = None;
            }
            outputs.push(reports(&evaluation));
        }
        prop_assert_eq!(&outputs[0], &outputs[1]);
        prop_assert_eq!(&outputs[0], &outputs[2]);
    }

    #[test]
    fn every_sarif_result_points_at_the_line_of_its_resource(
        snapshot in snapshot(),
        seed in any::<u64>(),
        with_whole in any::<bool>(),
    ) {
        let mut parts = shard_by_account(&snapshot);
        if with_whole {
            parts.push(snapshot.clone());
        }
        let written = shard_files(&snapshot, seed, with_whole, true);
        let named: Vec<(String, String)> = written
            .iter()
            .enumerate()
            .map(|(i, w)| (file_name(i, written.len(), with_whole), w.text.clone()))
            .collect();
        let dir = write_files(&named);
        let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        let evaluation = evaluate_with(engine(), dir.path(), &names);
        prop_assert!(!evaluation.findings.is_empty());
        let sarif: Value = serde_json::from_str(&reports(&evaluation).0).unwrap();
        // The files by name: the report's own order of preference.
        let mut by_name: Vec<usize> = (0..named.len()).collect();
        by_name.sort_by(|&x, &y| named[x].0.cmp(&named[y].0));
        // Each file as read, and the merge of them all: copies that differ only in the order of
        // a set are different copies to the merge, and a finding points into the one it kept.
        let read: Vec<Value> = named
            .iter()
            .map(|(_, text)| serde_json::to_value(Snapshot::from_json(text).unwrap()).unwrap())
            .collect();
        let merged = serde_json::to_value(trailguard_snapshot::merge(
            named.iter().map(|(_, text)| Snapshot::from_json(text).unwrap()).collect(),
        ).unwrap())
        .unwrap();
        // The account, trail, bucket or key a key path is in.
        let unit = |snapshot: &Value, path: &[String]| -> Value {
            snapshot[path[0].as_str()][path[1].as_str()].clone()
        };
        let mut checked = 0;
        for run in sarif["runs"].as_array().unwrap() {
            for result in run["results"].as_array().unwrap() {
                let location = &result["locations"][0];
                let resource = location["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap();
                let physical = &location["physicalLocation"];
                let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
                let line = usize::try_from(physical["region"]["startLine"].as_u64().unwrap()).unwrap();
                let keyed: Vec<(usize, Vec<String>)> = by_name
                    .iter()
                    .filter_map(|&i| Some((i, key_path(&parts[i], resource)?)))
                    .collect();
                let kept = keyed
                    .iter()
                    .find(|(i, path)| unit(&read[*i], path) == unit(&merged, path))
                    .or(keyed.first())
                    .map(|(i, path)| (named[*i].0.as_str(), written[*i].key_lines[path]));
                match kept {
                    Some(expected) => {
                        prop_assert_eq!((uri, line), expected, "{} ({})", resource, result["ruleId"]);
                        checked += 1;
                    }
                    None => {
                        // Not keyed by any file: the first line naming it, or the first file.
                        let i = by_name.iter().copied().find(|&i| named[i].0 == uri).unwrap();
                        let text_line = named[i].1.lines().nth(line - 1).unwrap();
                        let quoted = serde_json::to_string(resource).unwrap();
                        // A bucket ARN the file does not hold is found by the bucket's name.
                        let name = resource
                            .strip_prefix("arn:aws:s3:::")
                            .map(|n| serde_json::to_string(n).unwrap());
                        prop_assert!(
                            text_line.contains(&quoted)
                                || name.is_some_and(|n| text_line.contains(&n))
                                || (i == by_name[0] && line == 1),
                            "{resource} at {uri}:{line}: {text_line}"
                        );
                    }
                }
            }
        }
        prop_assert!(checked > 0);
    }
}

/// The key path of a resource's object in `s`, found by looking at the snapshot itself (not by
/// `Snapshot::resource_path`): an account, a trail, key or bucket by its key, a principal by ARN.
fn key_path(s: &Snapshot, resource: &str) -> Option<Vec<String>> {
    let path = |parts: &[&str]| Some(parts.iter().map(|p| (*p).to_string()).collect());
    if let Some(id) = resource.strip_prefix("AWS::::Account:") {
        return s
            .accounts
            .contains_key(id)
            .then(|| path(&["accounts", id]))?;
    }
    for (map, found) in [
        ("trails", s.trails.contains_key(resource)),
        ("kms_keys", s.kms_keys.contains_key(resource)),
    ] {
        if found {
            return path(&[map, resource]);
        }
    }
    let bucket = resource.strip_prefix("arn:aws:s3:::").unwrap_or(resource);
    if s.buckets.contains_key(bucket) {
        return path(&["buckets", bucket]);
    }
    for (id, account) in &s.accounts {
        let Some(iam) = account.iam.present() else {
            continue;
        };
        let named = |section: &str, name: Option<&String>| {
            name.and_then(|n| path(&["accounts", id, "Iam", section, n]))
        };
        let found = named("Users", name_by_arn(&iam.users, |u| &u.arn, resource))
            .or_else(|| named("Groups", name_by_arn(&iam.groups, |g| &g.arn, resource)))
            .or_else(|| named("Roles", name_by_arn(&iam.roles, |r| &r.arn, resource)))
            .or_else(|| {
                iam.policies
                    .contains_key(resource)
                    .then(|| path(&["accounts", id, "Iam", "Policies", resource]))?
            });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The key of the entity in `map` whose ARN is `resource`.
fn name_by_arn<'a, T>(
    map: &'a BTreeMap<String, T>,
    arn: impl Fn(&T) -> &String,
    resource: &str,
) -> Option<&'a String> {
    map.iter().find(|(_, v)| arn(v) == resource).map(|(n, _)| n)
}

/// Custom rules: one whose findings tie on rule, resource and message and differ only in a
/// property, one naming trails, one naming something no snapshot keys.
fn custom_sources() -> Vec<PolicySource> {
    let rule = |id: &str, package: &str, body: &str| {
        PolicySource::custom(
            format!("custom/{package}.rego"),
            format!(
                "# METADATA\n# title: Custom {id}\n# custom:\n#   id: {id}\n#   severity: medium\n\
                 package acme.{package}\nimport rego.v1\n{body}\n"
            ),
        )
    };
    vec![
        rule(
            "ACME001",
            "ties",
            "deny contains {\"resource\": name, \"message\": \"seen\", \"detail\": n} if {\n\
             some name, _ in input.buckets\n some n in [1, 2, 3]\n}",
        ),
        rule(
            "ACME002",
            "trails",
            "deny contains {\"resource\": arn, \"message\": sprintf(\"trail %s of %s\", [t.Name, t.AccountId])} if {\n\
             some arn, t in input.trails\n}",
        ),
        rule(
            "ACME003",
            "nowhere",
            "deny contains {\"resource\": \"acme:nowhere\", \"message\": sprintf(\"%d accounts\", [count(input.accounts)])} if {\n\
             count(input.accounts) > 0\n}",
        ),
    ]
}

/// The built-ins and the custom rules, loaded in two different orders.
fn engines_in_two_orders() -> &'static [PolicyEngine; 2] {
    static ENGINES: OnceLock<[PolicyEngine; 2]> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let mut sources = builtin_sources();
        sources.extend(custom_sources());
        let first = PolicyEngine::new(&sources, &Params::default()).unwrap();
        sources.reverse();
        let second = PolicyEngine::new(&sources, &Params::default()).unwrap();
        [first, second]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, max_shrink_iters: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_order_of_policy_files_changes_no_byte(snapshot in snapshot(), seed in any::<u64>()) {
        let written = shard_files(&snapshot, seed, false, true);
        let named: Vec<(String, String)> = written
            .iter()
            .enumerate()
            .map(|(i, w)| (file_name(i, written.len(), false), w.text.clone()))
            .collect();
        let dir = write_files(&named);
        let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        let [first, second] = engines_in_two_orders();
        let a = evaluate_with(first, dir.path(), &names);
        prop_assert!(a.findings.iter().any(|f| f.rule_id == "ACME003"));
        prop_assert_eq!(reports(&a), reports(&evaluate_with(second, dir.path(), &names)));
    }
}

/// The binary, twice per format with the files in different orders: the same bytes, and the
/// same bytes as the library gives.
#[test]
fn the_binary_gives_the_same_bytes_whatever_the_argument_order() {
    let mut runner = TestRunner::deterministic();
    // A snapshot of several accounts with findings, from the shared strategy.
    let snapshot = loop {
        let s = snapshot().new_tree(&mut runner).unwrap().current();
        if s.accounts.len() >= 3 && !s.trails.is_empty() && !s.buckets.is_empty() {
            break s;
        }
    };
    let written = shard_files(&snapshot, 7, true, true);
    let named: Vec<(String, String)> = written
        .iter()
        .enumerate()
        .map(|(i, w)| (file_name(i, written.len(), true), w.text.clone()))
        .collect();
    let dir = write_files(&named);
    let mut names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    let library = reports(&evaluate_with(engine(), dir.path(), &names));
    for (format, expected) in [("sarif", &library.0), ("json", &library.1)] {
        let mut outputs = Vec::new();
        for order in 0..2 {
            if order == 1 {
                names.reverse();
                names.rotate_left(1);
            }
            let mut args = vec!["eval", "--format", format];
            args.extend(&names);
            let run = common::trailguard_in(dir.path(), &args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            outputs.push(run.stdout);
        }
        assert_eq!(
            outputs[0], outputs[1],
            "{format}: argument order changed the output"
        );
        assert_eq!(
            &outputs[0], expected,
            "{format}: the binary and the library differ"
        );
    }
}
