//! The tunable values rules read as `data.trailguard.params`, and `trailguard.toml`, the file
//! that sets them (and the limits on waivers).

use crate::diagnostic::line_column;
use crate::{Diagnostic, EngineError, RuleMeta, WaiverLimits};
use serde::{Deserialize, Serialize};

/// Rule parameters, with the defaults of the SPEC.
///
/// ```
/// use trailguard_engine::Params;
///
/// let params = Params::from_toml("[params]\nretention_days = 400\n", "trailguard.toml").unwrap();
/// assert_eq!(params.retention_days, 400);
/// assert_eq!(params.max_full_access_holders, 3); // the default
///
/// let error = Params::from_toml("[params]\nretention = 400\n", "trailguard.toml").unwrap_err();
/// assert!(error.to_string().starts_with("trailguard.toml:2:1: unknown field `retention`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// How long logs must be kept, in days (TG035, TG039, TG052).
    pub retention_days: u32,
    /// How many principals may hold `AWSCloudTrail_FullAccess` (TG062).
    pub max_full_access_holders: u32,
    /// Account ids trusted to assume roles that administer CloudTrail (TG064).
    pub trusted_accounts: Vec<String>,
    /// Principal ARNs (with `*` and `?`) allowed to administer CloudTrail, its log buckets and
    /// keys (TG063, TG065, TG066).
    pub cloudtrail_admins: Vec<String>,
    /// Tag keys every trail and log bucket must carry (TG011, TG040); none: any tag of your own.
    pub required_tag_keys: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            retention_days: 365,
            max_full_access_holders: 3,
            trusted_accounts: Vec::new(),
            cloudtrail_admins: Vec::new(),
            required_tag_keys: Vec::new(),
        }
    }
}

/// The parameters, for `policy doc` and `--help`: key, default, meaning.
pub const PARAMETERS: &[(&str, &str, &str)] = &[
    (
        "retention_days",
        "365",
        "How long logs must be kept, in days: Object Lock retention (TG035), lifecycle expiry (TG039) and the CloudWatch Logs log group's retention (TG052) must reach it.",
    ),
    (
        "max_full_access_holders",
        "3",
        "How many principals may hold AWSCloudTrail_FullAccess before TG062 reports it.",
    ),
    (
        "trusted_accounts",
        "[]",
        "Account ids (besides the account itself) whose principals may assume roles that administer CloudTrail (TG064).",
    ),
    (
        "cloudtrail_admins",
        "[]",
        "Principal ARNs (with * and ? wildcards) allowed to stop, delete or reconfigure trails, delete the logs or disable the trail key without a finding (TG063, TG065, TG066).",
    ),
    (
        "required_tag_keys",
        "[]",
        "Tag keys every trail (TG011) and log bucket (TG040) must carry; with none, any tag of your own will do. Tags AWS sets (aws:...) never count.",
    ),
];

/// `trailguard.toml`: the rule parameters (`[params]`) and the limits on waivers (`[waivers]`).
/// Everything is optional, nothing unknown is accepted.
///
/// ```
/// use trailguard_engine::Config;
///
/// let config = Config::from_toml("[waivers]\nmax_expiry_days = 90\n", "trailguard.toml").unwrap();
/// assert_eq!(config.waivers.max_expiry_days, 90);
/// assert_eq!(config.params.retention_days, 365); // the default
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[params]`: what the rules read as `data.trailguard.params`.
    #[serde(default)]
    pub params: Params,
    /// `[waivers]`: what a waiver file may accept.
    #[serde(default)]
    pub waivers: WaiverLimits,
}

impl Params {
    /// `{"trailguard": {"params": ...}}`, the data document tests see.
    pub(crate) fn data(&self) -> regorus::Value {
        let json = serde_json::json!({ "trailguard": { "params": self } });
        regorus::Value::from(json)
    }

    /// The data rules see beside the parameters: under `data.trailguard.rules_meta`, each
    /// loaded rule's METADATA severity by id (`{"TG030": {"severity": "critical"}, ...}`), which
    /// a rule cannot read from another rule's METADATA (TG090 grades a gap by the rules it
    /// blinds).
    pub(crate) fn rules_data<'a>(rules: impl IntoIterator<Item = &'a RuleMeta>) -> regorus::Value {
        let meta: serde_json::Map<String, serde_json::Value> = rules
            .into_iter()
            .map(|rule| {
                (
                    rule.id.clone(),
                    serde_json::json!({ "severity": rule.severity.as_str() }),
                )
            })
            .collect();
        regorus::Value::from(serde_json::json!({ "trailguard": { "rules_meta": meta } }))
    }

    /// Reads the `[params]` table of a `trailguard.toml` (the whole file is checked, see
    /// [`Config::from_toml`]).
    pub fn from_toml(text: &str, file: &str) -> Result<Params, EngineError> {
        Config::from_toml(text, file).map(|config| config.params)
    }
}

impl Config {
    /// Reads a `trailguard.toml`. Errors name `file:line:col`; unknown keys are errors, so a typo
    /// cannot silently leave a default in place.
    pub fn from_toml(text: &str, file: &str) -> Result<Config, EngineError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| line_column(text, span.start));
            let message = e.message().trim().to_string();
            let mut diagnostic = Diagnostic::new(file, line, column, message);
            if e.message().contains("unknown field") {
                let keys: Vec<&str> = PARAMETERS.iter().map(|(k, _, _)| *k).collect();
                diagnostic = diagnostic.hint(format!(
                    "trailguard.toml has two tables: [params], with the keys {}; and [waivers], \
                     with the key max_expiry_days",
                    keys.join(", ")
                ));
            }
            EngineError::Config(diagnostic)
        })?;
        let located = |needle: &str, message: String, hint: &str| {
            let at = text.find(needle).unwrap_or(0);
            let (line, column) = line_column(text, at);
            EngineError::Config(Diagnostic::new(file, line, column, message).hint(hint))
        };
        for id in &config.params.trusted_accounts {
            if !trailguard_snapshot::is_account_id(id) {
                return Err(located(
                    &format!("\"{id}\""),
                    format!("trusted_accounts: {id:?} is not a 12-digit account id"),
                    "list account ids such as \"111111111111\"",
                ));
            }
        }
        if config.waivers.max_expiry_days == 0 {
            return Err(located(
                "max_expiry_days",
                "max_expiry_days: 0 would refuse every waiver".to_string(),
                "give the most days ahead a waiver's `expires` may be, such as 365",
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_keeps_the_defaults() {
        assert_eq!(Params::from_toml("", "t.toml").unwrap(), Params::default());
    }

    #[test]
    fn every_key_is_read() {
        let text = "[params]\nretention_days = 400\nmax_full_access_holders = 1\n\
                    trusted_accounts = [\"111111111111\"]\n\
                    cloudtrail_admins = [\"arn:aws:iam::111111111111:role/admin\"]\n\
                    required_tag_keys = [\"owner\"]\n";
        let params = Params::from_toml(text, "t.toml").unwrap();
        assert_eq!(
            params,
            Params {
                retention_days: 400,
                max_full_access_holders: 1,
                trusted_accounts: vec!["111111111111".into()],
                cloudtrail_admins: vec!["arn:aws:iam::111111111111:role/admin".into()],
                required_tag_keys: vec!["owner".into()],
            }
        );
        let documented: Vec<&str> = PARAMETERS.iter().map(|(k, _, _)| *k).collect();
        let json = serde_json::to_value(Params::default()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = documented.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted, "PARAMETERS documents every key");
    }

    #[test]
    fn waivers_table_sets_how_far_ahead_a_waiver_may_expire() {
        let config = Config::from_toml("", "t.toml").unwrap();
        assert_eq!(config.waivers.max_expiry_days, 365);
        let config = Config::from_toml(
            "[params]\nretention_days = 400\n\n[waivers]\nmax_expiry_days = 90\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(config.waivers.max_expiry_days, 90);
        assert_eq!(config.params.retention_days, 400);
        for (text, expected) in [
            (
                "[waivers]\nmax_expiry_days = 0\n",
                "t.toml:2:1: max_expiry_days: 0 would refuse every waiver",
            ),
            (
                "[waivers]\nmax_days = 30\n",
                "t.toml:2:1: unknown field `max_days`",
            ),
            ("[waivers]\nmax_expiry_days = -1\n", "t.toml:2:19:"),
        ] {
            let error = Config::from_toml(text, "t.toml").unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn rules_see_each_loaded_rules_severity() {
        let rule = |id: &str, severity| RuleMeta {
            id: id.to_string(),
            title: "t".to_string(),
            description: String::new(),
            severity,
            controls: Default::default(),
            remediation: String::new(),
            package: String::new(),
            source: String::new(),
            builtin: true,
        };
        let rules = [
            rule("TG030", crate::Severity::Critical),
            rule("ACME1", crate::Severity::Low),
        ];
        let data = Params::rules_data(rules.iter());
        let json: serde_json::Value = serde_json::from_str(&data.to_json_str().unwrap()).unwrap();
        assert_eq!(
            json["trailguard"]["rules_meta"],
            serde_json::json!({"TG030": {"severity": "critical"}, "ACME1": {"severity": "low"}})
        );
    }

    #[test]
    fn mistakes_are_located() {
        for (text, expected) in [
            (
                "[params]\nretention = 1\n",
                "t.toml:2:1: unknown field `retention`",
            ),
            ("[parms]\n", "t.toml:1:2: unknown field `parms`"),
            (
                "[params]\nretention_days = \"a year\"\n",
                "t.toml:2:18: invalid type",
            ),
            (
                "[params]\ntrusted_accounts = [\"12\"]\n",
                "t.toml:2:21: trusted_accounts: \"12\"",
            ),
            ("[params\n", "t.toml:1:8:"),
        ] {
            let error = Params::from_toml(text, "t.toml").unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}: {error}");
        }
    }
}
