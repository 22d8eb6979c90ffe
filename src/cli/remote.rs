//! The remote commands' arguments: `manifest` (inspect a remote image without pulling it) and
//! `search`.

use clap::{Args, Subcommand};

use super::help::{about, examples, no_scheme};
use crate::output::format::Format;

#[derive(Debug, Subcommand)]
pub(crate) enum ManifestCommand {
    /// Show a remote image's manifest or index, as docker manifest inspect shows it
    #[command(long_about = about::MANIFEST_INSPECT, after_help = examples::MANIFEST_INSPECT)]
    Inspect(ManifestInspectArgs),
    /// Make a local manifest list from images of the list's registry or of the local store
    #[command(long_about = about::MANIFEST_CREATE, after_help = examples::MANIFEST_CREATE)]
    Create(ManifestCreateArgs),
    /// Set the platform of a manifest of a local list
    #[command(after_help = examples::MANIFEST_ANNOTATE)]
    Annotate(ManifestAnnotateArgs),
    /// Push a local manifest list, with the manifests it names, to its registry
    #[command(long_about = about::MANIFEST_PUSH, after_help = examples::MANIFEST_PUSH)]
    Push(ManifestPushArgs),
    /// Remove local manifest lists
    #[command(after_help = examples::MANIFEST_RM)]
    Rm(ManifestRmArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ManifestCreateArgs {
    /// Add to (or replace manifests of) a list that exists
    #[arg(short, long)]
    pub amend: bool,
    /// Reach the registry over plain HTTP or without checking its certificate
    #[arg(long)]
    pub insecure: bool,
    /// The list, `[HOST[:PORT]/]PATH[:TAG]`
    #[arg(value_name = "LIST", value_parser = no_scheme)]
    pub list: String,
    /// Images of the list's registry (an index adds each of its platforms) or of the local store
    #[arg(required = true, value_name = "SOURCE", value_parser = no_scheme)]
    pub sources: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ManifestAnnotateArgs {
    /// Operating system
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,
    /// Architecture
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// Architecture variant (`v7`, `v8`)
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
    /// Operating system version (Windows)
    #[arg(long, value_name = "VERSION")]
    pub os_version: Option<String>,
    /// Operating system features (comma-separated)
    #[arg(long, value_name = "FEATURES", value_delimiter = ',')]
    pub os_features: Option<Vec<String>>,
    /// The list
    #[arg(value_name = "LIST", value_parser = no_scheme)]
    pub list: String,
    /// The manifest: the SOURCE it was added as, or `NAME@DIGEST`
    #[arg(value_name = "MANIFEST", value_parser = no_scheme)]
    pub manifest: String,
}

#[derive(Debug, Args)]
pub(crate) struct ManifestPushArgs {
    /// Remove the local list after the push
    #[arg(short, long)]
    pub purge: bool,
    /// Reach the registry over plain HTTP or without checking its certificate
    #[arg(long)]
    pub insecure: bool,
    /// The list
    #[arg(value_name = "LIST", value_parser = no_scheme)]
    pub list: String,
}

#[derive(Debug, Args)]
pub(crate) struct ManifestRmArgs {
    /// The lists
    #[arg(required = true, value_name = "LIST")]
    pub lists: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ManifestInspectArgs {
    /// Also show each manifest's reference, descriptor (with its platform) and raw bytes
    #[arg(short, long)]
    pub verbose: bool,
    /// Reach the image's registry over plain HTTP or without checking its certificate
    #[arg(long)]
    pub insecure: bool,
    /// `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
    #[arg(value_name = "NAME[:TAG|@DIGEST]", value_parser = no_scheme)]
    pub image: String,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Only results that pass: `stars=N` (at least N stars), `is-official=true|false` (repeatable)
    #[arg(short, long = "filter", value_name = "FILTER", value_parser = SearchFilter::parse)]
    pub filters: Vec<SearchFilter>,
    /// How many results, 1 to 100
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: u32,
    /// Don't cut the descriptions short
    #[arg(long)]
    pub no_trunc: bool,
    /// Format the output: `table`, `table TEMPLATE`, `json` or a Go template (`{{.Name}}`), with
    /// docker's fields (Name, Description, StarCount, IsOfficial)
    #[arg(long, value_name = "FORMAT", value_parser = Format::listing, default_value = "table", hide_default_value = true)]
    pub format: Format,
    /// What to look for; `HOST[:PORT]/TERM` searches that registry instead of Docker Hub
    #[arg(value_name = "TERM")]
    pub term: String,
}

/// A `search --filter`, as docker's daemon reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SearchFilter {
    /// At least this many stars.
    Stars(i64),
    IsOfficial(bool),
    /// Docker Hub dropped automated builds; docker warns that the filter is deprecated.
    IsAutomated(bool),
}

impl SearchFilter {
    fn parse(text: &str) -> Result<SearchFilter, String> {
        let (key, value) =
            text.split_once('=').ok_or_else(|| format!("bad format of filter {text:?}: it must be KEY=VALUE"))?;
        let boolean = || match value {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(format!("invalid filter '{text}': {key} is true or false")),
        };
        match key {
            "stars" => value
                .parse()
                .map(SearchFilter::Stars)
                .map_err(|_| format!("invalid filter '{text}': stars is a whole number")),
            "is-official" => boolean().map(SearchFilter::IsOfficial),
            "is-automated" => boolean().map(SearchFilter::IsAutomated),
            _ => Err(format!("invalid filter '{key}': the filters are stars=N and is-official=true|false")),
        }
    }
}
