//! Where a path given to `-o` leads: a regular file (replaced by rename), or something that is
//! written into (a device, a FIFO, standard output), found by following symbolic links.

use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};

/// As many links as Linux follows before `ELOOP`.
const MAX_LINKS: usize = 40;

/// What writing to a path means.
#[derive(Debug)]
pub(crate) enum Target {
    /// This process's standard output (`/dev/stdout`, `/dev/fd/1`): written through the handle,
    /// so a `>> log` redirection appends and a pipe gets the bytes.
    Stdout,
    /// This process's standard error (`/dev/stderr`, `/dev/fd/2`).
    Stderr,
    /// Not a regular file (`/dev/null`, a FIFO, a terminal): opened and written into, never
    /// replaced. `append` for an open descriptor reached through `/proc` or `/dev/fd`, whose
    /// file may be a log the caller appends to.
    Device {
        /// The path to open.
        path: PathBuf,
        /// Open in append mode.
        append: bool,
    },
    /// A regular file, or no file yet: written to a temporary beside it and renamed over it. The
    /// path is the one symbolic links lead to, so a link stays a link.
    File {
        /// Where the file is (the end of any chain of links).
        path: PathBuf,
        /// The file there now, if any: its mode and owner are kept.
        existing: Option<Metadata>,
    },
}

/// Follows `path` to what writing it means. A directory, a block device or a socket is an
/// error; so is a loop of links.
pub(crate) fn resolve(path: &Path) -> io::Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        if let Some(stream) = standard_stream(&current) {
            return Ok(stream);
        }
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Target::File {
                    path: current,
                    existing: None,
                })
            }
            Err(e) => return Err(e),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            if is_descriptor_link(&current) {
                // `/proc/self/fd/N` reads as `pipe:[123]` or `/path (deleted)`: only the kernel
                // can open it.
                return Ok(Target::Device {
                    path: current,
                    append: true,
                });
            }
            let to = std::fs::read_link(&current)?;
            current = match current.parent() {
                Some(dir) => dir.join(to),
                None => to,
            };
            continue;
        }
        if kind.is_file() {
            return Ok(Target::File {
                path: current,
                existing: Some(meta),
            });
        }
        return refusal(&meta).map_or(
            Ok(Target::Device {
                path: current,
                append: false,
            }),
            Err,
        );
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links lead on from here (a loop?)"
    )))
}

/// Why a target that is neither a regular file nor a link cannot be written, if it cannot.
fn refusal(meta: &Metadata) -> Option<io::Error> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "it is a directory"
    } else if kind.is_block_device() {
        "it is a block device (a disk): trailguard writes reports to files, not onto disks"
    } else if kind.is_socket() {
        "it is a socket"
    } else {
        return None;
    };
    Some(io::Error::other(what))
}

/// `/dev/stdout` and the like, named directly or reached through links.
fn standard_stream(path: &Path) -> Option<Target> {
    let named = |names: &[&str]| names.iter().any(|n| path == Path::new(n));
    if named(&[
        "/dev/stdout",
        "/dev/fd/1",
        "/proc/self/fd/1",
        "/proc/thread-self/fd/1",
    ]) {
        Some(Target::Stdout)
    } else if named(&[
        "/dev/stderr",
        "/dev/fd/2",
        "/proc/self/fd/2",
        "/proc/thread-self/fd/2",
    ]) {
        Some(Target::Stderr)
    } else {
        None
    }
}

/// A link to an open file description (`/proc/PID/fd/N`, `/dev/fd/N`).
fn is_descriptor_link(path: &Path) -> bool {
    path.starts_with("/proc") || path.starts_with("/dev/fd")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_null_is_a_device_and_stdout_is_the_handle() {
        assert!(matches!(
            resolve(Path::new("/dev/null")).unwrap(),
            Target::Device { append: false, .. }
        ));
        assert!(matches!(
            resolve(Path::new("/dev/stdout")).unwrap(),
            Target::Stdout
        ));
        assert!(matches!(
            resolve(Path::new("/dev/stderr")).unwrap(),
            Target::Stderr
        ));
    }

    #[test]
    fn links_are_followed_to_the_file_or_to_where_it_will_be() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/out.json"), "old").unwrap();
        std::os::unix::fs::symlink("real/out.json", dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("link", dir.path().join("link2")).unwrap();
        std::os::unix::fs::symlink("real/new.json", dir.path().join("dangling")).unwrap();
        match resolve(&dir.path().join("link2")).unwrap() {
            Target::File {
                path,
                existing: Some(_),
            } => assert_eq!(path, dir.path().join("real/out.json")),
            other => panic!("{other:?}"),
        }
        match resolve(&dir.path().join("dangling")).unwrap() {
            Target::File {
                path,
                existing: None,
            } => assert_eq!(path, dir.path().join("real/new.json")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_loop_of_links_a_directory_and_a_socket_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        let err = resolve(&dir.path().join("a")).unwrap_err();
        assert!(err.to_string().contains("symbolic links"), "{err}");
        let err = resolve(dir.path()).unwrap_err();
        assert!(err.to_string().contains("directory"), "{err}");
        let socket = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let err = resolve(&socket).unwrap_err();
        assert!(err.to_string().contains("socket"), "{err}");
    }
}
