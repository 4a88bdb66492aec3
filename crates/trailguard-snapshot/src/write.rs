//! Writing output files (`-o`, `--snapshot-out`): a reader sees the old file or the new one, never
//! half of one; a device is written into, never replaced; several files are all-or-nothing.
//!
//! - A regular file (or none yet) is written to a temporary file beside it and renamed over it.
//!   A new file gets the usual mode (0666 less the umask); an existing one keeps its mode (and
//!   its owner, where the writer may give it away).
//! - A symbolic link is followed: the file it leads to is replaced, the link stays.
//! - Anything else that can be opened for writing (`/dev/null`, `/dev/stdout`, a FIFO, a
//!   terminal) is opened and written into. A directory, a block device or a socket is an error.
//! - [`Writes`] of several files (split SARIF) first writes every temporary, then renames them
//!   all; when any step fails, the files are put back as they were and no temporary remains.
//! - The temporaries are registered while they exist: a signal handler removes them with
//!   [`discard_unfinished_writes`].

mod target;
mod unfinished;

pub use unfinished::{discard_unfinished_writes, Discarded};

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use target::Target;
use tempfile::TempPath;
use unfinished::Unfinished;

/// A file could not be written. Nothing was changed, unless the message says otherwise.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}{}", path.display(), if step.is_empty() { String::new() } else { format!(": {step}") })]
pub struct WriteError {
    /// The file asked for (as given on the command line).
    pub path: PathBuf,
    /// What was being done, or empty when the cause says it all.
    pub step: String,
    /// Why it failed.
    #[source]
    pub source: io::Error,
}

impl WriteError {
    fn new(path: &Path, step: impl Into<String>, source: io::Error) -> Self {
        WriteError {
            path: path.to_path_buf(),
            step: step.into(),
            source,
        }
    }
}

/// Writes `contents` to `path` (see the [module](self)): atomically when it is a regular file,
/// into it when it is a device, FIFO or standard output. Missing parent directories of a new
/// file are created (`-o reports/trailguard.sarif` in a fresh CI checkout).
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    Writes::prepare(&[(path, contents)], &[])?.commit()
}

/// One file of a [`Writes`], ready to be put in place.
enum Prepared<'a> {
    /// Written into at commit.
    Stream {
        asked: &'a Path,
        target: Target,
        contents: &'a [u8],
    },
    /// Written to `temp`, renamed over `path` at commit.
    Renamed {
        asked: &'a Path,
        path: PathBuf,
        temp: Unfinished,
        existed: bool,
    },
}

/// Files written all-or-nothing: [`Writes::prepare`] writes every file's temporary (nothing a
/// reader sees changes), [`Writes::commit`] renames them into place and removes stale files.
pub struct Writes<'a> {
    files: Vec<Prepared<'a>>,
    stale: Vec<&'a Path>,
}

impl<'a> Writes<'a> {
    /// Writes the temporary of each of `files`, and checks that each of `stale` (files to remove
    /// at commit, as an earlier run's parts that this run does not write) is a file or a link.
    ///
    /// A device or standard output can only be written alone: with more than one file, or stale
    /// files, every target must be a regular file (or none yet), since only renames can be
    /// undone.
    pub fn prepare(files: &[(&'a Path, &'a [u8])], stale: &[&'a Path]) -> Result<Self, WriteError> {
        let mut targets = Vec::with_capacity(files.len());
        for &(asked, contents) in files {
            let target = target::resolve(asked).map_err(|e| WriteError::new(asked, "", e))?;
            targets.push((asked, contents, target));
        }
        let together = files.len() + stale.len() > 1;
        let mut seen: Vec<&Path> = Vec::new();
        for (asked, _, target) in &targets {
            match target {
                Target::File { path, .. } => {
                    if let Some(other) = seen.iter().find(|p| **p == path.as_path()) {
                        return Err(WriteError::new(
                            asked,
                            format!("it leads to {}, as another output does", other.display()),
                            io::Error::from(io::ErrorKind::AlreadyExists),
                        ));
                    }
                    seen.push(path);
                }
                _ if together => {
                    return Err(WriteError::new(
                        asked,
                        "it is not a regular file, and several files are written all-or-nothing \
                         (only files renamed into place can be undone)",
                        io::Error::from(io::ErrorKind::InvalidInput),
                    ))
                }
                _ => {}
            }
        }
        for &path in stale {
            let meta = std::fs::symlink_metadata(path)
                .map_err(|e| WriteError::new(path, "cannot remove this stale file", e))?;
            if !(meta.is_file() || meta.file_type().is_symlink()) {
                return Err(WriteError::new(
                    path,
                    "it is left from an earlier run but is not a file; remove it",
                    io::Error::from(io::ErrorKind::InvalidInput),
                ));
            }
        }
        let mut prepared = Vec::with_capacity(targets.len());
        for (asked, contents, target) in targets {
            prepared.push(match target {
                Target::File { path, existing } => Prepared::Renamed {
                    asked,
                    temp: temporary(asked, &path, existing.as_ref(), contents)?,
                    existed: existing.is_some(),
                    path,
                },
                target => Prepared::Stream {
                    asked,
                    target,
                    contents,
                },
            });
        }
        Ok(Writes {
            files: prepared,
            stale: stale.to_vec(),
        })
    }

    /// Puts every file in place and removes the stale ones; when a step fails, what was done is
    /// undone and the error returned. A signal handler ([`discard_unfinished_writes`]) waits for
    /// this to finish.
    pub fn commit(mut self) -> Result<(), WriteError> {
        // A device, FIFO or standard stream is written alone (see `prepare`), and may block (a
        // FIFO waits for its reader): written without the lock, so a signal still ends the
        // process.
        if let [Prepared::Stream { .. }] = self.files.as_slice() {
            if let Some(Prepared::Stream {
                asked,
                target,
                contents,
            }) = self.files.pop()
            {
                return write_into(&target, contents)
                    .map_err(|e| WriteError::new(asked, "cannot write into it", e));
            }
        }
        let _commit = unfinished::commit_lock();
        let together = self.files.len() + self.stale.len() > 1;
        let mut undo = Undo::default();
        let result = self.put_in_place(together, &mut undo);
        match result {
            Ok(()) => undo.forget().map_err(|(path, e)| {
                WriteError::new(
                    &path,
                    "written, but the old copy kept aside until then cannot be removed",
                    e,
                )
            }),
            Err(error) => {
                let failures = undo.roll_back();
                Err(match failures.as_slice() {
                    [] => error,
                    _ => WriteError::new(
                        &error.path,
                        format!(
                            "{}: {}; and undoing what was done failed: {}",
                            error.step,
                            error.source,
                            failures.join("; ")
                        ),
                        io::Error::other("some files may be new and others old"),
                    ),
                })
            }
        }
    }

    fn put_in_place(self, together: bool, undo: &mut Undo) -> Result<(), WriteError> {
        // Keep the files about to change under a second name first, so they can be put back.
        for file in &self.files {
            if let Prepared::Renamed {
                asked,
                path,
                existed: true,
                ..
            } = file
            {
                if together {
                    let copy = keep_aside(path).map_err(|e| {
                        WriteError::new(asked, format!("cannot keep {} aside", path.display()), e)
                    })?;
                    undo.replaced.push((path.clone(), copy));
                }
            }
        }
        for file in self.files {
            match file {
                Prepared::Stream {
                    asked,
                    target,
                    contents,
                } => write_into(&target, contents)
                    .map_err(|e| WriteError::new(asked, "cannot write into it", e))?,
                Prepared::Renamed {
                    asked,
                    path,
                    temp,
                    existed,
                } => {
                    temp.persist(&path).map_err(|e| {
                        WriteError::new(asked, format!("cannot rename over {}", path.display()), e)
                    })?;
                    if !existed {
                        undo.created.push(path);
                    }
                }
            }
        }
        for path in self.stale {
            let copy = keep_aside(path).map_err(|e| {
                WriteError::new(path, "cannot keep this stale file aside to remove it", e)
            })?;
            undo.removed.push((path.to_path_buf(), copy));
            std::fs::remove_file(path)
                .map_err(|e| WriteError::new(path, "cannot remove this stale file", e))?;
        }
        Ok(())
    }
}

/// What a commit did, to undo it when a later step fails.
#[derive(Default)]
struct Undo {
    /// Files replaced, and a link to their old contents.
    replaced: Vec<(PathBuf, TempPath)>,
    /// Files that did not exist before.
    created: Vec<PathBuf>,
    /// Stale files removed, and a link to them.
    removed: Vec<(PathBuf, TempPath)>,
}

impl Undo {
    /// Success: the old contents go. Fails naming a link to them that cannot be removed.
    fn forget(self) -> Result<(), (PathBuf, io::Error)> {
        for (_, copy) in self.replaced.into_iter().chain(self.removed) {
            let path = copy.to_path_buf();
            copy.close().map_err(|e| (path, e))?;
        }
        Ok(())
    }

    /// Puts everything back; returns what could not be.
    fn roll_back(self) -> Vec<String> {
        let mut failures = Vec::new();
        for path in self.created {
            if let Err(e) = std::fs::remove_file(&path) {
                failures.push(format!("cannot remove {}: {e}", path.display()));
            }
        }
        for (path, copy) in self.replaced.into_iter().chain(self.removed) {
            if let Err(e) = std::fs::rename(&copy, &path) {
                failures.push(format!(
                    "cannot put {} back from {}: {e}",
                    path.display(),
                    copy.display()
                ));
                // Kept: it is the only copy left of the old file.
                let _kept = copy.keep();
            }
        }
        failures
    }
}

/// A second name (a hard link, `.trailguard-XXXX.old` in the same directory) for the file at
/// `path`, removed when dropped. A link to a link is a link: `path` itself is never followed.
fn keep_aside(path: &Path) -> io::Result<TempPath> {
    let dir = parent(path);
    let aside = tempfile::Builder::new()
        .prefix(".trailguard-")
        .suffix(".old")
        .make_in(dir, |name| std::fs::hard_link(path, name))?;
    Ok(aside.into_temp_path())
}

/// The directory of `path`, `.` for a bare name.
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Writes `contents` to a temporary beside `path`, with the mode (and owner) of the file there,
/// or the usual mode of a new file.
fn temporary(
    asked: &Path,
    path: &Path,
    existing: Option<&std::fs::Metadata>,
    contents: &[u8],
) -> Result<Unfinished, WriteError> {
    use std::os::unix::fs::MetadataExt;
    let dir = parent(path);
    let fail = |step: &str, e| WriteError::new(asked, format!("{step} {}", dir.display()), e);
    if existing.is_none() {
        std::fs::create_dir_all(dir).map_err(|e| fail("cannot create the directory", e))?;
    }
    // A new file: 0666 less the umask, as `open(2)` makes it. Over an existing file, private
    // until its own mode is set, before any byte is written.
    let mode = if existing.is_some() { 0o600 } else { 0o666 };
    let temp =
        Unfinished::create(dir, mode).map_err(|e| fail("cannot create a temporary file in", e))?;
    let step = |e| fail("cannot write a temporary file in", e);
    let file = temp.file().map_err(step)?;
    if let Some(old) = existing {
        let meta = file.metadata().map_err(step)?;
        if (meta.uid(), meta.gid()) != (old.uid(), old.gid()) {
            match std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())) {
                // Only root may give a file away: anyone else's replacement is their own, as
                // with any editor's save.
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
                other => other.map_err(step)?,
            }
        }
        file.set_permissions(old.permissions()).map_err(step)?;
    }
    let mut writer = file;
    writer.write_all(contents).map_err(step)?;
    file.sync_all().map_err(step)?;
    Ok(temp)
}

/// Writes into a device, FIFO or standard stream. A closed pipe on standard output is not an
/// error (`| head`), as when no `-o` is given.
fn write_into(target: &Target, contents: &[u8]) -> io::Result<()> {
    let result = match target {
        Target::Stdout => {
            let mut out = io::stdout().lock();
            out.write_all(contents).and_then(|()| out.flush())
        }
        Target::Stderr => {
            let mut err = io::stderr().lock();
            err.write_all(contents).and_then(|()| err.flush())
        }
        Target::Device { path, append } => std::fs::OpenOptions::new()
            .write(true)
            .append(*append)
            .open(path)
            .and_then(|mut f| f.write_all(contents).and_then(|()| f.flush())),
        Target::File { .. } => Err(io::Error::other("a regular file is renamed into place")),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe && matches!(target, Target::Stdout) => {
            Ok(())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Mutex;

    /// The registry of temporaries is global, and one test of it discards them all: the tests
    /// that write take turns.
    pub(crate) static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out.json"]);
    }

    #[test]
    fn missing_directories_are_created() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports").join("new").join("out.json");
        write_file(&path, b"x").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "x");
    }

    #[test]
    fn a_parent_that_is_a_file_is_an_error_naming_the_file() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "").unwrap();
        let path = dir.path().join("file").join("out.json");
        let err = write_file(&path, b"x").unwrap_err();
        assert!(err.to_string().contains("out.json"), "{err}");
    }

    #[test]
    fn every_output_was_written_0600_now_an_existing_file_keeps_its_mode() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sarif");
        std::fs::write(&path, "old").unwrap();
        for wanted in [0o644, 0o640, 0o664, 0o600] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(wanted)).unwrap();
            write_file(&path, b"new").unwrap();
            assert_eq!(mode(&path), wanted);
        }
    }

    #[test]
    fn a_symlink_stays_a_link_to_the_new_file() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("real.json"), "old").unwrap();
        std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).unwrap();
        write_file(&dir.path().join("link.json"), b"new").unwrap();
        let link = std::fs::symlink_metadata(dir.path().join("link.json")).unwrap();
        assert!(link.file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("real.json")).unwrap(),
            "new"
        );
        assert_eq!(names(dir.path()), ["link.json", "real.json"]);
    }

    #[test]
    fn a_failed_rename_puts_every_file_back_and_leaves_no_temporary() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("out.sarif");
        let two = dir.path().join("out-2.sarif");
        let three = dir.path().join("out-3.sarif");
        let stale = dir.path().join("out-4.sarif");
        std::fs::write(&one, "old 1").unwrap();
        std::fs::write(&stale, "old 4").unwrap();
        let files: [(&Path, &[u8]); 3] = [(&one, b"new 1"), (&two, b"new 2"), (&three, b"new 3")];
        let writes = Writes::prepare(&files, &[&stale]).unwrap();
        // After the temporaries are written, part 3's name becomes a directory that is not
        // empty: its rename fails, after parts 1 and 2 are in place.
        std::fs::create_dir(&three).unwrap();
        std::fs::write(three.join("keep"), "").unwrap();
        let err = writes.commit().unwrap_err();
        assert!(err.to_string().contains("out-3.sarif"), "{err}");
        assert_eq!(std::fs::read_to_string(&one).unwrap(), "old 1");
        assert!(!two.exists());
        assert_eq!(std::fs::read_to_string(&stale).unwrap(), "old 4");
        assert_eq!(
            names(dir.path()),
            ["out-3.sarif", "out-4.sarif", "out.sarif"]
        );
    }

    #[test]
    fn a_commit_replaces_all_and_removes_the_stale_parts() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("out.sarif");
        let two = dir.path().join("out-2.sarif");
        let stale = dir.path().join("out-3.sarif");
        for p in [&one, &two, &stale] {
            std::fs::write(p, "old").unwrap();
        }
        let files: [(&Path, &[u8]); 2] = [(&one, b"new 1"), (&two, b"new 2")];
        Writes::prepare(&files, &[&stale])
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(std::fs::read_to_string(&one).unwrap(), "new 1");
        assert_eq!(std::fs::read_to_string(&two).unwrap(), "new 2");
        assert_eq!(names(dir.path()), ["out-2.sarif", "out.sarif"]);
    }

    #[test]
    fn several_files_must_all_be_files() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("out.sarif");
        let files: [(&Path, &[u8]); 2] = [(&one, b"1"), (Path::new("/dev/null"), b"2")];
        let err = Writes::prepare(&files, &[]).err().unwrap();
        assert!(err.to_string().contains("/dev/null"), "{err}");
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }
}
