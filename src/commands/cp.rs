//! `hoist cp SRC DST`: registry to registry, every digest kept.

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::CpArgs;
use crate::ops::copy::{Endpoint, copy, copy_many};
use crate::ops::referrers;
use crate::output::{self, progress};
use crate::reference::Reference;

pub(super) async fn run(args: CpArgs, context: &Context) -> anyhow::Result<()> {
    let source = Reference::parse(&args.source)?;
    let destination = Reference::parse(&args.destination)?;
    if args.all_tags {
        return all_tags(&args, context, &source, &destination).await;
    }
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
    if args.referrers {
        let ends = (
            Endpoint { client: &source_client, reference: &source },
            Endpoint { client: &destination_client, reference: &destination },
        );
        with_referrers(ends, &copied.digest, args.quiet).await?;
    }
    Ok(())
}

/// `cp -a`: every tag of the source repository; a blob the tags share goes over once, and the
/// tags' manifests are read and written several at once.
async fn all_tags(args: &CpArgs, context: &Context, source: &Reference, destination: &Reference) -> anyhow::Result<()> {
    for (reference, text) in [(source, &args.source), (destination, &args.destination)] {
        if reference.tag().is_some() || reference.digest().is_some() {
            bail!("--all-tags copies a repository: leave out the tag or digest in {text}");
        }
    }
    let source_client = context.client(source.registry())?;
    let destination_client = if source.registry() == destination.registry() {
        source_client.clone()
    } else {
        context.client(destination.registry())?
    };
    let tags = source_client
        .list_tags(source.repository())
        .await
        .with_context(|| format!("cannot list the tags of {source}"))?;
    if tags.is_empty() {
        bail!("{source} has no tags to copy");
    }
    let pairs = tags
        .iter()
        .map(|tag| Ok((source.with_tag(tag)?, destination.with_tag(tag)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let reporter = progress::reporter(progress::Direction::Push, args.quiet);
    let copied = copy_many((&source_client, &destination_client), &pairs, args.platform.as_ref(), reporter).await?;
    for ((tag, (from, to)), copied) in tags.iter().zip(&pairs).zip(copied) {
        if args.quiet {
            output::line(copied.digest.as_ref())?;
        } else {
            output::line(&format!("{tag}: digest: {} size: {}", copied.digest, copied.size))?;
        }
        if args.referrers {
            let ends = (
                Endpoint { client: &source_client, reference: from },
                Endpoint { client: &destination_client, reference: to },
            );
            with_referrers(ends, &copied.digest, args.quiet).await?;
        }
    }
    Ok(())
}

/// `--referrers`: what refers to the copied image goes with it; a line for each.
async fn with_referrers(
    ends: (Endpoint<'_>, Endpoint<'_>),
    top: &crate::digest::Digest,
    quiet: bool,
) -> anyhow::Result<()> {
    let (source, destination) = ends;
    let what = format!("cannot copy the referrers of {}@{top}", source.reference.repository_reference());
    let reporter = progress::reporter(progress::Direction::Push, true);
    let copied = referrers::copy_referrers(source, destination, top, reporter).await.context(what)?;
    for referrer in copied.iter().filter(|_| !quiet) {
        let kind = if referrer.artifact_type.is_empty() { "referrer" } else { referrer.artifact_type.as_str() };
        output::line(&format!("{kind} {}: refers to {}", referrer.digest, referrer.subject))?;
    }
    Ok(())
}
