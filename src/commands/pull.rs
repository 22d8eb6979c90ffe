//! `hoist pull`: Docker's lines, then the full reference.

use anyhow::Context as _;

use super::Context;
use crate::cli::PullArgs;
use crate::image::Platform;
use crate::ops::pull::{PullOptions, pull};
use crate::output::{self, progress};
use crate::reference::Reference;

pub(super) async fn run(args: PullArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.image)?;
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
