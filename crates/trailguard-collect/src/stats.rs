//! Call counts, so the cost of a collection is visible.

use crate::Operation;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many calls of each operation a collection made (pages of a list count once each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallStats {
    counts: BTreeMap<Operation, u64>,
}

impl CallStats {
    /// Calls of one operation.
    pub fn count(&self, operation: Operation) -> u64 {
        self.counts.get(&operation).copied().unwrap_or(0)
    }

    /// Every call.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Operations called at least once, with their counts.
    pub fn iter(&self) -> impl Iterator<Item = (Operation, u64)> + '_ {
        self.counts.iter().map(|(op, n)| (*op, *n))
    }
}

impl fmt::Display for CallStats {
    /// One line per operation: `count  service:Operation`, then the total.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (op, n) in self.iter() {
            writeln!(f, "{n:>7}  {op}")?;
        }
        write!(f, "{:>7}  calls in all", self.total())
    }
}

/// Thread-safe counters behind [`CallStats`].
#[derive(Debug)]
pub(crate) struct Counters {
    counts: Vec<AtomicU64>,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            counts: Operation::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl Counters {
    pub(crate) fn record(&self, operation: Operation) {
        if let Some(i) = Operation::ALL.iter().position(|op| *op == operation) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn snapshot(&self) -> CallStats {
        let counts = Operation::ALL
            .iter()
            .zip(&self.counts)
            .map(|(op, n)| (*op, n.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect();
        CallStats { counts }
    }
}
