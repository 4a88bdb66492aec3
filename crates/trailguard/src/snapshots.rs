//! Reading the snapshots `eval`, `diff` and `check-config` are given: files, or `-` for standard
//! input (`trailguard collect | trailguard eval -`), with errors that explain the mistakes a file
//! from elsewhere commonly holds: a byte order mark, UTF-16, or JSON that is not an object.

use anyhow::bail;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use trailguard_snapshot::{ErrorKind, Snapshot, SnapshotError, SnapshotFile};

/// The argument that names standard input.
const STDIN_ARG: &str = "-";

/// The name standard input goes by in messages and reports (`<stdin>:12`).
pub const STDIN_NAME: &str = "<stdin>";

/// How much of a file's start is read again to explain why it is not a snapshot.
const HEAD_BYTES: u64 = 64 * 1024;

/// Whether `path` is `-`, standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_ARG
}

/// Reads every snapshot, failing on the first that cannot be read. `-` may be given once.
pub fn load_all(paths: &[PathBuf], max_bytes: u64) -> anyhow::Result<Vec<SnapshotFile>> {
    stdin_at_most_once(paths)?;
    paths.iter().map(|path| load(path, max_bytes)).collect()
}

/// An error when `-` is among `paths` more than once: standard input can be read once.
pub fn stdin_at_most_once<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
) -> anyhow::Result<()> {
    if paths.into_iter().filter(|p| is_stdin(p.as_ref())).count() > 1 {
        bail!("`-` (standard input) is given more than once, but standard input can be read once");
    }
    Ok(())
}

/// Reads one snapshot: the file `path`, or standard input for `-`, of at most `max_bytes`.
pub fn load(path: &Path, max_bytes: u64) -> anyhow::Result<SnapshotFile> {
    if is_stdin(path) {
        return from_stdin(max_bytes);
    }
    Snapshot::load_limited(path, max_bytes).map_err(|error| match head_of(path, &error.kind) {
        Some(head) => explained(error, &head, Source::File(path)),
        // Nothing to explain it with: the loader's own error.
        None => error.into(),
    })
}

/// Where a snapshot came from, for the words of an explanation.
#[derive(Clone, Copy)]
enum Source<'a> {
    File(&'a Path),
    Stdin,
}

impl Source<'_> {
    /// `a.json`, `<stdin>`.
    fn name(self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Stdin => STDIN_NAME.to_string(),
        }
    }

    /// `this file`, `standard input`.
    fn this(self) -> &'static str {
        match self {
            Source::File(_) => "this file",
            Source::Stdin => "standard input",
        }
    }

    /// How to run a command that fixes the input: `CMD a.json > fixed.json`, or in the pipe.
    fn fix(self, command: &str) -> String {
        match self {
            Source::File(path) => format!("`{command} {} > fixed.json`", path.display()),
            Source::Stdin => format!("`... | {command} | trailguard eval -`"),
        }
    }
}

/// The snapshot on standard input, read up to `max_bytes`.
fn from_stdin(max_bytes: u64) -> anyhow::Result<SnapshotFile> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        bail!(
            "`-` reads the snapshot from standard input, which is a terminal here: pipe one in \
             (`trailguard collect | trailguard eval -`) or give a file"
        );
    }
    let failed = |kind: ErrorKind| SnapshotError {
        path: Some(PathBuf::from(STDIN_NAME)),
        kind,
    };
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| failed(ErrorKind::Io(e)))?;
    if bytes.len() as u64 > max_bytes {
        return Err(failed(ErrorKind::TooLarge {
            size: None,
            limit: max_bytes,
        })
        .into());
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let error = failed(ErrorKind::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not UTF-8 text: invalid byte at offset {offset} (a snapshot is JSON in UTF-8)"
                ),
            )));
            return Err(explained(error, &bytes, Source::Stdin));
        }
    };
    match Snapshot::from_json(&text) {
        Ok(snapshot) => Ok(SnapshotFile {
            path: PathBuf::from(STDIN_NAME),
            text,
            snapshot,
        }),
        Err(mut error) => {
            error.path = Some(PathBuf::from(STDIN_NAME));
            Err(explained(error, text.as_bytes(), Source::Stdin))
        }
    }
}

/// The start of the file, when `kind` is an error its start may explain (read again: the loader
/// does not hand the text back with its error); `None` for other errors, or when it cannot be
/// read again.
fn head_of(path: &Path, kind: &ErrorKind) -> Option<Vec<u8>> {
    let worth_a_look = matches!(
        kind,
        ErrorKind::Json { .. } | ErrorKind::Version { .. } | ErrorKind::MissingVersion
    ) || matches!(kind, ErrorKind::Io(e) if e.kind() == std::io::ErrorKind::InvalidData);
    if !worth_a_look {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(HEAD_BYTES).read_to_end(&mut head))
        .ok()?;
    Some(head)
}

/// `error`, or, when the input's start shows what is wrong, an error that says that instead.
fn explained(error: SnapshotError, head: &[u8], source: Source<'_>) -> anyhow::Error {
    match explanation(&error.kind, head, source) {
        Some(text) => anyhow::anyhow!(text),
        None => error.into(),
    }
}

/// What the start of the input says about the error, when it says something.
fn explanation(kind: &ErrorKind, head: &[u8], source: Source<'_>) -> Option<String> {
    let (name, this) = (source.name(), source.this());
    let not_utf8 = matches!(kind, ErrorKind::Io(e) if e.kind() == std::io::ErrorKind::InvalidData);
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) && matches!(kind, ErrorKind::Json { .. }) {
        return Some(format!(
            "malformed JSON in snapshot {name}:1:1: {this} starts with a UTF-8 byte order mark \
             (BOM), which JSON does not allow\n  hint: save it as UTF-8 without a BOM, or remove \
             the mark: {}",
            source.fix("tail -c +4")
        ));
    }
    if (head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])) && not_utf8 {
        return Some(format!(
            "cannot use snapshot {name}: {this} is UTF-16 text (it starts with a UTF-16 byte \
             order mark), and a snapshot is JSON in UTF-8\n  hint: convert it: {}",
            source.fix("iconv -f UTF-16 -t UTF-8")
        ));
    }
    // Whatever the parser tripped on (in an array of snapshots, the second one: "trailing
    // characters"), JSON that is not an object is not a snapshot, and saying so helps more.
    let parsed = matches!(
        kind,
        ErrorKind::Json { .. } | ErrorKind::Version { .. } | ErrorKind::MissingVersion
    );
    if !parsed {
        return None;
    }
    let holds = match head.iter().find(|b| !b.is_ascii_whitespace())? {
        b'[' => "an array",
        b'"' => "a string",
        b'-' | b'0'..=b'9' => "a number",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => return None,
    };
    let several = if holds == "an array" {
        "; several snapshots are given as several files: `trailguard eval a.json b.json`"
    } else {
        ""
    };
    Some(format!(
        "not a valid snapshot {name}: the snapshot must be a JSON object; {this} holds {holds} — \
         a snapshot is the one object `trailguard collect` writes (`trailguard schema` prints \
         its format){several}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_error(syntax: bool) -> ErrorKind {
        ErrorKind::Json {
            line: 1,
            column: 1,
            message: "expected value".to_string(),
            syntax,
        }
    }

    #[test]
    fn a_byte_order_mark_is_explained() {
        let file = Source::File(Path::new("bom.json"));
        let text = explanation(
            &json_error(true),
            b"\xEF\xBB\xBF{\"schema_version\": 1}",
            file,
        );
        assert_eq!(
            text.as_deref(),
            Some(
                "malformed JSON in snapshot bom.json:1:1: this file starts with a UTF-8 byte \
                 order mark (BOM), which JSON does not allow\n  hint: save it as UTF-8 without a \
                 BOM, or remove the mark: `tail -c +4 bom.json > fixed.json`"
            )
        );
        let text = explanation(&json_error(true), b"\xEF\xBB\xBF{}", Source::Stdin).unwrap();
        assert!(
            text.contains("snapshot <stdin>:1:1: standard input starts with"),
            "{text}"
        );
        assert!(
            text.ends_with("`... | tail -c +4 | trailguard eval -`"),
            "{text}"
        );
    }

    #[test]
    fn json_that_is_not_an_object_says_what_it_is() {
        let file = Source::File(Path::new("a.json"));
        let version = ErrorKind::Version {
            found: "{}".to_string(),
        };
        for (kind, head, holds) in [
            (&version, &b"  \n[{\"schema_version\": 1}]"[..], "an array"),
            (&json_error(false), b"[]", "an array"),
            (&json_error(false), b"\"hello\"", "a string"),
            (&ErrorKind::MissingVersion, b"-1", "a number"),
            (&json_error(false), b"true", "a boolean"),
            (&json_error(false), b"null", "null"),
        ] {
            let text = explanation(kind, head, file).unwrap();
            assert!(
                text.starts_with(&format!(
                    "not a valid snapshot a.json: the snapshot must be a JSON object; this file \
                     holds {holds} — "
                )),
                "{text}"
            );
            assert_eq!(
                text.contains("trailguard eval a.json b.json"),
                holds == "an array"
            );
        }
        // Even when the parser stopped at a syntax error (an array of two snapshots is
        // "trailing characters" after the first).
        assert!(explanation(&json_error(true), b"[{}, {}]", file)
            .is_some_and(|text| text.contains("holds an array")));
        // A syntax error in an object is the parser's to explain; so is text that is not JSON.
        assert_eq!(explanation(&json_error(true), b"{\"a\": ,}", file), None);
        assert_eq!(explanation(&json_error(false), b"{\"a\": 1}", file), None);
        assert_eq!(explanation(&json_error(true), b"<html>", file), None);
    }
}
