//! What the store's images take (`system df`): each blob counted once, what images share, and
//! what a prune of dangling images would free.

use std::collections::{HashMap, HashSet};

use oci_spec::image::Descriptor;

use crate::digest::Digest;
use crate::image::listing::tagged_ids;
use crate::image::{Image, Kind, Platform, Summary};
use crate::store::{NameEntry, Store};

pub(crate) struct Usage {
    /// How many images there are, and how many a tag holds.
    pub images: usize,
    pub active: usize,
    /// The bytes of every image's config and layers, each blob once.
    pub size: u64,
    /// The bytes only dangling images use.
    pub reclaimable: u64,
    /// Per image ID: the bytes it shares with other images, and its own.
    pub shared: HashMap<Digest, (u64, u64)>,
}

pub(crate) fn usage(store: &Store, images: &[(NameEntry, Summary)]) -> Usage {
    let tagged = tagged_ids(images);
    let mut blobs_of: HashMap<Digest, Vec<(String, u64)>> = HashMap::new();
    for (entry, summary) in images {
        if summary.kind != Kind::Image || blobs_of.contains_key(&summary.id) {
            continue;
        }
        let Ok(image) = Image::open(store, &entry.descriptor, &Platform::host()) else { continue };
        let blobs = std::iter::once(image.manifest.config()).chain(image.manifest.layers());
        blobs_of.insert(
            summary.id.clone(),
            blobs.map(|blob: &Descriptor| (blob.digest().to_string(), blob.size())).collect(),
        );
    }
    let mut users: HashMap<&str, (u64, usize, bool)> = HashMap::new();
    for (id, blobs) in &blobs_of {
        for (digest, size) in blobs {
            let user = users.entry(digest.as_str()).or_insert((*size, 0, false));
            user.1 += 1;
            user.2 |= tagged.contains(id);
        }
    }
    let size = users.values().map(|(size, _, _)| size).sum();
    let reclaimable = users.values().filter(|(_, _, held)| !held).map(|(size, _, _)| size).sum();
    let shared = blobs_of
        .iter()
        .map(|(id, blobs)| {
            let unique: HashSet<&str> = blobs.iter().map(|(digest, _)| digest.as_str()).collect();
            let (mut shared, mut own) = (0, 0);
            for digest in unique {
                let (size, count, _) = users[digest];
                if count > 1 { shared += size } else { own += size }
            }
            (id.clone(), (shared, own))
        })
        .collect();
    let active = blobs_of.keys().filter(|id| tagged.contains(*id)).count();
    Usage { images: blobs_of.len(), active, size, reclaimable, shared }
}
