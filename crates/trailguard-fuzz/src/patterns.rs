//! The oracles of the two pattern languages a monitoring rule judges by (crate
//! `trailguard-patterns`): CloudWatch Logs filter patterns and EventBridge event patterns.

use serde_json::{json, Value};
use trailguard_json::Json;
use trailguard_patterns::events::EventPattern;
use trailguard_patterns::logs::{FilterPattern, LogEvent, MAX_PATTERN_LENGTH};

/// Events of every shape a pattern is matched against: CloudTrail records (as the trail writes
/// them to CloudWatch Logs, and as EventBridge wraps them) and other messages.
fn samples() -> Vec<Value> {
    let record = json!({
        "eventVersion": "1.08", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
        "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1", "recipientAccountId": "111122223333",
        "errorCode": "AccessDenied", "readOnly": false, "latency": 12.5, "count": 3,
        "userIdentity": {"type": "Root", "accountId": "111122223333", "arn": "arn:aws:iam::111122223333:root"},
        "additionalEventData": {"MFAUsed": "No"}, "responseElements": null,
        "resources": [{"ARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t", "type": "AWS::CloudTrail::Trail"}],
        "requestParameters": {"name": "t", "tags": ["a", "b"], "nested": {"a.b": true}},
    });
    vec![
        record.clone(),
        json!({"version": "0", "source": "aws.cloudtrail", "detail-type": "AWS API Call via CloudTrail",
               "account": "111122223333", "region": "us-east-1", "resources": [], "detail": record}),
        json!({"source": "aws.ec2", "detail": {"state": "running", "ip": "10.0.0.1", "n": -1e3}}),
        json!({}),
        json!("ERROR 127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /a\" 404 1534"),
    ]
}

fn regorus(value: &Value) -> regorus::Value {
    regorus::Value::from_json_str(&value.to_string()).expect("serde_json's text is JSON")
}

/// `trailguard_patterns::logs::FilterPattern::parse` on arbitrary text: an error points at a
/// column inside the text (or just past its end); a pattern longer than CloudWatch's limit is
/// refused; an accepted pattern matches every sample without a panic, the same way whether the
/// event is read from serde_json, from a regorus value (the policy input) or from its text.
pub fn filter_pattern(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let length = text.chars().count();
    match FilterPattern::parse(text) {
        Err(error) => {
            assert!(
                (1..=length + 1).contains(&error.column),
                "column {} outside a pattern of {length} characters: {error}",
                error.column
            );
            assert!(!error.message.is_empty(), "an error without a message");
        }
        Ok(pattern) => {
            assert!(
                length <= MAX_PATTERN_LENGTH,
                "a pattern of {length} characters was accepted"
            );
            for sample in samples() {
                let serde = pattern.matches(&LogEvent::json(&sample));
                let rego = regorus(&sample);
                let from_rego = pattern.matches(&LogEvent::json(&rego));
                assert_eq!(
                    serde, from_rego,
                    "serde_json and regorus events disagree on {sample}"
                );
                // A JSON message (a string sample too: its text is the quoted string) is its
                // text, read as JSON; the text as `Json::text` writes it (compact, whole numbers
                // as integers, as regorus writes them).
                let message = sample.text();
                assert_eq!(
                    serde,
                    pattern.matches(&LogEvent::text(&message)),
                    "a JSON message and its text disagree: {sample}"
                );
                if let Value::String(raw) = &sample {
                    pattern.matches(&LogEvent::text(raw));
                }
            }
        }
    }
}

/// `trailguard_patterns::events::EventPattern::parse` on arbitrary JSON: the pattern read from
/// serde_json and from a regorus value is accepted or refused alike, with the same error, and
/// matches every sample alike.
pub fn event_pattern(data: &[u8]) {
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let rego = regorus(&json);
    match (EventPattern::parse(&json), EventPattern::parse(&rego)) {
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "serde_json and regorus patterns refused differently");
            assert!(!a.path.is_empty() && !a.message.is_empty(), "{a}");
        }
        (Ok(a), Ok(b)) => {
            for sample in samples().iter().filter(|s| s.is_object()) {
                let matched = a.matches(sample);
                assert_eq!(
                    matched,
                    b.matches(sample),
                    "the two parses disagree on {sample}"
                );
                assert_eq!(
                    matched,
                    a.matches(&regorus(sample)),
                    "serde_json and regorus events disagree on {sample}"
                );
            }
        }
        (a, b) => panic!("serde_json says {a:?}, regorus says {b:?} for {json}"),
    }
}
