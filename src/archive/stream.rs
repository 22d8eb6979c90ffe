//! Archives read once, front to back: compressed ones, and plain ones from a pipe. Each layer
//! is written into `ingest/` (compressed, hashed, not yet visible) while the archive streams
//! by, on a thread of its own, so that decompressing the archive and compressing its layers
//! overlap; small files and JSON documents stay in memory. Nothing of the archive is ever
//! written out decompressed, and nothing becomes visible before every layer is checked.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use super::ArchiveError;
use super::entries::{Contents, Located, Toc};
use crate::digest::Digest;
use crate::image::layer::{Plain, PreparedLayer, prepare_layer};
use crate::parallel;
use crate::store::{MAX_DOCUMENT_SIZE, Store};

/// Files up to this size stay in memory whatever they hold (`VERSION`, legacy `json` files,
/// tiny layers): a thread and a temporary file each would cost more.
const SMALL: u64 = 64 * 1024;
/// What all the files kept in memory may add up to.
const MAX_IN_MEMORY: u64 = 256 * 1024 * 1024;
/// Bytes handed to a layer's thread at a time, and how many may wait for it.
const CHUNK: usize = 1024 * 1024;
const QUEUED_CHUNKS: usize = 4;

type Prepared<'s> = Result<PreparedLayer<'s>, ArchiveError>;

/// An archive as read once: its table of contents, the documents and small files it held, and
/// its other files prepared as layers.
pub(super) struct Streamed<'s> {
    toc: Toc,
    documents: HashMap<String, Vec<u8>>,
    in_memory: u64,
    layers: Mutex<HashMap<String, Prepared<'s>>>,
}

/// Reads the plain tar stream `input` to its end.
pub(super) fn read<'s>(store: &'s Store, input: impl Read) -> Result<Streamed<'s>, ArchiveError> {
    let mut streamed =
        Streamed { toc: Toc::default(), documents: HashMap::new(), in_memory: 0, layers: Mutex::new(HashMap::new()) };
    std::thread::scope(|scope| {
        let mut running = VecDeque::new();
        let walked = walk(scope, store, input, &mut streamed, &mut running);
        let layers = streamed.layers.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (path, handle) in running {
            layers.insert(path, joined(handle));
        }
        walked
    })?;
    Ok(streamed)
}

type Running<'scope, 's> = VecDeque<(String, ScopedJoinHandle<'scope, Prepared<'s>>)>;

fn walk<'scope, 's: 'scope>(
    scope: &'scope Scope<'scope, '_>,
    store: &'s Store,
    input: impl Read,
    streamed: &mut Streamed<'s>,
    running: &mut Running<'scope, 's>,
) -> Result<(), ArchiveError> {
    let mut archive = tar::Archive::new(input);
    for entry in archive.entries().map_err(ArchiveError::NotTar)? {
        let mut entry = entry.map_err(ArchiveError::NotTar)?;
        let Some((raw_path, path)) = streamed.toc.add(&entry, 0)? else { continue };
        let size = entry.size();
        let mut head = vec![0; 512.min(size as usize)];
        entry.read_exact(&mut head).map_err(ArchiveError::NotTar)?;
        if size <= SMALL || (size <= MAX_DOCUMENT_SIZE && looks_like_json(&head)) {
            streamed.keep(path, head, &mut entry)?;
            continue;
        }
        if running.len() >= parallel::cores()
            && let Some((done, handle)) = running.pop_front()
        {
            streamed.layers.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(done, joined(handle));
        }
        let (sender, receiver) = sync_channel(QUEUED_CHUNKS);
        // Which format names the layer is not known yet (`manifest.json` comes last in `docker
        // save`): a plain tar is compressed, as `docker save`'s are stored (see `expand`).
        let handle = scope.spawn(move || -> Prepared<'s> {
            Ok(prepare_layer(store, ChannelReader::new(receiver), &raw_path, Plain::Compress, None)?)
        });
        running.push_back((path, handle));
        feed(head, &mut entry, &sender)?;
    }
    Ok(())
}

impl Streamed<'_> {
    /// Keeps a small file or document in memory: `head`, then the rest of `entry`.
    fn keep(&mut self, path: String, mut head: Vec<u8>, entry: &mut impl Read) -> Result<(), ArchiveError> {
        entry.read_to_end(&mut head).map_err(ArchiveError::NotTar)?;
        self.in_memory += head.len() as u64;
        if self.in_memory > MAX_IN_MEMORY {
            return Err(ArchiveError::TooManyDocuments { limit: MAX_IN_MEMORY });
        }
        self.documents.insert(path, head);
        Ok(())
    }
}

/// Sends the layer's bytes to its thread; a thread that stopped (a corrupt layer) leaves the
/// rest unread, and its error waits for whoever needs that layer.
fn feed(head: Vec<u8>, entry: &mut impl Read, sender: &SyncSender<Vec<u8>>) -> Result<(), ArchiveError> {
    if sender.send(head).is_err() {
        return Ok(());
    }
    loop {
        let mut chunk = vec![0; CHUNK];
        let count = match entry.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(count) => count,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(ArchiveError::NotTar(err)),
        };
        chunk.truncate(count);
        if sender.send(chunk).is_err() {
            return Ok(());
        }
    }
}

fn joined<'s>(handle: ScopedJoinHandle<'_, Prepared<'s>>) -> Prepared<'s> {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn looks_like_json(head: &[u8]) -> bool {
    matches!(head.iter().find(|byte| !byte.is_ascii_whitespace()), Some(b'{' | b'['))
}

impl<'s> Contents<'s> for Streamed<'s> {
    fn is_empty(&self) -> bool {
        self.toc.is_empty()
    }

    fn contains(&self, path: &str) -> bool {
        self.toc.resolve(path).is_ok()
    }

    fn resolve(&self, path: &str) -> Result<(String, Located), ArchiveError> {
        self.toc.resolve(path)
    }

    fn read_document(&self, path: &str, limit: u64) -> Result<Vec<u8>, ArchiveError> {
        let (resolved, located) = self.toc.resolve(path)?;
        if located.size > limit {
            return Err(ArchiveError::TooLarge { path: path.to_string(), limit });
        }
        self.documents.get(&resolved).cloned().ok_or_else(|| ArchiveError::BadDocument {
            path: path.to_string(),
            reason: "it is not a JSON document".to_string(),
        })
    }

    fn prepare(
        &self,
        store: &'s Store,
        path: &str,
        plain: Plain,
        expected: Option<&Digest>,
    ) -> Result<PreparedLayer<'s>, ArchiveError> {
        let (resolved, _) = self.toc.resolve(path)?;
        let taken = self.layers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&resolved);
        match taken {
            Some(Ok(layer)) if plain == Plain::Keep && layer.compressed_here => expand(store, layer, path, expected),
            Some(prepared) => prepared,
            None => match self.documents.get(&resolved) {
                Some(bytes) => Ok(prepare_layer(store, bytes.as_slice(), path, plain, expected)?),
                None => Err(ArchiveError::Missing { path: path.to_string() }),
            },
        }
    }
}

/// A plain tar was compressed as it streamed by, but an OCI manifest names it plain, so the
/// plain tar is what the store must keep: it is expanded again from the compressed copy (a
/// rare case: OCI archives' layers are compressed, and `docker save`'s plain ones are named by
/// a `manifest.json` that lets them be stored compressed).
fn expand<'s>(
    store: &'s Store,
    mut layer: PreparedLayer<'s>,
    path: &str,
    expected: Option<&Digest>,
) -> Result<PreparedLayer<'s>, ArchiveError> {
    let compressed = io::BufReader::new(layer.reopen()?);
    let plain = flate2::read::GzDecoder::new(compressed);
    Ok(prepare_layer(store, plain, path, Plain::Keep, expected)?)
}

/// The reading end of a layer's thread: the chunks the archive's reader sends, in order; the
/// end of the layer when the sender is gone.
struct ChannelReader {
    receiver: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    position: usize,
}

impl ChannelReader {
    fn new(receiver: Receiver<Vec<u8>>) -> Self {
        ChannelReader { receiver, chunk: Vec::new(), position: 0 }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.position == self.chunk.len() {
            match self.receiver.recv() {
                Ok(chunk) => (self.chunk, self.position) = (chunk, 0),
                Err(_) => return Ok(0),
            }
        }
        let count = buffer.len().min(self.chunk.len() - self.position);
        buffer[..count].copy_from_slice(&self.chunk[self.position..self.position + count]);
        self.position += count;
        Ok(count)
    }
}
