//! `hoist manifest inspect`: a remote manifest or index, printed exactly as docker's
//! `manifest inspect` prints it (docker/cli `cli/command/manifest/inspect.go`).

use std::io::Write as _;

use anyhow::Context as _;
use base64::Engine as _;
use serde::Serialize;

mod lists;

use super::Context;
use crate::cli::{ManifestCommand, ManifestInspectArgs};
use crate::digest::Digest;
use crate::image::media;
use crate::ops::remote_manifest::{self, Child, GoPlatform, Remote};
use crate::output::{self, gojson};
use crate::reference::Reference;

pub(super) async fn run(command: ManifestCommand, context: &Context) -> anyhow::Result<()> {
    match command {
        ManifestCommand::Inspect(args) => inspect(args, context).await,
        ManifestCommand::Create(args) => lists::create(args, context).await,
        ManifestCommand::Annotate(args) => lists::annotate(&args, context),
        ManifestCommand::Push(args) => lists::push(args, context).await,
        ManifestCommand::Rm(args) => lists::rm(&args, context),
    }
}

/// `context`, or one that reaches `registry` as an insecure registry (`--insecure`).
fn reach(context: &Context, registry: &str, insecure: bool) -> anyhow::Result<Option<Context>> {
    insecure.then(|| context.with_insecure(registry)).transpose()
}

async fn inspect(args: ManifestInspectArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.image)?.with_default_tag();
    if !args.verbose
        && let Some(list) = lists::local(context, &reference)?
    {
        // A list made by `manifest create` and not pushed yet, as docker shows it.
        return print_json(crate::ops::manifest_list::index_bytes(&list.manifests)?.1);
    }
    let insecure = reach(context, reference.registry(), args.insecure)?;
    let context = insecure.as_ref().unwrap_or(context);
    let client = context.client(reference.registry())?;
    let wanted = reference.digest().map_or_else(|| reference.tag_or_default().to_string(), ToString::to_string);
    let remote = remote_manifest::read(&client, reference.repository(), &wanted, args.verbose)
        .await
        .with_context(|| format!("cannot inspect {reference}"))?;
    let json = match (&remote, args.verbose) {
        (Remote::Manifest { fetched, .. }, false) => gojson::indent(&fetched.bytes, "\t"),
        (Remote::Manifest { fetched, config }, true) => {
            let platform = config.as_deref().map(config_platform).transpose()?.unwrap_or_default();
            let descriptor = Descriptor {
                media_type: &fetched.media_type,
                digest: Digest::sha256_of(&fetched.bytes),
                size: fetched.bytes.len() as u64,
                platform: &platform,
            };
            gojson::indent(&verbose_object(&reference.full(), &descriptor, &fetched.bytes)?, "\t")
        }
        (Remote::Index { children, .. }, false) => gojson::indent(&rebuilt_index(children)?, "   "),
        (Remote::Index { children, .. }, true) => gojson::indent(&verbose_children(&reference, children)?, "\t"),
    };
    print_json(json)
}

/// The JSON on stdout, followed by a newline as `fmt.Fprintln` adds it; characters that could
/// drive a terminal are escaped (the same JSON value).
fn print_json(json: Vec<u8>) -> anyhow::Result<()> {
    let text = String::from_utf8(json).context("the registry sent a manifest that is not UTF-8")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", output::escape_json(&text))?;
    Ok(())
}

/// docker's `ocispec.Descriptor` of a manifest, its platform included.
#[derive(Serialize)]
struct Descriptor<'a> {
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    digest: Digest,
    size: u64,
    platform: &'a GoPlatform,
}

/// distribution's `ManifestDescriptor`, as docker rebuilds an index from its manifests.
#[derive(Serialize)]
struct ListEntry<'a> {
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    size: u64,
    digest: &'a Digest,
    platform: &'a GoPlatform,
}

#[derive(Serialize)]
struct List<'a> {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    manifests: Vec<ListEntry<'a>>,
}

/// The index as docker prints it: rebuilt from its manifests (their media types as the
/// registry serves them, the platforms the index gives), an OCI index when the first is an
/// OCI manifest, else a Docker manifest list (distribution's `FromDescriptors`).
fn rebuilt_index(children: &[Child]) -> anyhow::Result<Vec<u8>> {
    let media_type = match children.first() {
        Some(child) if child.described.media_type == media::OCI_MANIFEST => media::OCI_INDEX,
        _ => media::DOCKER_LIST,
    };
    let manifests = children
        .iter()
        .map(|child| ListEntry {
            media_type: &child.described.media_type,
            size: child.described.size,
            digest: &child.described.digest,
            platform: &child.platform,
        })
        .collect();
    let list = List { schema_version: 2, media_type, manifests };
    Ok(gojson::html_escaped(&serde_json::to_vec(&list)?))
}

/// `-v` of an index: docker's object for each manifest, `NAME[:TAG]@DIGEST` as its `Ref`.
fn verbose_children(reference: &Reference, children: &[Child]) -> anyhow::Result<Vec<u8>> {
    let mut json = b"[".to_vec();
    for (n, child) in children.iter().enumerate() {
        let bytes = child.bytes.as_deref().context("a manifest of the index was not read")?;
        let name = reference.tag().map_or_else(|| reference.name(), |tag| format!("{}:{tag}", reference.name()));
        let descriptor = Descriptor {
            media_type: &child.described.media_type,
            digest: child.described.digest.clone(),
            size: child.described.size,
            platform: &child.platform,
        };
        if n > 0 {
            json.push(b',');
        }
        json.extend(verbose_object(&format!("{name}@{}", child.described.digest), &descriptor, bytes)?);
    }
    json.push(b']');
    Ok(json)
}

/// docker's `types.ImageManifest`, compact: `Ref`, `Descriptor`, `Raw` (base64) and the
/// manifest under `SchemaV2Manifest` or `OCIManifest`.
fn verbose_object(reference: &str, descriptor: &Descriptor<'_>, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let key = if descriptor.media_type == media::DOCKER_MANIFEST { "SchemaV2Manifest" } else { "OCIManifest" };
    let mut json = b"{\"Ref\":".to_vec();
    json.extend(gojson::html_escaped(&serde_json::to_vec(reference)?));
    json.extend_from_slice(b",\"Descriptor\":");
    json.extend(gojson::html_escaped(&serde_json::to_vec(descriptor)?));
    json.extend_from_slice(b",\"Raw\":\"");
    json.extend_from_slice(base64::engine::general_purpose::STANDARD.encode(bytes).as_bytes());
    json.extend_from_slice(format!("\",\"{key}\":").as_bytes());
    json.extend(gojson::compact(bytes));
    json.push(b'}');
    Ok(json)
}

/// The platform docker reads from an image config (its `architecture`, `os`, `os.version`,
/// `os.features` and `variant`).
fn config_platform(config: &[u8]) -> anyhow::Result<GoPlatform> {
    serde_json::from_slice(config).context("the registry sent an image config that is not valid JSON")
}
