//! Policy documents, parsed once: statements with their effect, actions, resources, principals
//! and conditions, each element in the one form AWS accepts it in (a string or a list of them).

use crate::condition::Condition;
use crate::{Json, Kind};

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
    pub fn parse<J: Json>(document: &J) -> Result<Policy, PolicyError> {
        if let Kind::String(text) = document.kind() {
            let parsed = serde_json::from_str::<serde_json::Value>(text)
                .map_err(|_| PolicyError::NotAnObject("a string that is not JSON"))?;
            return Policy::parse(&parsed);
        }
        if document.kind() != Kind::Object {
            return Err(PolicyError::NotAnObject(document.describe()));
        }
        let Some(statement) = document.get_field("Statement") else {
            return Err(PolicyError::NoStatement);
        };
        let statements: Vec<&J> = match statement.kind() {
            Kind::Array => statement.items().collect(),
            Kind::Object => vec![statement],
            _ => {
                return Err(PolicyError::Statement {
                    index: 0,
                    message: format!(
                        "Statement must be an object or a list, not {}",
                        statement.describe()
                    ),
                })
            }
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
    fn parse<J: Json>(index: usize, object: &J) -> Result<Statement, String> {
        if object.kind() != Kind::Object {
            return Err(format!(
                "a statement must be an object, not {}",
                object.describe()
            ));
        }
        let sid = match object.get_field("Sid").map(|v| (v, v.kind())) {
            None => None,
            Some((_, Kind::String(sid))) => Some(sid.to_string()),
            Some((other, _)) => {
                return Err(format!("Sid must be a string, not {}", other.describe()))
            }
        };
        let effect = match object.get_field("Effect").map(|v| (v, v.kind())) {
            Some((_, Kind::String("Allow"))) => Effect::Allow,
            Some((_, Kind::String("Deny"))) => Effect::Deny,
            Some((other, _)) => {
                return Err(format!(
                    "Effect must be \"Allow\" or \"Deny\", not {}",
                    other.text()
                ))
            }
            None => return Err("a statement must have an Effect".into()),
        };
        let actions = pair(object, "Action", "NotAction")?
            .ok_or("a statement must have an Action or a NotAction")?;
        let resources = pair(object, "Resource", "NotResource")?;
        let principals = match (
            object.get_field("Principal"),
            object.get_field("NotPrincipal"),
        ) {
            (Some(_), Some(_)) => {
                return Err("a statement cannot have both Principal and NotPrincipal".into())
            }
            (Some(p), None) => Some(Principals::Only(principal_set(p)?)),
            (None, Some(p)) => Some(Principals::Except(principal_set(p)?)),
            (None, None) => None,
        };
        let conditions = match object.get_field("Condition") {
            None => Vec::new(),
            Some(block) if block.kind() == Kind::Object => Condition::parse_block(block)?,
            Some(other) => {
                return Err(format!(
                    "Condition must be an object, not {}",
                    other.describe()
                ))
            }
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
fn pair<J: Json>(object: &J, only: &str, except: &str) -> Result<Option<Patterns>, String> {
    match (object.get_field(only), object.get_field(except)) {
        (Some(_), Some(_)) => Err(format!("a statement cannot have both {only} and {except}")),
        (Some(v), None) => Ok(Some(Patterns::Only(strings(only, v)?))),
        (None, Some(v)) => Ok(Some(Patterns::Except(strings(except, v)?))),
        (None, None) => Ok(None),
    }
}

/// A string or a list of strings.
pub(crate) fn strings<J: Json>(element: &str, value: &J) -> Result<Vec<String>, String> {
    match value.kind() {
        Kind::String(s) => Ok(vec![s.to_string()]),
        Kind::Array => value
            .items()
            .map(|item| match item.kind() {
                Kind::String(s) => Ok(s.to_string()),
                _ => Err(format!(
                    "{element} must hold strings, not {}",
                    item.describe()
                )),
            })
            .collect(),
        _ => Err(format!(
            "{element} must be a string or a list of strings, not {}",
            value.describe()
        )),
    }
}

fn principal_set<J: Json>(value: &J) -> Result<PrincipalSet, String> {
    let mut set = PrincipalSet::default();
    match value.kind() {
        Kind::String("*") => set.everyone = true,
        Kind::Object => {
            for (kind_name, entries) in value.entries() {
                let entries = strings(&format!("Principal.{kind_name}"), entries)?;
                match kind_name {
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
        _ => {
            return Err(format!(
                "Principal must be \"*\" or an object, not {}",
                value.text()
            ))
        }
    }
    Ok(set)
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
