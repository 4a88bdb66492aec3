//! Where findings point: the line of their resource in the snapshot file that holds it.

use crate::{EngineError, Evaluation, Finding, PolicyEngine};
use std::collections::HashMap;
use std::path::Path;
use trailguard_snapshot::{SnapshotFile, SourceIndex};

impl PolicyEngine {
    /// Evaluates snapshot files together (merged, so resources in one resolve references from
    /// another) and points every finding at the line of its resource in the file that holds it.
    /// `root` is the directory SARIF URIs are relative to. The order of `files` does not matter:
    /// they are taken in URI order (a resource two files key points into the first), and
    /// `snapshots` lists them so.
    pub fn evaluate_files(
        &self,
        files: &[SnapshotFile],
        root: &Path,
    ) -> Result<Evaluation, EngineError> {
        let merged;
        let snapshot = match files {
            [one] => &one.snapshot,
            _ => {
                merged =
                    trailguard_snapshot::merge(files.iter().map(|f| f.snapshot.clone()).collect())
                        .map_err(EngineError::Merge)?;
                &merged
            }
        };
        let crate::Run {
            mut findings,
            prints,
            profile,
        } = self.run_snapshot(snapshot)?;
        // The files in URI order, so the report does not depend on the order they were given in.
        let mut ordered: Vec<(String, &SnapshotFile)> = files
            .iter()
            .map(|f| (relative_uri(&f.path, root), f))
            .collect();
        ordered.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unlocated: Vec<usize> = (0..findings.len()).collect();
        // Several files may hold a resource, in different copies (read at different times, or
        // with different gaps): a finding points into the first file holding the copy the merge
        // kept and the rules judged, not into a copy it dropped.
        if files.len() > 1 {
            // An account's findings share one comparison of the account (its IAM can be large):
            // the first two steps of a resource's path name its account, trail, bucket or key.
            let mut same: HashMap<(usize, Vec<String>), bool> = HashMap::new();
            for (n, (uri, file)) in ordered.iter().enumerate() {
                let kept: Vec<usize> = unlocated
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let resource = &findings[i].resource;
                        let Some(mut unit) = file.snapshot.resource_path(resource) else {
                            return false;
                        };
                        unit.truncate(2);
                        *same
                            .entry((n, unit))
                            .or_insert_with(|| file.snapshot.holds_copy_of(snapshot, resource))
                    })
                    .collect();
                if !kept.is_empty() {
                    let index = file.locate(kept.iter().map(|&i| findings[i].resource.as_str()));
                    place(&mut findings, &mut unlocated, uri, &index);
                }
            }
        }
        // Otherwise into the first file that keys its resource; failing that, the first file
        // that mentions it.
        for keyed in [true, false] {
            for (uri, file) in &ordered {
                if unlocated.is_empty() {
                    break;
                }
                let resources = unlocated.iter().map(|&i| findings[i].resource.as_str());
                let index = if keyed {
                    file.locate(resources)
                } else {
                    file.search(resources)
                };
                place(&mut findings, &mut unlocated, uri, &index);
            }
        }
        for finding in &mut findings {
            finding.account = snapshot.resource_account(&finding.resource);
        }
        Ok(Evaluation {
            rules: self.rules(),
            findings,
            gaps: snapshot.gaps.clone(),
            snapshots: ordered.into_iter().map(|(uri, _)| uri).collect(),
            accounts: snapshot.accounts.keys().cloned().collect(),
            prints,
            profile,
            ..Evaluation::default()
        })
    }
}

/// Points the findings among `unlocated` that `index` finds at their line in `uri`, and drops
/// them from `unlocated`.
fn place(findings: &mut [Finding], unlocated: &mut Vec<usize>, uri: &str, index: &SourceIndex) {
    unlocated.retain(|&i| match index.line(&findings[i].resource) {
        Some(line) => {
            findings[i].location = Some(crate::SourceLocation {
                uri: uri.to_string(),
                line,
            });
            false
        }
        None => true,
    });
}

/// `path` relative to `root` with forward slashes, as SARIF wants: `inputs/demo.json` below the
/// root, `../snapshots/demo.json` beside it (`..` segments, never a bare absolute path, which
/// SARIF validators reject (SARIF1004) and GitHub cannot place). Only when no relative path
/// exists (another drive on Windows) is it an absolute `file:` URI, `file:///C:/...`.
///
/// Both are made absolute first (symbolic links resolved, so `/tmp` and `/private/tmp` agree);
/// a path that does not exist (yet) is resolved as far as its parent directory.
pub fn relative_uri(path: &Path, root: &Path) -> String {
    use std::path::{Component, PathBuf};
    fn absolute(p: &Path) -> PathBuf {
        if let Ok(full) = std::fs::canonicalize(p) {
            return full;
        }
        match (p.parent(), p.file_name()) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => absolute(dir).join(name),
            _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
        }
    }
    let text = |c: &Component<'_>| c.as_os_str().to_string_lossy().into_owned();
    let full = absolute(path);
    let base = absolute(root);
    let (full_parts, base_parts): (Vec<Component<'_>>, Vec<Component<'_>>) =
        (full.components().collect(), base.components().collect());
    let root_of = |parts: &[Component<'_>]| {
        parts
            .iter()
            .take_while(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
            .count()
    };
    let (full_root, base_root) = (root_of(&full_parts), root_of(&base_parts));
    if full_root == 0 || full_parts[..full_root] != base_parts[..base_root] {
        // No common root (another drive), or no absolute form at all: an absolute URI.
        let parts: Vec<String> = full_parts
            .iter()
            .filter(|c| !matches!(c, Component::RootDir))
            .map(text)
            .collect();
        return match full_root {
            0 => parts.join("/"),
            _ => format!("file:///{}", parts.join("/")),
        };
    }
    let common = full_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); base_parts.len() - common];
    parts.extend(full_parts[common..].iter().map(text));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::relative_uri;
    use std::path::Path;

    #[test]
    fn sarif_uri_for_a_snapshot_outside_the_root_was_a_bare_absolute_path() {
        // Regression: `/tmp/s.json` (and once `//tmp/s.json`) outside the root; SARIF1004.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("inputs")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::fs::write(dir.path().join("elsewhere/s.json"), "{}").unwrap();
        std::fs::write(root.join("inputs/demo.json"), "{}").unwrap();
        assert_eq!(
            relative_uri(&dir.path().join("elsewhere/s.json"), &root),
            "../elsewhere/s.json"
        );
        assert_eq!(
            relative_uri(&root.join("inputs/demo.json"), &root),
            "inputs/demo.json"
        );
        // Through a `..` and a file that does not exist yet (scan's unsaved snapshot).
        assert_eq!(
            relative_uri(&root.join("../elsewhere/new.json"), &root),
            "../elsewhere/new.json"
        );
        // Far away: as many `..` as the root is deep, never a leading slash.
        let far = relative_uri(Path::new("/nonexistent/s.json"), &root);
        assert!(
            far.starts_with("../") && far.ends_with("/nonexistent/s.json"),
            "{far}"
        );
        assert!(!far.contains("//"), "{far}");
    }
}
