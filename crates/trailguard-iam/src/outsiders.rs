//! Whom a resource or trust policy lets in from outside its owner's account: the question TG064
//! (role trust), TG065 (bucket policies) and TG066 (key policies) ask of every statement.
//!
//! This reads principals as `trailguard.lib.policy` always has (a statement's `Principal`, not
//! `NotPrincipal`), in Rust because these rules ask it of every statement of thousands of
//! policies: as Rego helpers it cost a rule ~45 µs a policy.
//!
//! - `"Principal": "*"`, `{"AWS": "*"}` or `"*"` among the AWS entries: [`ANYONE`].
//! - Otherwise each AWS entry's account: a 12-digit account id as it is, an ARN's fifth field
//!   (`arn:aws:iam::ACCOUNT:root`); other entries (a canonical user id) name no account. Each
//!   account that is neither the owner nor trusted is `account ID`.
//! - `Service`, `Federated` and `CanonicalUser` principals are no one's account.
//!
//! An AWS entry that is not a string is an error: AWS stores none, and a snapshot holding one
//! is not judged as if it did not.

use std::collections::BTreeSet;
use trailguard_json::{Json, Kind};

/// The outsider a wildcard principal lets in.
pub const ANYONE: &str = "anyone";

/// A statement of a resource policy that lets someone in from outside the owner's account
/// ([`open_statements`]).
#[derive(Debug, PartialEq)]
pub struct Open<'a, J> {
    /// Its position among the document's statements, from 0.
    pub index: usize,
    /// The statement, as the document holds it.
    pub statement: &'a J,
    /// Whom it lets in ([`outsiders`]); never empty.
    pub who: BTreeSet<String>,
}

/// Whom `statement` lets in from outside `owner`'s account: `{"anyone"}` for a wildcard
/// principal, else `account ID` for each other account it names that is not `trusted`. Empty
/// for a statement within the account, or one that is not an object.
///
/// ```
/// use trailguard_iam::outsiders::outsiders;
///
/// let st = serde_json::json!({"Principal": {"AWS": [
///     "arn:aws:iam::222222222222:root", "111111111111", "333333333333"]}});
/// let who = outsiders(&st, "111111111111", &["333333333333"]).unwrap();
/// assert_eq!(who.into_iter().collect::<Vec<_>>(), ["account 222222222222"]);
/// ```
pub fn outsiders<J: Json>(
    statement: &J,
    owner: &str,
    trusted: &[&str],
) -> Result<BTreeSet<String>, String> {
    let mut who = BTreeSet::new();
    let Some(principal) = statement.get_field("Principal") else {
        return Ok(who);
    };
    if principal.kind() == Kind::String("*") {
        who.insert(ANYONE.to_string());
        return Ok(who);
    }
    let Some(aws) = principal.get_field("AWS") else {
        return Ok(who);
    };
    let entries: Vec<&J> = match aws.kind() {
        Kind::Null => Vec::new(),
        Kind::Array => aws.items().collect(),
        _ => vec![aws],
    };
    if entries.iter().any(|e| e.kind() == Kind::String("*")) {
        who.insert(ANYONE.to_string());
        return Ok(who);
    }
    for entry in entries {
        let Some(entry) = entry.as_text() else {
            return Err(format!(
                "Principal.AWS entries must be strings, not {}",
                entry.describe()
            ));
        };
        if let Some(account) = account_of(entry) {
            if account != owner && !trusted.contains(&account) {
                who.insert(format!("account {account}"));
            }
        }
    }
    Ok(who)
}

/// The account an AWS principal entry belongs to: a 12-digit id, or an ARN's fifth field.
fn account_of(entry: &str) -> Option<&str> {
    if entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit()) {
        Some(entry)
    } else if entry.starts_with("arn:") {
        entry.split(':').nth(4)
    } else {
        None
    }
}

/// The `Allow` statements of a resource policy `document` that let someone in from outside
/// `owner`'s account ([`outsiders`]), in document order. `Statement` may be one object or a
/// list; a document without statements (null, unread as text, empty) has none.
///
/// ```
/// use trailguard_iam::outsiders::open_statements;
///
/// let doc = serde_json::json!({"Statement": [
///     {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "kms:*"},
///     {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt"}]});
/// let open = open_statements(&doc, "111111111111", &[]).unwrap();
/// assert_eq!(open.len(), 1);
/// assert_eq!(open[0].index, 1);
/// ```
pub fn open_statements<'a, J: Json>(
    document: &'a J,
    owner: &str,
    trusted: &[&str],
) -> Result<Vec<Open<'a, J>>, String> {
    let statements: Vec<&J> = match document.get_field("Statement") {
        Some(s) if s.kind() == Kind::Array => s.items().collect(),
        Some(s) if s.kind() == Kind::Object => vec![s],
        _ => Vec::new(),
    };
    let mut open = Vec::new();
    for (index, statement) in statements.into_iter().enumerate() {
        if statement.get_field("Effect").and_then(Json::as_text) != Some("Allow") {
            continue;
        }
        let who =
            outsiders(statement, owner, trusted).map_err(|e| format!("Statement[{index}]: {e}"))?;
        if !who.is_empty() {
            open.push(Open {
                index,
                statement,
                who,
            });
        }
    }
    Ok(open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn who(statement: serde_json::Value, trusted: &[&str]) -> Vec<String> {
        outsiders(&statement, "111111111111", trusted)
            .unwrap()
            .into_iter()
            .collect()
    }

    #[test]
    fn a_wildcard_principal_is_anyone_whatever_else_it_names() {
        for principal in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["arn:aws:iam::222222222222:root", "*"]}),
            json!({"AWS": ["*", 7]}),
        ] {
            assert_eq!(who(json!({"Principal": principal}), &[]), ["anyone"]);
        }
    }

    #[test]
    fn other_accounts_are_named_once_and_the_owner_and_trusted_ones_left_out() {
        let st = json!({"Principal": {"AWS": [
            "arn:aws:iam::222222222222:root",
            "arn:aws:iam::222222222222:role/admin",
            "333333333333",
            "111111111111",
            "arn:aws:iam::111111111111:role/own",
            "arn:aws:sts::444444444444:assumed-role/r/s",
        ]}});
        assert_eq!(
            who(st.clone(), &[]),
            [
                "account 222222222222",
                "account 333333333333",
                "account 444444444444"
            ]
        );
        assert_eq!(
            who(st, &["333333333333", "444444444444"]),
            ["account 222222222222"]
        );
    }

    #[test]
    fn principals_that_are_no_account_let_no_one_in() {
        for st in [
            json!({"Principal": {"Service": "cloudtrail.amazonaws.com"}}),
            json!({"Principal": {"Service": "*"}}),
            json!({"Principal": {"AWS": null}}),
            json!({"Principal": {"AWS": "79a59df900b949e55d96a1e698fbace"}}),
            json!({"Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbace"}}),
            json!({"Principal": "arn:aws:iam::222222222222:root"}),
            json!({"Principal": {"AWS": "12345678901"}}),
            json!({"NotPrincipal": {"AWS": "222222222222"}}),
            json!({}),
            json!("not a statement"),
        ] {
            assert_eq!(who(st.clone(), &[]), Vec::<String>::new(), "{st}");
        }
    }

    #[test]
    fn an_aws_entry_that_is_not_a_string_is_an_error() {
        for aws in [
            json!(222222222222_u64),
            json!(["222222222222", true]),
            json!({}),
        ] {
            let error =
                outsiders(&json!({"Principal": {"AWS": aws}}), "111111111111", &[]).unwrap_err();
            assert!(error.contains("must be strings"), "{error}");
        }
    }

    #[test]
    fn open_statements_are_the_allows_that_let_someone_in_with_their_index() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "s3:*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*"},
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "s3:GetObject"},
            {"Effect": "allow", "Principal": "*", "Action": "s3:*"},
        ]});
        let open = open_statements(&doc, "111111111111", &[]).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].index, 2);
        assert_eq!(open[0].statement, &doc["Statement"][2]);
        assert_eq!(
            open[0].who.iter().collect::<Vec<_>>(),
            ["account 222222222222"]
        );

        let one = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*"}});
        assert_eq!(
            open_statements(&one, "111111111111", &[]).unwrap()[0].index,
            0
        );
        for none in [
            json!(null),
            json!("{\"Statement\": []}"),
            json!({}),
            json!({"Statement": "x"}),
        ] {
            assert!(
                open_statements(&none, "111111111111", &[])
                    .unwrap()
                    .is_empty(),
                "{none}"
            );
        }
        let bad = json!({"Statement": [{}, {"Effect": "Allow", "Principal": {"AWS": [1]}}]});
        let error = open_statements(&bad, "111111111111", &[]).unwrap_err();
        assert!(error.starts_with("Statement[1]: Principal.AWS"), "{error}");
    }
}
