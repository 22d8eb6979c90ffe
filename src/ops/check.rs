//! `system check`: is the store what its names say? Every blob is hashed against its name
//! (by the store, on every core), then every entry of `index.json` is walked: its manifest or
//! index, config and layers must be there and intact. Entries hoist did not write (another
//! tool's artifact, a name that is not a reference) are listed, not counted as damage.
//! `repair.rs` mends what this finds.

use std::collections::BTreeSet;

use oci_spec::image::Descriptor;

use crate::digest::Digest;
use crate::image::{Document, MAX_NESTING, Platform, descriptor_digest, media};
use crate::reference::Reference;
use crate::store::{BlobCheck, Blobs, Damage, Store, StoreError, ref_name};

/// What a check found.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub blobs: usize,
    pub bytes: u64,
    pub names: usize,
    /// Entries whose content is not all there and intact.
    pub broken: Vec<Broken>,
    /// Damaged blobs that no entry uses (those an entry uses are among its reasons).
    pub unused_damage: Vec<(Digest, String)>,
    /// Entries and files hoist did not write, with what they are.
    pub foreign: Vec<String>,
    /// Every damaged or unreadable blob, for a repair to delete.
    pub damaged_blobs: Vec<Digest>,
}

impl Report {
    pub(crate) fn problems(&self) -> usize {
        self.broken.len() + self.unused_damage.len()
    }
}

/// An entry of the store that does not lead to complete, intact content.
#[derive(Clone, Debug)]
pub(crate) struct Broken {
    /// The entry as `index.json` has it.
    pub entry: Descriptor,
    /// Its name as hoist reads it, when it has one hoist can read.
    pub reference: Option<Reference>,
    /// What is wrong, one sentence each.
    pub reasons: Vec<String>,
    /// The platforms of an index whose images were in the store (what a repair fetches).
    pub platforms: Vec<Platform>,
}

impl Broken {
    /// The entry's name for people: the reference, the name as written, or its digest.
    pub(crate) fn name(&self) -> String {
        match (&self.reference, ref_name(&self.entry)) {
            (Some(reference), _) => reference.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => format!("<none>@{}", self.entry.digest()),
        }
    }
}

/// Hashes every blob on `workers` threads, then walks every entry.
pub(crate) fn check(store: &Store, workers: usize) -> Result<Report, StoreError> {
    let _writer = store.writer_lock()?; // keeps garbage collection out while blobs are read
    let entries = store.entries()?;
    let blobs = store.check_blobs(workers)?;
    Ok(walk_entries(store, &entries, &blobs))
}

/// Walks `entries` against what hashing (or, after a repair, a listing) found in `blobs`.
pub(crate) fn walk_entries(store: &Store, entries: &[Descriptor], blobs: &Blobs) -> Report {
    let mut report =
        Report { blobs: blobs.checked.len(), bytes: blobs.bytes(), names: entries.len(), ..Report::default() };
    let mut used = BTreeSet::new();
    for entry in entries {
        let reference = ref_name(entry).and_then(|name| Reference::parse(name).ok());
        if let (Some(name), None) = (ref_name(entry), &reference) {
            report.foreign.push(format!("entry {name:?} ({}): not a name hoist reads", entry.digest()));
        }
        let mut walk =
            Walk { store, blobs, used: &mut used, reasons: Vec::new(), platforms: Vec::new(), foreign: None };
        walk.document(entry, 0);
        let broken = Broken { entry: entry.clone(), reference, reasons: walk.reasons, platforms: walk.platforms };
        if let Some(what) = walk.foreign {
            report.foreign.push(format!("{}: {what}", broken.name()));
        }
        if !broken.reasons.is_empty() {
            report.broken.push(broken);
        }
    }
    for (digest, check) in &blobs.checked {
        let damage = match check {
            BlobCheck::Intact { .. } => continue,
            BlobCheck::Damaged { actual, .. } => Damage::Content { actual: actual.clone() }.to_string(),
            BlobCheck::Unreadable { error } => error.clone(),
        };
        report.damaged_blobs.push(digest.clone());
        if !used.contains(digest) {
            report.unused_damage.push((digest.clone(), damage));
        }
    }
    report.foreign.extend(blobs.strangers.iter().map(|path| format!("{}: not a blob hoist knows", path.display())));
    report
}

/// One entry's walk: what it uses, what is wrong with it, what it is.
struct Walk<'a> {
    store: &'a Store,
    blobs: &'a Blobs,
    used: &'a mut BTreeSet<Digest>,
    reasons: Vec<String>,
    platforms: Vec<Platform>,
    foreign: Option<String>,
}

impl Walk<'_> {
    /// Follows a manifest or index, noting every blob it uses.
    fn document(&mut self, descriptor: &Descriptor, depth: usize) {
        let Some(digest) = self.blob("manifest", descriptor) else { return };
        if depth > MAX_NESTING {
            self.reasons.push(format!("indexes nest deeper than {MAX_NESTING} levels at {digest}"));
            return;
        }
        let document = self.store.read_document(&digest).map_err(|err| err.to_string()).and_then(|bytes| {
            let claimed = descriptor.media_type().to_string();
            Document::parse(&bytes, &digest, Some(&claimed)).map_err(|err| err.to_string())
        });
        match document {
            Ok(Document::Index(index)) => self.index(&digest, index.manifests(), depth),
            Ok(Document::Manifest(manifest)) => {
                let config_type = manifest.config().media_type().to_string();
                if !media::is_image_config(&config_type) {
                    self.foreign = Some(format!("an artifact of another tool (its config is {config_type})"));
                }
                self.blob("config", manifest.config());
                for layer in manifest.layers() {
                    self.blob("layer", layer);
                }
            }
            Err(reason) => self.foreign = Some(format!("content hoist cannot read: {reason}")),
        }
    }

    /// An index: the images of it that are in the store must be whole, and at least one must be.
    fn index(&mut self, digest: &Digest, children: &[Descriptor], depth: usize) {
        let present: Vec<&Descriptor> = children
            .iter()
            .filter(|child| descriptor_digest(child).is_ok_and(|child| self.blobs.checked.contains_key(&child)))
            .collect();
        if present.is_empty() {
            self.reasons.push(format!("none of the {} images of index {digest} is in the store", children.len()));
            self.platforms.push(Platform::host());
        }
        for child in present {
            if let Some(platform) = child.platform().as_ref() {
                let text = Platform::describe(platform);
                self.platforms.extend(text.parse::<Platform>().ok());
            }
            self.document(child, depth + 1);
        }
    }

    /// Notes a blob the entry uses; returns its digest when it is there and intact.
    fn blob(&mut self, what: &str, descriptor: &Descriptor) -> Option<Digest> {
        let Ok(digest) = descriptor_digest(descriptor) else {
            self.reasons.push(format!("{what} {} has a digest hoist cannot read", descriptor.digest()));
            return None;
        };
        self.used.insert(digest.clone());
        let damage = match self.blobs.checked.get(&digest) {
            Some(BlobCheck::Intact { .. }) => return Some(digest),
            None => {
                self.reasons.push(format!("{what} {digest} is missing"));
                return None;
            }
            Some(BlobCheck::Damaged { size, .. }) if *size != descriptor.size() => {
                Damage::Size { actual: *size, size: descriptor.size() }.to_string()
            }
            Some(BlobCheck::Damaged { actual, .. }) => Damage::Content { actual: actual.clone() }.to_string(),
            Some(BlobCheck::Unreadable { error }) => error.clone(),
        };
        self.reasons.push(format!("{what} {digest} is damaged: {damage}"));
        None
    }
}
