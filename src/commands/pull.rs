//! `hoist pull`: Docker's lines, then the full reference.

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::PullArgs;
use crate::image::Platform;
use crate::ops::pull::{PullOptions, pull};
use crate::output::{self, progress};
use crate::reference::Reference;

pub(super) async fn run(args: PullArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.image)?;
    if args.all_tags {
        return all_tags(args, reference, context).await;
    }
    if reference.tag().is_none() && reference.digest().is_none() && !args.quiet {
        output::line("Using default tag: latest")?;
    }
    let platform_required = args.platform.is_some();
    let platform = args.platform.unwrap_or_else(Platform::host);
    let store = context.store()?;
    let sources = context.pull_sources(&reference)?;
    let options = PullOptions { platform: &platform, platform_required, downloads: context.downloads()? };
    let pulled =
        pull(&sources, &store, &reference, &options, progress::reporter(progress::Direction::Pull, args.quiet))
            .await
            .with_context(|| format!("cannot pull {reference}"))?;
    let shown = if reference.digest().is_some() { reference.clone() } else { reference.clone().with_default_tag() };
    if !args.quiet {
        output::line(&format!("Digest: {}", pulled.digest))?;
        let status = if pulled.up_to_date { "Image is up to date for" } else { "Downloaded newer image for" };
        output::line(&format!("Status: {status} {shown}"))?;
    }
    output::line(&shown.full())?;
    Ok(())
}

/// `pull -a`: every tag of the repository, in the registry's order, each with docker's lines
/// and its `Digest:`; then one `Status:` for the repository and its full name.
async fn all_tags(args: PullArgs, reference: Reference, context: &Context) -> anyhow::Result<()> {
    if reference.tag().is_some() || reference.digest().is_some() {
        bail!("tag can't be used with --all-tags/-a");
    }
    let platform_required = args.platform.is_some();
    let platform = args.platform.unwrap_or_else(Platform::host);
    let store = context.store()?;
    let client = context.client(reference.registry())?;
    let tags = client
        .list_tags(reference.repository())
        .await
        .with_context(|| format!("cannot list the tags of {reference}"))?;
    let mut newer = false;
    for tag in tags {
        let tagged = reference.with_tag(&tag)?;
        let sources = context.pull_sources(&tagged)?;
        let options = PullOptions { platform: &platform, platform_required, downloads: context.downloads()? };
        let reporter = progress::reporter(progress::Direction::Pull, args.quiet);
        let pulled = pull(&sources, &store, &tagged, &options, reporter)
            .await
            .with_context(|| format!("cannot pull {tagged}"))?;
        if !args.quiet {
            output::line(&format!("Digest: {}", pulled.digest))?;
        }
        newer |= !pulled.up_to_date;
    }
    if !args.quiet {
        let status = if newer { "Downloaded newer image for" } else { "Image is up to date for" };
        output::line(&format!("Status: {status} {reference}"))?;
    }
    output::line(&reference.full())?;
    Ok(())
}
