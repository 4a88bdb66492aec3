//! Writing results: to standard output, or to files (`trailguard_snapshot::Writes`: atomic
//! replacement of regular files, devices written into); and colour decisions.

use crate::cli::ColorArg;
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;
use trailguard_snapshot::{WriteError, Writes};

/// For tests only: milliseconds to wait between writing the temporary files and renaming them
/// into place, so a test can send a signal mid-write.
const HOLD_WRITE_ENV: &str = "TRAILGUARD_TEST_HOLD_WRITE_MS";

/// Writes `text`, the `what` of the command (`report`, `snapshot`: errors name it), to `path`
/// (see [`write_files`]), or to standard output. A closed pipe (`| head`) is not an error.
pub fn emit(text: &str, path: Option<&Path>, what: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => write_files(&[(path, text.as_bytes())], &[], what),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(e).with_context(|| format!("cannot write the {what} to standard output"))
                }
                _ => Ok(()),
            }
        }
    }
}

/// Writes `files` all-or-nothing and removes `stale` files with them: a regular file is replaced
/// atomically (keeping its mode), a link is followed, a device or FIFO is written into. SIGINT or
/// SIGTERM during the write removes the temporary files and exits ([`crate::signals`]). An error
/// names `what` the files are (`report`, `SARIF report`).
pub fn write_files(files: &[(&Path, &[u8])], stale: &[&Path], what: &str) -> anyhow::Result<()> {
    crate::signals::remove_temporaries_on_signal()?;
    let writes = Writes::prepare(files, stale).map_err(|e| named(e, what))?;
    if let Some(ms) = std::env::var(HOLD_WRITE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    writes.commit().map_err(|e| named(e, what))?;
    Ok(())
}

/// A write error in the words of the command: `cannot write the report to out.sarif: STEP`, then
/// the cause.
fn named(error: WriteError, what: &str) -> anyhow::Error {
    let WriteError { path, step, source } = error;
    let mut message = format!("cannot write the {what} to {}", path.display());
    if !step.is_empty() {
        message.push_str(": ");
        message.push_str(&step);
    }
    anyhow::Error::new(source).context(message)
}

/// The error's message, then each cause it does not already quote: many errors say their cause
/// (`cannot read X: No such file or directory`) and also give it as their source, which would
/// say it twice.
pub fn messages(error: &anyhow::Error) -> Vec<String> {
    let mut said = String::new();
    let mut out = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !said.contains(&text) {
            said.push_str(&text);
            said.push('\n');
            out.push(text);
        }
    }
    out
}

/// [`messages`] on one line: `message: cause: cause`.
pub fn one_line(error: &anyhow::Error) -> String {
    messages(error).join(": ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_the_message_already_quotes_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let quoted =
            anyhow::Error::new(io).context("cannot use snapshot a.json: No such file or directory");
        assert_eq!(
            messages(&quoted),
            ["cannot use snapshot a.json: No such file or directory"]
        );
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let separate = anyhow::Error::new(io).context("cannot read the waiver file w.toml");
        assert_eq!(
            one_line(&separate),
            "cannot read the waiver file w.toml: No such file or directory"
        );
    }
}
