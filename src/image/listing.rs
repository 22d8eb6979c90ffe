//! Which entries `images` lists (docker's `ImageService.Images`): dangling images, intermediate
//! ones only with `-a`, and the filters of `-f` and `images PATTERN`.

use std::collections::{HashMap, HashSet};

use super::filter::{Filter, FilterKey, parse_time, reference_matches};
use super::{Image, Kind, LookupError, Platform, Summary, lookup};
use crate::digest::Digest;
use crate::store::{NameEntry, Store};

/// Whether an entry has neither a name nor a repository it was left in (`<none> <none>`).
pub(crate) fn is_unnamed(entry: &NameEntry) -> bool {
    entry.reference.is_none() && entry.repository.is_none()
}

/// The IDs of images that a tag holds (docker's "not dangling").
pub(crate) fn tagged_ids(images: &[(NameEntry, Summary)]) -> HashSet<Digest> {
    images
        .iter()
        .filter(|(entry, _)| entry.reference.as_ref().is_some_and(|name| name.tag().is_some()))
        .map(|(_, summary)| summary.id.clone())
        .collect()
}

/// The entries `images` shows: those `filters` keep, and `<none>` images that are the base of
/// another image (docker's intermediate images) only with `all`.
pub(crate) fn select(
    store: &Store,
    images: &[(NameEntry, Summary)],
    filters: &[Filter],
    all: bool,
) -> Result<Vec<(NameEntry, Summary)>, LookupError> {
    let tagged = tagged_ids(images);
    let bounds = Bounds::of(images, filters)?;
    let intermediate = if all { HashSet::new() } else { intermediates(store, images) };
    let kept = images.iter().filter(|(entry, summary)| {
        !intermediate.contains(&summary.id)
            && filters.iter().all(|filter| keeps(store, filter, entry, summary, &tagged))
            && bounds.keeps(summary)
    });
    Ok(kept.cloned().collect())
}

fn keeps(store: &Store, filter: &Filter, entry: &NameEntry, summary: &Summary, tagged: &HashSet<Digest>) -> bool {
    match filter.key {
        FilterKey::Dangling if filter.is_true() => !tagged.contains(&summary.id),
        FilterKey::Dangling => !is_unnamed(entry),
        FilterKey::Reference => {
            let reference = entry.reference.as_ref().or(entry.repository.as_ref());
            reference.is_some_and(|name| {
                let familiar = match name.tag() {
                    Some(tag) => format!("{}:{tag}", name.familiar_name()),
                    None => name.familiar_name(),
                };
                reference_matches(&filter.value, &familiar, &name.familiar_name())
            })
        }
        FilterKey::Label | FilterKey::NotLabel => {
            let image = Image::open(store, &entry.descriptor, &Platform::host()).ok();
            let labels = image.as_ref().and_then(|image| image.config.config().as_ref()?.labels().as_ref());
            filter.label_matches(labels) == (filter.key == FilterKey::Label)
        }
        // Times are compared once, by `Bounds`.
        FilterKey::Before | FilterKey::Since | FilterKey::Until => true,
    }
}

/// `before`, `since` and `until` as times: an image must be created strictly between them.
struct Bounds {
    before: Option<jiff::Timestamp>,
    after: Option<jiff::Timestamp>,
}

impl Bounds {
    fn of(images: &[(NameEntry, Summary)], filters: &[Filter]) -> Result<Bounds, LookupError> {
        let mut bounds = Bounds { before: None, after: None };
        let now = jiff::Timestamp::now();
        for filter in filters {
            let time = match filter.key {
                FilterKey::Before | FilterKey::Since => created_of(images, &filter.value)?,
                FilterKey::Until => parse_time(&filter.value, now).ok(),
                _ => continue,
            };
            let Some(time) = time else { continue };
            match filter.key {
                FilterKey::Since => bounds.after = Some(bounds.after.map_or(time, |after| after.max(time))),
                _ => bounds.before = Some(bounds.before.map_or(time, |before| before.min(time))),
            }
        }
        Ok(bounds)
    }

    fn keeps(&self, summary: &Summary) -> bool {
        if self.before.is_none() && self.after.is_none() {
            return true;
        }
        let Some(created) = created(summary) else { return false };
        self.before.is_none_or(|before| created < before) && self.after.is_none_or(|after| created > after)
    }
}

pub(crate) fn created(summary: &Summary) -> Option<jiff::Timestamp> {
    summary.created.as_deref()?.parse().ok()
}

fn created_of(images: &[(NameEntry, Summary)], argument: &str) -> Result<Option<jiff::Timestamp>, LookupError> {
    let summary = match lookup(images, argument)? {
        super::Target::Name(_, summary) => summary,
        super::Target::Id(id, holders) => {
            holders.into_iter().next().map(|(_, summary)| summary).ok_or(LookupError::NoSuchImage(id.to_string()))?
        }
    };
    Ok(created(&summary))
}

/// `<none>` images whose layers begin another image's longer list of layers: what a build
/// leaves of its steps, which docker lists only with `-a`.
fn intermediates(store: &Store, images: &[(NameEntry, Summary)]) -> HashSet<Digest> {
    let unnamed: Vec<&(NameEntry, Summary)> =
        images.iter().filter(|(entry, summary)| is_unnamed(entry) && summary.kind == Kind::Image).collect();
    if unnamed.is_empty() {
        return HashSet::new();
    }
    let layers = |entry: &NameEntry| -> Vec<String> {
        Image::open(store, &entry.descriptor, &Platform::host())
            .map(|image| image.manifest.layers().iter().map(|layer| layer.digest().to_string()).collect())
            .unwrap_or_default()
    };
    // Each image opened once, however many names hold it.
    let mut all: HashMap<&Digest, Vec<String>> = HashMap::new();
    for (entry, summary) in images {
        all.entry(&summary.id).or_insert_with(|| layers(entry));
    }
    unnamed
        .iter()
        .filter(|(_, summary)| {
            let base = &all[&summary.id];
            !base.is_empty()
                && all
                    .iter()
                    .any(|(id, others)| *id != &summary.id && others.len() > base.len() && others.starts_with(base))
        })
        .map(|(_, summary)| summary.id.clone())
        .collect()
}
