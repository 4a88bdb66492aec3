//! SIGINT and SIGTERM while output files are written: their temporary files are removed before
//! the process exits, so a kill mid-write leaves the old files as they were and nothing else.

use crate::output::eprintln;
use anyhow::Context;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::sync::{Mutex, PoisonError};

/// Whether the handler is installed.
static INSTALLED: Mutex<bool> = Mutex::new(false);

/// Installs, once, a thread that waits for SIGINT or SIGTERM, removes the temporary files of the
/// writes under way ([`trailguard_snapshot::discard_unfinished_writes`]: a set of files being
/// renamed into place is finished first) and exits with 128 + the signal's number (130, 143).
///
/// Installed only when a file is about to be written, not at start: before that the signals
/// keep their usual effect, and `collect`'s own Ctrl-C handling stays in charge of a collection.
/// Once installed, it stays: a signal after the write (during `scan`'s evaluation) exits the
/// same way.
pub fn remove_temporaries_on_signal() -> anyhow::Result<()> {
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if *installed {
        return Ok(());
    }
    let mut signals =
        Signals::new([SIGINT, SIGTERM]).context("cannot install the SIGINT/SIGTERM handler")?;
    std::thread::Builder::new()
        .name("trailguard-signals".to_string())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let discarded = trailguard_snapshot::discard_unfinished_writes();
                let mut text = String::from("trailguard: interrupted");
                if !discarded.removed.is_empty() {
                    text.push_str("; the files being written were left as they were");
                }
                for (path, error) in &discarded.failed {
                    text.push_str(&format!(
                        "\n  cannot remove the temporary file {}: {error}",
                        path.display()
                    ));
                }
                eprintln(&text);
                // Exits holding the locks `discarded` holds: no write starts or completes now.
                std::process::exit(128 + signal);
            }
        })
        .context("cannot start the signal-handling thread")?;
    *installed = true;
    Ok(())
}
