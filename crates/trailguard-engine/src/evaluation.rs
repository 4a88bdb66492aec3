//! The result of evaluating the policies over a snapshot.

use crate::{Finding, Print, RuleCost, RuleMeta, Severity, WaivedFinding, WaiverNotice};
use serde::Serialize;
use trailguard_snapshot::Gap;

/// Everything a report needs: the rules that ran, what they found, and what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Every rule that ran, sorted by id.
    pub rules: Vec<RuleMeta>,
    /// Findings, most severe first, then by rule id and resource. Waived findings are not here
    /// but in [`Evaluation::waived`].
    pub findings: Vec<Finding>,
    /// Findings a waiver in force covers, in the same order ([`crate::Waivers::apply`]).
    pub waived: Vec<WaivedFinding>,
    /// Waivers that expired or cover nothing, in file order.
    pub waiver_notices: Vec<WaiverNotice>,
    /// The collection gaps of the snapshot(s).
    pub gaps: Vec<Gap>,
    /// The snapshot files evaluated, as URIs relative to the SARIF root.
    pub snapshots: Vec<String>,
    /// The ids of the accounts the snapshots hold, sorted.
    pub accounts: Vec<String>,
    /// What the rules `print()`ed (raw: escape before showing it on a terminal).
    #[serde(skip)]
    pub prints: Vec<Print>,
    /// What each rule cost, slowest first (`eval --profile`).
    #[serde(skip)]
    pub profile: Vec<RuleCost>,
}

impl Evaluation {
    /// How many findings have each severity, most severe first.
    pub fn counts(&self) -> [(Severity, usize); 4] {
        Severity::ALL.map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
    }

    /// Whether any finding is at or above `threshold` (`None`: never fail).
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }
}
