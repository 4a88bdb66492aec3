//! The `params` and `waivers` targets: `trailguard.toml` and the waiver file.

use crate::location::assert_inside;
use trailguard_engine::{Date, EngineError, Params, WaiverLimits, Waivers};

/// Parses `data` as `trailguard.toml`. Rejected: one diagnostic, naming the file and a position
/// in the text. Accepted: every trusted account is a 12-digit id.
pub fn params(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Params::from_toml(text, "trailguard.toml") {
        Ok(params) => {
            for id in &params.trusted_accounts {
                assert!(trailguard_snapshot::is_account_id(id), "accepted {id:?}");
            }
        }
        Err(EngineError::Config(diagnostic)) => {
            let shown = diagnostic.to_string();
            assert_eq!(diagnostic.file, "trailguard.toml", "{shown}");
            assert_inside(text, diagnostic.line, diagnostic.column, &shown);
        }
        Err(error) => panic!("unexpected kind of error for trailguard.toml: {error}"),
    }
}

/// Parses `data` as a waiver file, as of a fixed day with the default limits. Rejected: at least
/// one diagnostic, each naming the file and a position in the text. Accepted: every waiver has a
/// rule, a resource, a reason and an owner, names the line it is written on, names a rule or a
/// resource (not `*` on wildcards only), and expires within the limit.
pub fn waivers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(today) = Date::new(2026, 11, 20) else {
        return;
    };
    let limits = WaiverLimits::default();
    match Waivers::from_toml(text, "waivers.toml", &limits, today) {
        Ok(waivers) => {
            let last_line = text.split('\n').count();
            for waiver in waivers.iter() {
                let wildcards_only = waiver.resource.chars().all(|c| c == '*' || c == '?');
                assert!(
                    !(waiver.rule == "*" && wildcards_only),
                    "accepted a waiver of everything: {waiver:?}"
                );
                assert!(
                    waiver.expires.days_after(today) <= i64::from(limits.max_expiry_days),
                    "accepted an expiry beyond the limit: {waiver:?}"
                );
                for (key, value) in [
                    ("rule", &waiver.rule),
                    ("resource", &waiver.resource),
                    ("reason", &waiver.reason),
                    ("owner", &waiver.owner),
                ] {
                    assert!(!value.is_empty(), "accepted an empty {key}: {waiver:?}");
                }
                let line = waiver
                    .source
                    .strip_prefix("waivers.toml:")
                    .and_then(|l| l.parse::<usize>().ok())
                    .unwrap_or(0);
                assert!(
                    (1..=last_line).contains(&line),
                    "waiver source {:?} is not a line of the file",
                    waiver.source
                );
            }
        }
        Err(EngineError::Waivers(diagnostics)) => {
            assert!(!diagnostics.is_empty(), "an error without a diagnostic");
            for diagnostic in diagnostics {
                let shown = diagnostic.to_string();
                assert_eq!(diagnostic.file, "waivers.toml", "{shown}");
                assert_inside(text, diagnostic.line, diagnostic.column, &shown);
            }
        }
        Err(error) => panic!("unexpected kind of error for a waiver file: {error}"),
    }
}
