//! Everything hoist shows people: data on stdout, status and errors on stderr.

pub mod progress;
pub mod table;
pub mod units;

use std::io::{self, Write};

/// Writes one line of data to stdout.
pub fn line(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
}

/// Writes one line of status or warning to stderr.
pub fn status(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Text from a registry or an archive as it may reach a terminal: control characters (`ESC`,
/// `BEL`, line breaks) are shown escaped, so that no registry can retitle or clear the screen.
pub fn escape(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() {
            shown.extend(character.escape_debug());
        } else {
            shown.push(character);
        }
    }
    shown
}

/// Renders an error once: the message, each cause on its own line, then hints.
pub fn print_error(error: &anyhow::Error) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "Error: {error}");
    for cause in error.chain().skip(1) {
        let _ = writeln!(err, "  caused by: {cause}");
    }
    for hint in error.chain().filter_map(hint_of) {
        let _ = writeln!(err, "hint: {hint}");
    }
}

/// What to suggest for an error; registry errors sit inside pull and push errors.
fn hint_of(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    use crate::image::TransferError;
    use crate::registry::RegistryError;
    let registry_error = match cause.downcast_ref::<TransferError>() {
        Some(TransferError::Registry(inner)) => inner,
        _ => cause.downcast_ref::<RegistryError>()?,
    };
    registry_error.hint()
}

/// Whether the error is only that the reader of our output went away (`hoist images | head`).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|err| err.kind() == io::ErrorKind::BrokenPipe))
}
