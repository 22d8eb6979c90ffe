//! Running independent, blocking jobs (compressing or verifying layers) on every core.

use std::sync::Mutex;
use std::thread;

/// Applies `job` to every item on up to `workers` threads, largest first when `items` are
/// sorted so, and returns the results in the order of `items`. All jobs run to the end even
/// when one fails, so no half-finished work is left behind by an early return.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, workers: usize, job: impl Fn(T) -> R + Sync) -> Vec<R> {
    let count = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let results = Mutex::new((0..count).map(|_| None).collect::<Vec<Option<R>>>());
    let workers = workers.clamp(1, count.max(1));
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).next();
                    let Some((position, item)) = next else { break };
                    let result = job(item);
                    results.lock().unwrap_or_else(|poisoned| poisoned.into_inner())[position] = Some(result);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).into_iter().flatten().collect()
}

/// The number of worker threads for CPU-bound work.
pub(crate) fn cores() -> usize {
    thread::available_parallelism().map_or(2, usize::from)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_runs_everything() {
        let squares = super::map((0..50u64).collect(), 4, |n| n * n);
        assert_eq!(squares, (0..50u64).map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map(Vec::<u8>::new(), 4, |n| n).is_empty());
    }
}
