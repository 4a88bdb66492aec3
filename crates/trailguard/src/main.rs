//! The `trailguard` command line: a thin layer over the snapshot, engine and report crates, and
//! the only part of trailguard that knows about terminals and exit codes.

mod cli;
mod commands;
mod fail_on;
mod output;
mod signals;
mod snapshots;
mod wrap;

use clap::Parser;
use std::process::ExitCode;

/// Ctrl-C stopped the command before it wrote anything: exit status 130 (128 + SIGINT), the
/// shells' convention.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; nothing written")
    }
}

impl std::error::Error for Interrupted {}

/// The exit status after Ctrl-C.
const INTERRUPTED_STATUS: u8 = 130;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(error) if error.is::<Interrupted>() => {
            output::eprintln(&format!("trailguard: {error}"));
            ExitCode::from(INTERRUPTED_STATUS)
        }
        Err(error) => {
            // One paragraph: the error and its causes, each said once; no backtrace.
            let text = output::messages(&error)
                .into_iter()
                .enumerate()
                .map(|(i, message)| match i {
                    0 => format!("error: {message}"),
                    _ => format!("\n  caused by: {message}"),
                })
                .collect::<String>();
            output::eprintln(&text);
            ExitCode::from(2)
        }
    }
}
