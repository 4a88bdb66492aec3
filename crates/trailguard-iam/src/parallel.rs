//! Work spread over the machine's cores: [`map`] applies a function to every item of a slice
//! on up to [`MAX_THREADS`] threads and returns the results in the items' order, so what a
//! caller does with them (the first error, say) does not depend on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many threads work on one [`map`].
pub(crate) const MAX_THREADS: usize = 8;

/// Below this many items a [`map`] stays on the calling thread: starting threads would cost
/// more than it saves.
const MIN_ITEMS: usize = 16;

/// `items.iter().map(f).collect()`, on up to [`MAX_THREADS`] threads (no more than the
/// machine's cores), taking items one at a time from a shared counter: the calling thread works
/// too, so any number of helpers the OS lets it start is enough. A panic in a helper is raised
/// again on the calling thread, as if `f` had panicked there.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS)
        .min(items.len() / MIN_ITEMS)
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_items() {
        for n in [0, 1, MIN_ITEMS - 1, MIN_ITEMS, 1_000] {
            let items: Vec<usize> = (0..n).collect();
            let doubled = map(&items, |i| i * 2);
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_panic_in_any_thread_reaches_the_caller() {
        let items: Vec<usize> = (0..1_000).collect();
        let caught = std::panic::catch_unwind(|| {
            map(&items, |&i| {
                if i == 777 {
                    panic!("item {i}");
                }
                i
            })
        });
        let payload = caught.unwrap_err();
        assert_eq!(payload.downcast_ref::<String>().unwrap(), "item 777");
    }
}
