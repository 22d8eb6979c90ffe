//! `hoist load`: images from a `docker save`, `podman save` or OCI archive.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, Write};

use anyhow::{Context as _, bail};

use super::Context;
use crate::archive;
use crate::cli::LoadArgs;
use crate::output;
use crate::store::StoreError;

pub(super) fn run(args: LoadArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.store()?;
    let (file, source) = match &args.input {
        Some(path) => {
            (File::open(path).with_context(|| format!("cannot open {}", path.display()))?, path.display().to_string())
        }
        None => (spool(&store, "requested load from stdin, but stdin is empty")?, "standard input".to_string()),
    };
    let loaded = archive::load(&store, file).with_context(|| format!("cannot load {source}"))?;
    for image in loaded {
        let text = match &image.name {
            Some(name) if args.quiet => name.to_string(),
            Some(name) => format!("Loaded image: {name}"),
            None => format!("Loaded image ID: {}", image.id),
        };
        output::line(&text)?;
    }
    Ok(())
}

/// Copies standard input into a temporary file in the store, so that archives and tarballs
/// are read by offset (and in parallel) whatever their source. A failed write names the store
/// folder (the disk that is full), a failed read standard input.
pub(super) fn spool(store: &crate::store::Store, empty_message: &str) -> anyhow::Result<File> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        bail!("{empty_message}");
    }
    let ingest = store.root().join("ingest");
    let mut file = tempfile::tempfile_in(&ingest).map_err(StoreError::io("cannot create a file in", &ingest))?;
    let mut input = stdin.lock();
    let mut buffer = vec![0; 1024 * 1024];
    let mut copied = 0;
    loop {
        let count = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(anyhow::Error::new(err).context("cannot read standard input")),
        };
        file.write_all(&buffer[..count]).map_err(StoreError::io("cannot write into", &ingest))?;
        copied += count;
    }
    if copied == 0 {
        bail!("{empty_message}");
    }
    file.rewind().context("cannot read the copy of standard input")?;
    Ok(file)
}
