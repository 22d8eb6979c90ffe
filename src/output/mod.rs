//! Everything hoist shows people: data on stdout, status and errors on stderr. Every line goes
//! through [`escape`], so that text from a registry or an archive never reaches a terminal raw.

mod escape;
pub(crate) mod format;
pub(crate) mod gojson;
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

    fn retrying(&self, _registry: &str, retry: &crate::registry::Retry) {
        let (attempt, attempts) = (retry.attempt, retry.attempts);
        status(&format!("{} (attempt {attempt} of {attempts}): {}", retrying_in(retry.wait), retry.cause));
    }

    fn waiting(&self, registry: &str, waited: std::time::Duration) {
        status(&format!("Waiting for {registry} to answer ({} so far)", crate::registry::human_duration(waited)));
    }
}

/// docker's `Retrying in N seconds`.
pub(crate) fn retrying_in(wait: std::time::Duration) -> String {
    let seconds = crate::registry::whole_seconds(wait);
    format!("Retrying in {seconds} second{}", crate::registry::plural(seconds))
}

/// An error whose hint only the command knows (the image's own name, say): it is shown in place
/// of any hint its causes carry. Used as the outermost context of an `anyhow::Error`.
#[derive(Debug)]
pub(crate) struct Hinted {
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for Hinted {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message)
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
    let own = error.downcast_ref::<Hinted>().map(|hinted| hinted.hint.clone());
    if let Some(hint) = own.or_else(|| error.chain().find_map(hint_of)) {
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
