//! `manifest create`, `annotate`, `push` and `rm`: docker's local manifest lists, kept in the
//! store until they are pushed (docker/cli `cli/command/manifest/`).

use anyhow::{Context as _, bail};

use super::super::Context;
use super::reach;
use crate::cli::{ManifestAnnotateArgs, ManifestCreateArgs, ManifestPushArgs, ManifestRmArgs};
use crate::ops::manifest_list::{self, List};
use crate::output::{self, progress};
use crate::reference::Reference;

/// A LIST argument: a tag, `latest` when none is given.
fn list_name(text: &str) -> anyhow::Result<Reference> {
    let reference = Reference::parse(text)?;
    if reference.digest().is_some() {
        bail!("a manifest list is named by a tag, not a digest: {text}");
    }
    Ok(reference.with_default_tag())
}

pub(super) async fn create(args: ManifestCreateArgs, context: &Context) -> anyhow::Result<()> {
    let name = list_name(&args.list)?;
    let store = context.store()?;
    let existing = manifest_list::load(&store, &name.full()).context("cannot read the manifest list")?;
    if existing.is_some() && !args.amend {
        bail!("refusing to amend an existing manifest list with no --amend flag: {}", name.full());
    }
    let mut list = existing.unwrap_or_else(|| List { name: name.full(), manifests: Vec::new() });
    let insecure = reach(context, name.registry(), args.insecure)?;
    let client = insecure.as_ref().unwrap_or(context).client(name.registry())?;
    for text in &args.sources {
        let source = Reference::parse(text)?.with_default_tag();
        if source.registry() != name.registry() {
            bail!(
                "cannot use source images from a different registry than the target image: {} != {}",
                source.registry(),
                name.registry()
            );
        }
        let entries = manifest_list::entries_of(&client, Some(&store), &source)
            .await
            .with_context(|| format!("cannot add {source} to {}", name.full()))?;
        if entries.is_empty() {
            bail!("{source} has no platform image to add (only attestations or nested indexes)");
        }
        list.manifests.retain(|old| entries.iter().all(|new| new.digest != old.digest));
        list.manifests.extend(entries);
    }
    manifest_list::save(&store, &list).context("cannot write the manifest list")?;
    output::line(&format!("Created manifest list {}", name.full()))?;
    Ok(())
}

pub(super) fn annotate(args: &ManifestAnnotateArgs, context: &Context) -> anyhow::Result<()> {
    let name = list_name(&args.list)?;
    let store = context.existing_store()?;
    let mut list = manifest_list::load(&store, &name.full())
        .context("cannot read the manifest list")?
        .with_context(|| format!("No such manifest list: {}", name.full()))?;
    let manifest = Reference::parse(&args.manifest)?;
    let full = manifest.clone().with_default_tag().full();
    let named: Vec<usize> = (0..list.manifests.len())
        .filter(|&n| {
            let entry = &list.manifests[n];
            manifest.digest().map_or(entry.source == full, |digest| *digest == entry.digest)
        })
        .collect();
    let [position] = named[..] else {
        if named.is_empty() {
            bail!("manifest for image {} does not exist in {}", args.manifest, name.full());
        }
        bail!("{} adds {} manifests to {}: name one as NAME@DIGEST", args.manifest, named.len(), name.full());
    };
    let platform = &mut list.manifests[position].platform;
    let set = |field: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            field.clone_from(value);
        }
    };
    set(&mut platform.os, &args.os);
    set(&mut platform.architecture, &args.arch);
    set(&mut platform.variant, &args.variant);
    set(&mut platform.os_version, &args.os_version);
    if let Some(features) = &args.os_features {
        platform.os_features.clone_from(features);
    }
    manifest_list::save(&store, &list).context("cannot write the manifest list")
}

pub(super) async fn push(args: ManifestPushArgs, context: &Context) -> anyhow::Result<()> {
    let name = list_name(&args.list)?;
    let store = context.existing_store()?;
    let list = manifest_list::load(&store, &name.full())
        .context("cannot read the manifest list")?
        .with_context(|| format!("No such manifest list: {} (make one with hoist manifest create)", name.full()))?;
    if let Some(entry) =
        list.manifests.iter().find(|entry| entry.platform.os.is_empty() || entry.platform.architecture.is_empty())
    {
        bail!("manifest {}@{} must have an OS and Architecture to be pushed to a registry", entry.source, entry.digest);
    }
    let insecure = reach(context, name.registry(), args.insecure)?;
    let context = insecure.as_ref().unwrap_or(context);
    let client = context.client(name.registry())?;
    let reporter = progress::reporter(progress::Direction::Push, true);
    let pushed = manifest_list::push_list(&client, Some(&store), &list, &name, context.uploads()?, reporter)
        .await
        .with_context(|| format!("cannot push {}", name.full()))?;
    for digest in &pushed.placed {
        output::line(&format!("Pushed ref {}@{digest} with digest: {digest}", name.name()))?;
    }
    output::line(pushed.digest.as_str())?;
    if args.purge {
        manifest_list::remove(&store, &name.full()).context("cannot remove the manifest list")?;
    }
    Ok(())
}

pub(super) fn rm(args: &ManifestRmArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let mut missing = Vec::new();
    for text in &args.lists {
        let name = list_name(text)?;
        if !manifest_list::remove(&store, &name.full()).context("cannot remove the manifest list")? {
            missing.push(name.full());
        }
    }
    if !missing.is_empty() {
        bail!("No such manifest list: {}", missing.join(", "));
    }
    Ok(())
}

/// The local list named `reference`, if the store holds one (without making a store).
pub(super) fn local(context: &Context, reference: &Reference) -> anyhow::Result<Option<List>> {
    if reference.digest().is_some() || !context.root.exists() {
        return Ok(None);
    }
    let store = context.existing_store()?;
    manifest_list::load(&store, &reference.full()).context("cannot read the manifest list")
}
