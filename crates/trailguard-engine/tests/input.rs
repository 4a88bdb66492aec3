//! The direct conversion of a snapshot into the policy input ([`snapshot_value`]) must give the
//! very value the old conversion through JSON text gave (`serde_json::to_string`, then regorus's
//! JSON parser), equal and printed alike: on every shipped snapshot, on every snapshot of the fuzz
//! corpus that parses, and on generated snapshots (the strategy shared with the end-to-end
//! determinism tests, plus arbitrary JSON in the policy documents).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

#[path = "../../../tests/common/snapshot_strategy.rs"]
mod snapshot_strategy;

use proptest::prelude::*;
use regorus::Value;
use std::path::Path;
use trailguard_engine::snapshot_value;
use trailguard_snapshot::{Collected, InlinePolicy, Snapshot};

/// The old conversion: the snapshot's JSON text, parsed by regorus.
fn through_text(snapshot: &Snapshot) -> Value {
    Value::from_json_str(&serde_json::to_string(snapshot).unwrap()).unwrap()
}

/// Equal, and printed alike: `==` compares numbers by value, `Debug` shows every digit (a float
/// one unit in the last place away prints differently).
fn differences(snapshot: &Snapshot) -> Option<String> {
    let direct = snapshot_value(snapshot).unwrap();
    let text = through_text(snapshot);
    let (direct_debug, text_debug) = (format!("{direct:?}"), format!("{text:?}"));
    if direct == text && direct_debug == text_debug {
        return None;
    }
    let at = direct_debug
        .bytes()
        .zip(text_debug.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(direct_debug.len().min(text_debug.len()));
    let from = at.saturating_sub(80);
    Some(format!(
        "direct: …{}…\ntext:   …{}…",
        direct_debug
            .get(from..(at + 80).min(direct_debug.len()))
            .unwrap_or(""),
        text_debug
            .get(from..(at + 80).min(text_debug.len()))
            .unwrap_or("")
    ))
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn direct_conversion_equals_the_text_round_trip_on_every_shipped_snapshot() {
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("inputs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let file = Snapshot::load(&path).unwrap();
            if let Some(diff) = differences(&file.snapshot) {
                panic!("{}:\n{diff}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} shipped snapshots found");
}

/// A snapshot's documents are regorus values already: the input holds each one as it is (the
/// same allocation), not a copy built again. A copy would be equal: only the address tells.
#[test]
fn the_input_takes_each_policy_document_as_the_snapshot_holds_it() {
    let file = Snapshot::load(&repo().join("inputs/demo.json")).unwrap();
    let input = snapshot_value(&file.snapshot).unwrap();
    let object = |value: &Value| match value {
        Value::Object(object) => object.clone(),
        other => panic!("not an object: {other:?}"),
    };
    let mut checked = 0;
    for (name, bucket) in &file.snapshot.buckets {
        if let Collected::Present(policy) = &bucket.policy {
            let given = object(&input["buckets"][name.as_str()]["Policy"]);
            assert!(
                regorus::Rc::ptr_eq(&object(policy.value()), &given),
                "{name}"
            );
            checked += 1;
        }
    }
    for (id, account) in &file.snapshot.accounts {
        let Collected::Present(iam) = &account.iam else {
            continue;
        };
        for (name, role) in &iam.roles {
            let given = &input["accounts"][id.as_str()]["Iam"]["Roles"][name.as_str()];
            let trust = object(&given["AssumeRolePolicyDocument"]);
            assert!(regorus::Rc::ptr_eq(
                &object(role.assume_role_policy_document.value()),
                &trust
            ));
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} documents in the demo");
}

#[test]
fn direct_conversion_equals_the_text_round_trip_on_the_fuzz_corpus() {
    let mut parsed = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(repo().join("fuzz/corpus/snapshot")).unwrap() {
        let path = entry.unwrap().path();
        let Ok(text) = std::str::from_utf8(&std::fs::read(&path).unwrap()).map(str::to_owned)
        else {
            continue;
        };
        let Ok(snapshot) = Snapshot::from_json(&text) else {
            continue;
        };
        parsed += 1;
        if let Some(diff) = differences(&snapshot) {
            failures.push(format!("{}:\n{diff}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The corpus holds many valid snapshots; if none parsed, this test checked nothing.
    assert!(
        parsed >= 50,
        "only {parsed} corpus files are valid snapshots"
    );
}

/// Any JSON value, numbers of every kind included (negative, beyond 64 bits, fractions,
/// exponents), to put where a snapshot holds raw JSON (policy documents).
fn json() -> impl Strategy<Value = serde_json::Value> {
    let number = prop_oneof![
        any::<u64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        (any::<i32>(), -30i32..30)
            .prop_map(|(m, e)| { serde_json::from_str(&format!("{m}e{e}")).unwrap() }),
        "-?[1-9][0-9]{18,24}(\\.[0-9]{1,20})?".prop_map(|t| serde_json::from_str(&t).unwrap()),
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        number,
        "\\PC{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("\\PC{0,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn direct_conversion_equals_the_text_round_trip_on_generated_snapshots(
        snapshot in snapshot_strategy::snapshot(),
    ) {
        let diff = differences(&snapshot);
        prop_assert!(diff.is_none(), "{}", diff.unwrap_or_default());
    }

    #[test]
    fn direct_conversion_equals_the_text_round_trip_on_any_policy_document(
        snapshot in snapshot_strategy::snapshot(),
        documents in prop::collection::vec(json(), 1..4),
    ) {
        let mut snapshot = snapshot;
        let mut documents = documents.into_iter().cycle();
        for bucket in snapshot.buckets.values_mut() {
            bucket.policy = Collected::Present(snapshot_strategy::doc(documents.next().unwrap()));
        }
        for account in snapshot.accounts.values_mut() {
            if let Collected::Present(iam) = &mut account.iam {
                for role in iam.roles.values_mut() {
                    role.assume_role_policy_document = snapshot_strategy::doc(documents.next().unwrap());
                    role.role_policy_list.push(InlinePolicy {
                        policy_name: "generated".into(),
                        policy_document: snapshot_strategy::doc(documents.next().unwrap()),
                    });
                }
            }
        }
        let diff = differences(&snapshot);
        prop_assert!(diff.is_none(), "{}", diff.unwrap_or_default());
    }
}

/// Large snapshots are converted resource by resource on several threads, then put together:
/// the shipped demo copied 40 times (480 accounts, trails, buckets and keys under fresh ids)
/// must still give exactly the text round trip's value.
#[test]
fn direct_conversion_equals_the_text_round_trip_on_a_snapshot_converted_in_parallel() {
    let demo = std::fs::read_to_string(repo().join("inputs/demo.json")).unwrap();
    let mut merged = Snapshot::from_json(&demo).unwrap();
    for c in 1..40 {
        let text = demo
            .replace("111111111111", &format!("1{c:011}"))
            .replace("222222222222", &format!("2{c:011}"))
            .replace("333333333333", &format!("3{c:011}"))
            .replace("acme-", &format!("acme{c}-"));
        let copy = Snapshot::from_json(&text).unwrap();
        merged.accounts.extend(copy.accounts);
        merged.trails.extend(copy.trails);
        merged.buckets.extend(copy.buckets);
        merged.kms_keys.extend(copy.kms_keys);
        merged.gaps.extend(copy.gaps);
    }
    assert_eq!(merged.trails.len(), 160);
    if let Some(diff) = differences(&merged) {
        panic!("{diff}");
    }
}

/// An account's IAM maps are converted apart from the account, entry by entry on every thread,
/// then put back: one account with a thousand roles and policies, beside accounts whose IAM was
/// not read or does not exist, must give exactly the text round trip's value.
#[test]
fn direct_conversion_equals_the_text_round_trip_on_an_account_whose_iam_is_split_over_threads() {
    let demo = std::fs::read_to_string(repo().join("inputs/demo.json")).unwrap();
    let mut snapshot = Snapshot::from_json(&demo).unwrap();
    let mut ids = snapshot.accounts.keys().cloned();
    let (large, unread, absent) = (
        ids.next().unwrap(),
        ids.next().unwrap(),
        ids.next().unwrap(),
    );
    let Collected::Present(iam) = &mut snapshot.accounts.get_mut(&large).unwrap().iam else {
        panic!("the demo's first account has its IAM");
    };
    let role = iam.roles.values().next().unwrap().clone();
    let (policy_arn, policy) = iam.policies.first_key_value().unwrap();
    let (policy_arn, policy) = (policy_arn.clone(), policy.clone());
    for n in 0..1000 {
        let mut copy = role.clone();
        copy.role_name = format!("{}-{n}", role.role_name);
        iam.roles.insert(copy.role_name.clone(), copy);
        iam.policies
            .insert(format!("{policy_arn}-{n}"), policy.clone());
    }
    snapshot.accounts.get_mut(&unread).unwrap().iam = Collected::Unknown;
    snapshot.accounts.get_mut(&absent).unwrap().iam = Collected::Absent;
    if let Some(diff) = differences(&snapshot) {
        panic!("{diff}");
    }
}
