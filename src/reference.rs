//! Image references (SPEC §1): parsing, normalising and showing `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
//! exactly as Docker does (distribution's `reference` package: `ParseNormalizedNamed`, then
//! `TagNameOnly` where a default tag is wanted, `FamiliarString` for display).
//!
//! Invariant: a `Reference` is always normalised and valid — a known registry (`docker.io` for
//! Docker Hub, never `index.docker.io`), a repository path that matches the grammar (with
//! `library/` on one-component Docker Hub names), a valid tag if any and a validated digest if
//! any — so every other module can build URLs and store names from it without re-checking.
//! Every error message starts with `invalid reference format`, as Docker's do.

use std::fmt;
use std::str::FromStr;

use crate::digest::{Digest, DigestError};

/// The tag Docker assumes when a reference has neither tag nor digest.
pub(crate) const DEFAULT_TAG: &str = "latest";
/// Docker Hub's canonical name in normalised references.
pub(crate) const DOCKER_HUB: &str = "docker.io";
/// Where Docker Hub's registry API actually answers.
pub(crate) const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
/// Docker Hub's old name, accepted as a spelling of `docker.io`.
const LEGACY_DOCKER_HUB: &str = "index.docker.io";
/// The namespace of Docker Hub's official images (`ubuntu` is `library/ubuntu`).
const OFFICIAL_PREFIX: &str = "library/";
/// Every name Docker Hub goes by: in references, in `docker login`, as its API host.
pub(crate) const DOCKER_HUB_NAMES: [&str; 3] = [DOCKER_HUB, LEGACY_DOCKER_HUB, DOCKER_HUB_API_HOST];

/// Whether `host` is one of Docker Hub's names.
pub(crate) fn is_docker_hub(host: &str) -> bool {
    DOCKER_HUB_NAMES.contains(&host)
}

/// The host that serves a registry's API (`docker.io` is served by `registry-1.docker.io`).
pub(crate) fn api_host(registry: &str) -> &str {
    if registry == DOCKER_HUB { DOCKER_HUB_API_HOST } else { registry }
}

/// distribution's `RepositoryNameTotalLengthMax`, counted over `registry/path` like Docker
/// releases before distribution/reference v0.6 and the OCI distribution spec's client limit.
const NAME_LENGTH_MAX: usize = 255;
/// distribution's tag grammar `[\w][\w.-]{0,127}`.
const TAG_LENGTH_MAX: usize = 128;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Docker says no more than this for an empty reference.
    #[error("invalid reference format")]
    Empty,
    /// A bare image ID is not a name: `docker pull <64 hex>` would otherwise look up
    /// `library/<hex>` on Docker Hub.
    #[error("invalid reference format: invalid repository name ({0}), cannot specify 64-byte hexadecimal strings")]
    HexadecimalName(String),
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
    #[error("invalid reference format: invalid registry host {0:?}")]
    Registry(String),
    #[error(
        "invalid reference format: repository name {0:?} must be '/'-separated components of [a-z0-9] \
         joined by '.', '_', '__' or '-'"
    )]
    Path(String),
    #[error("invalid reference format: tag {0:?} must match [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}")]
    Tag(String),
    /// The digest's own message is part of this one (not a cause of its own, printed twice).
    #[error("invalid reference format: {0}")]
    Digest(DigestError),
    #[error("invalid reference format: repository name must not be more than {NAME_LENGTH_MAX} characters")]
    NameTooLong,
}

impl From<DigestError> for ReferenceError {
    fn from(error: DigestError) -> Self {
        ReferenceError::Digest(error)
    }
}

impl Reference {
    /// Parses and normalises a reference the way `docker pull` reads its argument; the tag
    /// stays absent when none was given (see [`Reference::with_default_tag`]).
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        if text.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if is_image_id(text) {
            return Err(ReferenceError::HexadecimalName(text.to_string()));
        }
        let (registry, remainder) = split_registry(text);
        let (rest, digest) = match remainder.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (remainder.as_str(), None),
        };
        let (path, tag) = match rest.split_once(':') {
            Some((path, tag)) => (path, Some(tag)),
            None => (rest, None),
        };
        // Docker checks case before anything else, so `Ubuntu` gets the helpful message
        // rather than a bare "invalid reference format".
        if path.to_lowercase() != path {
            return Err(ReferenceError::Uppercase(path.to_string()));
        }
        if !is_valid_registry(registry) {
            return Err(ReferenceError::Registry(registry.to_string()));
        }
        if !is_valid_path(path) {
            return Err(ReferenceError::Path(path.to_string()));
        }
        if let Some(tag) = tag.filter(|tag| !is_valid_tag(tag)) {
            return Err(ReferenceError::Tag(tag.to_string()));
        }
        if registry.len() + 1 + path.len() > NAME_LENGTH_MAX {
            return Err(ReferenceError::NameTooLong);
        }
        let digest = digest.map(Digest::parse).transpose()?;
        Ok(Reference {
            registry: registry.to_string(),
            repository: path.to_string(),
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// `docker.io`, `localhost:5000`, `[::1]:5000`, ...
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The path within the registry: `library/ubuntu`, `user/app`.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag as given; `None` when the reference had none.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// The tag, or `latest` when none was given.
    pub fn tag_or_default(&self) -> &str {
        self.tag.as_deref().unwrap_or(DEFAULT_TAG)
    }

    /// Docker's `TagNameOnly`: adds `latest` only when there is neither tag nor digest, so
    /// `ubuntu@sha256:...` keeps pointing at exactly that content.
    pub fn with_default_tag(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some(DEFAULT_TAG.to_string());
        }
        self
    }

    /// The same repository with `tag` and no digest. Fallible because the tag comes from
    /// outside and a `Reference` never holds an invalid one.
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ReferenceError> {
        if !is_valid_tag(tag) {
            return Err(ReferenceError::Tag(tag.to_string()));
        }
        Ok(Reference { tag: Some(tag.to_string()), digest: None, ..self.repository_reference() })
    }

    /// The same repository with `digest` and no tag.
    pub fn with_digest(&self, digest: Digest) -> Reference {
        Reference { digest: Some(digest), ..self.repository_reference() }
    }

    /// The same repository with neither tag nor digest.
    pub fn repository_reference(&self) -> Reference {
        Reference { registry: self.registry.clone(), repository: self.repository.clone(), tag: None, digest: None }
    }

    /// The full normalised repository: `docker.io/library/ubuntu`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The repository as Docker shows it: `ubuntu`, `user/app`, `localhost:5000/app`.
    pub fn familiar_name(&self) -> String {
        if !self.is_docker_hub() {
            return self.name();
        }
        let familiar = match self.repository.strip_prefix(OFFICIAL_PREFIX) {
            Some(official) if !official.contains('/') && !is_image_id(official) => official,
            _ => self.repository.as_str(),
        };
        // Unlike Docker, keep what reading the familiar form back needs: `library/` before a
        // 64-hex name (alone it reads as an image ID) and `docker.io/` when the first
        // component would read as a registry (`docker.io/localhost/app` is not `localhost/app`).
        match familiar.split_once('/') {
            Some((first, _)) if looks_like_registry(first) => self.name(),
            _ => familiar.to_string(),
        }
    }

    /// The full normalised reference, `docker.io/library/ubuntu:latest` or
    /// `localhost:5000/app:1.0@sha256:...`: the store's `org.opencontainers.image.ref.name`.
    pub fn full(&self) -> String {
        self.with_suffix(self.name())
    }

    /// The host that serves the registry API: Docker Hub's differs from its name.
    pub fn api_host(&self) -> &str {
        api_host(&self.registry)
    }

    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }

    fn with_suffix(&self, mut text: String) -> String {
        if let Some(tag) = &self.tag {
            text.push(':');
            text.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            text.push('@');
            text.push_str(digest.as_str());
        }
        text
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(text: &str) -> Result<Reference, ReferenceError> {
        Reference::parse(text)
    }
}

/// The familiar form, as `docker images` and `docker pull` show it: `ubuntu:latest`,
/// `user/app:1.0`, `localhost:5000/my-fancy-app:1.0.0`, `ubuntu@sha256:...`.
impl fmt::Display for Reference {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.with_suffix(self.familiar_name()))
    }
}

/// distribution's `splitDockerDomain`: the text before the first `/` is a registry when it
/// contains `.` or `:`, is `localhost`, or has uppercase letters (paths cannot, so Docker
/// assumes a host). Otherwise the registry is Docker Hub, where a one-component path gets
/// `library/`. The remainder still carries any tag and digest.
fn split_registry(text: &str) -> (&str, String) {
    let (registry, remainder) = match text.split_once('/') {
        Some((first, rest)) if first == LEGACY_DOCKER_HUB => (DOCKER_HUB, rest),
        Some((first, rest)) if looks_like_registry(first) || first.to_lowercase() != first => (first, rest),
        _ => (DOCKER_HUB, text),
    };
    if registry == DOCKER_HUB && !remainder.contains('/') {
        return (registry, format!("{OFFICIAL_PREFIX}{remainder}"));
    }
    (registry, remainder.to_string())
}

/// distribution's `identifier`: a bare sha256 hex, which Docker reads as an image ID.
fn is_image_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

fn looks_like_registry(component: &str) -> bool {
    component.contains(['.', ':']) || component == "localhost"
}

/// `host[:port]`, where host is dot-joined `[a-zA-Z0-9]` labels with inner `-`, or an IPv6
/// literal in brackets. Docker would accept some invalid hosts by re-reading the whole name as
/// a path (`foo_bar.com/app`, leaving no registry at all); hoist refuses them instead.
fn is_valid_registry(registry: &str) -> bool {
    let (host, port) = split_port(registry);
    let port_is_valid =
        port.is_none_or(|digits| !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()));
    port_is_valid && is_valid_host(host)
}

/// Splits off `:port`, looking past an IPv6 literal's brackets, whose colons are its own.
fn split_port(registry: &str) -> (&str, Option<&str>) {
    let host_end = registry.find(']').map_or(0, |bracket| bracket + 1);
    match registry[host_end..].find(':') {
        Some(colon) => {
            let (host, port) = registry.split_at(host_end + colon);
            (host, Some(&port[1..]))
        }
        None => (registry, None),
    }
}

fn is_valid_host(host: &str) -> bool {
    match host.strip_prefix('[') {
        Some(bracketed) => bracketed.strip_suffix(']').is_some_and(|address| {
            !address.is_empty() && address.bytes().all(|byte| byte.is_ascii_hexdigit() || byte == b':')
        }),
        None => host.split('.').all(is_valid_host_label),
    }
}

fn is_valid_host_label(label: &str) -> bool {
    !label.is_empty()
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
}

/// `/`-separated components of `[a-z0-9]+` runs joined by one separator: `.`, `_`, `__` or
/// any number of `-`.
fn is_valid_path(path: &str) -> bool {
    path.split('/').all(is_valid_path_component)
}

fn is_valid_path_component(component: &str) -> bool {
    let is_alphanumeric = |character: char| character.is_ascii_lowercase() || character.is_ascii_digit();
    let is_separator = |run: &str| matches!(run, "." | "_" | "__") || run.bytes().all(|byte| byte == b'-');
    component.starts_with(is_alphanumeric)
        && component.ends_with(is_alphanumeric)
        && component.split(is_alphanumeric).filter(|run| !run.is_empty()).all(is_separator)
}

pub(crate) fn is_valid_tag(tag: &str) -> bool {
    let is_word = |character: char| character.is_ascii_alphanumeric() || character == '_';
    tag.len() <= TAG_LENGTH_MAX
        && tag.starts_with(is_word)
        && tag.chars().all(|character| is_word(character) || character == '.' || character == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256: &str = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
    const HEX64: &str = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

    /// Spells out the placeholders that keep each table row on one line; `=` stands for `same`.
    fn expand(text: &str, same: &str) -> String {
        let sha512 = format!("sha512:{}", "f".repeat(128));
        let tag128 = format!("v{}", "x".repeat(127));
        let text = if text == "=" { same } else { text };
        let text = text.replace("{sha256}", SHA256).replace("{sha512}", &sha512);
        text.replace("{hex}", HEX64).replace("{tag128}", &tag128)
    }

    #[test]
    fn valid_references_normalise_like_docker() {
        // (input, full, display); in `full` the registry always precedes the first `/`.
        #[rustfmt::skip]
        let cases = [
            ("ubuntu", "docker.io/library/ubuntu", "ubuntu"),
            ("ubuntu:latest", "docker.io/library/ubuntu:latest", "="),
            ("user/app", "docker.io/user/app", "="),
            ("user/app:1.0", "docker.io/user/app:1.0", "="),
            ("localhost/app", "=", "="),
            ("localhost:5000/app:1.0", "=", "="),
            ("localhost:5000/my-fancy-app:1.0.0", "=", "="),
            ("host:5000/a/b", "=", "="),
            ("a.b/c", "=", "="),
            ("[::1]:5000/app", "=", "="),
            ("[2001:db8::1]/repo:tag", "=", "="),
            ("[fc00:1:2:3:4:5:6:7]:5000/library/debian", "=", "="),
            ("index.docker.io/library/ubuntu", "docker.io/library/ubuntu", "ubuntu"),
            ("index.docker.io/ubuntu", "docker.io/library/ubuntu", "ubuntu"),
            ("docker.io/ubuntu", "docker.io/library/ubuntu", "ubuntu"),
            ("docker.io/library/foo/bar", "=", "library/foo/bar"),
            ("other/library", "docker.io/other/library", "="),
            ("busybox:latest@{sha256}", "docker.io/library/busybox:latest@{sha256}", "="),
            ("ubuntu@{sha256}", "docker.io/library/ubuntu@{sha256}", "="),
            ("xn--7o8h.com/myimage:xn--7o8h.com@{sha512}", "=", "="),
            // An uppercase first component cannot be a path, so Docker reads it as a host.
            ("UPPER/app", "=", "="),
            ("Foo/bar", "=", "="),
            ("a--b", "docker.io/library/a--b", "="),
            ("docker---rules/docker", "docker.io/docker---rules/docker", "="),
            ("dock__er/d.o_c-k", "docker.io/dock__er/d.o_c-k", "="),
            ("test_com/foo", "docker.io/test_com/foo", "="),
            ("test-com:8080/foo", "=", "="),
            ("127.0.0.1:8000/private/moonbase", "=", "="),
            ("lowercase:Uppercase", "docker.io/library/lowercase:Uppercase", "="),
            // Without a `/` there is no host, so Docker reads `:5000` as a tag.
            ("192.168.1.1:5000", "docker.io/library/192.168.1.1:5000", "="),
            ("localhost", "docker.io/library/localhost", "="),
            ("ubuntu:{tag128}", "docker.io/library/ubuntu:{tag128}", "="),
            ("ubuntu:_tag", "docker.io/library/ubuntu:_tag", "="),
            ("docker.io/library/a.b", "=", "a.b"),
            // Unlike Docker, shown so that they read back as the same reference.
            ("docker.io/{hex}", "docker.io/library/{hex}", "library/{hex}"),
            ("{hex}:tag", "docker.io/library/{hex}:tag", "library/{hex}:tag"),
            ("docker.io/localhost/app", "=", "="),
            ("docker.io/a.b/c:1", "=", "="),
        ];
        for (input, full, display) in cases {
            let input = expand(input, "");
            let (full, display) = (expand(full, &input), expand(display, &input));
            let reference = Reference::parse(&input).unwrap_or_else(|error| panic!("{input}: {error}"));
            let (name, digest) = match full.split_once('@') {
                Some((name, digest)) => (name, Some(digest)),
                None => (full.as_str(), None),
            };
            let last_component = name.rsplit('/').next().unwrap_or_default();
            let tag = last_component.split_once(':').map(|(_, tag)| tag);
            let name = tag.map_or(name, |tag| &name[..name.len() - tag.len() - 1]);
            let (registry, repository) = name.split_once('/').unwrap();
            assert_eq!(reference.registry(), registry, "{input}");
            assert_eq!(reference.repository(), repository, "{input}");
            assert_eq!(reference.tag(), tag, "{input}");
            assert_eq!(reference.digest().map(Digest::as_str), digest, "{input}");
            assert_eq!(reference.name(), name, "{input}");
            assert_eq!(reference.full(), full, "{input}");
            assert_eq!(reference.to_string(), display, "{input}");
            // Both forms read back as the same reference: the store keeps `full`, and
            // `docker save` archives keep the familiar form.
            assert_eq!(Reference::parse(&full), Ok(reference.clone()), "{input}");
            assert_eq!(display.parse(), Ok(reference), "{input}");
        }
    }

    /// The kind of error and the text it names, so each table row fits on one line.
    fn describe(error: &ReferenceError) -> (&'static str, &str) {
        use DigestError::{InvalidHex, MissingAlgorithm, UnsupportedAlgorithm};
        match error {
            ReferenceError::Empty => ("empty", ""),
            ReferenceError::HexadecimalName(name) => ("hex", name),
            ReferenceError::Uppercase(path) => ("uppercase", path),
            ReferenceError::Registry(registry) => ("registry", registry),
            ReferenceError::Path(path) => ("path", path),
            ReferenceError::Tag(tag) => ("tag", tag),
            ReferenceError::Digest(MissingAlgorithm { digest }) => ("no algorithm", digest),
            ReferenceError::Digest(UnsupportedAlgorithm { digest, .. }) => ("algorithm", digest),
            ReferenceError::Digest(InvalidHex { digest, .. }) => ("digest hex", digest),
            ReferenceError::NameTooLong => ("too long", ""),
        }
    }

    #[test]
    fn invalid_references_say_why() {
        #[rustfmt::skip]
        let cases = [
            ("", "empty", ""),
            ("Ubuntu", "uppercase", "library/Ubuntu"),
            ("Uppercase:tag", "uppercase", "library/Uppercase"),
            ("docker/Docker", "uppercase", "docker/Docker"),
            ("docker.io/docker/Docker", "uppercase", "docker/Docker"),
            ("test:5000/Uppercase/lowercase:tag", "uppercase", "Uppercase/lowercase"),
            ("Upper/Case", "uppercase", "Case"),
            ("{hex}", "hex", "{hex}"),
            ("a..b", "path", "library/a..b"),
            ("a___b", "path", "library/a___b"),
            ("-a", "path", "library/-a"),
            ("a-", "path", "library/a-"),
            ("a//b", "path", "a//b"),
            ("a/", "path", "a/"),
            ("docker///docker", "path", "docker///docker"),
            ("-docker/docker", "path", "-docker/docker"),
            ("docker-/docker", "path", "docker-/docker"),
            ("____/____", "path", "____/____"),
            ("_docker/_docker", "path", "_docker/_docker"),
            ("dock_.er", "path", "library/dock_.er"),
            ("aa/asdf$$^/aa", "path", "aa/asdf$$^/aa"),
            ("localhost:5000/", "path", ""),
            (":justtag", "path", "library/"),
            ("@{sha256}", "path", "library/"),
            ("[fc00::1]:5000", "path", "library/[fc00"),
            ("https://github.com/docker/docker", "registry", "https:"),
            ("fc00::1:5000/debian", "registry", "fc00::1:5000"),
            ("[fe80::1%eth0]:5000/debian", "registry", "[fe80::1%eth0]:5000"),
            ("[2001:db8::192.0.2.33]:5000/debian", "registry", "[2001:db8::192.0.2.33]:5000"),
            ("[::1/app", "registry", "[::1"),
            ("[]:5000/app", "registry", "[]:5000"),
            ("[::1]x/app", "registry", "[::1]x"),
            ("-docker.io/docker/docker", "registry", "-docker.io"),
            ("dock-.er/docker", "registry", "dock-.er"),
            ("host:/app", "registry", "host:"),
            ("host:50a/app", "registry", "host:50a"),
            ("a..b.com/app", "registry", "a..b.com"),
            // Docker re-reads this as a path with no registry at all; hoist does not guess.
            ("foo_bar.com/app", "registry", "foo_bar.com"),
            ("a:b:c", "tag", "b:c"),
            ("ubuntu:", "tag", ""),
            ("ubuntu:.tag", "tag", ".tag"),
            ("ubuntu:-tag", "tag", "-tag"),
            ("ubuntu:{tag128}x", "tag", "{tag128}x"),
            ("x@sha256:1234", "digest hex", "sha256:1234"),
            ("x@sha256:{hex}0", "digest hex", "sha256:{hex}0"),
            ("x@sha256:1A3F5E7D9C1B3A5F7E9D1C3B5A7F9E1D3C5B7A9F1E3D5D7C9B1A3F5E7D9C1B3A", "digest hex", "="),
            ("x@{sha256}@x", "digest hex", "{sha256}@x"),
            ("x@md5:{hex}", "algorithm", "md5:{hex}"),
            ("ubuntu:t@g", "no algorithm", "g"),
            ("ubuntu@", "no algorithm", ""),
        ];
        for (input, kind, detail) in cases {
            let input = expand(input, "");
            let detail = expand(detail, input.split_once('@').map_or("", |(_, digest)| digest));
            let error = Reference::parse(&input).unwrap_err();
            assert_eq!(describe(&error), (kind, detail.as_str()), "{input}");
            assert!(error.to_string().starts_with("invalid reference format"), "{input}: {error}");
        }
    }

    #[test]
    fn error_messages_match_docker() {
        let prefix = "invalid reference format";
        #[rustfmt::skip]
        let cases = [
            ("", ""),
            ("Ubuntu", ": repository name (library/Ubuntu) must be lowercase"),
            ("{hex}", ": invalid repository name ({hex}), cannot specify 64-byte hexadecimal strings"),
            ("x@sha256:1", ": invalid digest \"sha256:1\": sha256 needs 64 lowercase hex characters"),
            ("a:b:c", ": tag \"b:c\" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
            ("{tag128}{tag128}", ": repository name must not be more than 255 characters"),
        ];
        for (input, message) in cases {
            let error = Reference::parse(&expand(input, "")).unwrap_err();
            assert_eq!(error.to_string(), format!("{prefix}{}", expand(message, "")), "{input}");
        }
    }

    #[test]
    fn whole_name_is_at_most_255_characters() {
        // `docker.io/library/` (18 characters) counts, as it did in Docker.
        let cases = [
            (format!("example.com/{}", "a".repeat(243)), true),
            (format!("example.com/{}:tag-goes-past", "a".repeat(243)), true),
            (format!("example.com/{}", "a".repeat(244)), false),
            ("a".repeat(237), true),
            ("a".repeat(238), false),
            (format!("{}a", "a/".repeat(127)), false),
            (format!("localhost/{}a", "a/".repeat(122)), true),
        ];
        for (input, is_valid) in cases {
            match Reference::parse(&input) {
                Ok(reference) => assert!(is_valid && reference.name().len() == 255, "{input}"),
                Err(error) => assert!(!is_valid && error == ReferenceError::NameTooLong, "{input}"),
            }
        }
    }

    #[test]
    fn default_tag_is_added_only_to_bare_names() {
        #[rustfmt::skip]
        let cases = [
            ("ubuntu", Some("latest"), "docker.io/library/ubuntu:latest", "ubuntu:latest"),
            ("ubuntu:22.04", Some("22.04"), "docker.io/library/ubuntu:22.04", "ubuntu:22.04"),
            ("ubuntu@{sha256}", None, "docker.io/library/ubuntu@{sha256}", "ubuntu@{sha256}"),
            ("localhost:5000/app", Some("latest"), "localhost:5000/app:latest", "="),
        ];
        for (input, tag, full, display) in cases {
            let reference = Reference::parse(&expand(input, "")).unwrap();
            assert_eq!(reference.tag_or_default(), tag.unwrap_or(DEFAULT_TAG));
            let tagged = reference.with_default_tag();
            assert_eq!(tagged.tag(), tag, "{input}");
            assert_eq!(tagged.full(), expand(full, ""), "{input}");
            assert_eq!(tagged.to_string(), expand(display, full), "{input}");
        }
    }

    #[test]
    fn with_tag_and_with_digest_replace_both() {
        let digest = Digest::parse(SHA256).unwrap();
        let bare = Reference::parse("ubuntu").unwrap();
        let pinned_full = format!("docker.io/library/ubuntu@{SHA256}");
        for input in ["ubuntu", "ubuntu:1@{sha256}", "ubuntu@{sha256}"] {
            let reference = Reference::parse(&expand(input, "")).unwrap();
            let tagged = reference.with_tag("2.0").unwrap();
            assert_eq!(tagged.full(), "docker.io/library/ubuntu:2.0", "{input}");
            assert_eq!(reference.with_digest(digest.clone()).full(), pinned_full);
            assert_eq!(reference.repository_reference(), bare, "{input}");
        }
        for tag in ["", ".x", "a:b", "a@b", &"x".repeat(129)] {
            let expected = Err(ReferenceError::Tag(tag.to_string()));
            assert_eq!(bare.with_tag(tag), expected, "{tag}");
        }
    }

    #[test]
    fn docker_hub_is_served_from_its_api_host() {
        #[rustfmt::skip]
        let cases = [
            ("ubuntu", "registry-1.docker.io", true),
            ("index.docker.io/user/app", "registry-1.docker.io", true),
            ("registry-1.docker.io/user/app", "registry-1.docker.io", false),
            ("localhost:5000/app", "localhost:5000", false),
            ("[::1]:5000/app", "[::1]:5000", false),
        ];
        for (input, api_host, is_docker_hub) in cases {
            let reference = Reference::parse(input).unwrap();
            assert_eq!(reference.api_host(), api_host, "{input}");
            assert_eq!(reference.is_docker_hub(), is_docker_hub, "{input}");
        }
    }
}
