//! `trailguard.snapshot.trails_by(input, field)`: the snapshot's trails grouped by the value of
//! one of their fields, `{value: {trail ARN, ...}}`, as the Rego rule
//!
//! ```rego
//! trails_by_bucket[name] contains arn if {
//!     some arn, trail in input.trails
//!     name := trail.S3BucketName
//! }
//! ```
//!
//! builds it: a trail without the field is in no group, and any value (`null` too) is a group.
//! regorus starts every rule's evaluation from an empty cache, so each of the rules naming
//! `trailguard.lib.trails_by_bucket` built it again over every trail (9 ms per rule at 2,000
//! trails); this builds each field's grouping once per input ([`crate::per_input`]) and hands
//! every rule the same value.

use crate::per_input::PerInput;
use regorus::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

/// The groupings built from each input, by field.
pub(crate) type TrailGroups = PerInput<Mutex<BTreeMap<String, Value>>>;

/// The builtin.
pub(crate) fn trails_by(groups: &TrailGroups, args: &[Value]) -> anyhow::Result<Value> {
    let [input, Value::String(field)] = args else {
        anyhow::bail!("takes two arguments: input and a field's name (a string)");
    };
    let built = groups.get(input, |_| Ok(Mutex::new(BTreeMap::new())))?;
    // Grouping cannot panic halfway through an insert, so a poisoned map is whole.
    let mut by_field = built.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(grouped) = by_field.get(field.as_ref()) {
        return Ok(grouped.clone());
    }
    let grouped = group(input, field);
    by_field.insert(field.to_string(), grouped.clone());
    Ok(grouped)
}

/// The trails of `input` grouped by `field`, iterated as `some arn, trail in input.trails`
/// iterates: an object's keys and values, a list's indexes and items, a set's items.
fn group(input: &Value, field: &str) -> Value {
    let field = Value::from(field);
    let mut groups: BTreeMap<Value, BTreeSet<Value>> = BTreeMap::new();
    let mut add = |arn: Value, trail: &Value| {
        if let Ok(trail) = trail.as_object() {
            if let Some(value) = trail.get(&field) {
                groups.entry(value.clone()).or_default().insert(arn);
            }
        }
    };
    let trails = input
        .as_object()
        .ok()
        .and_then(|input| input.get(&Value::from("trails")));
    match trails {
        Some(Value::Object(trails)) => trails.iter().for_each(|(arn, t)| add(arn.clone(), t)),
        Some(Value::Array(trails)) => trails
            .iter()
            .enumerate()
            .for_each(|(i, t)| add(Value::from(i), t)),
        Some(Value::Set(trails)) => trails.iter().for_each(|t| add(t.clone(), t)),
        _ => {}
    }
    Value::from(
        groups
            .into_iter()
            .map(|(value, arns)| (value, Value::from(arns)))
            .collect::<BTreeMap<Value, Value>>(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: fail loudly.

    use super::*;

    #[test]
    fn a_field_is_grouped_once_per_input_and_bad_arguments_are_errors() {
        let groups = TrailGroups::default();
        let input = Value::from_json_str(
            r#"{"trails": {"arn:a": {"S3BucketName": "logs"}, "arn:b": {"S3BucketName": "logs"}}}"#,
        )
        .unwrap();
        let field = Value::from("S3BucketName");
        let first = trails_by(&groups, &[input.clone(), field.clone()]).unwrap();
        let again = trails_by(&groups, &[input.clone(), field.clone()]).unwrap();
        assert_eq!(
            first,
            Value::from_json_str(r#"{"logs": ["arn:a", "arn:b"]}"#)
                .map(|v| {
                    let arns: BTreeSet<Value> =
                        v["logs"].as_array().unwrap().iter().cloned().collect();
                    Value::from(BTreeMap::from([(Value::from("logs"), Value::from(arns))]))
                })
                .unwrap()
        );
        let (Value::Object(first), Value::Object(again)) = (first, again) else {
            panic!("the groups are an object");
        };
        assert!(regorus::Rc::ptr_eq(&first, &again), "built once");
        let error = trails_by(&groups, &[input, Value::from(1)]).unwrap_err();
        assert!(error.to_string().contains("takes two arguments"), "{error}");
        let error = trails_by(&groups, &[Value::from("x"), field]).unwrap_err();
        assert!(error.to_string().contains("must be a snapshot"), "{error}");
    }
}
