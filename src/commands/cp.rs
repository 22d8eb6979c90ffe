//! `hoist cp SRC DST`: registry to registry, every digest kept.

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::CpArgs;
use crate::ops::copy::{Endpoint, copy};
use crate::output::{self, progress};
use crate::reference::Reference;

pub(super) async fn run(args: CpArgs, context: &Context) -> anyhow::Result<()> {
    let source = Reference::parse(&args.source)?;
    let destination = Reference::parse(&args.destination)?;
    if destination.digest().is_some() {
        bail!("the destination must be a tag, not a digest: {}", args.destination);
    }
    let destination = destination.with_default_tag();
    let source_client = context.client(source.registry())?;
    let destination_client = if source.registry() == destination.registry() {
        source_client.clone()
    } else {
        context.client(destination.registry())?
    };
    let copied = copy(
        Endpoint { client: &source_client, reference: &source },
        Endpoint { client: &destination_client, reference: &destination },
        args.platform.as_ref(),
        progress::reporter(progress::Direction::Push, args.quiet),
    )
    .await
    .with_context(|| format!("cannot copy {source} to {destination}"))?;
    if args.quiet {
        output::line(copied.digest.as_ref())?;
    } else {
        output::line(&format!("{}: digest: {} size: {}", destination.tag_or_default(), copied.digest, copied.size))?;
    }
    Ok(())
}
