//! `<config>/config.toml` (SPEC §3): insecure registries, Docker Hub mirrors, concurrency.
//! A bad file is an error that names the file and the line. Docker's own `daemon.json`
//! (`insecure-registries`, `registry-mirrors`) is honoured after it; a broken one is a warning.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Config {
    pub insecure_registries: Vec<String>,
    pub registry_mirrors: Vec<String>,
    /// Set: at most this many downloads at once. Unset: docker's 3 large ones, more small ones.
    pub max_concurrent_downloads: Option<usize>,
    /// Set: at most this many uploads at once. Unset: docker's 5 large ones, more small ones.
    pub max_concurrent_uploads: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: line {line}: {message}", path.display())]
    Invalid { path: PathBuf, line: usize, message: String },
}

impl Config {
    /// Reads `config.toml` from the folder; a missing file means the defaults.
    pub fn load(folder: &Path) -> Result<Config, ConfigError> {
        let path = folder.join("config.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Config::parse(&text, &path)
    }

    /// Parses and checks the text of a `config.toml`; `path` is only for error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |line, message| ConfigError::Invalid { path: path.to_path_buf(), line, message };
        let config: Config = toml::from_str(text).map_err(|err| {
            let line = err.span().map_or(1, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            invalid(line, err.message().to_string())
        })?;
        config.check().map_err(|message| invalid(line_of(text, &message), message))?;
        Ok(config)
    }

    /// The insecure registries, parsed (`check` has made sure they parse).
    pub fn insecure(&self) -> Vec<InsecureEntry> {
        self.insecure_registries.iter().filter_map(|entry| InsecureEntry::parse(entry).ok()).collect()
    }

    /// Adds Docker's `insecure-registries` and `registry-mirrors` from `daemon.json` at `path`
    /// (usually `/etc/docker/daemon.json`) after this file's own; returns a warning for a file
    /// that cannot be read or entries that cannot be used. No file means nothing to add.
    pub fn add_docker_daemon(&mut self, path: &Path) -> Option<String> {
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Daemon {
            #[serde(default)]
            insecure_registries: Vec<String>,
            #[serde(default)]
            registry_mirrors: Vec<String>,
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
            Err(err) => return Some(format!("cannot read {}: {err}; its settings are not used", path.display())),
        };
        let daemon: Daemon = match serde_json::from_str(&text) {
            Ok(daemon) => daemon,
            Err(err) => return Some(format!("{} is not valid: {err}; its settings are not used", path.display())),
        };
        let mut refused = Vec::new();
        for entry in daemon.insecure_registries {
            match InsecureEntry::parse(&entry) {
                Ok(_) => self.insecure_registries.push(entry),
                Err(reason) => refused.push(reason),
            }
        }
        for mirror in daemon.registry_mirrors {
            match check_mirror(&mirror) {
                Ok(()) => self.registry_mirrors.push(mirror),
                Err(reason) => refused.push(reason),
            }
        }
        (!refused.is_empty()).then(|| format!("{}: not used: {}", path.display(), refused.join("; ")))
    }

    fn check(&self) -> Result<(), String> {
        if self.max_concurrent_downloads.is_some_and(|limit| !(1..=64).contains(&limit)) {
            return Err("max-concurrent-downloads must be between 1 and 64".into());
        }
        if self.max_concurrent_uploads.is_some_and(|limit| !(1..=64).contains(&limit)) {
            return Err("max-concurrent-uploads must be between 1 and 64".into());
        }
        for mirror in &self.registry_mirrors {
            check_mirror(mirror)?;
        }
        for entry in &self.insecure_registries {
            InsecureEntry::parse(entry)?;
        }
        Ok(())
    }
}

fn check_mirror(mirror: &str) -> Result<(), String> {
    let valid = reqwest::Url::parse(mirror).is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
    if valid { Ok(()) } else { Err(format!("registry-mirrors: {mirror:?} is not an http(s) URL")) }
}

/// An `insecure-registries` entry: `HOST[:PORT]` (any port when none is given), or an IP range
/// in CIDR form (`192.168.0.0/16`), as Docker's `daemon.json` takes them. A scheme written in
/// front (`http://host:5000`) is understood: the entry says which host, not how to reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InsecureEntry {
    Host(String),
    Range(IpAddr, u8),
}

impl InsecureEntry {
    pub fn parse(text: &str) -> Result<InsecureEntry, String> {
        let bad = |why: &str| format!("insecure-registries: {text:?} {why}: write HOST[:PORT] or a CIDR range");
        let trimmed = text.trim();
        let without_scheme = match trimmed.split_once("://") {
            Some(("http" | "https", rest)) => rest,
            Some(_) => return Err(bad("has a scheme other than http(s)")),
            None => trimmed,
        };
        let entry = without_scheme.strip_suffix('/').unwrap_or(without_scheme);
        if entry.is_empty() || entry.contains(char::is_whitespace) {
            return Err(bad("is empty or holds spaces"));
        }
        if let Some((ip, bits)) = entry.split_once('/') {
            let ip: IpAddr = ip.parse().map_err(|_| bad("has a path"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits =
                bits.parse::<u8>().ok().filter(|bits| *bits <= max).ok_or_else(|| bad("has a bad prefix length"))?;
            return Ok(InsecureEntry::Range(ip, bits));
        }
        Ok(InsecureEntry::Host(entry.to_ascii_lowercase()))
    }

    /// Whether the registry `host` (`HOST[:PORT]`, as references name it) is this entry's.
    pub fn matches(&self, host: &str) -> bool {
        let (name, _) = split_port(host);
        match self {
            InsecureEntry::Host(entry) => {
                entry.eq_ignore_ascii_case(host) || (split_port(entry).1.is_none() && entry.eq_ignore_ascii_case(name))
            }
            InsecureEntry::Range(network, bits) => name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| in_range(ip, *network, *bits)),
        }
    }
}

/// `HOST` and `PORT` of `HOST[:PORT]` (`[::1]:5000` included).
fn split_port(host: &str) -> (&str, Option<&str>) {
    match host.rsplit_once(':') {
        Some((name, port))
            if port.chars().all(|c| c.is_ascii_digit()) && (!name.contains(':') || name.ends_with(']')) =>
        {
            (name, Some(port))
        }
        _ => (host, None),
    }
}

fn in_range(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(network)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(network)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

/// The line on which the key a message names appears, for errors found after parsing.
fn line_of(text: &str, message: &str) -> usize {
    let key = message.split([' ', ':']).next().unwrap_or_default();
    text.lines().position(|line| line.trim_start().starts_with(key)).map_or(1, |index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("config.toml"), text).unwrap();
        Config::load(folder.path())
    }

    #[test]
    fn reads_every_key_and_defaults() {
        assert_eq!(load("").unwrap(), Config::default());
        let config = load(
            "insecure-registries = [\"192.168.0.100:5000\"]\nregistry-mirrors = [\"https://mirror.example.com\"]\n\
             max-concurrent-downloads = 4\nmax-concurrent-uploads = 2\n",
        )
        .unwrap();
        assert_eq!(config.insecure_registries, ["192.168.0.100:5000"]);
        assert_eq!(config.max_concurrent_downloads, Some(4));
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            ("max-concurrent-downloads = 3\nunknown-key = 1\n", 2, "unknown field"),
            ("max-concurrent-downloads = \"three\"\n", 1, "invalid type"),
            ("\n\nregistry-mirrors = [\"ftp://x\"]\n", 3, "not an http(s) URL"),
            ("max-concurrent-uploads = 0\n", 1, "between 1 and 64"),
            ("\ninsecure-registries = [\"ftp://x:5000\"]\n", 2, "other than http(s)"),
            ("insecure-registries = [\n", 1, ""),
        ];
        for (text, line, message) in cases {
            let error = load(text).unwrap_err().to_string();
            assert!(error.contains(&format!("config.toml: line {line}: ")), "{text:?}: {error}");
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn insecure_entries_are_hosts_or_ranges() {
        let cases = [
            ("192.168.0.100:5000", "192.168.0.100:5000", true),
            ("192.168.0.100:5000", "192.168.0.100:5001", false),
            ("192.168.0.100", "192.168.0.100:5001", true),
            ("http://dev.docker.local:5000/", "dev.docker.local:5000", true),
            ("https://Registry.Example.com", "registry.example.com:443", true),
            ("10.0.0.0/8", "10.20.30.40:5000", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("fd00::/8", "[fd12::1]:5000", true),
            ("[::1]:5000", "[::1]:5000", true),
        ];
        for (entry, host, matches) in cases {
            assert_eq!(InsecureEntry::parse(entry).unwrap().matches(host), matches, "{entry} vs {host}");
        }
        for bad in ["ftp://x", "", "10.0.0.0/33", "host/path", "a b"] {
            assert!(InsecureEntry::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn docker_daemon_settings_come_after_ours() {
        let folder = tempfile::tempdir().unwrap();
        let daemon = folder.path().join("daemon.json");
        let mut config = load("insecure-registries = [\"a:1\"]\n").unwrap();
        assert_eq!(config.add_docker_daemon(&daemon), None, "no file, nothing to say");
        std::fs::write(
            &daemon,
            r#"{"insecure-registries": ["http://b:2", "ftp://c"], "registry-mirrors": ["https://m"], "debug": true}"#,
        )
        .unwrap();
        let warning = config.add_docker_daemon(&daemon).unwrap();
        assert!(warning.contains("ftp://c"), "{warning}");
        assert_eq!(config.insecure_registries, ["a:1", "http://b:2"]);
        assert_eq!(config.registry_mirrors, ["https://m"]);
        std::fs::write(&daemon, "{ not json").unwrap();
        assert!(config.add_docker_daemon(&daemon).unwrap().contains("is not valid"));
    }
}
