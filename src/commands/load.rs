//! `hoist load`: images from a `docker save`, `podman save` or OCI archive, plain or
//! compressed (gzip, bzip2, xz, zstd: known by their first bytes, decompressed as they stream).

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, Write};
use std::path::Path;

use anyhow::{Context as _, bail};

use super::Context;
use crate::archive::{self, Compression, LoadedImage, MAGIC_LENGTH};
use crate::cli::LoadArgs;
use crate::output;
use crate::store::{Store, StoreError};

const EMPTY_STDIN: &str = "requested load from stdin, but stdin is empty";

pub(super) fn run(args: LoadArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.store()?;
    let loaded = match &args.input {
        Some(path) => load_file(&store, path)?,
        None => load_stdin(&store)?,
    };
    // Like docker's, `-q` quiets progress only: the names loaded are what scripts read.
    for image in loaded {
        let text = match &image.name {
            Some(name) => format!("Loaded image: {name}"),
            None => format!("Loaded image ID: {}", image.id),
        };
        output::line(&text)?;
    }
    Ok(())
}

fn load_file(store: &Store, path: &Path) -> anyhow::Result<Vec<LoadedImage>> {
    let context = || format!("cannot load {}", path.display());
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let magic = read_magic(&mut file).with_context(context)?;
    file.rewind().with_context(context)?;
    let loaded = match Compression::sniff(&magic) {
        Some(compression) => archive::load_stream(store, file, Some(compression)),
        None => archive::load(store, file),
    };
    loaded.with_context(context)
}

/// A compressed archive streams straight through; a plain one is copied into the store's
/// `ingest/` first, to be read by offset (and its layers compressed in parallel).
fn load_stdin(store: &Store) -> anyhow::Result<Vec<LoadedImage>> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        bail!("{EMPTY_STDIN}");
    }
    let mut input = stdin.lock();
    let magic = read_magic(&mut input).context("cannot read standard input")?;
    let loaded = match Compression::sniff(&magic) {
        Some(compression) => archive::load_stream(store, magic.as_slice().chain(input), Some(compression)),
        None => archive::load(store, spool_from(store, &magic, input, EMPTY_STDIN)?),
    };
    loaded.context("cannot load standard input")
}

/// Copies standard input into a temporary file in the store, so that archives and tarballs
/// are read by offset (and in parallel) whatever their source. A failed write names the store
/// folder (the disk that is full), a failed read standard input.
pub(super) fn spool(store: &Store, empty_message: &str) -> anyhow::Result<File> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        bail!("{empty_message}");
    }
    spool_from(store, &[], stdin.lock(), empty_message)
}

/// Spools `first`, then the rest of `input`.
fn spool_from(store: &Store, first: &[u8], mut input: impl Read, empty_message: &str) -> anyhow::Result<File> {
    let ingest = store.root().join("ingest");
    let mut file = tempfile::tempfile_in(&ingest).map_err(StoreError::io("cannot create a file in", &ingest))?;
    file.write_all(first).map_err(StoreError::io("cannot write into", &ingest))?;
    let mut buffer = vec![0; 1024 * 1024];
    let mut copied = first.len();
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

/// The first bytes of `input`, fewer if it is shorter: what tells a compressed archive.
fn read_magic(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut magic = Vec::with_capacity(MAGIC_LENGTH);
    input.take(MAGIC_LENGTH as u64).read_to_end(&mut magic)?;
    Ok(magic)
}
