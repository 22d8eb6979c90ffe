//! `hoist save`: a `docker save` archive to a file (written whole or not at all) or stdout.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal};

use anyhow::{Context as _, bail};

use super::Context;
use crate::archive;
use crate::cli::SaveArgs;
use crate::digest::Digest;
use crate::image::{self, Image, Platform, Target};
use crate::reference::Reference;

pub(super) fn run(args: SaveArgs, context: &Context) -> anyhow::Result<()> {
    if args.output.is_none() && std::io::stdout().is_terminal() {
        bail!("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    }
    let store = context.existing_store()?;
    let images = image::list(&store)?;
    // Requests for one image under several names become one entry with every name.
    let mut chosen: BTreeMap<Digest, (Vec<Reference>, Image)> = BTreeMap::new();
    for argument in &args.images {
        let (descriptor, names) = match image::lookup(&images, argument)? {
            Target::Name(entry, _) => (entry.descriptor, entry.reference.into_iter().collect::<Vec<_>>()),
            Target::Id(id, holders) => match holders.first() {
                Some((entry, _)) => (entry.descriptor.clone(), Vec::new()),
                None => bail!("No such image: {id}"),
            },
        };
        let image = Image::open(&store, &descriptor, &Platform::host())?;
        let slot = chosen.entry(image.config_digest.clone()).or_insert_with(|| (Vec::new(), image));
        slot.0.extend(names.into_iter().filter(|name| name.tag().is_some()));
    }
    let images: Vec<(Vec<Reference>, Image)> = chosen.into_values().collect();
    match &args.output {
        Some(path) => {
            let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let temp = tempfile::NamedTempFile::new_in(directory)
                .with_context(|| format!("cannot create a file in {}", directory.display()))?;
            archive::save(&store, &images, BufWriter::new(temp.as_file()))?;
            temp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => archive::save(&store, &images, BufWriter::new(std::io::stdout().lock()))?,
    }
    Ok(())
}
