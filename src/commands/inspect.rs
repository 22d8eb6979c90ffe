//! `hoist inspect`: a JSON array like `docker image inspect`.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::{Context, find_one};
use crate::cli::InspectArgs;
use crate::image::{self, Image, Platform};
use crate::store::NameEntry;

pub(super) fn run(args: InspectArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.store()?;
    let images = image::list(&store)?;
    let mut documents = Vec::new();
    for argument in &args.images {
        let (entry, _) = find_one(&images, argument)?;
        let image = Image::open(&store, &entry.descriptor, &Platform::host())?;
        let names: Vec<&NameEntry> =
            images.iter().filter(|(_, summary)| summary.id == image.config_digest).map(|(entry, _)| entry).collect();
        documents.push(describe(&image, &names)?);
    }
    let mut text = crate::output::escape_json(&serde_json::to_string_pretty(&documents)?).into_owned();
    text.push('\n');
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the description")
}

fn describe(image: &Image, names: &[&NameEntry]) -> anyhow::Result<Value> {
    let raw: Value = serde_json::from_slice(&image.config_bytes)?;
    let references = names.iter().filter_map(|entry| entry.reference.as_ref());
    let repo_tags: Vec<String> = references.clone().filter(|r| r.tag().is_some()).map(|r| r.to_string()).collect();
    let mut repo_digests: Vec<String> = names
        .iter()
        .filter_map(|entry| {
            Some(format!("{}@{}", entry.reference.as_ref()?.familiar_name(), entry.descriptor.digest()))
        })
        .collect();
    repo_digests.sort();
    repo_digests.dedup();
    let diff_ids = image.config.rootfs().diff_ids();
    Ok(json!({
        "Id": image.config_digest.to_string(),
        "RepoTags": repo_tags,
        "RepoDigests": repo_digests,
        "Parent": "",
        "Comment": raw.pointer("/history/0/comment").cloned().unwrap_or(Value::String(String::new())),
        "Created": raw.get("created").cloned().unwrap_or(Value::Null),
        "DockerVersion": raw.get("docker_version").cloned().unwrap_or(Value::String(String::new())),
        "Author": raw.get("author").cloned().unwrap_or(Value::String(String::new())),
        "Config": raw.get("config").cloned().unwrap_or(Value::Null),
        "Architecture": image.config.architecture().to_string(),
        "Variant": image.config.variant().clone(),
        "Os": image.config.os().to_string(),
        "Size": image.content_size(),
        "RootFS": { "Type": "layers", "Layers": diff_ids },
        "Descriptor": {
            "mediaType": image.manifest.media_type().as_ref().map(ToString::to_string),
            "digest": image.manifest_digest.to_string(),
        },
    }))
}
