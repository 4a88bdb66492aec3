//! The temporary files of writes under way, so that a signal handler can remove them before the
//! process exits.
//!
//! Two locks. [`LIVE`] holds the paths: a temporary is created and registered (or removed and
//! forgotten, or renamed into place and forgotten) under it, so it is never on disk unregistered.
//! [`COMMIT`] is held while a set of files is renamed into place: a handler waits for it, so a
//! set is never left half renamed.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use tempfile::NamedTempFile;

/// The paths of the temporary files that exist now.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Held while files are renamed into place.
static COMMIT: Mutex<()> = Mutex::new(());

/// A lock whose holder panicked is still a lock: the data (a list of paths) stays usable.
fn lock<T>(mutex: &'static Mutex<T>) -> MutexGuard<'static, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Held while files are renamed into place; see [`discard_unfinished_writes`].
pub(crate) fn commit_lock() -> MutexGuard<'static, ()> {
    lock(&COMMIT)
}

/// A temporary file beside its target, registered while it exists; removed when dropped.
pub(crate) struct Unfinished {
    file: Option<NamedTempFile>,
}

impl Unfinished {
    /// Creates a temporary in `dir` with `mode` (less the umask, as for any new file).
    pub(crate) fn create(dir: &Path, mode: u32) -> io::Result<Unfinished> {
        use std::os::unix::fs::PermissionsExt;
        let mut live = lock(&LIVE);
        let file = tempfile::Builder::new()
            .prefix(".trailguard-")
            .suffix(".tmp")
            .permissions(std::fs::Permissions::from_mode(mode))
            .tempfile_in(dir)?;
        live.push(file.path().to_path_buf());
        Ok(Unfinished { file: Some(file) })
    }

    /// The open file.
    pub(crate) fn file(&self) -> io::Result<&File> {
        self.file
            .as_ref()
            .map(NamedTempFile::as_file)
            .ok_or_else(gone)
    }

    /// Its path.
    #[cfg(test)]
    pub(crate) fn path(&self) -> io::Result<&Path> {
        self.file.as_ref().map(NamedTempFile::path).ok_or_else(gone)
    }

    /// Renames it over `target`. On failure it is still there, and still registered.
    pub(crate) fn persist(mut self, target: &Path) -> io::Result<()> {
        let mut live = lock(&LIVE);
        let file = self.file.take().ok_or_else(gone)?;
        let path = file.path().to_path_buf();
        match file.persist(target) {
            Ok(_) => {
                live.retain(|p| *p != path);
                Ok(())
            }
            Err(e) => {
                self.file = Some(e.file);
                Err(e.error)
            }
        }
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut live = lock(&LIVE);
            let path = file.path().to_path_buf();
            // Removed here, under the lock; a failure leaves it registered for a handler.
            if file.close().is_ok() {
                live.retain(|p| *p != path);
            }
        }
    }
}

fn gone() -> io::Error {
    io::Error::other("the temporary file was already renamed")
}

/// What [`discard_unfinished_writes`] did.
#[derive(Debug)]
pub struct Discarded {
    /// Temporary files removed.
    pub removed: Vec<PathBuf>,
    /// Temporary files that could not be removed, and why.
    pub failed: Vec<(PathBuf, io::Error)>,
    _commit: MutexGuard<'static, ()>,
    _live: MutexGuard<'static, Vec<PathBuf>>,
}

/// For a handler of SIGINT or SIGTERM that is about to exit: removes the temporary file of every
/// write under way, and keeps holding the locks, so that no write starts, and none completes,
/// before the process exits. A set of files being renamed into place is first finished (it takes
/// no time), so the targets are all old or all new.
///
/// Call it from a thread that is not writing (a signal-handling thread): the calling thread
/// must not hold the locks already.
pub fn discard_unfinished_writes() -> Discarded {
    let commit = lock(&COMMIT);
    let mut live = lock(&LIVE);
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for path in live.drain(..) {
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => failed.push((path, e)),
        }
    }
    Discarded {
        removed,
        failed,
        _commit: commit,
        _live: live,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Registered while it exists, removed and forgotten when dropped or discarded; renamed and
    /// forgotten when persisted. One test: the registry is global.
    #[test]
    fn temporaries_are_registered_exactly_while_they_exist() {
        let _serial = super::super::tests::SERIAL
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let dir = tempfile::tempdir().unwrap();
        let registered = |p: &Path| lock(&LIVE).iter().any(|l| l == p);

        let dropped = Unfinished::create(dir.path(), 0o600).unwrap();
        let path = dropped.path().unwrap().to_path_buf();
        assert!(registered(&path) && path.exists());
        drop(dropped);
        assert!(!registered(&path) && !path.exists());

        let kept = Unfinished::create(dir.path(), 0o600).unwrap();
        let path = kept.path().unwrap().to_path_buf();
        kept.persist(&dir.path().join("out")).unwrap();
        assert!(!registered(&path) && !path.exists());
        assert!(dir.path().join("out").exists());

        let interrupted = Unfinished::create(dir.path(), 0o600).unwrap();
        let path = interrupted.path().unwrap().to_path_buf();
        let discarded = discard_unfinished_writes();
        assert!(discarded.removed.contains(&path), "{discarded:?}");
        assert!(!path.exists());
        drop(discarded);
        assert!(!registered(&path));
        drop(interrupted);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
