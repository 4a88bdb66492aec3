//! Parsed patterns kept by their text ([`PatternCache`]): a rule asks the same few patterns about
//! many events, in many accounts.

use crate::events::EventPattern;
use crate::logs::FilterPattern;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Parsed patterns (or why they do not parse) by their text, for both languages; safe to share
/// between threads.
///
/// ```
/// use trailguard_patterns::PatternCache;
///
/// let cache = PatternCache::default();
/// let filter = cache.filter(r#"{ $.eventName = "StopLogging" }"#)?;
/// assert!(std::sync::Arc::ptr_eq(&filter, &cache.filter(r#"{ $.eventName = "StopLogging" }"#)?));
/// assert_eq!(
///     cache.filter("{ $.eventName = }").unwrap_err(),
///     "column 17: `=` needs a value after it"
/// );
/// assert!(cache.event_pattern("not json").unwrap_err().contains("not JSON"));
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Default)]
pub struct PatternCache {
    filters: Mutex<Kept<FilterPattern>>,
    rules: Mutex<Kept<EventPattern>>,
}

type Kept<T> = HashMap<String, Result<Arc<T>, String>>;

impl PatternCache {
    /// How many parsed patterns of each language are kept before starting afresh.
    pub const CAPACITY: usize = 4_096;

    /// The CloudWatch Logs filter pattern `text`, parsed; or why it cannot be judged.
    pub fn filter(&self, text: &str) -> Result<Arc<FilterPattern>, String> {
        parsed(&self.filters, text, |t| {
            FilterPattern::parse(t).map_err(|e| e.to_string())
        })
    }

    /// The EventBridge event pattern whose JSON text is `text`, parsed; or why it cannot be
    /// judged (it is not JSON, or not a pattern EventBridge gives a meaning).
    pub fn event_pattern(&self, text: &str) -> Result<Arc<EventPattern>, String> {
        parsed(&self.rules, text, |t| {
            let json: serde_json::Value = serde_json::from_str(t)
                .map_err(|e| format!("the event pattern is not JSON: {e}"))?;
            EventPattern::parse(&json).map_err(|e| e.to_string())
        })
    }
}

fn parsed<T>(
    kept: &Mutex<Kept<T>>,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Arc<T>, String> {
    // A poisoned lock only means another thread panicked while holding it; the map is still a
    // valid cache (entries are inserted whole).
    let mut map = kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = map.get(text) {
        return known.clone();
    }
    if map.len() >= PatternCache::CAPACITY {
        map.clear();
    }
    let result = parse(text).map(Arc::new);
    map.insert(text.to_string(), result.clone());
    result
}
