//! The `trailguard` command line: a thin layer over the snapshot, engine and report crates, and
//! the only part of trailguard that knows about terminals and exit codes.

mod cli;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            // One paragraph: the error and its causes, no backtrace.
            let mut text = format!("error: {error}");
            for cause in error.chain().skip(1) {
                text.push_str(&format!("\n  caused by: {cause}"));
            }
            output::eprintln(&text);
            ExitCode::from(2)
        }
    }
}
