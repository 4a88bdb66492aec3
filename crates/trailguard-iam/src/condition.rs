//! Condition blocks, evaluated three-valued against what is known of a request.
//!
//! A [`Context`] gives the value of each condition key the question fixes (the principal's
//! account and ARN, the organisation), says which keys the request will not carry, and leaves
//! every other key unknown: a condition on an unknown key (MFA, source IP, time, tags) is
//! [`Truth::Maybe`] and names the key, so a verdict that depends on it is conditional, never a
//! guess. Operators trailguard does not evaluate (`Date*`, `IpAddress`, `Binary*`) are unknown in
//! the same way unless their key is known absent.

use crate::policy::strings;
use crate::truth::Truth;
use crate::wildcard::{arn_matches, glob};
use crate::{Json, Kind};
use std::collections::BTreeMap;

/// What is known of a request's condition keys. Keys are compared ignoring case, as AWS does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    keys: BTreeMap<String, Known>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Known {
    Values(Vec<String>),
    Absent,
}

impl Context {
    /// A context that knows nothing: every condition is unknown.
    pub fn new() -> Context {
        Context::default()
    }

    /// The key has this value in the request.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Context {
        self.keys
            .insert(key.to_lowercase(), Known::Values(vec![value.into()]));
        self
    }

    /// The key is multivalued and has these values in the request.
    pub fn with_values(mut self, key: &str, values: impl IntoIterator<Item = String>) -> Context {
        self.keys.insert(
            key.to_lowercase(),
            Known::Values(values.into_iter().collect()),
        );
        self
    }

    /// The request does not carry the key.
    pub fn without(mut self, key: &str) -> Context {
        self.keys.insert(key.to_lowercase(), Known::Absent);
        self
    }

    /// The single value of a key, when known and single (for policy variables).
    pub(crate) fn single(&self, key: &str) -> Option<Option<&str>> {
        match self.keys.get(&key.to_lowercase())? {
            Known::Values(values) if values.len() == 1 => values.first().map(|v| Some(v.as_str())),
            Known::Values(_) => None,
            Known::Absent => Some(None),
        }
    }

    fn get(&self, key: &str) -> Option<&Known> {
        self.keys.get(&key.to_lowercase())
    }
}

/// How a condition compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    /// `StringEquals`, `StringNotEquals`.
    StringEquals,
    /// `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike`, `StringNotLike`.
    StringLike,
    /// `ArnEquals`, `ArnLike`, `ArnNotEquals`, `ArnNotLike` (all match segment by segment with
    /// wildcards, as AWS documents).
    Arn,
    /// `NumericEquals`, `NumericNotEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `Bool`.
    Bool,
    /// `Null`: whether the key is absent.
    Null,
    /// An operator trailguard does not evaluate (`DateLessThan`, `IpAddress`, `BinaryEquals`),
    /// as written: unknown unless its key is known absent.
    Unevaluated(String),
}

/// One key's test in a condition block: `"StringEquals": {"aws:SourceAccount": "1111..."}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator as written, for messages.
    pub written: String,
    /// The comparison.
    pub operator: Operator,
    /// The `Not` form: true when no value matches.
    pub negated: bool,
    /// The `IfExists` form: true when the key is absent.
    pub if_exists: bool,
    /// `ForAnyValue:` or `ForAllValues:`.
    pub set: Option<SetOperator>,
    /// The condition key as written.
    pub key: String,
    /// The values to compare with, as text (`true`, `10` for booleans and numbers).
    pub values: Vec<String>,
}

/// The set operators of multivalued condition keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperator {
    /// `ForAnyValue:`: at least one of the request's values matches.
    AnyValue,
    /// `ForAllValues:`: every value of the request matches (true when there is none).
    AllValues,
}

impl Condition {
    /// Every condition of a `Condition` block.
    pub(crate) fn parse_block<J: Json>(block: &J) -> Result<Vec<Condition>, String> {
        let mut conditions = Vec::new();
        for (written, tests) in block.entries() {
            if tests.kind() != Kind::Object {
                return Err(format!(
                    "condition {written} must be an object of keys, not {}",
                    tests.describe()
                ));
            }
            for (key, values) in tests.entries() {
                conditions.push(Condition::parse(written, key, values)?);
            }
        }
        Ok(conditions)
    }

    fn parse<J: Json>(written: &str, key: &str, values: &J) -> Result<Condition, String> {
        let (set, rest) = if let Some(rest) = written.strip_prefix("ForAnyValue:") {
            (Some(SetOperator::AnyValue), rest)
        } else if let Some(rest) = written.strip_prefix("ForAllValues:") {
            (Some(SetOperator::AllValues), rest)
        } else {
            (None, written)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let (operator, negated) = match base {
            "StringEquals" => (Operator::StringEquals, false),
            "StringNotEquals" => (Operator::StringEquals, true),
            "StringEqualsIgnoreCase" => (Operator::StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (Operator::StringEqualsIgnoreCase, true),
            "StringLike" => (Operator::StringLike, false),
            "StringNotLike" => (Operator::StringLike, true),
            "ArnEquals" | "ArnLike" => (Operator::Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Operator::Arn, true),
            "NumericEquals" => (Operator::NumericEquals, false),
            "NumericNotEquals" => (Operator::NumericEquals, true),
            "NumericLessThan" => (Operator::NumericLessThan, false),
            "NumericLessThanEquals" => (Operator::NumericLessThanEquals, false),
            "NumericGreaterThan" => (Operator::NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (Operator::NumericGreaterThanEquals, false),
            "Bool" => (Operator::Bool, false),
            "Null" => (Operator::Null, false),
            "DateNotEquals" | "NotIpAddress" => (Operator::Unevaluated(base.into()), true),
            "DateEquals"
            | "DateLessThan"
            | "DateLessThanEquals"
            | "DateGreaterThan"
            | "DateGreaterThanEquals"
            | "IpAddress"
            | "BinaryEquals" => (Operator::Unevaluated(base.into()), false),
            other => return Err(format!("unknown condition operator {other}")),
        };
        // A boolean or a number stands for its JSON text, as AWS compares it.
        let scalar = |value: &J| match value.kind() {
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Number(n) => Some(n),
            _ => None,
        };
        let values = match values.kind() {
            Kind::Bool(_) | Kind::Number(_) => scalar(values).into_iter().collect(),
            Kind::Array if values.items().all(|i| scalar(i).is_some()) => {
                values.items().filter_map(scalar).collect()
            }
            _ => strings(&format!("condition {written} {key}"), values)?,
        };
        Ok(Condition {
            written: written.to_string(),
            operator,
            negated,
            if_exists,
            set,
            key: key.to_string(),
            values,
        })
    }

    /// Whether the condition holds in `context`.
    pub fn holds(&self, context: &Context) -> Truth {
        let unknown = || Truth::maybe(format!("{} {}", self.written, self.key));
        let Some(known) = context.get(&self.key) else {
            return unknown();
        };
        let values = match known {
            Known::Absent => return self.absent(),
            Known::Values(values) => values,
        };
        if let Operator::Null = self.operator {
            // `Null: true` holds when the key is absent; here it is present.
            return Truth::from_bool(self.values.iter().any(|v| v.eq_ignore_ascii_case("false")));
        }
        if let Operator::Unevaluated(_) = self.operator {
            return unknown();
        }
        // Each request value against the policy's values: positive operators match when some
        // value matches; negated ones when none does.
        let each = |actual: &String| {
            let matched = self
                .values
                .iter()
                .any(|expected| self.matches(expected, actual));
            matched != self.negated
        };
        Truth::from_bool(match self.set {
            Some(SetOperator::AllValues) => values.iter().all(each),
            Some(SetOperator::AnyValue) | None => values.iter().any(each),
        })
    }

    /// The condition when the request does not carry the key.
    fn absent(&self) -> Truth {
        if let Operator::Null = self.operator {
            return Truth::from_bool(self.values.iter().any(|v| v.eq_ignore_ascii_case("true")));
        }
        // ForAllValues holds over no values; IfExists and the negated operators hold for an
        // absent key; everything else does not match.
        Truth::from_bool(self.if_exists || self.negated || self.set == Some(SetOperator::AllValues))
    }

    fn matches(&self, expected: &str, actual: &str) -> bool {
        let number = |s: &str| s.trim().parse::<f64>().ok();
        let compare = |f: fn(f64, f64) -> bool| match (number(actual), number(expected)) {
            (Some(a), Some(e)) => f(a, e),
            _ => false,
        };
        match self.operator {
            Operator::StringEquals => expected == actual,
            Operator::StringEqualsIgnoreCase => expected.to_lowercase() == actual.to_lowercase(),
            Operator::StringLike => glob(expected, actual, false),
            Operator::Arn => arn_matches(expected, actual),
            Operator::NumericEquals => compare(|a, e| a == e),
            Operator::NumericLessThan => compare(|a, e| a < e),
            Operator::NumericLessThanEquals => compare(|a, e| a <= e),
            Operator::NumericGreaterThan => compare(|a, e| a > e),
            Operator::NumericGreaterThanEquals => compare(|a, e| a >= e),
            Operator::Bool => expected.eq_ignore_ascii_case(actual),
            Operator::Null | Operator::Unevaluated(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(operator: &str, key: &str, values: serde_json::Value) -> Condition {
        Condition::parse(operator, key, &values).unwrap()
    }

    #[test]
    fn an_unknown_key_is_maybe_and_named() {
        let c = condition("Bool", "aws:MultiFactorAuthPresent", json!("true"));
        assert_eq!(
            c.holds(&Context::new()),
            Truth::maybe("Bool aws:MultiFactorAuthPresent")
        );
        assert_eq!(
            c.holds(&Context::new().with("aws:multifactorauthpresent", "true")),
            Truth::Yes
        );
        assert_eq!(
            c.holds(&Context::new().with("aws:MultiFactorAuthPresent", "false")),
            Truth::No
        );
    }

    #[test]
    fn an_absent_key_follows_aws_documentation() {
        // "If the key is not present, the values do not match and the condition is false; a
        // negated operator is then true"; IfExists and Null test presence.
        let absent = Context::new().without("aws:SourceAccount");
        for (operator, values, expected) in [
            ("StringEquals", json!("1"), Truth::No),
            ("StringNotEquals", json!("1"), Truth::Yes),
            ("StringEqualsIfExists", json!("1"), Truth::Yes),
            ("Null", json!("true"), Truth::Yes),
            ("Null", json!("false"), Truth::No),
            ("ForAllValues:StringEquals", json!("1"), Truth::Yes),
            ("ForAnyValue:StringEquals", json!("1"), Truth::No),
            ("DateLessThan", json!("2020-01-01T00:00:00Z"), Truth::No),
        ] {
            let c = condition(operator, "aws:SourceAccount", values);
            assert_eq!(c.holds(&absent), expected, "{operator}");
        }
    }

    #[test]
    fn operators_compare_as_documented() {
        let ctx = Context::new()
            .with(
                "aws:SourceArn",
                "arn:aws:cloudtrail:us-east-1:111111111111:trail/org",
            )
            .with("s3:max-keys", "10")
            .with_values("aws:TagKeys", ["a".to_string(), "b".to_string()]);
        for (operator, key, values, expected) in [
            (
                "ArnLike",
                "aws:SourceArn",
                json!("arn:aws:cloudtrail:*:111111111111:trail/*"),
                true,
            ),
            (
                "ArnNotLike",
                "aws:SourceArn",
                json!("arn:aws:cloudtrail:*:222222222222:trail/*"),
                true,
            ),
            ("StringLike", "aws:SourceArn", json!("*:trail/org"), true),
            (
                "StringEqualsIgnoreCase",
                "aws:SourceArn",
                json!("ARN:AWS:CLOUDTRAIL:US-EAST-1:111111111111:TRAIL/ORG"),
                true,
            ),
            ("NumericLessThanEquals", "s3:max-keys", json!(10), true),
            ("NumericGreaterThan", "s3:max-keys", json!("10"), false),
            (
                "ForAllValues:StringEquals",
                "aws:TagKeys",
                json!(["a", "b", "c"]),
                true,
            ),
            (
                "ForAllValues:StringEquals",
                "aws:TagKeys",
                json!(["a"]),
                false,
            ),
            (
                "ForAnyValue:StringEquals",
                "aws:TagKeys",
                json!(["b"]),
                true,
            ),
            ("Null", "aws:SourceArn", json!(false), true),
        ] {
            let c = condition(operator, key, values);
            assert_eq!(
                c.holds(&ctx),
                Truth::from_bool(expected),
                "{operator} {key}"
            );
        }
        assert!(Condition::parse("StringEqualz", "k", &json!("v")).is_err());
    }
}
