//! What a monitoring filter catches: the two pattern languages an AWS account uses to watch its
//! CloudTrail events, parsed strictly and matched against events.
//!
//! - [`logs`]: CloudWatch Logs filter patterns (metric filters on a trail's log group);
//! - [`events`]: EventBridge event patterns (rules on the default event bus).
//!
//! trailguard judges a metric filter or a rule by the events it matches, not by its text: a
//! filter with its clauses reordered, other quoting or a `%regex%` value is as good as the CIS
//! reference pattern when it catches the same events, and one with a typo'd event name is not.
//! A pattern that cannot be parsed is an error ([`logs::FilterPatternError`],
//! [`events::EventPatternError`]), never a match or a miss.
//!
//! ```
//! use trailguard_patterns::{events::EventPattern, logs::{FilterPattern, LogEvent}};
//!
//! let record = serde_json::json!({
//!     "eventSource": "cloudtrail.amazonaws.com",
//!     "eventName": "StopLogging",
//! });
//! let filter = FilterPattern::parse(r#"{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }"#)?;
//! assert!(filter.matches(&LogEvent::json(&record)));
//!
//! let rule = EventPattern::parse(&serde_json::json!({
//!     "source": ["aws.cloudtrail"],
//!     "detail": {"eventName": [{"prefix": "Stop"}]},
//! }))?;
//! let event = serde_json::json!({
//!     "source": "aws.cloudtrail",
//!     "detail-type": "AWS API Call via CloudTrail",
//!     "detail": record,
//! });
//! assert!(rule.matches(&event));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cache;
pub mod events;
pub mod logs;
mod wildcard;

pub use cache::PatternCache;
