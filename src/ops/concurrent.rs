//! Running an operation's blob transfers several at once, in the order given (callers put the
//! largest first, so the longest start first), as many as suit the blobs: docker's limits (3
//! downloads, 5 uploads) for large blobs, up to four times as many small ones, whose cost is
//! round trips rather than bytes (issue 17: on a far link, 40 small layers three at a time wait
//! on 14 round trips in a row). A limit the user sets in `config.toml` is a limit on everything.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::TransferError;

/// A blob below this size is small: its transfer is mostly round trips.
const SMALL_BLOB: u64 = 4 * 1024 * 1024;
/// How many small transfers one large transfer's place holds.
const SMALL_PER_LARGE: u32 = 4;

/// How many transfers may run at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Concurrency {
    limit: u32,
    /// Small blobs take a fraction of a place (hoist's default); with a limit the user set,
    /// every transfer takes a whole one.
    weighted: bool,
}

impl Concurrency {
    /// The user's `max-concurrent-*`, or docker's `default` for large blobs and more small ones.
    pub(crate) fn from_config(configured: Option<usize>, default: u32) -> Concurrency {
        match configured {
            Some(limit) => Concurrency { limit: u32::try_from(limit).unwrap_or(u32::MAX).max(1), weighted: false },
            None => Concurrency { limit: default.max(1), weighted: true },
        }
    }

    fn permits(self) -> u32 {
        if self.weighted { self.limit * SMALL_PER_LARGE } else { self.limit }
    }

    fn cost(self, size: u64) -> u32 {
        if self.weighted && size >= SMALL_BLOB { SMALL_PER_LARGE } else { 1 }
    }
}

/// What the other transfers do when one fails.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OnError {
    /// Each runs to its end (a download then publishes its blob, keeps a partial file to
    /// resume, or removes bytes that cannot be the blob); the first error is returned.
    LetOthersFinish,
    /// The others are stopped (an upload can be resumed from the registry's offset).
    StopOthers,
}

/// Runs `jobs` (each with the size of the blob it moves) as `concurrency` allows.
pub(super) async fn run_all<Job>(
    jobs: impl IntoIterator<Item = (u64, Job)>,
    concurrency: Concurrency,
    what: &'static str,
    on_error: OnError,
) -> Result<(), TransferError>
where
    Job: Future<Output = Result<(), TransferError>> + Send + 'static,
{
    run_each(jobs, concurrency, what, on_error).await.map(drop).map_err(|(_, err)| err)
}

/// Runs `jobs` as `run_all` does; their answers in the order of `jobs`, or the first error
/// with the position of the job that failed (none when its task itself was stopped).
pub(super) async fn run_each<T, Job>(
    jobs: impl IntoIterator<Item = (u64, Job)>,
    concurrency: Concurrency,
    what: &'static str,
    on_error: OnError,
) -> Result<Vec<T>, (Option<usize>, TransferError)>
where
    T: Send + 'static,
    Job: Future<Output = Result<T, TransferError>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency.permits() as usize));
    let mut tasks = JoinSet::new();
    for (position, (size, job)) in jobs.into_iter().enumerate() {
        let (permits, cost) = (permits.clone(), concurrency.cost(size));
        tasks.spawn(async move {
            let _permit = permits.acquire_many_owned(cost).await;
            (position, job.await)
        });
    }
    let mut answers: Vec<Option<T>> = std::iter::repeat_with(|| None).take(tasks.len()).collect();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        let failed = match joined {
            Ok((position, Ok(answer))) => {
                answers[position] = Some(answer);
                continue;
            }
            Ok((position, Err(err))) => (Some(position), err),
            Err(err) => (None, TransferError::stopped(what, err)),
        };
        if on_error == OnError::StopOthers {
            tasks.abort_all();
            return Err(failed);
        }
        first_error.get_or_insert(failed);
    }
    match first_error {
        Some(failed) => Err(failed),
        None => Ok(answers.into_iter().flatten().collect()),
    }
}

/// Runs `work`, which waits on the disk (an fsync), without holding up the transfers that run
/// on the same runtime thread: with as many runtime threads as cores, a few fsyncs at once
/// would otherwise stop every download's reading until the disk answers.
pub(super) fn blocking<R>(work: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(work),
        _ => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_blobs_take_less_room_unless_the_user_set_a_limit() {
        let default = Concurrency::from_config(None, 3);
        assert_eq!((default.permits(), default.cost(100), default.cost(SMALL_BLOB)), (12, 1, 4));
        let set = Concurrency::from_config(Some(3), 5);
        assert_eq!((set.permits(), set.cost(100), set.cost(SMALL_BLOB)), (3, 1, 1));
    }
}
