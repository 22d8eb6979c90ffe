//! Operations: what is done to images, apart from what an image is (`image/`), as cargo keeps
//! `ops/` apart from its types. Each operation takes a store, registry clients and a reporter,
//! and never prints: commands turn its events into docker's lines.
//!
//! - `pull`, `push`, `copy`: registry ↔ store, registry → registry; `resolve`: the manifest
//!   resolution pull and copy share; `damage`: how they meet damaged blobs; `concurrent`: how
//!   their blobs move several at once; `report`: the one reporter they tell what they do.
//! - `import`: a root-filesystem tarball → an image.
//! - `check`, `repair`: `system check [--repair]`.
//! - `remove`, `prune`: `rm` and `image prune`, with docker's `Untagged:`/`Deleted:` lines.

pub(crate) mod check;
pub(crate) mod concurrent;
pub(crate) mod copy;
mod damage;
mod error;
pub(crate) mod import;
pub(crate) mod manifest_list;
pub(crate) mod prune;
pub(crate) mod pull;
pub(crate) mod push;
pub(crate) mod referrers;
pub(crate) mod remote_manifest;
pub(crate) mod remove;
pub(crate) mod repair;
pub(crate) mod report;
mod resolve;
pub(crate) mod usage;

pub(crate) use error::TransferError;
