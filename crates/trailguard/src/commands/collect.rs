//! `trailguard collect`, `scan` and `permissions`: read live accounts.

use super::{eval, Outcome};
use crate::cli::{CollectArgs, ScanArgs, TargetArgs};
use crate::output::{emit, eprintln};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use trailguard_collect::{
    collect_blocking, permissions_policy, CollectError, Collection, Concurrency, Operation,
    Options, Progress, Regions, RoleTarget, Timeouts,
};
use trailguard_snapshot::{ErrorKind, SnapshotFile, MAX_SNAPSHOT_BYTES};

/// Where `scan` says the snapshot is when it is not kept (`--snapshot-out`).
const UNSAVED_SNAPSHOT: &str = "trailguard-snapshot.json";

pub fn collect(args: &CollectArgs) -> anyhow::Result<Outcome> {
    let collection = run_collection(&args.target)?;
    let text = collection
        .snapshot
        .to_json_pretty()
        .context("cannot write the collected snapshot")?;
    emit(&text, args.output.as_deref(), "snapshot")?;
    warn_if_too_large_to_read(text.len());
    Ok(Outcome::Clean)
}

pub fn scan(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let collection = run_collection(&args.target)?;
    let text = collection
        .snapshot
        .to_json_pretty()
        .context("cannot write the collected snapshot")?;
    if let Some(path) = &args.snapshot_out {
        emit(&text, Some(path), "snapshot")?;
        warn_if_too_large_to_read(text.len());
    }
    let file = SnapshotFile {
        path: args
            .snapshot_out
            .clone()
            .unwrap_or_else(|| PathBuf::from(UNSAVED_SNAPSHOT)),
        text,
        snapshot: collection.snapshot,
    };
    eval::report(&[file], &args.report, false)
}

/// A snapshot is written whatever its size (a long collection is never thrown away), but one
/// over [`MAX_SNAPSHOT_BYTES`] is refused by `eval` (unless given a larger
/// `--max-snapshot-size`): say so now, not in the next CI step.
fn warn_if_too_large_to_read(bytes: usize) {
    if let Some(warning) = too_large_warning(bytes) {
        eprintln(&warning);
    }
}

/// The warning, in the words (size, limit and shard hint) `eval`'s refusal will use.
fn too_large_warning(bytes: usize) -> Option<String> {
    let size = u64::try_from(bytes).unwrap_or(u64::MAX);
    (size > MAX_SNAPSHOT_BYTES).then(|| {
        let refusal = ErrorKind::TooLarge {
            size: Some(size),
            limit: MAX_SNAPSHOT_BYTES,
        };
        format!("warning: by default, `eval` will refuse this snapshot: {refusal}")
    })
}

pub fn permissions() -> anyhow::Result<Outcome> {
    let mut text =
        serde_json::to_string_pretty(&permissions_policy()).context("cannot print the policy")?;
    text.push('\n');
    emit(&text, None, "IAM policy")?;
    Ok(Outcome::Clean)
}

fn options(args: &TargetArgs) -> Options {
    Options {
        profile: args.profile.clone(),
        regions: if args.all_regions {
            Regions::AllEnabled
        } else if args.regions.is_empty() {
            Regions::Configured
        } else {
            Regions::Listed(args.regions.clone())
        },
        roles: args
            .role_arns
            .iter()
            .map(|arn| RoleTarget {
                arn: arn.clone(),
                external_id: args.external_id.clone(),
            })
            .collect(),
        endpoint_url: args.endpoint_url.clone(),
        concurrency: args.concurrency.map_or_else(Concurrency::default, |n| {
            Concurrency::uniform(usize::from(n))
        }),
        timeouts: args
            .timeout
            .map_or_else(Timeouts::default, |seconds| Timeouts {
                attempt: Duration::from_secs(seconds),
                ..Timeouts::default()
            }),
        max_attempts: args.max_attempts.unwrap_or(0),
    }
}

fn run_collection(args: &TargetArgs) -> anyhow::Result<Collection> {
    let started = Instant::now();
    let bar = Arc::new(Bar::new(args.quiet));
    let result = collect_blocking(&options(args), bar.clone());
    bar.finish();
    let collection = result.map_err(|e| match e {
        // main.rs turns it into "interrupted; nothing written" and exit status 130.
        CollectError::Interrupted => anyhow::Error::new(crate::Interrupted),
        e => match e.hint() {
            Some(hint) => anyhow::anyhow!("{e}\n  hint: {hint}"),
            None => anyhow::Error::new(e),
        },
    })?;
    if args.stats {
        eprintln(&collection.calls.to_string());
    }
    if !args.quiet {
        eprintln(&summary(&collection, started.elapsed()));
    }
    Ok(collection)
}

fn summary(collection: &Collection, elapsed: Duration) -> String {
    let s = &collection.snapshot;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = format!(
        "collected {}, {}, {}, {} in {} calls ({:.1} s)",
        plural(s.accounts.len(), "account", "accounts"),
        plural(s.trails.len(), "trail", "trails"),
        plural(s.buckets.len(), "log bucket", "log buckets"),
        plural(s.kms_keys.len(), "KMS key", "KMS keys"),
        collection.calls.total(),
        elapsed.as_secs_f64()
    );
    if !s.gaps.is_empty() {
        // One line per resource: a bucket another account owns fails every call alike.
        let mut by_resource: BTreeMap<(&str, &str), (usize, BTreeSet<&str>)> = BTreeMap::new();
        for gap in &s.gaps {
            let entry = by_resource
                .entry((gap.resource.as_str(), gap.account_id.as_str()))
                .or_default();
            entry.0 += 1;
            entry.1.insert(gap.error_code.as_str());
        }
        text.push_str(&format!(
            "\nwarning: {} could not be read; the snapshot records each as a gap, and TG090 reports them:",
            plural(s.gaps.len(), "call failed: its result", "calls failed: their results"),
        ));
        for ((resource, account), (calls, codes)) in by_resource {
            let codes: Vec<&str> = codes.into_iter().collect();
            text.push_str(&format!(
                "\n  {resource} (as account {account}): {} ({})",
                plural(calls, "call", "calls"),
                codes.join(", ")
            ));
        }
    }
    text
}

/// A spinner on standard error with the stage, the number of calls and the current call; hidden
/// when standard error is not a terminal or with `--quiet`.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        } else {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        };
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {elapsed:>4} {pos:>6} calls  {prefix}  {wide_msg}",
        ) {
            bar.set_style(style);
        }
        Bar { bar }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, what: &str) {
        self.bar.set_prefix(what.to_string());
    }

    fn call_started(&self, operation: Operation, resource: &str) {
        if !self.bar.is_hidden() {
            // Names come from AWS's answers: show control characters, do not obey them.
            let resource = trailguard_report::escape_terminal(resource);
            self.bar.set_message(format!("{operation} {resource}"));
        }
    }

    fn call_finished(&self, _operation: Operation) {
        self.bar.inc(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_snapshot_eval_would_refuse_is_warned_about() {
        let limit = usize::try_from(MAX_SNAPSHOT_BYTES).unwrap_or(usize::MAX);
        assert_eq!(too_large_warning(limit), None);
        let warning = too_large_warning(limit + 1).unwrap_or_default();
        assert!(
            warning.starts_with(
                "warning: by default, `eval` will refuse this snapshot: the file is 268,435,457 bytes \
                 (256.0 MiB), more than the 268,435,456 bytes (256 MiB) a snapshot file may hold\n  \
                 hint: collect a large organisation in shards (`trailguard accounts --format matrix`"
            ),
            "{warning}"
        );
    }
}
