//! How many (filter pattern, event) pairs the CloudWatch Logs matcher judges per second on one
//! core, and the same for EventBridge patterns. Prints numbers; asserts nothing.
//!
//! `cargo bench -p trailguard-patterns` (the target: at least 1,000,000 filter pairs per second).

use std::hint::black_box;
use std::time::Instant;
use trailguard_patterns::events::EventPattern;
use trailguard_patterns::logs::{FilterPattern, LogEvent};

/// CIS AWS Foundations Benchmark reference patterns and common variants.
const FILTERS: &[&str] = &[
    r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
    r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
    r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    r#"{ ($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy) }"#,
    r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#,
    r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
    r#"{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"#,
    r#"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"#,
    r#"{ $.eventName = %^Stop[A-Za-z]+|^Delete[A-Za-z]+% }"#,
    r#"StopLogging"#,
];

fn record(i: usize) -> serde_json::Value {
    let names = [
        "StopLogging",
        "ConsoleLogin",
        "PutBucketPolicy",
        "DescribeInstances",
        "AttachRolePolicy",
        "ScheduleKeyDeletion",
    ];
    let name = names[i % names.len()];
    serde_json::json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": if i % 7 == 0 { "Root" } else { "IAMUser" }, "arn": format!("arn:aws:iam::111122223333:user/u{i}")},
        "eventTime": "2026-12-03T10:00:00Z",
        "eventSource": "cloudtrail.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.7",
        "errorCode": if i % 3 == 0 { "AccessDenied" } else { "" },
        "additionalEventData": {"MFAUsed": if i % 2 == 0 { "Yes" } else { "No" }},
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333",
    })
}

fn main() {
    let filters: Vec<FilterPattern> = FILTERS
        .iter()
        .map(|f| FilterPattern::parse(f).map_err(|e| format!("{f}: {e}")))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| {
            eprintln!("a bench filter does not parse: {e}");
            std::process::exit(2)
        });
    let events: Vec<serde_json::Value> = (0..1_000).map(record).collect();
    println!(
        "CloudWatch Logs filter patterns ({} filters x {} CloudTrail records, one core)",
        filters.len(),
        events.len()
    );
    for rounds in [20, 40, 80] {
        let start = Instant::now();
        let mut hits = 0usize;
        for _ in 0..rounds {
            for event in &events {
                let event = LogEvent::json(event);
                for filter in &filters {
                    hits += usize::from(filter.matches(black_box(&event)));
                }
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        let pairs = (rounds * events.len() * filters.len()) as f64;
        println!(
            "  {pairs:>10.0} pairs  {elapsed:>7.3} s  {:>12.0} pairs/s  ({hits} matched)",
            pairs / elapsed
        );
    }

    let rules: Vec<EventPattern> = [
        serde_json::json!({"source": ["aws.cloudtrail"], "detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]}}),
        serde_json::json!({"detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"additionalEventData": {"MFAUsed": [{"anything-but": "Yes"}]}}}),
        serde_json::json!({"detail": {"errorCode": [{"prefix": "AccessDenied"}, {"suffix": "UnauthorizedOperation"}]}}),
        serde_json::json!({"detail": {"userIdentity": {"type": ["Root"]}, "eventName": [{"anything-but": {"prefix": "Describe"}}]}}),
    ]
    .iter()
    .map(EventPattern::parse)
    .collect::<Result<_, _>>()
    .unwrap_or_else(|e| {
        eprintln!("a bench event pattern does not parse: {e}");
        std::process::exit(2)
    });
    let wrapped: Vec<serde_json::Value> = events
        .iter()
        .map(|detail| serde_json::json!({"source": "aws.cloudtrail", "detail-type": "AWS API Call via CloudTrail", "region": "us-east-1", "detail": detail}))
        .collect();
    println!(
        "EventBridge event patterns ({} patterns x {} events, one core)",
        rules.len(),
        wrapped.len()
    );
    for rounds in [50, 100, 200] {
        let start = Instant::now();
        let mut hits = 0usize;
        for _ in 0..rounds {
            for event in &wrapped {
                for rule in &rules {
                    hits += usize::from(rule.matches(black_box(event)));
                }
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        let pairs = (rounds * wrapped.len() * rules.len()) as f64;
        println!(
            "  {pairs:>10.0} pairs  {elapsed:>7.3} s  {:>12.0} pairs/s  ({hits} matched)",
            pairs / elapsed
        );
    }
}
