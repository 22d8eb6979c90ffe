//! `hoist tags [--filter GLOB] REPO`: every tag of a remote repository (or those that match),
//! one per line.

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::TagsArgs;
use crate::output;
use crate::reference::Reference;

pub(super) async fn run(args: TagsArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.repository)?;
    if reference.tag().is_some() || reference.digest().is_some() {
        bail!("tags takes a repository, not an image: leave out the tag or digest in {}", args.repository);
    }
    let client = context.client(reference.registry())?;
    let tags = client
        .list_tags(reference.repository())
        .await
        .with_context(|| format!("cannot list the tags of {reference}"))?;
    for tag in tags.iter().filter(|tag| args.filter.as_ref().is_none_or(|glob| glob.matches(tag))) {
        output::line(tag)?;
    }
    Ok(())
}
