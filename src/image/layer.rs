//! Layer content: compressing plain tars into the store and reading stored layers back as
//! plain tars, with every uncompressed byte counted into the layer's diff_id (SPEC §2).

use std::io::{self, Read, Write};

use super::{ImageError, media};
use crate::digest::{Digest, Verifier};
use crate::store::{BlobWriter, SealedBlob, Store, StoreError};
use flate2::Compression;
use flate2::write::{GzEncoder, MultiGzDecoder};

/// Large reads keep syscalls and hasher calls off the profile.
const CHUNK: usize = 1024 * 1024;
/// Level 2, not 1: zlib-rs's level 1 codes every block with the fixed Huffman table, which
/// makes incompressible data (already-compressed files, random bytes) about 5.5 % larger;
/// from level 2 on, a block that does not shrink is stored as it is (at most 0.03 % larger),
/// at nearly level 1's speed on compressible data.
const LEVEL: Compression = Compression::new(2);
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// A layer written to `ingest/` and hashed, not yet visible in the store.
pub(crate) struct PreparedLayer<'s> {
    blob: BlobWriter<'s>,
    /// The digest of the uncompressed tar; `None` for compressions hoist does not read (zstd).
    pub diff_id: Option<Digest>,
    /// The layer's media type as stored: gzip, zstd, or a plain tar kept as it came.
    pub media_type: &'static str,
    /// Whether it came as a plain tar and was gzip-compressed here.
    pub compressed_here: bool,
}

impl<'s> PreparedLayer<'s> {
    /// Verifies the layer against `expected` (digest, size) when given; it becomes visible
    /// with [`SealedBlob::publish`].
    /// The layer as written so far, read from its start (to expand again a layer that was
    /// compressed here, where the plain tar turns out to be what must be kept).
    pub(crate) fn reopen(&mut self) -> Result<std::fs::File, ImageError> {
        Ok(self.blob.reopen()?)
    }

    pub(crate) fn seal(self, expected: Option<(&Digest, u64)>) -> Result<SealedBlob<'s>, ImageError> {
        Ok(self.blob.seal(expected)?)
    }
}

/// What to do with a layer that arrives as a plain tar.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plain {
    /// Gzip-compress it once, here (docker archives, `import`).
    Compress,
    /// Keep it byte for byte, because a manifest already names its digest (OCI archives).
    Keep,
}

/// Writes a layer into `ingest/`, computing its diff_id in the same single pass. A gzip or
/// zstd layer is kept byte for byte; a plain tar is compressed or kept, as `plain` says.
/// `what` names the layer in errors; `expected`, when known, is the digest it must have (its
/// algorithm is the one the blob is hashed with).
pub(crate) fn prepare_layer<'s>(
    store: &'s Store,
    input: impl Read,
    what: &str,
    plain: Plain,
    expected: Option<&Digest>,
) -> Result<PreparedLayer<'s>, ImageError> {
    let mut source = Source::open(input, what)?;
    let mut blob = store.blob_writer(expected)?;
    let write = |blob: &mut BlobWriter<'s>, chunk: &[u8]| blob.write_all(chunk).map_err(ingest_error(store));
    // The diff_id: the digest of the uncompressed tar, sha256 as docker computes it.
    let mut diff_id = Verifier::sha256();
    if source.magic.starts_with(&GZIP_MAGIC) {
        let mut decoder = MultiGzDecoder::new(&mut diff_id);
        source.pump(|chunk| {
            write(&mut blob, chunk)?;
            decoder.write_all(chunk).map_err(|err| corrupt(what, &err))
        })?;
        decoder.try_finish().map_err(|err| corrupt(what, &err))?;
    } else if source.magic == ZSTD_MAGIC {
        source.pump(|chunk| write(&mut blob, chunk))?;
        return Ok(PreparedLayer { blob, diff_id: None, media_type: media::OCI_LAYER_ZSTD, compressed_here: false });
    } else if plain == Plain::Keep {
        source.pump(|chunk| {
            diff_id.update(chunk);
            write(&mut blob, chunk)
        })?;
        return Ok(PreparedLayer {
            blob,
            diff_id: Some(diff_id.finish()),
            media_type: media::OCI_LAYER,
            compressed_here: false,
        });
    } else {
        let mut encoder = GzEncoder::new(io::BufWriter::with_capacity(CHUNK, &mut blob), LEVEL);
        source.pump(|chunk| {
            diff_id.update(chunk);
            encoder.write_all(chunk).map_err(ingest_error(store))
        })?;
        encoder.finish().and_then(|mut inner| inner.flush()).map_err(ingest_error(store))?;
    }
    Ok(PreparedLayer {
        blob,
        diff_id: Some(diff_id.finish()),
        media_type: media::OCI_LAYER_GZIP,
        compressed_here: true,
    })
}

/// A layer's bytes as they arrive: the first few (which say how it is compressed) read ahead.
struct Source<'w, R> {
    input: R,
    what: &'w str,
    magic: Vec<u8>,
    buffer: Vec<u8>,
}

impl<'w, R: Read> Source<'w, R> {
    fn open(mut input: R, what: &'w str) -> Result<Self, ImageError> {
        let mut magic = Vec::with_capacity(4);
        (&mut input).take(4).read_to_end(&mut magic).map_err(|source| read_error(what, source))?;
        Ok(Source { magic, input, what, buffer: vec![0; CHUNK] })
    }

    /// Hands every byte, the magic ones first, to `each`.
    fn pump(&mut self, mut each: impl FnMut(&[u8]) -> Result<(), ImageError>) -> Result<(), ImageError> {
        each(&self.magic)?;
        loop {
            match self.input.read(&mut self.buffer) {
                Ok(0) => return Ok(()),
                Ok(count) => each(&self.buffer[..count])?,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(read_error(self.what, err)),
            }
        }
    }
}

fn read_error(what: &str, source: io::Error) -> ImageError {
    ImageError::Read { what: what.to_string(), source }
}

fn corrupt(what: &str, err: &io::Error) -> ImageError {
    ImageError::CorruptLayer { what: what.to_string(), reason: err.to_string() }
}

/// A stored layer as a plain tar, decompressed on the fly.
pub(crate) fn uncompressed_reader(
    store: &Store,
    digest: &Digest,
    media_type: &str,
) -> Result<Box<dyn Read + Send>, ImageError> {
    let file = io::BufReader::with_capacity(CHUNK, store.open_blob(digest)?);
    if media::is_uncompressed_layer(media_type) {
        Ok(Box::new(file))
    } else if media_type.ends_with("zstd") {
        Err(ImageError::CorruptLayer {
            what: format!("layer {digest}"),
            reason: format!("hoist cannot decompress {media_type}"),
        })
    } else {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(file)))
    }
}

fn ingest_error(store: &Store) -> impl Fn(io::Error) -> ImageError + '_ {
    move |err| ImageError::Store(StoreError::io("cannot write into", store.root().join("ingest"))(err))
}
