//! Times the snapshot's parse and its conversion to the policy input on a saved snapshot (the
//! eval bench's `in/prs`, whose target is at most half the parse time), for profiling the
//! conversion:
//!
//! ```text
//! cargo build --release -p trailguard-engine --example convert_times
//! target/release/examples/convert_times SNAPSHOT.json [RUNS]   # best of RUNS (default 10)
//! CONVERT_ONLY=1 target/release/examples/convert_times ...      # parse once (for perf record)
//! ```
//!
//! Save the eval bench's snapshots with `TG_BENCH_SAVE=DIR`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // A tool: fail loudly.

use std::time::{Duration, Instant};
use trailguard_engine::snapshot_value;
use trailguard_snapshot::Snapshot;

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: convert_times SNAPSHOT.json [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).map_or(10, |n| n.parse().unwrap());
    let text = std::fs::read_to_string(path).unwrap();
    let parse_runs = if std::env::var_os("CONVERT_ONLY").is_some() {
        1
    } else {
        runs
    };
    let (parse, snapshot) = best(parse_runs, || Snapshot::from_json(&text).unwrap());
    let (convert, _) = best(runs, || snapshot_value(&snapshot).unwrap());
    println!(
        "parse {:8.1} ms  input {:8.1} ms  input/parse {:.2}",
        parse.as_secs_f64() * 1000.0,
        convert.as_secs_f64() * 1000.0,
        convert.as_secs_f64() / parse.as_secs_f64()
    );
}
