//! Policy documents, parsed once: statements with their effect, actions, resources, principals
//! and conditions, each element in the one form AWS accepts it in (a string or a list of them).

use crate::condition::Condition;
use serde_json::{Map, Value};

/// Why a policy document could not be read. AWS validates documents when they are saved, so
/// these only arise from a snapshot edited by hand or a collector bug; either way the
/// evaluation stops with this error rather than skip the statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The document is not a JSON object.
    #[error("a policy document must be an object, not {0}")]
    NotAnObject(&'static str),
    /// The document has no `Statement`.
    #[error("a policy document must have a Statement")]
    NoStatement,
    /// A statement is malformed.
    #[error("statement {index}: {message}")]
    Statement {
        /// The statement's position in the document, from 0.
        index: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Its statements, in document order.
    pub statements: Vec<Statement>,
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

/// A list of patterns a statement names, or names as exceptions (`NotAction`, `NotResource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    /// The element (`Action`, `Resource`): the statement covers what one of these matches.
    Only(Vec<String>),
    /// The `Not` element: the statement covers what none of these matches.
    Except(Vec<String>),
}

/// The principals a resource policy's statement names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrincipalSet {
    /// `"*"` or `{"AWS": "*"}`: every principal, of every account.
    pub everyone: bool,
    /// `AWS` entries: account ids, `arn:aws:iam::ACCOUNT:root`, user and role ARNs.
    pub aws: Vec<String>,
    /// `Service` entries (`cloudtrail.amazonaws.com`).
    pub services: Vec<String>,
    /// `Federated` and `CanonicalUser` entries, kept for messages; never an IAM principal.
    pub other: Vec<String>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// `Principal`: the statement applies to these.
    Only(PrincipalSet),
    /// `NotPrincipal`: the statement applies to every principal but these.
    Except(PrincipalSet),
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Its position in the document, from 0.
    pub index: usize,
    /// Its `Sid`, if any.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub actions: Patterns,
    /// `Resource` or `NotResource`; `None` in a resource policy that names neither (it then
    /// applies to the resource it is attached to).
    pub resources: Option<Patterns>,
    /// `Principal` or `NotPrincipal`; `None` in identity policies, boundaries and SCPs.
    pub principals: Option<Principals>,
    /// Every condition of its `Condition` block; all must hold.
    pub conditions: Vec<Condition>,
}

impl Policy {
    /// Parses a policy document (a JSON object, or a string holding one, as IAM returns
    /// URL-decoded text).
    ///
    /// ```
    /// use trailguard_iam::{Effect, Policy};
    ///
    /// let policy = Policy::parse(&serde_json::json!({
    ///     "Version": "2012-10-17",
    ///     "Statement": {"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}
    /// })).unwrap();
    /// assert_eq!(policy.statements[0].effect, Effect::Deny);
    /// ```
    pub fn parse(document: &Value) -> Result<Policy, PolicyError> {
        let parsed;
        let document = match document {
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text)
                    .map_err(|_| PolicyError::NotAnObject("a string that is not JSON"))?;
                &parsed
            }
            other => other,
        };
        let object = document
            .as_object()
            .ok_or_else(|| PolicyError::NotAnObject(kind(document)))?;
        let statements = match object.get("Statement") {
            Some(Value::Array(list)) => list.iter().collect::<Vec<_>>(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(other) => {
                return Err(PolicyError::Statement {
                    index: 0,
                    message: format!("Statement must be an object or a list, not {}", kind(other)),
                })
            }
            None => return Err(PolicyError::NoStatement),
        };
        let statements = statements
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                Statement::parse(index, value)
                    .map_err(|message| PolicyError::Statement { index, message })
            })
            .collect::<Result<_, _>>()?;
        Ok(Policy { statements })
    }
}

impl Statement {
    fn parse(index: usize, value: &Value) -> Result<Statement, String> {
        let object = value
            .as_object()
            .ok_or_else(|| format!("a statement must be an object, not {}", kind(value)))?;
        let sid = match object.get("Sid") {
            None => None,
            Some(Value::String(sid)) => Some(sid.clone()),
            Some(other) => return Err(format!("Sid must be a string, not {}", kind(other))),
        };
        let effect = match object.get("Effect") {
            Some(Value::String(e)) if e == "Allow" => Effect::Allow,
            Some(Value::String(e)) if e == "Deny" => Effect::Deny,
            Some(other) => {
                return Err(format!("Effect must be \"Allow\" or \"Deny\", not {other}"))
            }
            None => return Err("a statement must have an Effect".into()),
        };
        let actions = pair(object, "Action", "NotAction")?
            .ok_or("a statement must have an Action or a NotAction")?;
        let resources = pair(object, "Resource", "NotResource")?;
        let principals = match (object.get("Principal"), object.get("NotPrincipal")) {
            (Some(_), Some(_)) => {
                return Err("a statement cannot have both Principal and NotPrincipal".into())
            }
            (Some(p), None) => Some(Principals::Only(principal_set(p)?)),
            (None, Some(p)) => Some(Principals::Except(principal_set(p)?)),
            (None, None) => None,
        };
        let conditions = match object.get("Condition") {
            None => Vec::new(),
            Some(Value::Object(block)) => Condition::parse_block(block)?,
            Some(other) => return Err(format!("Condition must be an object, not {}", kind(other))),
        };
        Ok(Statement {
            index,
            sid,
            effect,
            actions,
            resources,
            principals,
            conditions,
        })
    }
}

/// `Element` or `NotElement` (exactly one, or neither), as a list of patterns.
fn pair(object: &Map<String, Value>, only: &str, except: &str) -> Result<Option<Patterns>, String> {
    match (object.get(only), object.get(except)) {
        (Some(_), Some(_)) => Err(format!("a statement cannot have both {only} and {except}")),
        (Some(v), None) => Ok(Some(Patterns::Only(strings(only, v)?))),
        (None, Some(v)) => Ok(Some(Patterns::Except(strings(except, v)?))),
        (None, None) => Ok(None),
    }
}

/// A string or a list of strings.
pub(crate) fn strings(element: &str, value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("{element} must hold strings, not {}", kind(other))),
            })
            .collect(),
        other => Err(format!(
            "{element} must be a string or a list of strings, not {}",
            kind(other)
        )),
    }
}

fn principal_set(value: &Value) -> Result<PrincipalSet, String> {
    let mut set = PrincipalSet::default();
    match value {
        Value::String(s) if s == "*" => set.everyone = true,
        Value::Object(kinds) => {
            for (kind_name, entries) in kinds {
                let entries = strings(&format!("Principal.{kind_name}"), entries)?;
                match kind_name.as_str() {
                    "AWS" => {
                        if entries.iter().any(|e| e == "*") {
                            set.everyone = true;
                        }
                        set.aws.extend(entries.into_iter().filter(|e| e != "*"));
                    }
                    "Service" => set.services.extend(entries),
                    "Federated" | "CanonicalUser" => set.other.extend(entries),
                    other => return Err(format!("unknown principal type {other}")),
                }
            }
        }
        other => return Err(format!("Principal must be \"*\" or an object, not {other}")),
    }
    Ok(set)
}

/// The JSON type of a value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_malformed_element_is_an_error_naming_its_statement() {
        for (document, expected) in [
            (json!([]), "must be an object"),
            (json!({"Version": "2012-10-17"}), "must have a Statement"),
            (
                json!({"Statement": [{"Effect": "allow", "Action": "*"}]}),
                "statement 0: Effect",
            ),
            (
                json!({"Statement": [{"Effect": "Allow"}]}),
                "Action or a NotAction",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}),
                "both Action and NotAction",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": [1]}]}),
                "Action must hold strings",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*"}, {"Effect": "Deny", "Action": "*", "Principal": {"Alien": "x"}}]}),
                "statement 1: unknown principal type",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": []}]}),
                "Condition must be an object",
            ),
        ] {
            let error = Policy::parse(&document).unwrap_err().to_string();
            assert!(error.contains(expected), "{document}: {error}");
        }
    }

    #[test]
    fn a_document_in_a_string_is_read() {
        let policy = Policy::parse(&json!(
            r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Principal": {"AWS": ["*", "111111111111"]}}}"#
        ))
        .unwrap();
        let Some(Principals::Only(set)) = &policy.statements[0].principals else {
            unreachable!("parsed above")
        };
        assert!(set.everyone);
        assert_eq!(set.aws, ["111111111111"]);
    }
}
