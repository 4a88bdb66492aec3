//! Account ids as a snapshot is read: exactly 12 ASCII digits wherever the model holds one (the
//! keys of `accounts`, an account's, trail's or gap's `AccountId`, a bucket's owner), so that a
//! stray string never becomes a SARIF run's `automationDetails.id` or a finding's account. A bad
//! one is an error at its line and column (serde_json places it), quoting the value.
//!
//! Ids AWS may leave out of an answer, which the collector then records as `""` (the caller
//! identity's `Account`, an organisation's `MasterAccountId`, a key's `AWSAccountId`), may be
//! empty; when present they are 12 digits too.

use crate::is_account_id;
use serde::de::{Deserialize, Deserializer, Error};
use std::collections::BTreeMap;

/// How long a quoted bad value may be in a message: a hostile one can be megabytes.
const MAX_QUOTED_CHARS: usize = 40;

/// The error for a bad account id, quoting (the start of) the value with escapes.
fn invalid<E: Error>(id: &str) -> E {
    let shown = match id.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{:?}…", &id[..cut]),
        None => format!("{id:?}"),
    };
    E::custom(format!(
        "invalid account id {shown}: an AWS account id is exactly 12 ASCII digits"
    ))
}

/// An account id.
pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    if is_account_id(&id) {
        Ok(id)
    } else {
        Err(invalid(&id))
    }
}

/// An account id, or `""` where AWS's answer left it out.
pub(crate) fn or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    if id.is_empty() || is_account_id(&id) {
        Ok(id)
    } else {
        Err(invalid(&id))
    }
}

/// An account id, or none (`null` or left out).
pub(crate) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(id) if !is_account_id(&id) => Err(invalid(&id)),
        other => Ok(other),
    }
}

/// A key that is an account id.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        required(d).map(Key)
    }
}

/// A map keyed by account id.
pub(crate) fn keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    let map = BTreeMap::<Key, V>::deserialize(d)?;
    Ok(map.into_iter().map(|(Key(k), v)| (k, v)).collect())
}

#[cfg(test)]
mod tests {
    use crate::{ErrorKind, Snapshot};

    fn error_of(text: &str) -> (usize, usize, String) {
        match Snapshot::from_json(text).unwrap_err().kind {
            ErrorKind::Json {
                line,
                column,
                message,
                syntax: false,
            } => (line, column, message),
            other => panic!("{other:?}"),
        }
    }

    const HEAD: &str = "{\"schema_version\": 1, \"collected_at\": \"2026-11-20T00:00:00Z\",\n";

    #[test]
    fn any_string_was_accepted_as_an_account_id() {
        // The key of `accounts`.
        let (line, _, message) = error_of(&format!(
            "{HEAD}\"accounts\": {{\n  \"prod\": {{\"AccountId\": \"prod\"}}}}}}"
        ));
        assert_eq!(line, 3);
        assert!(message.contains("invalid account id \"prod\""), "{message}");
        // A gap's account.
        let (line, column, message) = error_of(&format!(
            "{HEAD}\"gaps\": [\n {{\"AccountId\": \"12345678901\", \"Service\": \"s3\", \
             \"Operation\": \"GetBucketPolicy\", \"Region\": \"us-east-1\", \"Resource\": \"b\", \
             \"ErrorCode\": \"AccessDenied\", \"Message\": \"no\"}}]}}"
        ));
        assert_eq!((line, column), (3, 28)); // the closing quote of the value
        assert!(message.contains("\"12345678901\""), "{message}");
        // A bucket's owner; control characters are escaped and a long value cut.
        let long = format!("1\u{1b}[31m{}", "9".repeat(100));
        let (_, _, message) = error_of(&format!(
            "{HEAD}\"buckets\": {{\"b\": {{\"Name\": \"b\", \"Arn\": \"arn:aws:s3:::b\", \
             \"OwnerAccount\": {}}}}}}}",
            serde_json::to_string(&long).unwrap()
        ));
        assert!(message.contains("\"1\\u{1b}[31m999"), "{message}");
        assert!(message.contains("…"), "{message}");
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn twelve_digits_pass_and_missing_answers_may_be_empty() {
        let text = format!(
            "{HEAD}\"accounts\": {{\"111122223333\": {{\"AccountId\": \"111122223333\", \
             \"CallerIdentity\": {{\"Account\": \"\", \"Arn\": \"a\", \"UserId\": \"u\"}}, \
             \"Organization\": {{\"Id\": \"o-1\", \"MasterAccountId\": \"\"}}}}}}}}"
        );
        let snapshot = Snapshot::from_json(&text).unwrap();
        assert!(snapshot.accounts.contains_key("111122223333"));
        let (_, _, message) =
            error_of(&text.replace("\"MasterAccountId\": \"\"", "\"MasterAccountId\": \"o-1\""));
        assert!(message.contains("\"o-1\""), "{message}");
    }
}
