//! How long one rule may run, and how much memory the process may hold while rules run. A
//! custom policy that loops (a comprehension over a huge range, nested comprehensions over the
//! snapshot) is stopped by regorus's cooperative execution timer; one that allocates without
//! bound (a comprehension building a set of a hundred million strings) by regorus's cooperative
//! memory check, against the allocation count its allocator keeps. Either error names the rule.

use crate::EngineError;
use regorus::utils::limits::{ExecutionTimerConfig, LimitError};
use std::num::NonZeroU32;
use std::sync::Mutex;
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
/// assert_eq!(Budget::default().memory_limit, Some(trailguard_engine::default_memory_limit()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Wall-clock time one rule may take over one evaluation (the load-time check of each rule
    /// on an empty snapshot included).
    pub rule_timeout: Duration,
    /// Bytes the whole process may hold on its heap while rules run (the snapshot, its
    /// conversion to `input` and every rule running at the time included); `None` for no
    /// limit. The rule that is allocating when the count passes the limit is stopped. The
    /// limit is process-wide (regorus keeps one count): when several evaluations run at once,
    /// the smallest of their limits applies to all.
    pub memory_limit: Option<u64>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            rule_timeout: DEFAULT_RULE_TIMEOUT,
            memory_limit: Some(default_memory_limit()),
        }
    }
}

/// The default memory limit ([`Budget::memory_limit`]): three quarters of the memory this
/// process may use (the machine's physical memory, or its container's limit if smaller, as
/// Linux reports them), or 8 GiB where that cannot be read. A runaway rule is then stopped with
/// an error naming it before the system runs out of memory and kills the process.
pub fn default_memory_limit() -> u64 {
    crate::machine_memory::default_memory_limit()
}

impl Budget {
    /// A budget with this per-rule time limit (and the default memory limit).
    pub fn with_rule_timeout(rule_timeout: Duration) -> Budget {
        Budget {
            rule_timeout,
            ..Budget::default()
        }
    }

    /// The error for a rule (or a test: `source` is its file) stopped by the limit.
    pub(crate) fn exceeded_by(&self, rule: &str, source: &str) -> EngineError {
        EngineError::TimeLimit {
            rule: rule.to_string(),
            source_path: source.to_string(),
            limit: seconds(self.rule_timeout),
        }
    }

    /// The error for an interpreter error of a rule (or a test: `source` is its file): a limit
    /// of this budget that stopped it, or `None` for any other error.
    pub(crate) fn stopped(
        &self,
        error: &(dyn std::error::Error + 'static),
        rule: &str,
        source: &str,
    ) -> Option<EngineError> {
        match limit_error(error)? {
            LimitError::TimeLimitExceeded { .. } => Some(self.exceeded_by(rule, source)),
            LimitError::MemoryLimitExceeded { limit, .. } => Some(EngineError::MemoryLimit {
                rule: rule.to_string(),
                source_path: source.to_string(),
                limit: bytes(limit),
            }),
            LimitError::RegexSizeLimitExceeded { .. } => None,
        }
    }

    /// The configuration of regorus's execution timer.
    pub(crate) fn timer(&self) -> ExecutionTimerConfig {
        ExecutionTimerConfig {
            limit: self.rule_timeout,
            check_interval: NonZeroU32::MIN.saturating_add(CHECK_INTERVAL - 1),
        }
    }
}

/// The limit that stopped an interpreter evaluation, if one did.
/// (regorus's errors are `anyhow` errors: pass `&*error`.)
fn limit_error(error: &(dyn std::error::Error + 'static)) -> Option<LimitError> {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(limit) = e.downcast_ref::<LimitError>() {
            return Some(*limit);
        }
        cause = e.source();
    }
    None
}

/// Whether a rule's error is a memory limit stopping it.
pub(crate) fn is_memory_limit(error: &EngineError) -> bool {
    matches!(error, EngineError::MemoryLimit { .. })
}

/// The memory limits of the evaluations running now; regorus's global limit is the smallest.
static CEILINGS: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// A memory limit in force while it lives: regorus's global limit is the smallest of the
/// limits of the evaluations running, and none once none runs (so work outside an evaluation,
/// such as reading the next snapshot, is not stopped by it).
pub(crate) struct Ceiling {
    limit: Option<u64>,
}

impl Ceiling {
    /// Puts `limit` in force (`None`: this evaluation adds no limit). Fails, naming the limit,
    /// when the process already holds more than it: no rule could run, and blaming the first
    /// that tried would be wrong.
    pub(crate) fn enter(limit: Option<u64>) -> Result<Ceiling, EngineError> {
        let Some(limit) = limit else {
            return Ok(Ceiling { limit: None });
        };
        {
            let mut ceilings = CEILINGS.lock().unwrap_or_else(|e| e.into_inner());
            ceilings.push(limit);
            regorus::set_global_memory_limit(ceilings.iter().min().copied());
        }
        let ceiling = Ceiling { limit: Some(limit) };
        match regorus::check_global_memory_limit() {
            Err(LimitError::MemoryLimitExceeded { usage, limit }) => {
                Err(EngineError::MemoryLimitBeforeRules {
                    usage: bytes(usage),
                    limit: bytes(limit),
                })
            }
            _ => Ok(ceiling),
        }
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        if let Some(limit) = self.limit {
            let mut ceilings = CEILINGS.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(at) = ceilings.iter().position(|&l| l == limit) {
                ceilings.swap_remove(at);
            }
            regorus::set_global_memory_limit(ceilings.iter().min().copied());
        }
    }
}

/// `256 MiB`, `1.5 GiB`, `8 GiB`, `1000 bytes`: a size as people write it.
pub(crate) fn bytes(size: u64) -> String {
    const UNITS: [(&str, u32); 4] = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (name, shift) in UNITS {
        let unit = 1u64 << shift;
        if size >= unit {
            let text = format!("{:.1}", size as f64 / unit as f64);
            return format!("{} {name}", text.trim_end_matches(".0"));
        }
    }
    format!("{size} bytes")
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

    #[test]
    fn sizes_are_printed_in_binary_units() {
        assert_eq!(bytes(256 << 20), "256 MiB");
        assert_eq!(bytes(3 << 29), "1.5 GiB");
        assert_eq!(bytes(8 << 30), "8 GiB");
        assert_eq!(bytes(1000), "1000 bytes");
        assert_eq!(bytes(1536), "1.5 KiB");
    }

    /// regorus's errors wrap the limit in `anyhow` (and sometimes in context): the budget finds
    /// it through the chain and names the rule, its file and the limit.
    #[test]
    fn a_memory_limit_error_names_the_rule_its_file_and_the_limit() {
        let budget = Budget::with_rule_timeout(Duration::from_secs(2));
        let stopped = anyhow::anyhow!(LimitError::MemoryLimitExceeded {
            usage: 300 << 20,
            limit: 256 << 20,
        })
        .context("while evaluating data.acme.deny");
        let error = budget.stopped(&*stopped, "ACME002", "p/r.rego").unwrap();
        assert!(matches!(
            &error,
            EngineError::MemoryLimit { rule, source_path, limit }
                if rule == "ACME002" && source_path == "p/r.rego" && limit == "256 MiB"
        ));
        assert!(is_memory_limit(&error));
        let message = error.to_string();
        assert!(
            message.starts_with("rule ACME002 (p/r.rego) was stopped")
                && message.contains("256 MiB")
                && message.contains("--max-memory"),
            "{message}"
        );
        // The time limit is told apart, and other errors are not limits.
        let timed_out = anyhow::anyhow!(LimitError::TimeLimitExceeded {
            elapsed: Duration::from_secs(3),
            limit: Duration::from_secs(2),
        });
        assert!(matches!(
            budget.stopped(&*timed_out, "ACME001", "p/r.rego"),
            Some(EngineError::TimeLimit { limit, .. }) if limit == "2 s"
        ));
        let other = anyhow::anyhow!("divide by zero");
        assert!(budget.stopped(&*other, "ACME001", "p/r.rego").is_none());
    }
}
