//! The crate's worker pool, the one place where obssl starts worker threads:
//! [`with_workers`] runs one scoped thread per worker state beside the caller's own work (the
//! fleet's instance reads, each worker with its channel to the thread that hands the answers
//! on in order), and [`ordered`] maps a list with `jobs` threads, the results in input order
//! (the wire's tenant discovery and its probes).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs `work` on a scoped thread of its own for each state in `workers`, and `main` on the
/// calling thread meanwhile; returns `main`'s result once every worker is done. A panic in a
/// worker is the caller's (the scope passes it on).
pub fn with_workers<W, R>(workers: Vec<W>, work: impl Fn(W) + Sync, main: impl FnOnce() -> R) -> R
where
    W: Send,
{
    std::thread::scope(|scope| {
        for state in workers {
            let work = &work;
            scope.spawn(move || work(state));
        }
        main()
    })
}

/// `work` applied to every item, at most `jobs` at once (at least one; never more threads
/// than items), the results in the order of `items`. A panic in `work` is the caller's (the
/// scope passes it on).
pub fn ordered<T, R, F>(items: &[T], jobs: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if items.len() <= 1 || jobs <= 1 {
        return items.iter().map(&work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let workers = vec![(); jobs.min(items.len())];
    with_workers(
        workers,
        |()| loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let result = work(item);
            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
        },
        || (),
    );
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn results_keep_the_input_order_and_jobs_run_at_once() {
        let items: Vec<u64> = (0..12).rev().collect();
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let out = ordered(&items, 4, |n| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5 * n));
            running.fetch_sub(1, Ordering::SeqCst);
            n * 2
        });
        assert_eq!(out, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 4);
        assert!(most.load(Ordering::SeqCst) > 1, "ran concurrently");
        assert_eq!(ordered(&[] as &[u8], 8, |b| *b), Vec::<u8>::new());
        assert_eq!(ordered(&[1, 2], 0, |b| b + 1), [2, 3]);
    }
}
