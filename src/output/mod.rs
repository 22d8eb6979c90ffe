//! Everything hoist shows people: data on stdout, status and errors on stderr. Every line goes
//! through [`escape`], so that text from a registry or an archive never reaches a terminal raw.

mod escape;
pub(crate) mod format;
pub(crate) mod progress;
pub(crate) mod table;

use std::io::{self, Write};

pub(crate) use escape::{escape, escape_json};

/// Writes one line of data to stdout.
pub(crate) fn line(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}", escape(text))
}

/// Writes one line of status or warning to stderr.
pub(crate) fn status(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", escape(text));
}

/// The registry layer's messages on stderr: `DEBUG ...` lines with `--debug`, `WARNING: ...`.
pub(crate) struct StderrLog {
    pub debug: bool,
}

impl crate::registry::Log for StderrLog {
    fn debugging(&self) -> bool {
        self.debug
    }

    fn debug(&self, line: &str) {
        status(&format!("DEBUG {line}"));
    }

    fn warning(&self, text: &str) {
        status(&format!("WARNING: {text}"));
    }
}

/// Renders an error once: the message, each cause on its own line, then hints.
pub(crate) fn print_error(error: &anyhow::Error) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "Error: {}", escape(&error.to_string()));
    for cause in error.chain().skip(1) {
        let _ = writeln!(err, "  caused by: {}", escape(&cause.to_string()));
    }
    // The outermost hint is the most specific one (it knows the image, not only the blob).
    if let Some(hint) = error.chain().find_map(hint_of) {
        let _ = writeln!(err, "hint: {}", escape(&hint));
    }
}

/// What to suggest for an error: the library's errors know their hints; those of the store
/// and of registries also sit inside image, transfer and archive errors.
fn hint_of(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    use crate::archive::ArchiveError;
    use crate::image::ImageError;
    use crate::ops::TransferError;
    use crate::registry::RegistryError;
    use crate::store::StoreError;
    if let Some(error) = cause.downcast_ref::<TransferError>() {
        return error.hint();
    }
    if let Some(error) = cause.downcast_ref::<ArchiveError>() {
        return error.hint();
    }
    if let Some(error) = cause.downcast_ref::<ImageError>() {
        return error.hint();
    }
    if let Some(error) = cause.downcast_ref::<StoreError>() {
        return error.hint();
    }
    cause.downcast_ref::<RegistryError>()?.hint()
}

/// Whether the error is only that the reader of our output went away (`hoist images | head`).
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|err| err.kind() == io::ErrorKind::BrokenPipe))
}
