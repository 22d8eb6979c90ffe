//! Finding what an IMAGE argument means (SPEC §2): a name, `NAME@DIGEST`, an image ID, or a
//! unique prefix of one (at least 4 hex digits), the way docker resolves it.

use super::Summary;
use crate::digest::Digest;
use crate::reference::Reference;
use crate::store::NameEntry;

/// The shortest ID prefix accepted, so that short names are not mistaken for IDs.
const MIN_PREFIX: usize = 4;

#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "one short-lived value per argument")]
pub(crate) enum Target {
    /// The argument named one entry.
    Name(NameEntry, Summary),
    /// The argument was an image ID (or a prefix of one); every name that holds it.
    Id(Digest, Vec<(NameEntry, Summary)>),
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum LookupError {
    #[error("No such image: {0}")]
    NoSuchImage(String),
    #[error("multiple IDs found with provided prefix: {0}")]
    Ambiguous(String),
}

pub(crate) fn lookup(images: &[(NameEntry, Summary)], argument: &str) -> Result<Target, LookupError> {
    if let Ok(reference) = Reference::parse(argument)
        && let Some(found) = by_reference(images, &reference)
    {
        return Ok(found);
    }
    by_id(images, argument)
}

fn by_reference(images: &[(NameEntry, Summary)], reference: &Reference) -> Option<Target> {
    let found = match reference.digest() {
        // NAME@DIGEST: any name of that repository whose manifest has the digest, or the entry
        // a name of that repository moved away from.
        Some(digest) => images.iter().find(|(entry, _)| {
            let same = |name: &Reference| {
                name.name() == reference.name() && entry.descriptor.digest().as_ref() == digest.as_str()
            };
            entry.reference.as_ref().is_some_and(|name| name == reference || same(name))
                || (entry.reference.is_none() && entry.repository.as_ref().is_some_and(same))
        }),
        None => {
            let wanted = reference.clone().with_default_tag();
            images.iter().find(|(entry, _)| entry.reference.as_ref() == Some(&wanted))
        }
    };
    found.map(|(entry, summary)| Target::Name(entry.clone(), summary.clone()))
}

fn by_id(images: &[(NameEntry, Summary)], argument: &str) -> Result<Target, LookupError> {
    let hex = argument.strip_prefix("sha256:").unwrap_or(argument);
    let is_hex = hex.len() >= MIN_PREFIX
        && hex.len() <= 64
        && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    if !is_hex {
        return Err(LookupError::NoSuchImage(argument.to_string()));
    }
    let holders: Vec<(NameEntry, Summary)> =
        images.iter().filter(|(_, summary)| summary.id.hex().starts_with(hex)).cloned().collect();
    let mut ids: Vec<&Digest> = holders.iter().map(|(_, summary)| &summary.id).collect();
    ids.dedup();
    ids.sort();
    ids.dedup();
    match ids.as_slice() {
        [] => Err(LookupError::NoSuchImage(argument.to_string())),
        [id] => Ok(Target::Id((*id).clone(), holders.clone())),
        _ => Err(LookupError::Ambiguous(argument.to_string())),
    }
}
