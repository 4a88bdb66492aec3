//! Times rules on a saved snapshot, for profiling a rule without the CLI's AWS dependencies:
//!
//! ```text
//! cargo build --release -p trailguard-engine --example rule_times
//! target/release/examples/rule_times SNAPSHOT.json TG104 TG120   # best of 5 each, then the catalogue
//! ```
//!
//! `RULE_TIMES_POLICIES=a.rego,b.rego` adds policies (a probe rule of your own);
//! `RULE_TIMES_RUNS=N` runs the catalogue N times (the median, and the rules of the fastest);
//! `RULE_TIMES_SHOW=N` lists its N slowest rules (25 by default);
//! `RULE_TIMES_DUMP=FILE` writes the fastest catalogue run's findings to FILE as JSON (to check
//! that an engine change, such as a patched regorus, finds the same);
//! `RULE_TIMES_NO_CATALOGUE=1` skips the whole-catalogue run (for `perf record`), which
//! otherwise prints each rule's wall time within it. Build it with
//! `CARGO_PROFILE_RELEASE_DEBUG=line-tables-only` for call stacks. Each rule alone pays for what
//! the builtins build per input (the IAM index, the monitoring chains); the catalogue pays once.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // A tool: fail loudly.

use std::time::Instant;
use trailguard_engine::{builtin_sources, snapshot_value, Params, PolicyEngine, PolicySource};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: rule_times SNAPSHOT.json [RULE_ID...]");
        std::process::exit(2);
    };
    let file =
        trailguard_snapshot::Snapshot::load_limited(std::path::Path::new(path), 1 << 30).unwrap();
    let mut sources = builtin_sources();
    let extra = std::env::var("RULE_TIMES_POLICIES").unwrap_or_default();
    for p in extra.split(',').filter(|s| !s.is_empty()) {
        sources.push(PolicySource::custom(p, std::fs::read_to_string(p).unwrap()));
    }
    let engine = PolicyEngine::new(&sources, &Params::default()).unwrap();
    let input = snapshot_value(&file.snapshot).unwrap();
    for id in &args[2..] {
        let mut best = f64::MAX;
        let mut found = 0;
        for _ in 0..5 {
            let started = Instant::now();
            found = engine.evaluate_rule(id, &input).unwrap().len();
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        }
        println!("{id:8} {best:8.1} ms {found:6} findings");
    }
    if std::env::var("RULE_TIMES_NO_CATALOGUE").is_ok() {
        return;
    }
    // RULE_TIMES_RUNS=N: the catalogue N times, each run's wall time, the rules of the fastest.
    let runs: usize = std::env::var("RULE_TIMES_RUNS").map_or(1, |n| n.parse().unwrap());
    let mut times = Vec::new();
    let mut fastest = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let run = engine.run(&input).unwrap();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if times.iter().all(|t| ms < *t) {
            fastest = Some(run);
        }
        times.push(ms);
    }
    let run = fastest.unwrap();
    if let Ok(path) = std::env::var("RULE_TIMES_DUMP") {
        std::fs::write(&path, serde_json::to_string_pretty(&run.findings).unwrap()).unwrap();
    }
    let total: f64 = run
        .profile
        .iter()
        .map(|c| c.duration.as_secs_f64() * 1000.0)
        .sum();
    let shown: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "catalogue {:8.1} ms (median; runs {}) {} findings; in the fastest, the rules' sum \
         {total:.1} ms; its slowest rules:",
        times[times.len() / 2],
        shown.join(" "),
        run.findings.len()
    );
    let shown_rules: usize = std::env::var("RULE_TIMES_SHOW").map_or(25, |n| n.parse().unwrap());
    for cost in run.profile.iter().take(shown_rules) {
        let rule_ms = cost.duration.as_secs_f64() * 1000.0;
        println!(
            "  {:8} {rule_ms:8.1} ms {:6} findings",
            cost.rule, cost.results
        );
    }
}
