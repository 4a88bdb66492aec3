//! Which trails send every region's management events to a CloudWatch Logs log group: the
//! first link of every CloudWatch chain, judged once per snapshot.
//!
//! The judgement is the one `data.trailguard.lib.monitoring.delivering_trails` makes in Rego
//! from `data.trailguard.lib.trail`'s reading of event selectors; a differential test in
//! trailguard-engine (`tests/monitoring_trails.rs`) holds the two to the same answers. It is made
//! here too because the Rego one cost 20–40 ms per control on a 2,000-trail organisation, paid
//! again by each of sixteen rules, where this one is made once per snapshot.

use crate::snapshot::{is_bool, list, text};
use crate::{DeliveringTrail, TrailState, Trails};
use std::collections::{HashMap, HashSet};
use trailguard_json::{Json, Kind};

impl Trails {
    /// The trails of `snapshot` that deliver (or may, or should but fail to) to a log group,
    /// and the accounts whose trail list is incomplete (a gap on cloudtrail DescribeTrails).
    pub fn of<J: Json>(snapshot: &J) -> Trails {
        let mut delivering = HashMap::new();
        if let Some(trails) = snapshot.get_field("trails") {
            for (arn, trail) in trails.entries() {
                if let Some(d) = delivering_trail(arn, trail) {
                    delivering.insert(arn.to_string(), d);
                }
            }
        }
        let unlisted: HashSet<String> = snapshot
            .get_field("gaps")
            .into_iter()
            .flat_map(Json::items)
            .filter(|g| {
                text(*g, "Service") == Some("cloudtrail")
                    && text(*g, "Operation") == Some("DescribeTrails")
            })
            .filter_map(|g| g.get_field("AccountId")?.as_text().map(str::to_string))
            .collect();
        Trails {
            delivering,
            unlisted,
        }
    }

    /// The delivering trails, by ARN.
    pub fn delivering(&self) -> &HashMap<String, DeliveringTrail> {
        &self.delivering
    }
}

/// The trail as a first link, when it names a log group and does, may or should deliver.
fn delivering_trail<J: Json>(arn: &str, trail: &J) -> Option<DeliveringTrail> {
    let group = trail.get_field("CloudWatchLogsLogGroupArn")?.as_text()?;
    if group.is_empty() {
        return None;
    }
    let status = trail
        .get_field("Status")
        .filter(|s| matches!(s.kind(), Kind::Object));
    let error = status
        .and_then(|s| s.get_field("LatestCloudWatchLogsDeliveryError"))
        .and_then(Json::as_text)
        .unwrap_or("");
    let logging = status.is_some_and(|s| is_bool(s, "IsLogging", true));
    let status_known = trail.get_field("Status").is_some();
    let records_all = records_all_management(trail);
    let state = if !error.is_empty() {
        TrailState::Failing
    } else if is_bool(trail, "IsMultiRegionTrail", true) && logging && records_all {
        TrailState::Delivers
    } else if !is_bool(trail, "IsMultiRegionTrail", false)
        && (logging || !status_known)
        && (records_all || !selectors_known(trail))
    {
        TrailState::Maybe
    } else {
        return None;
    };
    Some(DeliveringTrail {
        log_group: group.strip_suffix(":*").unwrap_or(group).to_string(),
        state,
        name: trail
            .get_field("Name")
            .map_or_else(|| arn.to_string(), crate::snapshot::show),
        error: error.to_string(),
    })
}

/// Whether the trail's event selectors were read: AWS returns basic or advanced selectors, never
/// both, so one non-empty list is the whole picture.
fn selectors_known<J: Json>(trail: &J) -> bool {
    (trail.get_field("EventSelectors").is_some()
        && trail.get_field("AdvancedEventSelectors").is_some())
        || !list(trail, "EventSelectors").is_empty()
        || !list(trail, "AdvancedEventSelectors").is_empty()
}

/// What a selector that records management events records: read events, write events, and
/// whether it records them from every source with no other filter.
struct View {
    reads: bool,
    writes: bool,
    unfiltered: bool,
}

/// Whether the trail's selectors record every read and every write management event, from
/// every source (possibly split over several selectors).
pub(crate) fn records_all_management<J: Json>(trail: &J) -> bool {
    let mut views: Vec<View> = Vec::new();
    for s in list(trail, "EventSelectors") {
        let included = s
            .get_field("IncludeManagementEvents")
            .is_none_or(|v| v.kind() == Kind::Bool(true));
        if !included {
            continue;
        }
        let rw = match s.get_field("ReadWriteType") {
            None => Some("All"),
            Some(v) => v.as_text(),
        };
        views.push(View {
            reads: matches!(rw, Some("All" | "ReadOnly")),
            writes: matches!(rw, Some("All" | "WriteOnly")),
            unfiltered: list(s, "ExcludeManagementEventSources").is_empty(),
        });
    }
    for sel in list(trail, "AdvancedEventSelectors") {
        let fss = list(sel, "FieldSelectors");
        let management = fss
            .iter()
            .any(|fs| text(*fs, "Field") == Some("eventCategory"))
            && !field_excludes(&fss, "eventCategory", "Management");
        if !management {
            continue;
        }
        let filtered = fss.iter().any(|fs| {
            source_exclusion(*fs)
                || fs
                    .get_field("Field")
                    .is_some_and(|f| !matches!(f.as_text(), Some("eventCategory" | "readOnly")))
        });
        views.push(View {
            reads: !field_excludes(&fss, "readOnly", "true"),
            writes: !field_excludes(&fss, "readOnly", "false"),
            unfiltered: !filtered,
        });
    }
    views.iter().any(|v| v.reads && v.unfiltered) && views.iter().any(|v| v.writes && v.unfiltered)
}

/// An eventSource field selector that only lists sources to leave out.
fn source_exclusion<J: Json>(fs: &J) -> bool {
    text(fs, "Field") == Some("eventSource")
        && !list(fs, "NotEquals").is_empty()
        && [
            "Equals",
            "StartsWith",
            "EndsWith",
            "NotStartsWith",
            "NotEndsWith",
        ]
        .iter()
        .all(|op| list(fs, op).is_empty())
}

/// Whether a field selector on `field` rejects `value`.
fn field_excludes<J: Json>(fss: &[&J], field: &str, value: &str) -> bool {
    fss.iter()
        .any(|fs| text(*fs, "Field") == Some(field) && excluded_by(*fs, value))
}

/// Whether one of the field selector's conditions rejects the value (they must all hold for an
/// event to be recorded).
fn excluded_by<J: Json>(fs: &J, v: &str) -> bool {
    let texts =
        |op: &str| -> Vec<&str> { list(fs, op).into_iter().filter_map(Json::as_text).collect() };
    let equals = list(fs, "Equals");
    let starts = list(fs, "StartsWith");
    let ends = list(fs, "EndsWith");
    (!equals.is_empty() && !equals.iter().any(|e| e.as_text() == Some(v)))
        || (!starts.is_empty() && !texts("StartsWith").iter().any(|p| v.starts_with(p)))
        || (!ends.is_empty() && !texts("EndsWith").iter().any(|s| v.ends_with(s)))
        || list(fs, "NotEquals").iter().any(|e| e.as_text() == Some(v))
        || texts("NotStartsWith").iter().any(|p| v.starts_with(p))
        || texts("NotEndsWith").iter().any(|s| v.ends_with(s))
}
