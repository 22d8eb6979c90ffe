//! Running an operation's blob transfers several at once, as docker does: at most `limit`
//! in flight, in the order given (callers put the largest first, so the longest start first).

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::TransferError;

/// What the other transfers do when one fails.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OnError {
    /// Each runs to its end (a download then publishes its blob, keeps a partial file to
    /// resume, or removes bytes that cannot be the blob); the first error is returned.
    LetOthersFinish,
    /// The others are stopped (an upload can be resumed from the registry's offset).
    StopOthers,
}

pub(super) async fn run_all<Job>(
    jobs: impl IntoIterator<Item = Job>,
    limit: usize,
    what: &'static str,
    on_error: OnError,
) -> Result<(), TransferError>
where
    Job: Future<Output = Result<(), TransferError>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut tasks = JoinSet::new();
    for job in jobs {
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            job.await
        });
    }
    let mut first_error = None;
    while let Some(result) = tasks.join_next().await {
        let Err(err) = result.map_err(|err| TransferError::stopped(what, err)).and_then(|outcome| outcome) else {
            continue;
        };
        if on_error == OnError::StopOthers {
            tasks.abort_all();
            return Err(err);
        }
        first_error.get_or_insert(err);
    }
    first_error.map_or(Ok(()), Err)
}
