//! `<config>/auth.json`: where credentials go when no keyring answers (a CI container), in the
//! `auths` format Docker and podman use, written atomically with mode 0600. Every change is a
//! read-modify-write under `<config>/auth.json.lock` (as `index.json`'s is under the store's
//! lock), so that logins running at once to different registries each keep their entry.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use super::auths::{self, AuthEntry, AuthFile};
use super::{Credentials, CredentialsError, key_host};

#[derive(Debug, thiserror::Error)]
pub(crate) enum AuthFileError {
    // The reason is part of the message (not a `source`): these errors are also warnings of
    // one line each, when a lookup goes on to the next credential source.
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{} is not valid JSON: {error}", path.display())]
    Parse { path: PathBuf, error: serde_json::Error },
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: std::io::Error },
    #[error("cannot lock {}: {error}", path.display())]
    Lock { path: PathBuf, error: std::io::Error },
}

pub(crate) fn path(config_dir: &Path) -> PathBuf {
    config_dir.join("auth.json")
}

/// Reads an `auths` file; a missing file is empty.
pub(super) fn read(path: &Path) -> Result<AuthFile, AuthFileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|error| AuthFileError::Parse { path: path.into(), error }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(AuthFile::default()),
        Err(error) => Err(AuthFileError::Read { path: path.into(), error }),
    }
}

/// The credentials an `auths` file holds for `host` (already normalised with `key_host`).
pub(super) fn lookup(path: &Path, host: &str) -> Result<Option<Credentials>, CredentialsError> {
    auths::find(&read(path)?.auths, host, path)
}

/// Stores `credentials` under `key`, keeping every other entry; returns the file's path.
pub(crate) fn store(config_dir: &Path, key: &str, credentials: &Credentials) -> Result<PathBuf, AuthFileError> {
    let entry = AuthEntry::encode(credentials);
    update(config_dir, |file| {
        file.auths.insert(key.to_string(), entry);
        true
    })?;
    Ok(path(config_dir))
}

/// Removes the entry for `key`; returns whether there was one.
pub(crate) fn remove(config_dir: &Path, key: &str) -> Result<bool, AuthFileError> {
    if !path(config_dir).exists() {
        return Ok(false);
    }
    let host = key_host(key);
    update(config_dir, |file| {
        let before = file.auths.len();
        file.auths.retain(|stored, _| key_host(stored) != host);
        file.auths.len() != before
    })
}

/// Reads `auth.json`, lets `change` edit it and writes it back (when `change` says it changed
/// something), all under the lock: no other hoist changes it in between.
fn update(config_dir: &Path, change: impl FnOnce(&mut AuthFile) -> bool) -> Result<bool, AuthFileError> {
    let path = path(config_dir);
    std::fs::create_dir_all(config_dir).map_err(|error| AuthFileError::Write { path: path.clone(), error })?;
    let _lock = lock(config_dir)?;
    let mut file = read(&path)?;
    if !change(&mut file) {
        return Ok(false);
    }
    write(config_dir, &path, &file)?;
    Ok(true)
}

/// `<config>/auth.json.lock`, held exclusively until the returned file is dropped. The lock
/// is a file of its own: `auth.json` is replaced by a rename, which a lock on it would not survive.
fn lock(config_dir: &Path) -> Result<File, AuthFileError> {
    let path = config_dir.join("auth.json.lock");
    let lock_error = |error| AuthFileError::Lock { path: path.clone(), error };
    let file = File::options().create(true).truncate(false).write(true).mode(0o600).open(&path).map_err(lock_error)?;
    file.lock().map_err(lock_error)?;
    Ok(file)
}

fn write(config_dir: &Path, path: &Path, file: &AuthFile) -> Result<(), AuthFileError> {
    let failed = |error| AuthFileError::Write { path: path.to_path_buf(), error };
    let bytes = serde_json::to_vec_pretty(file).map_err(|err| failed(std::io::Error::other(err)))?;
    // The temporary file is created 0600, so the secret is never readable by others.
    let mut temp = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(config_dir)
        .map_err(failed)?;
    temp.write_all(&bytes).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}
