//! `hoist push`: docker's lines, ending with `TAG: digest: sha256:... size: N`.

use anyhow::bail;

use super::Context;
use crate::cli::PushArgs;
use crate::ops::TransferError;
use crate::ops::push::{PushOptions, push};
use crate::output::{self, progress};
use crate::reference::Reference;
use crate::store::NameEntry;

pub(super) async fn run(args: PushArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.image)?;
    if reference.digest().is_some() {
        bail!("cannot push a digest reference: push a tag ({})", reference.repository_reference());
    }
    if args.all_tags && reference.tag().is_some() {
        bail!("--all-tags pushes a repository: leave out the tag in {}", args.image);
    }
    // docker's order: the default tag, the header, and only then whether the image is there.
    if !args.quiet {
        if !args.all_tags && reference.tag().is_none() {
            output::line("Using default tag: latest")?;
        }
        output::line(&format!("The push refers to repository [{}]", reference.name()))?;
    }
    let store = context.existing_store()?;
    let targets = targets(&args, &reference, store.names()?)?;
    let client = context.client(reference.registry())?;
    let options = PushOptions { platform: args.platform.as_ref(), uploads: context.uploads()? };
    for name in targets.iter().filter_map(|entry| entry.reference.as_ref().map(|name| (name, entry))) {
        let (name, entry) = name;
        let reporter = progress::reporter(progress::Direction::Push, args.quiet);
        let pushed = push(&client, &store, name, &entry.descriptor, &options, reporter)
            .await
            .map_err(|error| failure(name, error))?;
        if pushed.single_platform {
            output::status(
                "Not all multiplatform-content is present and only the available single-platform image was pushed",
            );
        }
        if !args.quiet {
            output::line(&format!("{}: digest: {} size: {}", name.tag_or_default(), pushed.digest, pushed.size))?;
        }
    }
    // docker's `push -q` prints the reference it pushed, once.
    if args.quiet {
        let pushed = if args.all_tags { reference } else { reference.with_default_tag() };
        output::line(&pushed.full())?;
    }
    Ok(())
}

/// A failed push; a Docker Hub name whose registry cannot be reached was most likely meant for
/// another registry, and the hint says how to name the image for it.
fn failure(name: &Reference, error: TransferError) -> anyhow::Error {
    let message = format!("cannot push {name}");
    let unreachable = matches!(&error, TransferError::Registry(inner) if inner.is_unreachable());
    if !(name.is_docker_hub() && unreachable) {
        return anyhow::Error::new(error).context(message);
    }
    let hint = format!(
        "{name} is a Docker Hub name; to push it to another registry, tag it for that registry \
         first: hoist tag {name} HOST/{name}"
    );
    anyhow::Error::new(error).context(output::Hinted { message, hint })
}

/// The store's names to push: the one the reference names (with docker's default tag), or with
/// `--all-tags` every tag of its repository.
fn targets(args: &PushArgs, reference: &Reference, names: Vec<NameEntry>) -> anyhow::Result<Vec<NameEntry>> {
    let targets: Vec<NameEntry> = if args.all_tags {
        let of_repository = |name: &Reference| name.name() == reference.name() && name.tag().is_some();
        names.into_iter().filter(|entry| entry.reference.as_ref().is_some_and(of_repository)).collect()
    } else {
        let wanted = reference.clone().with_default_tag();
        names.into_iter().filter(|entry| entry.reference.as_ref() == Some(&wanted)).collect()
    };
    if targets.is_empty() {
        let shown =
            if args.all_tags { reference.to_string() } else { reference.clone().with_default_tag().to_string() };
        bail!("An image does not exist locally with the tag: {shown}");
    }
    Ok(targets)
}
