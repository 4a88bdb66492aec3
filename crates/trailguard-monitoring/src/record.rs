//! The events a control exists to catch: canonical CloudTrail records, written into an account
//! and region as a log group or EventBridge would see them.

use crate::CoverageError;
use serde_json::{json, Value};
use std::collections::HashSet;

/// The services whose events CloudTrail records, and EventBridge receives, in us-east-1 only.
pub(crate) const GLOBAL_SOURCES: [&str; 4] = [
    "iam.amazonaws.com",
    "organizations.amazonaws.com",
    "cloudfront.amazonaws.com",
    "route53.amazonaws.com",
];

/// A canonical CloudTrail record and what the chains read of it.
pub(crate) struct Event {
    /// The record as given.
    pub record: Value,
    /// Its eventID (the name it is reported by).
    pub id: String,
    /// Its eventName.
    pub name: String,
    /// Its eventSource (`cloudtrail.amazonaws.com`).
    pub source: String,
    /// Whether it is a read-only management event (`readOnly` is `true`).
    pub read_only: bool,
    /// Whether it is a global service's event (recorded, and seen by EventBridge, in us-east-1).
    pub global: bool,
    /// EventBridge's `detail-type` for it.
    pub detail_type: &'static str,
    /// EventBridge's `source` for it: `aws.` and the service part of its eventSource.
    pub bus_source: String,
    /// The account and region the record was written in (recipientAccountId, awsRegion).
    pub account: String,
    pub region: String,
}

fn text_field(record: &Value, index: usize, field: &str) -> Result<String, CoverageError> {
    match record.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(CoverageError::Event {
            index,
            problem: format!("a CloudTrail record needs a string {field}"),
        }),
    }
}

impl Event {
    /// Reads the record at `index` of the events.
    pub fn new(index: usize, record: Value) -> Result<Event, CoverageError> {
        if !record.is_object() {
            return Err(CoverageError::Event {
                index,
                problem: "a CloudTrail record is an object".into(),
            });
        }
        let source = text_field(&record, index, "eventSource")?;
        let service = source.split_once('.').map_or(source.as_str(), |(s, _)| s);
        let detail_type = match record.get("eventType").and_then(Value::as_str) {
            Some("AwsConsoleSignIn") => "AWS Console Sign In via CloudTrail",
            Some("AwsServiceEvent") => "AWS Service Event via CloudTrail",
            _ => "AWS API Call via CloudTrail",
        };
        // Required so an envelope always has its time, as EventBridge's does.
        text_field(&record, index, "eventTime")?;
        Ok(Event {
            id: text_field(&record, index, "eventID")?,
            name: text_field(&record, index, "eventName")?,
            read_only: record.get("readOnly") == Some(&Value::Bool(true)),
            global: GLOBAL_SOURCES.contains(&source.as_str()),
            bus_source: format!("aws.{service}"),
            detail_type,
            account: text_field(&record, index, "recipientAccountId")?,
            region: text_field(&record, index, "awsRegion")?,
            source,
            record,
        })
    }

    /// The record as account `account` writes it in `region`: recipientAccountId and awsRegion,
    /// and userIdentity.accountId where the record has one, become theirs.
    pub fn record_in(&self, account: &str, region: &str) -> Value {
        let mut record = self.record.clone();
        if let Some(fields) = record.as_object_mut() {
            fields.insert("recipientAccountId".into(), json!(account));
            fields.insert("awsRegion".into(), json!(region));
            if let Some(identity) = fields
                .get_mut("userIdentity")
                .and_then(Value::as_object_mut)
            {
                if identity.get("accountId").is_some_and(Value::is_string) {
                    identity.insert("accountId".into(), json!(account));
                }
            }
        }
        record
    }

    /// The event EventBridge delivers for the record in `account` and `region`.
    pub fn envelope(&self, account: &str, region: &str) -> Value {
        json!({
            "version": "0",
            "id": self.id,
            "detail-type": self.detail_type,
            "source": self.bus_source,
            "account": account,
            "time": self.record.get("eventTime"),
            "region": region,
            "resources": [],
            "detail": self.record_in(account, region),
        })
    }

    /// The envelope in the record's own account and region.
    pub fn canonical_envelope(&self) -> Value {
        self.envelope(&self.account, &self.region)
    }

    /// The regions where an EventBridge rule must catch the event, among the account's
    /// `regions`: us-east-1 for a global service's event, every region for the others; `None`
    /// when there is no such region.
    pub fn needed_regions<'r>(&self, regions: &'r [String]) -> Option<Vec<&'r str>> {
        if self.global {
            regions
                .iter()
                .find(|r| *r == "us-east-1")
                .map(|r| vec![r.as_str()])
        } else if regions.is_empty() {
            None
        } else {
            Some(regions.iter().map(String::as_str).collect())
        }
    }
}

/// What a set of events shows EventBridge: the values a rule's plain lists of `source`,
/// `detail-type`, `detail.eventSource` and `detail.eventName` must meet for the rule to matter.
pub(crate) struct Keys<'e> {
    /// Whether every event is a global service's.
    pub global: bool,
    pub sources: HashSet<&'e str>,
    pub types: HashSet<&'e str>,
    pub event_sources: HashSet<&'e str>,
    pub names: HashSet<&'e str>,
}

impl<'e> Keys<'e> {
    pub fn of(events: impl IntoIterator<Item = &'e Event>) -> Keys<'e> {
        let mut keys = Keys {
            global: true,
            sources: HashSet::new(),
            types: HashSet::new(),
            event_sources: HashSet::new(),
            names: HashSet::new(),
        };
        for e in events {
            keys.global &= e.global;
            keys.sources.insert(&e.bus_source);
            keys.types.insert(e.detail_type);
            keys.event_sources.insert(&e.source);
            keys.names.insert(&e.name);
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console_login() -> Event {
        let record = json!({
            "eventID": "tg101-console-no-mfa", "eventName": "ConsoleLogin",
            "eventSource": "signin.amazonaws.com", "eventType": "AwsConsoleSignIn",
            "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1",
            "recipientAccountId": "123456789012",
            "userIdentity": {"type": "IAMUser", "accountId": "123456789012"},
        });
        Event::new(0, record).unwrap()
    }

    #[test]
    fn a_record_carries_the_account_and_region_it_is_written_in() {
        let e = console_login();
        let r = e.record_in("444455556666", "eu-west-1");
        assert_eq!(r["recipientAccountId"], "444455556666");
        assert_eq!(r["userIdentity"]["accountId"], "444455556666");
        assert_eq!(r["awsRegion"], "eu-west-1");
        assert_eq!(r["eventName"], "ConsoleLogin");
        let w = e.envelope("444455556666", "eu-west-1");
        assert_eq!(w["source"], "aws.signin");
        assert_eq!(w["detail-type"], "AWS Console Sign In via CloudTrail");
        assert_eq!(w["account"], "444455556666");
        assert_eq!(w["region"], "eu-west-1");
        assert_eq!(w["time"], "2026-01-01T00:00:00Z");
        assert_eq!(w["detail"], r);
    }

    #[test]
    fn an_identity_without_an_account_id_gets_none() {
        let mut e = console_login();
        e.record["userIdentity"] = json!({"type": "AWSService"});
        let r = e.record_in("444455556666", "eu-west-1");
        assert_eq!(r["userIdentity"], json!({"type": "AWSService"}));
    }

    #[test]
    fn an_api_call_is_wrapped_as_one() {
        let record = json!({
            "eventID": "x", "eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com",
            "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1",
            "recipientAccountId": "123456789012", "readOnly": false,
        });
        let e = Event::new(0, record).unwrap();
        assert_eq!(e.detail_type, "AWS API Call via CloudTrail");
        assert_eq!(e.bus_source, "aws.cloudtrail");
        assert!(!e.read_only && !e.global);
    }

    #[test]
    fn a_global_event_is_needed_in_us_east_1_only() {
        let record = json!({
            "eventID": "x", "eventName": "PutUserPolicy", "eventSource": "iam.amazonaws.com",
            "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1",
            "recipientAccountId": "123456789012",
        });
        let e = Event::new(0, record).unwrap();
        let regions = ["eu-west-1".to_string(), "us-east-1".to_string()];
        assert_eq!(e.needed_regions(&regions), Some(vec!["us-east-1"]));
        assert_eq!(e.needed_regions(&regions[..1]), None);
        assert_eq!(
            console_login().needed_regions(&regions[..1]),
            Some(vec!["eu-west-1"])
        );
        assert_eq!(console_login().needed_regions(&[]), None);
    }

    #[test]
    fn a_record_without_a_field_the_chains_read_is_an_error_naming_it() {
        for field in [
            "eventID",
            "eventName",
            "eventSource",
            "eventTime",
            "awsRegion",
            "recipientAccountId",
        ] {
            let mut record = console_login().record;
            record.as_object_mut().unwrap().remove(field);
            let error = Event::new(3, record).err().unwrap();
            assert_eq!(
                error.to_string(),
                format!("event 3: a CloudTrail record needs a string {field}")
            );
        }
        assert!(Event::new(0, json!("ConsoleLogin")).is_err());
    }
}
