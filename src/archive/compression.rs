//! Compressed archives, known by their first bytes (never by a file name): gzip, bzip2, xz and
//! zstd, each decompressed as it streams.

use std::io::{self, BufReader, Read};

/// The longest magic number: xz's six bytes.
pub(crate) const MAGIC_LENGTH: usize = 6;

/// How an archive is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Compression {
    /// The compression the first bytes of a stream announce, or `None` for anything else (a
    /// plain tar among it).
    pub(crate) fn sniff(magic: &[u8]) -> Option<Compression> {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if magic.starts_with(b"BZh") {
            Some(Compression::Bzip2)
        } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Compression::Xz)
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }

    /// `input` decompressed, every member or frame of it (as `gunzip`, `bunzip2`, `unxz` and
    /// `unzstd` read concatenated streams).
    pub(crate) fn decoder<'r>(self, input: impl Read + 'r) -> io::Result<Box<dyn Read + 'r>> {
        const BUFFER: usize = 1024 * 1024;
        let input = BufReader::with_capacity(BUFFER, input);
        Ok(match self {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
            Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(input)),
            Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(input)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(input)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Compression;

    #[test]
    fn knows_each_magic_and_nothing_else() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8, 0]), Some(Compression::Gzip));
        assert_eq!(Compression::sniff(b"BZh91AY"), Some(Compression::Bzip2));
        assert_eq!(Compression::sniff(b"\xfd7zXZ\x00"), Some(Compression::Xz));
        assert_eq!(Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Compression::Zstd));
        for other in [&b"manifest.json\0"[..], b"\xfd7zXZ", b"BZ", b"", b"\x1f"] {
            assert_eq!(Compression::sniff(other), None, "{other:?}");
        }
    }
}
