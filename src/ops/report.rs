//! What an operation tells the person watching, blob by blob: one reporter for pull, push and
//! copy. Operations report every blob they move (config and manifests too) with its
//! [`BlobKind`]; the output layer decides what to show (docker shows layers) and in which
//! words (`Downloading` / `Pushing`).

use crate::digest::Digest;

/// A blob an operation moves: what docker's lines name, and how large it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Blob {
    pub digest: Digest,
    pub size: u64,
    pub kind: BlobKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum BlobKind {
    Config,
    Layer,
}

impl Blob {
    pub(crate) fn is_layer(&self) -> bool {
        self.kind == BlobKind::Layer
    }
}

/// What happens to a blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// Push: it will be looked at (docker's `Preparing`).
    Waiting,
    /// This many bytes of it have moved, counted from its start.
    Progress(u64),
    /// This many bytes of it were already there (an earlier run's or attempt's): its transfer
    /// goes on from here, and they are not counted in its rate.
    Resumed(u64),
    /// Its transfer failed for now and is tried again after `wait`, as attempt `attempt`
    /// (docker's `Retrying in N seconds`).
    Retrying { attempt: u32, wait: std::time::Duration },
    /// No byte of it arrived for this long; the transfer waits on (until the read times out).
    Stalled(std::time::Duration),
    /// Another hoist process is moving it; this one waits for that one to finish.
    WaitingForOther,
    /// The copy in the store was damaged (how) and is fetched again.
    Damaged(String),
    /// It is where it has to be.
    Done(Outcome),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Downloaded into the store (`Pull complete`).
    Downloaded,
    /// Uploaded to the registry (`Pushed`).
    Uploaded,
    /// The destination had it (`Already exists`, `Layer already exists`).
    AlreadyThere,
    /// The registry mounted it from this repository (`Mounted from REPO`).
    Mounted(String),
}

pub(crate) trait Reporter: Send + Sync {
    /// A pull of `tag` from `repository` begins (`TAG: Pulling from REPO`).
    fn pulling(&self, _tag: &str, _repository: &str) {}
    fn blob(&self, blob: &Blob, event: Event);
}

/// Reports nothing: for operations whose caller shows nothing (`-q`, repairs).
pub(crate) struct Silent;

impl Reporter for Silent {
    fn blob(&self, _: &Blob, _: Event) {}
}
