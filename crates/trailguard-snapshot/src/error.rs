//! Errors reading or writing a snapshot: each names the file, and the line and column when the
//! JSON itself is at fault.

use crate::limits::{MAX_NESTING, MAX_STRING_BYTES};
use std::fmt;
use std::path::PathBuf;

/// Why a snapshot could not be read or written.
#[derive(Debug)]
pub struct SnapshotError {
    /// The file, when there is one.
    pub path: Option<PathBuf>,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// The kinds of [`SnapshotError`].
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// The text is not JSON, or not a snapshot.
    #[error("{line}:{column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde said.
        message: String,
        /// True for a syntax error, false for valid JSON of the wrong shape.
        syntax: bool,
    },
    /// The snapshot is of another format version.
    #[error(
        "schema_version {found} is not supported: this trailguard reads schema_version {expected}; \
         re-collect the snapshot with this version, or evaluate it with the trailguard that wrote it",
        expected = crate::SCHEMA_VERSION
    )]
    Version {
        /// The version found, as JSON.
        found: String,
    },
    /// No `schema_version` at the top level.
    #[error(
        "no schema_version: is this a trailguard snapshot? (`trailguard schema` prints the format)"
    )]
    MissingVersion,
    /// The snapshot could not be written as JSON (serde_json failed): nothing is written rather
    /// than an empty or partial text.
    #[error("serialising to JSON failed: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The file is larger than the limit ([`crate::MAX_SNAPSHOT_BYTES`] unless raised); it was not
    /// read (or, when its size was not known in advance, reading stopped just past the limit).
    #[error(
        "{}\n  hint: collect a large \
         organisation in shards (`trailguard accounts --format matrix`, one `collect` per shard) \
         and evaluate the shards together: `trailguard eval a.json b.json ...` merges them; or, \
         with about 12 bytes of memory for each byte of snapshot, raise the limit with \
         --max-snapshot-size",
        too_large(*size, *limit)
    )]
    TooLarge {
        /// The file's size from its metadata; `None` for a stream (a pipe, a device) read up to
        /// the limit.
        size: Option<u64>,
        /// The limit it is over, in bytes.
        limit: u64,
    },
    /// Arrays and objects nest deeper than [`MAX_NESTING`] levels.
    #[error(
        "{line}:{column}: arrays and objects nest more than {MAX_NESTING} levels deep here, \
         trailguard's limit (counted from the top of the file)\n  hint: AWS's own documents nest \
         a handful of levels; this file was not written by `trailguard collect`, or was altered"
    )]
    TooDeep {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A string longer than [`MAX_STRING_BYTES`].
    #[error(
        "{line}:{column}: a string of {length} bytes, more than the {limit} a snapshot string may \
         hold\n  hint: AWS's names, ARNs, tags and messages are far shorter; this file was not \
         written by `trailguard collect`, or was altered",
        length = thousands(*length as u64),
        limit = human_bytes(MAX_STRING_BYTES as u64)
    )]
    LongString {
        /// 1-based line of the opening quote.
        line: usize,
        /// 1-based column of the opening quote.
        column: usize,
        /// Its length in bytes of JSON text.
        length: usize,
    },
}

/// What [`ErrorKind::TooLarge`] says first.
fn too_large(size: Option<u64>, limit: u64) -> String {
    let limit = human_bytes(limit);
    match size {
        Some(bytes) => format!(
            "the file is {}, more than the {limit} a snapshot file may hold",
            human_bytes(bytes)
        ),
        None => format!("the input goes on past the {limit} a snapshot file may hold"),
    }
}

/// `1,073,741,824 bytes (1.0 GiB)`; `268,435,456 bytes (256 MiB)`; `24,068 bytes (23.5 KiB)`;
/// `1,000 bytes`.
fn human_bytes(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    let in_unit = |size: u64, name: &str| {
        if bytes % size == 0 {
            format!("{} {name}", bytes / size)
        } else {
            format!("{:.1} {name}", bytes as f64 / size as f64)
        }
    };
    let unit = if bytes >= 1024 * MIB {
        format!("{:.1} GiB", bytes as f64 / (1024 * MIB) as f64)
    } else if bytes >= MIB {
        in_unit(MIB, "MiB")
    } else if bytes >= KIB {
        in_unit(KIB, "KiB")
    } else {
        return format!("{} bytes", thousands(bytes));
    };
    format!("{} bytes ({unit})", thousands(bytes))
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl SnapshotError {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        SnapshotError { path: None, kind }
    }

    pub(crate) fn with_path(mut self, path: PathBuf) -> Self {
        self.path = Some(path);
        self
    }

    pub(crate) fn serialize(error: serde_json::Error) -> Self {
        Self::new(ErrorKind::Serialize(error))
    }

    pub(crate) fn from_serde(error: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let syntax = matches!(error.classify(), Category::Syntax | Category::Eof);
        // serde_json says only "recursion limit exceeded" when nesting passes its limit.
        if syntax && error.to_string().starts_with("recursion limit exceeded") {
            return Self::new(ErrorKind::TooDeep {
                line: error.line(),
                column: error.column(),
            });
        }
        // serde appends " at line L column C"; the location is printed in front instead.
        let full = error.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        Self::new(ErrorKind::Json {
            // serde_json says line 1, column 0 for an empty file, and column 0 right after a
            // newline at the end; editors count columns from 1 (found by fuzzing).
            line: error.line().max(1),
            column: error.column().max(1),
            message,
            syntax,
        })
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            ErrorKind::Json { syntax: true, .. } => "malformed JSON in snapshot",
            ErrorKind::Json { syntax: false, .. } => "not a valid snapshot",
            ErrorKind::TooDeep { .. } => "snapshot nested too deeply",
            ErrorKind::LongString { .. } => "string too long in snapshot",
            ErrorKind::TooLarge { .. } => "snapshot too large",
            ErrorKind::Serialize(_) => "cannot write snapshot",
            _ => "cannot use snapshot",
        };
        match (&self.path, &self.kind) {
            (
                Some(p),
                ErrorKind::Json { .. } | ErrorKind::TooDeep { .. } | ErrorKind::LongString { .. },
            ) => write!(f, "{what} {}:{}", p.display(), self.kind),
            (Some(p), _) => write!(f, "{what} {}: {}", p.display(), self.kind),
            (None, _) => write!(f, "{what}: {}", self.kind),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Serialize(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_SNAPSHOT_BYTES;

    #[test]
    fn sizes_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_073_741_824), "1,073,741,824");
        assert_eq!(human_bytes(1 << 30), "1,073,741,824 bytes (1.0 GiB)");
        assert_eq!(
            human_bytes(MAX_SNAPSHOT_BYTES),
            "268,435,456 bytes (256 MiB)"
        );
        assert_eq!(human_bytes(1_500_000), "1,500,000 bytes (1.4 MiB)");
        assert_eq!(human_bytes(1_048_576), "1,048,576 bytes (1 MiB)");
        assert_eq!(human_bytes(24_068), "24,068 bytes (23.5 KiB)");
        assert_eq!(human_bytes(1_024), "1,024 bytes (1 KiB)");
        assert_eq!(human_bytes(1_000), "1,000 bytes");
    }
}
