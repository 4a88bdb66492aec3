//! Writing results: to standard output, or to files (`trailguard_snapshot::Writes`: atomic
//! replacement of regular files, devices written into); and colour decisions.

use crate::cli::ColorArg;
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;
use trailguard_snapshot::Writes;

/// For tests only: milliseconds to wait between writing the temporary files and renaming them
/// into place, so a test can send a signal mid-write.
const HOLD_WRITE_ENV: &str = "TRAILGUARD_TEST_HOLD_WRITE_MS";

/// Writes `text` to `path` (see [`write_files`]), or to standard output. A closed pipe
/// (`| head`) is not an error.
pub fn emit(text: &str, path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(path) => write_files(&[(path, text.as_bytes())], &[]),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(e).context("cannot write to standard output")
                }
                _ => Ok(()),
            }
        }
    }
}

/// Writes `files` all-or-nothing and removes `stale` files with them: a regular file is replaced
/// atomically (keeping its mode), a link is followed, a device or FIFO is written into. SIGINT or
/// SIGTERM during the write removes the temporary files and exits ([`crate::signals`]).
pub fn write_files(files: &[(&Path, &[u8])], stale: &[&Path]) -> anyhow::Result<()> {
    crate::signals::remove_temporaries_on_signal()?;
    let writes = Writes::prepare(files, stale)?;
    if let Some(ms) = std::env::var(HOLD_WRITE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    writes.commit()?;
    Ok(())
}

/// Prints a line to standard error, ignoring a closed stream. Control and bidi characters (from a
/// file or resource name the message quotes) are shown as `\u{..}` escapes, not obeyed.
pub fn eprintln(text: &str) {
    let text = trailguard_report::escape_terminal(text);
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Whether to colour output going to standard output (or to a file, never coloured in `auto`).
pub fn use_color(choice: ColorArg, to_file: bool) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            !to_file
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
