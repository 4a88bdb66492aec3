//! How long one rule may run. A custom policy that loops (a comprehension over a huge range,
//! nested comprehensions over the snapshot) is stopped by regorus's cooperative execution timer,
//! and the error names the rule.

use crate::{EngineError, RuleMeta};
use regorus::utils::limits::{ExecutionTimerConfig, LimitError};
use std::num::NonZeroU32;
use std::time::Duration;

/// The default per-rule time limit. The slowest built-in rule takes about 6.5 s on the
/// 100,000-resource benchmark profile; this leaves ten times that before a rule is deemed
/// runaway.
pub const DEFAULT_RULE_TIMEOUT: Duration = Duration::from_secs(60);

/// Work units (interpreter steps) between two reads of the clock. A clock read
/// costs tens of nanoseconds, so the check is invisible next to the work it bounds; a unit is
/// small (one expression, one instruction), so a limit is noticed within microseconds.
const CHECK_INTERVAL: u32 = 64;

/// The limits every rule (and every `policy test` test) is evaluated within.
///
/// ```
/// use std::time::Duration;
/// use trailguard_engine::Budget;
///
/// assert_eq!(Budget::default().rule_timeout, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Wall-clock time one rule may take over one evaluation (the load-time check of each rule
    /// on an empty snapshot included).
    pub rule_timeout: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            rule_timeout: DEFAULT_RULE_TIMEOUT,
        }
    }
}

impl Budget {
    /// A budget with this per-rule time limit.
    pub fn with_rule_timeout(rule_timeout: Duration) -> Budget {
        Budget { rule_timeout }
    }

    /// The error for a rule (or a test: `source` is its file) stopped by the limit.
    pub(crate) fn exceeded_by(&self, rule: &str, source: &str) -> EngineError {
        EngineError::TimeLimit {
            rule: rule.to_string(),
            source_path: source.to_string(),
            limit: seconds(self.rule_timeout),
        }
    }

    /// [`Budget::exceeded_by`] for a rule.
    pub(crate) fn exceeded(&self, rule: &RuleMeta) -> EngineError {
        self.exceeded_by(&rule.id, &rule.source)
    }

    /// The configuration of regorus's execution timer.
    pub(crate) fn timer(&self) -> ExecutionTimerConfig {
        ExecutionTimerConfig {
            limit: self.rule_timeout,
            check_interval: NonZeroU32::MIN.saturating_add(CHECK_INTERVAL - 1),
        }
    }
}

/// Whether an interpreter error is the execution timer stopping the evaluation.
/// (regorus's errors are `anyhow` errors: pass `&*error`.)
pub(crate) fn interpreter_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if matches!(
            e.downcast_ref::<LimitError>(),
            Some(LimitError::TimeLimitExceeded { .. })
        ) {
            return true;
        }
        cause = e.source();
    }
    false
}

/// `1.5 s`, `60 s`: a limit as people write it.
pub(crate) fn seconds(limit: Duration) -> String {
    let text = format!("{:.3}", limit.as_secs_f64());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_printed_in_seconds() {
        assert_eq!(seconds(Duration::from_secs(60)), "60 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }
}
