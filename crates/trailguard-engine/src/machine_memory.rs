//! How much memory this process may use: the machine's physical memory, or less when its
//! control group (a container) is given less. The default memory limit is a fraction of it.

use std::path::Path;

/// The memory limit when the machine's memory cannot be read (not Linux): 8 GiB.
pub(crate) const FALLBACK_MEMORY_LIMIT: u64 = 8 << 30;

/// The default memory limit: three quarters of the memory this process may use, so that a
/// runaway rule is stopped with an error naming it before the system kills the process; 8 GiB
/// where that memory cannot be read. Read once.
pub(crate) fn default_memory_limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        usable_memory(Path::new("/"))
            .map_or(FALLBACK_MEMORY_LIMIT, |bytes| bytes / 4 * 3)
            .max(1)
    })
}

/// The smaller of the physical memory (`MemTotal` in `/proc/meminfo`) and the memory limits of
/// this process's cgroup (v2) and its ancestors, under `root` (`/` outside tests).
fn usable_memory(root: &Path) -> Option<u64> {
    let physical = std::fs::read_to_string(root.join("proc/meminfo"))
        .ok()
        .and_then(|text| mem_total(&text));
    let cgroup = std::fs::read_to_string(root.join("proc/self/cgroup"))
        .ok()
        .and_then(|text| cgroup_limit(root, &text));
    match (physical, cgroup) {
        (Some(p), Some(c)) => Some(p.min(c)),
        (p, c) => p.or(c),
    }
}

/// `MemTotal:  24576000 kB` in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line
        .trim_start_matches("MemTotal:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

/// The smallest memory limit of this process's cgroup and its ancestors: `memory.max` under
/// cgroup v2 (the `0::/path` line of `/proc/self/cgroup`), `memory.limit_in_bytes` under v1 (the
/// `N:memory:/path` line). `None` when none is set (`max`, or v1's huge "unlimited" value).
fn cgroup_limit(root: &Path, self_cgroup: &str) -> Option<u64> {
    self_cgroup
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            match controllers {
                "" => Some(("sys/fs/cgroup", "memory.max", path)),
                "memory" => Some(("sys/fs/cgroup/memory", "memory.limit_in_bytes", path)),
                _ => None,
            }
        })
        .filter_map(|(base, file, path)| {
            let base = root.join(base);
            let mut dir = Path::new(path.trim().trim_start_matches('/'));
            let mut limit: Option<u64> = None;
            loop {
                let text = std::fs::read_to_string(base.join(dir).join(file)).ok();
                if let Some(bytes) = text
                    .and_then(|t| t.trim().parse::<u64>().ok())
                    .filter(|&bytes| bytes < UNLIMITED)
                {
                    limit = Some(limit.map_or(bytes, |l| l.min(bytes)));
                }
                match dir.parent() {
                    Some(parent) => dir = parent,
                    None => break,
                }
            }
            limit
        })
        .min()
}

/// Limits from 2^60 bytes up mean "no limit" (cgroup v1 writes 2^63 rounded down to a page).
const UNLIMITED: u64 = 1 << 60;

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_usable_memory_is_the_smaller_of_the_machine_and_its_cgroups() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(
            root,
            "proc/meminfo",
            "MemTotal:       16384000 kB\nMemFree:         1000 kB\n",
        );
        assert_eq!(usable_memory(root), Some(16_384_000 * 1024));
        // A container: its cgroup and a parent's limits apply; `max` is no limit.
        write(root, "proc/self/cgroup", "0::/box/job\n");
        write(root, "sys/fs/cgroup/box/job/memory.max", "max\n");
        write(root, "sys/fs/cgroup/box/memory.max", "4294967296\n");
        assert_eq!(usable_memory(root), Some(4 << 30));
        write(root, "sys/fs/cgroup/box/job/memory.max", "2147483648\n");
        assert_eq!(usable_memory(root), Some(2 << 30));
        // cgroup v1: the memory controller's line, its "unlimited" ignored.
        write(
            root,
            "proc/self/cgroup",
            "5:cpu:/x\n4:memory:/docker/abc\n0::/\n",
        );
        write(
            root,
            "sys/fs/cgroup/memory/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        assert_eq!(usable_memory(root), Some(16_384_000 * 1024));
        write(
            root,
            "sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
            "1073741824\n",
        );
        assert_eq!(usable_memory(root), Some(1 << 30));
        // Nothing readable: no answer (the fallback applies).
        assert_eq!(usable_memory(&root.join("nowhere")), None);
    }

    #[test]
    fn the_default_limit_is_three_quarters_of_it() {
        let limit = default_memory_limit();
        match usable_memory(Path::new("/")) {
            Some(bytes) => assert_eq!(limit, bytes / 4 * 3),
            None => assert_eq!(limit, FALLBACK_MEMORY_LIMIT),
        }
    }
}
