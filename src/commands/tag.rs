//! `hoist tag SOURCE TARGET`.

use anyhow::bail;

use super::{Context, find_one};
use crate::cli::TagArgs;
use crate::image::{self, Kind};
use crate::reference::Reference;

pub(super) fn run(args: TagArgs, context: &Context) -> anyhow::Result<()> {
    let target = Reference::parse(&args.target)?;
    if target.digest().is_some() {
        bail!("refusing to create a tag with a digest reference");
    }
    let target = target.with_default_tag();
    let store = context.existing_store()?;
    // Looked up under the lock, so that the source cannot be removed in between.
    let mut index = store.lock_index()?;
    let images = image::summarize(&store, index.names());
    let (source, summary) = find_one(&images, &args.source)?;
    if let Kind::Dangling(reason) = &summary.kind {
        bail!("cannot tag {}: what it names is not in the store whole ({reason})", args.source);
    }
    index.set(&target, source.descriptor)?;
    index.save()?;
    Ok(())
}
