//! Errors reading or writing a snapshot: each names the file, and the line and column when the
//! JSON itself is at fault.

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
}

impl SnapshotError {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        SnapshotError { path: None, kind }
    }

    pub(crate) fn with_path(mut self, path: PathBuf) -> Self {
        self.path = Some(path);
        self
    }

    pub(crate) fn from_serde(error: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let syntax = matches!(error.classify(), Category::Syntax | Category::Eof);
        // serde appends " at line L column C"; the location is printed in front instead.
        let full = error.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        Self::new(ErrorKind::Json {
            line: error.line(),
            column: error.column(),
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
            _ => "cannot use snapshot",
        };
        match (&self.path, &self.kind) {
            (Some(p), ErrorKind::Json { .. }) => write!(f, "{what} {}:{}", p.display(), self.kind),
            (Some(p), _) => write!(f, "{what} {}: {}", p.display(), self.kind),
            (None, _) => write!(f, "{what}: {}", self.kind),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
