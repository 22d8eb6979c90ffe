//! `hoist load`: images from a `docker save`, `podman save` or OCI archive.

use std::fs::File;
use std::io::{self, IsTerminal, Seek};

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::LoadArgs;
use crate::image::archive;
use crate::output;

pub fn run(args: LoadArgs, context: &Context) -> anyhow::Result<()> {
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
/// are read by offset (and in parallel) whatever their source.
pub(super) fn spool(store: &crate::store::Store, empty_message: &str) -> anyhow::Result<File> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        bail!("{empty_message}");
    }
    let mut file =
        tempfile::tempfile_in(store.root().join("ingest")).context("cannot create a temporary file in the store")?;
    let copied = io::copy(&mut stdin.lock(), &mut file).context("cannot read standard input")?;
    if copied == 0 {
        bail!("{empty_message}");
    }
    file.rewind().context("cannot read the copy of standard input")?;
    Ok(file)
}
