//! AWS Config, per account and region: is the account's own recorder recording, what does it
//! leave out, does its delivery channel deliver (TG120–TG122), judged once per snapshot.
//!
//! A service-linked recorder (RecordingScope `INTERNAL`, or a name starting
//! `AWSConfigurationRecorderFor`) records for the AWS service that owns it, not for the
//! account: it never counts as the account's recorder. What the collector could not read (a
//! region's Config, its recorders, their statuses, the delivery channels) gives no verdict.

use crate::snapshot::{list, list_of, text};
use std::collections::{BTreeMap, BTreeSet};
use trailguard_json::{Json, Kind};

/// The IAM resource types a recorder must record in some region.
const IAM_TYPES: [&str; 4] = [
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
];

/// The resource types of the audit chain a recorder must not leave out.
const AUDIT_TYPES: [&str; 3] = ["AWS::CloudTrail::Trail", "AWS::S3::Bucket", "AWS::KMS::Key"];

/// What is wrong with AWS Config in each account, by rule; an account with nothing to say is
/// left out of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigProblems {
    /// TG120: by account, the regions where the account's own recorder does not record, each
    /// with why: `"eu-west-1 (recorder default is stopped)"`, in region order.
    pub not_recording: BTreeMap<String, Vec<String>>,
    /// TG121: by account, what its recorders leave out: `"records global IAM resource types in
    /// no region"`, `"recorder default in eu-west-1 excludes AWS::KMS::Key"`.
    pub scope: BTreeMap<String, Vec<String>>,
    /// TG122: by account, the recording regions whose delivery channel does not deliver:
    /// `"eu-west-1: no delivery channel"`, in region order.
    pub delivery: BTreeMap<String, Vec<String>>,
}

impl ConfigProblems {
    /// Judges every account of `snapshot`.
    ///
    /// ```
    /// use serde_json::json;
    /// use trailguard_monitoring::ConfigProblems;
    ///
    /// let snapshot = json!({"accounts": {"111122223333": {
    ///     "Regions": ["eu-west-1"],
    ///     "Monitoring": {"eu-west-1": {"Config": {
    ///         "Recorders": [{"Name": "default", "RecordingGroup": {"AllSupported": true}}],
    ///         "RecorderStatuses": [{"Name": "default", "Recording": false}],
    ///     }}},
    /// }}});
    /// let problems = ConfigProblems::of(&snapshot);
    /// assert_eq!(
    ///     problems.not_recording["111122223333"],
    ///     ["eu-west-1 (recorder default is stopped)"]
    /// );
    /// ```
    pub fn of<J: Json>(snapshot: &J) -> ConfigProblems {
        let mut problems = ConfigProblems::default();
        let Some(accounts) = snapshot.get_field("accounts") else {
            return problems;
        };
        for (acct, account) in accounts.entries() {
            let mut regions: Vec<&str> = list(account, "Regions")
                .into_iter()
                .filter_map(Json::as_text)
                .collect();
            let configs: Vec<(&str, Option<&J>)> = regions
                .iter()
                .map(|r| (*r, config_of(account, r)))
                .collect();
            let scope = scope_problems(&regions, &configs);
            if !scope.is_empty() {
                problems.scope.insert(acct.to_string(), scope);
            }
            regions.sort_unstable();
            let mut stopped = Vec::new();
            let mut undelivered = Vec::new();
            for region in regions {
                let Some(c) = config_of(account, region) else {
                    continue;
                };
                let (Some(own), Some(statuses)) =
                    (own_recorders(c), list_of(c, "RecorderStatuses"))
                else {
                    continue;
                };
                if recording(&own, &statuses) {
                    if let Some(ps) = delivery_problems(c).filter(|ps| !ps.is_empty()) {
                        undelivered.push(format!("{region}: {}", ps.join(", ")));
                    }
                } else {
                    stopped.push(format!("{region} ({})", stopped_why(c, &own, &statuses)));
                }
            }
            if !stopped.is_empty() {
                problems.not_recording.insert(acct.to_string(), stopped);
            }
            if !undelivered.is_empty() {
                problems.delivery.insert(acct.to_string(), undelivered);
            }
        }
        problems
    }

    /// `{"not_recording": {ACCOUNT: [...]}, "scope": {...}, "delivery": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "not_recording": self.not_recording,
            "scope": self.scope,
            "delivery": self.delivery,
        })
    }
}

/// The AWS Config part of the account's Monitoring in `region`, when it was read.
fn config_of<'a, J: Json>(account: &'a J, region: &str) -> Option<&'a J> {
    account
        .get_field("Monitoring")?
        .get_field(region)?
        .get_field("Config")
        .filter(|c| matches!(c.kind(), Kind::Object))
}

fn service_linked<J: Json>(recorder: &J) -> bool {
    text(recorder, "RecordingScope") == Some("INTERNAL")
        || text(recorder, "Name").is_some_and(|n| n.starts_with("AWSConfigurationRecorderFor"))
}

/// The recorders of a region that are not service-linked; `None` when they were not read.
fn own_recorders<J: Json>(c: &J) -> Option<Vec<&J>> {
    Some(
        list_of(c, "Recorders")?
            .into_iter()
            .filter(|x| !service_linked(*x))
            .collect(),
    )
}

fn same_name<J: Json>(a: &J, b: &J) -> bool {
    match (a.get_field("Name"), b.get_field("Name")) {
        (Some(x), Some(y)) => x.kind() == y.kind() && x.text() == y.text(),
        _ => false,
    }
}

/// Whether one of the recorders has a status that says it is recording.
fn recording<J: Json>(own: &[&J], statuses: &[&J]) -> bool {
    own.iter().any(|x| {
        statuses.iter().any(|s| {
            same_name(*s, *x) && s.get_field("Recording").map(Json::kind) == Some(Kind::Bool(true))
        })
    })
}

fn name<J: Json>(x: &J) -> Option<String> {
    x.get_field("Name").map(crate::snapshot::show)
}

/// Why the account's own recorder does not record in a region.
fn stopped_why<J: Json>(c: &J, own: &[&J], statuses: &[&J]) -> String {
    let all = list(c, "Recorders");
    if all.is_empty() {
        return "no configuration recorder".into();
    }
    if own.is_empty() {
        let names: BTreeSet<String> = all.iter().filter_map(|x| name(*x)).collect();
        let plural = if all.len() == 1 { "" } else { "s" };
        return format!(
            "only the service-linked recorder{plural} {}",
            names.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    let states: BTreeSet<String> = own
        .iter()
        .filter_map(|x| {
            let n = name(*x)?;
            Some(match statuses.iter().find(|s| same_name(**s, *x)) {
                Some(s) => format!("recorder {n} is stopped{}", last_error(*s)),
                None => format!("recorder {n} has no status"),
            })
        })
        .collect();
    states.into_iter().collect::<Vec<_>>().join(", ")
}

fn last_error<J: Json>(s: &J) -> String {
    match text(s, "LastErrorCode") {
        Some(code) if !code.is_empty() => format!(" (last error: {code})"),
        _ => String::new(),
    }
}

/// The recording strategy of a recording group, as `RecordingStrategy.UseOnly` says, else as
/// `AllSupported` and the lists imply.
fn strategy<J: Json>(group: &J) -> &str {
    let declared = group.get_field("RecordingStrategy");
    if let Some(s) = declared.and_then(|d| text(d, "UseOnly")) {
        return s;
    }
    if let Some(s) = declared.and_then(Json::as_text) {
        return s;
    }
    if group.get_field("AllSupported").map(Json::kind) == Some(Kind::Bool(true)) {
        "ALL_SUPPORTED_RESOURCE_TYPES"
    } else if !exclusions(group).is_empty() {
        "EXCLUSION_BY_RESOURCE_TYPES"
    } else {
        "INCLUSION_BY_RESOURCE_TYPES"
    }
}

fn exclusions<J: Json>(group: &J) -> Vec<&J> {
    let Some(e) = group.get_field("ExclusionByResourceTypes") else {
        return Vec::new();
    };
    list_of(group, "ExclusionByResourceTypes")
        .or_else(|| list_of(e, "ResourceTypes"))
        .unwrap_or_default()
}

fn contains<J: Json>(items: &[&J], t: &str) -> bool {
    items.iter().any(|i| i.as_text() == Some(t))
}

/// Whether a recording group records global IAM resource types.
fn records_iam<J: Json>(group: &J) -> bool {
    match strategy(group) {
        "ALL_SUPPORTED_RESOURCE_TYPES" => {
            group
                .get_field("IncludeGlobalResourceTypes")
                .map(Json::kind)
                == Some(Kind::Bool(true))
        }
        "EXCLUSION_BY_RESOURCE_TYPES" => {
            let excluded = exclusions(group);
            IAM_TYPES.iter().any(|t| !contains(&excluded, t))
        }
        "INCLUSION_BY_RESOURCE_TYPES" => list(group, "ResourceTypes")
            .iter()
            .filter_map(|t| t.as_text())
            .any(|t| t.starts_with("AWS::IAM::")),
        _ => false,
    }
}

/// Which audit resource types a recording group leaves out, and how; `None` when it records
/// them all, or has no recording group (AWS's default: every supported type).
fn left_out<J: Json>(group: &J) -> Option<String> {
    if !matches!(group.kind(), Kind::Object) {
        return None;
    }
    let (how, missing): (&str, Vec<&str>) = match strategy(group) {
        "EXCLUSION_BY_RESOURCE_TYPES" => {
            let excluded = exclusions(group);
            (
                "excludes",
                AUDIT_TYPES
                    .into_iter()
                    .filter(|t| contains(&excluded, t))
                    .collect(),
            )
        }
        "INCLUSION_BY_RESOURCE_TYPES" => {
            let included = list(group, "ResourceTypes");
            (
                "does not record",
                AUDIT_TYPES
                    .into_iter()
                    .filter(|t| !contains(&included, t))
                    .collect(),
            )
        }
        _ => return None,
    };
    (!missing.is_empty()).then(|| format!("{how} {}", missing.join(", ")))
}

/// TG121's parts for one account: IAM types recorded nowhere (judged only when every region's
/// recorders were read and one of the account's own exists), and each recorder's audit types
/// left out.
fn scope_problems<J: Json>(regions: &[&str], configs: &[(&str, Option<&J>)]) -> Vec<String> {
    let own: BTreeMap<&str, Vec<&J>> = configs
        .iter()
        .filter_map(|(r, c)| Some((*r, own_recorders((*c)?)?)))
        .collect();
    let mut parts = Vec::new();
    let any_own = own.values().any(|xs| !xs.is_empty());
    let iam_somewhere = own.values().flatten().any(|x| {
        x.get_field("RecordingGroup")
            .is_some_and(|g| records_iam(g))
    });
    if !regions.is_empty() && own.len() == regions.len() && any_own && !iam_somewhere {
        parts.push("records global IAM resource types in no region".to_string());
    }
    let mut recorders: Vec<String> = own
        .iter()
        .flat_map(|(r, xs)| {
            xs.iter().filter_map(move |x| {
                let how = left_out(x.get_field("RecordingGroup")?)?;
                Some(format!("recorder {} in {r} {how}", name(*x)?))
            })
        })
        .collect();
    recorders.sort();
    parts.extend(recorders);
    parts
}

/// Why a region's delivery channel does not deliver: none, or a last history or snapshot
/// delivery that failed; empty when it delivers, `None` when the channels were not read.
fn delivery_problems<J: Json>(c: &J) -> Option<Vec<String>> {
    let channels = list_of(c, "DeliveryChannels")?;
    if channels.is_empty() {
        return Some(vec!["no delivery channel".into()]);
    }
    let mut problems = BTreeSet::new();
    for s in list(c, "DeliveryChannelStatuses") {
        for (field, label) in [
            ("ConfigHistoryDeliveryInfo", "configuration history"),
            ("ConfigSnapshotDeliveryInfo", "configuration snapshot"),
        ] {
            let Some(info) = s.get_field(field) else {
                continue;
            };
            let failed = text(info, "LastStatus").is_some_and(|st| st.to_lowercase() == "failure");
            if let (true, Some(channel)) = (failed, name(s)) {
                problems.insert(format!(
                    "the last {label} delivery of channel {channel} failed{}",
                    last_error(info)
                ));
            }
        }
    }
    Some(problems.into_iter().collect())
}
