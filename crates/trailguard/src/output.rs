//! Writing results: to standard output, or atomically to a file; and colour decisions.

use crate::cli::ColorArg;
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes `text` to `path` atomically, or to standard output. A closed pipe (`| head`) is not an
/// error.
pub fn emit(text: &str, path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(path) => trailguard_snapshot::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
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
