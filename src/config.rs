//! `<config>/config.toml` (SPEC §3): insecure registries, Docker Hub mirrors, concurrency.
//! A bad file is an error that names the file and the line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Config {
    pub insecure_registries: Vec<String>,
    pub registry_mirrors: Vec<String>,
    pub max_concurrent_downloads: usize,
    pub max_concurrent_uploads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            insecure_registries: Vec::new(),
            registry_mirrors: Vec::new(),
            max_concurrent_downloads: 3,
            max_concurrent_uploads: 5,
        }
    }
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

    fn check(&self) -> Result<(), String> {
        if !(1..=64).contains(&self.max_concurrent_downloads) {
            return Err("max-concurrent-downloads must be between 1 and 64".into());
        }
        if !(1..=64).contains(&self.max_concurrent_uploads) {
            return Err("max-concurrent-uploads must be between 1 and 64".into());
        }
        for mirror in &self.registry_mirrors {
            let valid = reqwest::Url::parse(mirror).is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
            if !valid {
                return Err(format!("registry-mirrors: {mirror:?} is not an http(s) URL"));
            }
        }
        Ok(())
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
        assert_eq!(config.max_concurrent_downloads, 4);
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            ("max-concurrent-downloads = 3\nunknown-key = 1\n", 2, "unknown field"),
            ("max-concurrent-downloads = \"three\"\n", 1, "invalid type"),
            ("\n\nregistry-mirrors = [\"ftp://x\"]\n", 3, "not an http(s) URL"),
            ("max-concurrent-uploads = 0\n", 1, "between 1 and 64"),
            ("insecure-registries = [\n", 1, ""),
        ];
        for (text, line, message) in cases {
            let error = load(text).unwrap_err().to_string();
            assert!(error.contains(&format!("config.toml: line {line}: ")), "{text:?}: {error}");
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }
}
