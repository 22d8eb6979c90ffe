//! Content digests (`sha256:<hex>`, `sha512:<hex>`): the one validated way from a digest
//! string to anything else, including a path under `blobs/`; and the one way content is
//! hashed and checked against a digest ([`Verifier`], [`VerifyingReader`]), which every place
//! that reads or writes a blob uses: store ingest, downloads, copies, archives, registries.
//! Content is hashed with the algorithm of the digest it must match, so sha512 works wherever
//! sha256 does.
//!
//! Invariant: a `Digest` always holds a known algorithm and exactly the right number of
//! lowercase hex characters, so `algorithm()` and `hex()` are safe to join into a filesystem
//! path — `sha256:../../etc/passwd` never gets that far. Every digest read from a registry,
//! an archive or the store goes through [`Digest::parse`].

use std::fmt;
use std::io;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256, Sha512};

/// A validated content digest. Ordering, equality and hashing follow the `algorithm:hex`
/// text, so a `BTreeMap<Digest, _>` lists digests the way `sort` would.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Digest {
    /// The whole `algorithm:hex` text, kept so `Display` and `as_str` need no allocation.
    text: String,
    algorithm: Algorithm,
}

/// The algorithms hoist can both parse and compute; OCI registers exactly these two.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Hex characters in an encoded digest: two per output byte.
    fn hex_length(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("invalid digest {digest:?}: missing algorithm")]
    MissingAlgorithm { digest: String },
    #[error("invalid digest {digest:?}: unsupported algorithm {algorithm:?}")]
    UnsupportedAlgorithm { digest: String, algorithm: String },
    #[error("invalid digest {digest:?}: {algorithm} needs {length} lowercase hex characters")]
    InvalidHex { digest: String, algorithm: &'static str, length: usize },
}

impl Digest {
    /// Parses `algorithm:hex` strictly: a known algorithm and exactly its length of
    /// lowercase hex. Uppercase hex is refused rather than folded, because the text is
    /// also a file name and two spellings of one digest must not name two files.
    pub fn parse(text: &str) -> Result<Digest, DigestError> {
        let Some((name, hex)) = text.split_once(':').filter(|(name, _)| !name.is_empty()) else {
            return Err(DigestError::MissingAlgorithm { digest: text.to_string() });
        };
        let Some(algorithm) = Algorithm::from_name(name) else {
            return Err(DigestError::UnsupportedAlgorithm { digest: text.to_string(), algorithm: name.to_string() });
        };
        let is_lowercase_hex = hex.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'));
        if hex.len() != algorithm.hex_length() || !is_lowercase_hex {
            return Err(DigestError::InvalidHex {
                digest: text.to_string(),
                algorithm: algorithm.name(),
                length: algorithm.hex_length(),
            });
        }
        Ok(Digest { text: text.to_string(), algorithm })
    }

    /// The sha256 digest of `bytes`: how hoist names content it makes (configs, manifests).
    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest::from_output(Algorithm::Sha256, &Sha256::digest(bytes))
    }

    /// Whether `bytes` hash, with this digest's algorithm, to this digest.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        &self.verifier().digest_of(bytes) == self
    }

    /// Built from hasher output, which is valid by construction, so no parse is needed.
    fn from_output(algorithm: Algorithm, output: &[u8]) -> Digest {
        const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(algorithm.name().len() + 1 + output.len() * 2);
        text.push_str(algorithm.name());
        text.push(':');
        for byte in output {
            text.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            text.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
        Digest { text, algorithm }
    }

    /// `sha256` or `sha512`.
    pub fn algorithm(&self) -> &str {
        self.algorithm.name()
    }

    /// The lowercase hex after the colon.
    pub fn hex(&self) -> &str {
        &self.text[self.algorithm.name().len() + 1..]
    }

    /// The first 12 hex characters: Docker's short image ID.
    pub fn short(&self) -> &str {
        &self.hex()[..12]
    }

    pub fn is_sha256(&self) -> bool {
        self.algorithm == Algorithm::Sha256
    }

    /// The whole `algorithm:hex` text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A verifier with this digest's algorithm, to check content while it streams.
    pub fn verifier(&self) -> Verifier {
        Verifier::new(self.algorithm)
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(text: &str) -> Result<Digest, DigestError> {
        Digest::parse(text)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl AsRef<str> for Digest {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Deserializing validates, so a digest read from JSON is as trustworthy as a parsed one.
impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        let text = String::deserialize(deserializer)?;
        Digest::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Hashes content as it streams past and counts it: the digest of what went through, or the
/// check of it against what it had to be ([`Verifier::check`]). It sits at the end of a
/// `Write` pipe (decompression, `io::copy`) or inside a [`VerifyingReader`].
#[derive(Clone)]
pub struct Verifier {
    hasher: Hasher,
    length: u64,
}

#[derive(Clone)]
enum Hasher {
    Sha256(Sha256),
    /// Boxed: its state is twice sha256's, and sha256 is what nearly every blob uses.
    Sha512(Box<Sha512>),
}

/// Content that is not what its digest and size say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("content is {actual_size} bytes with digest {actual}, not {expected_size} bytes with digest {expected}")]
pub struct Mismatch {
    pub expected: Digest,
    pub expected_size: u64,
    pub actual: Digest,
    pub actual_size: u64,
}

impl Verifier {
    fn new(algorithm: Algorithm) -> Verifier {
        let hasher = match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Box::new(Sha512::new())),
        };
        Verifier { hasher, length: 0 }
    }

    /// For content whose digest hoist computes itself (new blobs, diff_ids): sha256.
    pub fn sha256() -> Verifier {
        Verifier::new(Algorithm::Sha256)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.hasher {
            Hasher::Sha256(hasher) => hasher.update(bytes),
            Hasher::Sha512(hasher) => hasher.update(bytes),
        }
        self.length += bytes.len() as u64;
    }

    /// The digest of `bytes`, content held whole in memory.
    pub fn digest_of(mut self, bytes: &[u8]) -> Digest {
        self.update(bytes);
        self.finish()
    }

    /// How many bytes went through.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The digest of everything that went through.
    pub fn finish(self) -> Digest {
        match self.hasher {
            Hasher::Sha256(hasher) => Digest::from_output(Algorithm::Sha256, &hasher.finalize()),
            Hasher::Sha512(hasher) => Digest::from_output(Algorithm::Sha512, &hasher.finalize()),
        }
    }

    /// The digest and length of what went through, when they are `expected` and `size`.
    pub fn check(self, expected: &Digest, size: u64) -> Result<Digest, Mismatch> {
        let actual_size = self.length;
        let actual = self.finish();
        if &actual == expected && actual_size == size {
            return Ok(actual);
        }
        Err(Mismatch { expected: expected.clone(), expected_size: size, actual, actual_size })
    }

    /// A fresh verifier of the same algorithm: the content starts again.
    pub fn restarted(&self) -> Verifier {
        Verifier::new(self.algorithm())
    }

    fn algorithm(&self) -> Algorithm {
        match self.hasher {
            Hasher::Sha256(_) => Algorithm::Sha256,
            Hasher::Sha512(_) => Algorithm::Sha512,
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Verifier")
            .field("algorithm", &self.algorithm().name())
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// Lets a verifier sit at the end of `io::copy` or a decompressor.
impl io::Write for Verifier {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A reader that hashes everything read through it.
pub(crate) struct VerifyingReader<R> {
    inner: R,
    verifier: Verifier,
}

impl<R: io::Read> VerifyingReader<R> {
    pub(crate) fn new(inner: R, verifier: Verifier) -> Self {
        VerifyingReader { inner, verifier }
    }

    /// The verifier, holding everything read so far.
    pub(crate) fn into_verifier(self) -> Verifier {
        self.verifier
    }
}

impl<R: io::Read> io::Read for VerifyingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let count = self.inner.read(buffer)?;
        self.verifier.update(&buffer[..count]);
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const EMPTY_SHA512: &str = "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce\
                                47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

    fn hex_of(length: usize) -> String {
        "0123456789abcdef".chars().cycle().take(length).collect()
    }

    #[test]
    fn valid_digests_parse() {
        let cases = [
            (format!("sha256:{}", hex_of(64)), "sha256", true),
            (format!("sha512:{}", hex_of(128)), "sha512", false),
            (EMPTY_SHA256.to_string(), "sha256", true),
        ];
        for (text, algorithm, is_sha256) in cases {
            let digest = Digest::parse(&text).unwrap();
            assert_eq!(digest.algorithm(), algorithm, "{text}");
            assert_eq!(digest.hex(), &text[algorithm.len() + 1..], "{text}");
            assert_eq!(digest.is_sha256(), is_sha256, "{text}");
            assert_eq!(digest.to_string(), text);
            assert_eq!(digest.as_str(), text);
            assert_eq!(text.parse::<Digest>().unwrap(), digest);
        }
    }

    #[test]
    fn invalid_digests_are_refused_with_a_reason() {
        let hex64 = hex_of(64);
        let cases = [
            (format!("sha256:{}", hex64.to_uppercase()), "sha256 needs 64 lowercase hex characters"),
            (format!("sha256:{}", &hex64[..63]), "sha256 needs 64 lowercase hex characters"),
            (format!("sha256:{hex64}0"), "sha256 needs 64 lowercase hex characters"),
            (format!("sha256:{}g", &hex64[..63]), "sha256 needs 64 lowercase hex characters"),
            (format!("sha512:{hex64}"), "sha512 needs 128 lowercase hex characters"),
            ("sha256:".to_string(), "sha256 needs 64 lowercase hex characters"),
            ("sha256:../../etc/passwd".to_string(), "sha256 needs 64 lowercase hex characters"),
            (format!("sha256:{}/..", &hex64[..61]), "sha256 needs 64 lowercase hex characters"),
            (format!("sha256:{}:", &hex64[..63]), "sha256 needs 64 lowercase hex characters"),
            (format!("md5:{}", hex_of(32)), "unsupported algorithm \"md5\""),
            (format!("SHA256:{hex64}"), "unsupported algorithm \"SHA256\""),
            (format!("../sha256:{hex64}"), "unsupported algorithm \"../sha256\""),
            (hex64.clone(), "missing algorithm"),
            (format!(":{hex64}"), "missing algorithm"),
            (String::new(), "missing algorithm"),
        ];
        for (text, reason) in cases {
            let error = Digest::parse(&text).unwrap_err();
            assert_eq!(error.to_string(), format!("invalid digest {text:?}: {reason}"));
        }
    }

    #[test]
    fn short_is_the_first_twelve_hex_characters() {
        let digest = Digest::parse(EMPTY_SHA256).unwrap();
        assert_eq!(digest.short(), "e3b0c44298fc");
        let digest = Digest::parse(EMPTY_SHA512).unwrap();
        assert_eq!(digest.short(), "cf83e1357eef");
    }

    #[test]
    fn computed_digests_match_known_values() {
        let cases = [
            (Digest::sha256_of(b""), EMPTY_SHA256),
            (Verifier::sha256().finish(), EMPTY_SHA256),
            (Verifier::sha256().digest_of(b""), EMPTY_SHA256),
            (Digest::parse(EMPTY_SHA512).unwrap().verifier().digest_of(b""), EMPTY_SHA512),
            (Digest::sha256_of(b"abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ];
        for (digest, expected) in cases {
            assert_eq!(digest, Digest::parse(expected).unwrap());
        }
    }

    #[test]
    fn verifier_hashes_with_the_digest_algorithm() {
        let cases = [(EMPTY_SHA256, &[][..]), (EMPTY_SHA512, &[][..]), (EMPTY_SHA256, &[&b"ab"[..], b"", b"c"][..])];
        for (expected, chunks) in cases {
            let expected = Digest::parse(expected).unwrap();
            let mut verifier = expected.verifier();
            for chunk in chunks {
                verifier.update(chunk);
            }
            let actual = verifier.finish();
            assert_eq!(actual.algorithm(), expected.algorithm());
            let whole: Vec<u8> = chunks.concat();
            if expected.is_sha256() {
                assert_eq!(actual, Digest::sha256_of(&whole));
            } else {
                assert_eq!(actual, expected);
            }
        }
    }

    #[test]
    fn checks_say_what_the_content_is() {
        let expected = Digest::sha256_of(b"abc");
        let mut verifier = expected.verifier();
        verifier.update(b"abc");
        assert_eq!(verifier.clone().check(&expected, 3), Ok(expected.clone()));
        let mismatch = verifier.check(&expected, 4).unwrap_err();
        assert_eq!((mismatch.actual_size, mismatch.expected_size), (3, 4));
        let mut reader = VerifyingReader::new(&b"abd"[..], expected.verifier());
        io::copy(&mut reader, &mut io::sink()).unwrap();
        let mismatch = reader.into_verifier().check(&expected, 3).unwrap_err();
        assert_eq!(mismatch.actual, Digest::sha256_of(b"abd"));
        assert!(expected.matches(b"abc") && !expected.matches(b"abd"));
    }

    #[test]
    fn verifier_works_as_a_writer() {
        let expected = Digest::sha256_of(b"hello world");
        let mut verifier = expected.verifier();
        io::copy(&mut &b"hello world"[..], &mut verifier).unwrap();
        assert_eq!(verifier.finish(), expected);
        let sha512 = Digest::parse(EMPTY_SHA512).unwrap();
        assert!(format!("{:?}", sha512.verifier()).contains("sha512"));
    }

    #[test]
    fn serde_uses_the_string_form_and_validates() {
        let digest = Digest::parse(EMPTY_SHA256).unwrap();
        let json = serde_json::to_string(&digest).unwrap();
        assert_eq!(json, format!("\"{EMPTY_SHA256}\""));
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), digest);
        for bad in ["\"sha256:../../etc/passwd\"", "\"md5:00\"", "42"] {
            assert!(serde_json::from_str::<Digest>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ordering_follows_the_text() {
        let mut digests =
            [Digest::parse(EMPTY_SHA512).unwrap(), Digest::sha256_of(b"abc"), Digest::parse(EMPTY_SHA256).unwrap()];
        digests.sort();
        let texts: Vec<&str> = digests.iter().map(Digest::as_str).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        assert_eq!(texts, sorted);
    }
}
