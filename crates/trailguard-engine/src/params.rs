//! The tunable values rules read as `data.trailguard.params`.

use serde::{Deserialize, Serialize};

/// Rule parameters, with the defaults of the SPEC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// How long logs must be kept, in days (TG035, TG039).
    pub retention_days: u32,
    /// How many principals may hold `AWSCloudTrail_FullAccess` (TG062).
    pub max_full_access_holders: u32,
    /// Account ids trusted to assume roles that administer CloudTrail (TG064).
    pub trusted_accounts: Vec<String>,
    /// Principal ARNs allowed to administer CloudTrail (TG063).
    pub cloudtrail_admins: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            retention_days: 365,
            max_full_access_holders: 3,
            trusted_accounts: Vec::new(),
            cloudtrail_admins: Vec::new(),
        }
    }
}

impl Params {
    /// `{"trailguard": {"params": ...}}`, the data document rules see.
    pub(crate) fn data(&self) -> regorus::Value {
        let json = serde_json::json!({ "trailguard": { "params": self } });
        regorus::Value::from(json)
    }
}
