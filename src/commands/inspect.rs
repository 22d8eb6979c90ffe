//! `hoist inspect`: a JSON array like `docker image inspect`, or `-f/--format` (`json`, a Go
//! template) over the same objects, rendered by the output layer as docker's `image.InspectResponse`.
//! As docker does, every image found is printed and those not found are reported after.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::{Context, find_one};
use crate::cli::InspectArgs;
use crate::image::{self, Image, Platform};
use crate::output::format::{self, Format, shape};
use crate::store::NameEntry;

pub(super) fn run(args: InspectArgs, context: &Context) -> anyhow::Result<()> {
    let store = context.existing_store()?;
    let images = image::list(&store)?;
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    for argument in &args.images {
        let document = find_one(&images, argument).and_then(|(entry, _)| {
            let image = Image::open(&store, &entry.descriptor, &Platform::host())?;
            let names: Vec<&NameEntry> = images
                .iter()
                .filter(|(_, summary)| summary.id == image.config_digest)
                .map(|(entry, _)| entry)
                .collect();
            describe(&image, &names)
        });
        match document {
            Ok(document) => documents.push(document),
            Err(error) => errors.push(error),
        }
    }
    let text = match args.format.unwrap_or(Format::Default) {
        Format::Default => crate::output::escape_json(&serde_json::to_string_pretty(&documents)?).into_owned() + "\n",
        format => {
            let rendered = format::render_documents(&documents, &format, &shape::IMAGE_INSPECT);
            errors.extend(rendered.errors.into_iter().map(anyhow::Error::new));
            rendered.text
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the description")?;
    joined(errors)
}

/// The errors of the images that could not be shown, as one (docker joins them by lines).
fn joined(mut errors: Vec<anyhow::Error>) -> anyhow::Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => {
            let lines: Vec<String> = errors.iter().map(|error| format!("{error:#}")).collect();
            Err(anyhow::anyhow!(lines.join("\n")))
        }
    }
}

fn describe(image: &Image, names: &[&NameEntry]) -> anyhow::Result<Value> {
    let raw: Value = serde_json::from_slice(&image.config_bytes)?;
    let references = names.iter().filter_map(|entry| entry.reference.as_ref());
    let repo_tags: Vec<String> = references.clone().filter(|r| r.tag().is_some()).map(|r| r.to_string()).collect();
    let mut repo_digests: Vec<String> = names
        .iter()
        .filter_map(|entry| {
            // An entry a name moved away from keeps its repository's digest reference.
            let repository = entry.reference.as_ref().or(entry.repository.as_ref())?;
            Some(format!("{}@{}", repository.familiar_name(), entry.descriptor.digest()))
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
