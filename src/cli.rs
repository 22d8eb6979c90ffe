//! The command line, as clap types only: the doc comments are the help text, and the same
//! definition generates `completions/` and `man/` (see `docs.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::InsecureEntry;
use crate::image::Platform;
use crate::output::format::Format;

/// A daemonless, Docker-compatible client for container image registries.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, propagate_version = true, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// The local image store [default: $XDG_DATA_HOME/hoist]
    #[arg(long, global = true, env = "HOIST_ROOT", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The configuration folder [default: $XDG_CONFIG_HOME/hoist]
    #[arg(long, global = true, env = "HOIST_CONFIG", value_name = "DIR")]
    pub config: Option<PathBuf>,
    /// A registry to reach over plain HTTP or without checking its certificate (repeatable)
    #[arg(long = "insecure-registry", global = true, value_name = "HOST[:PORT]", value_parser = InsecureEntry::parse)]
    pub insecure_registries: Vec<InsecureEntry>,
    /// Log every HTTP request and its status to stderr (never a secret)
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Log in to a registry: check the credentials, then keep them in the OS keyring
    Login(LoginArgs),
    /// Forget the credentials stored for a registry
    Logout(LogoutArgs),
    /// Download an image from a registry into the local store
    Pull(PullArgs),
    /// Upload a local image to a registry
    Push(PushArgs),
    /// Copy an image from one registry to another, without the local store
    Cp(CpArgs),
    /// Delete an image's manifest from a registry
    Delete(DeleteArgs),
    /// List a remote repository's tags
    Tags(TagsArgs),
    /// List a registry's repositories
    Catalog(CatalogArgs),
    /// Give a local image another name
    Tag(TagArgs),
    /// List local images
    Images(ImagesArgs),
    /// Remove local images by name, ID or ID prefix
    #[command(visible_alias = "rmi")]
    Rm(RmArgs),
    /// Show a local image's details as JSON
    Inspect(InspectArgs),
    /// Write images to a `docker save` archive
    Save(SaveArgs),
    /// Read images from a `docker save`, `podman save` or OCI archive
    Load(LoadArgs),
    /// Make a one-layer image from a root-filesystem tarball
    Import(ImportArgs),
    /// Manage the local store
    #[command(subcommand)]
    System(SystemCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum SystemCommand {
    /// Check every blob of the store against its digest and every name for a whole image
    ///
    /// Every blob is read and hashed (on every core); every name must lead to a manifest,
    /// config and layers that are all there and intact. Entries other tools wrote are listed.
    /// Exits 1 when anything is damaged.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Fetch what is damaged or missing again from its registry; remove names that cannot be mended
    #[arg(long)]
    pub repair: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// User name
    #[arg(short, long)]
    pub username: Option<String>,
    /// Password (insecure: use --password-stdin)
    #[arg(short, long, conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password (or token) from standard input
    #[arg(long)]
    pub password_stdin: bool,
    /// The registry [default: Docker Hub]
    #[arg(value_name = "SERVER")]
    pub server: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LogoutArgs {
    /// The registry [default: Docker Hub]
    #[arg(value_name = "SERVER")]
    pub server: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct PullArgs {
    /// The platform to pull from a multi-platform image [default: the host's]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<Platform>,
    /// Only print the image's full reference
    #[arg(short, long)]
    pub quiet: bool,
    /// `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
    #[arg(value_name = "NAME[:TAG|@DIGEST]")]
    pub image: String,
}

#[derive(Debug, Args)]
pub(crate) struct PushArgs {
    /// Push every tag of the repository that the store holds
    #[arg(short, long)]
    pub all_tags: bool,
    /// Push only this platform's image of a multi-platform one
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<Platform>,
    /// Only print the pushed digest
    #[arg(short, long)]
    pub quiet: bool,
    /// `[HOST[:PORT]/]PATH[:TAG]`
    #[arg(value_name = "NAME[:TAG]")]
    pub image: String,
}

#[derive(Debug, Args)]
pub(crate) struct CpArgs {
    /// Copy only this platform of a multi-platform image [default: every platform]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<Platform>,
    /// Only print the copied digest
    #[arg(short, long)]
    pub quiet: bool,
    /// The image to copy, `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Where to copy it, `[HOST[:PORT]/]PATH[:TAG]`
    #[arg(value_name = "DESTINATION")]
    pub destination: String,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The image whose manifest to delete, `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
    #[arg(value_name = "NAME[:TAG|@DIGEST]")]
    pub image: String,
}

#[derive(Debug, Args)]
pub(crate) struct TagsArgs {
    /// The repository, `[HOST[:PORT]/]PATH`
    #[arg(value_name = "REPOSITORY")]
    pub repository: String,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    /// The registry, `HOST[:PORT]`
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
}

#[derive(Debug, Args)]
pub(crate) struct TagArgs {
    /// The image to name: a reference, an image ID or a unique prefix of one
    #[arg(value_name = "SOURCE_IMAGE")]
    pub source: String,
    /// The new name, `[HOST[:PORT]/]PATH[:TAG]`
    #[arg(value_name = "TARGET_IMAGE")]
    pub target: String,
}

#[derive(Debug, Args)]
pub(crate) struct ImagesArgs {
    /// Only images of this repository (and tag)
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub filter: Option<String>,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Show digests
    #[arg(long)]
    pub digests: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Format the output: `table`, `table TEMPLATE` (a header row and aligned columns), `json`
    /// (one object per line) or a Go template (`{{.Repository}}:{{.Tag}}`), with docker's fields
    /// and functions
    #[arg(long, value_name = "FORMAT", value_parser = Format::listing, default_value = "table", hide_default_value = true)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct RmArgs {
    /// Remove an image that several names hold, and report missing images without failing
    #[arg(short, long)]
    pub force: bool,
    /// Names, image IDs, unique ID prefixes or NAME@DIGEST
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// Format the output: `json` (one compact array) or a Go template over `docker image
    /// inspect`'s object (`{{index .RepoDigests 0}}`, `{{json .Config}}`) [default: indented JSON]
    #[arg(short, long, value_name = "FORMAT", value_parser = Format::inspect)]
    pub format: Option<Format>,
    /// Only inspect objects of this type: `image` (the only kind hoist has)
    #[arg(long = "type", value_name = "TYPE", value_parser = inspect_type)]
    pub kind: Option<String>,
    /// Names, image IDs, unique ID prefixes or NAME@DIGEST
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

/// `--type`: docker's message for a type hoist does not have.
fn inspect_type(kind: &str) -> Result<String, String> {
    match kind {
        "image" => Ok(kind.to_string()),
        "" => Err(r#"type is empty: must be one of "image""#.to_string()),
        _ => Err(format!(r#"unknown type: "{kind}": must be one of "image""#)),
    }
}

#[derive(Debug, Args)]
pub(crate) struct SaveArgs {
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The images to save
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// Read from this file instead of standard input
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Only print the loaded image names
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// A tar (optionally gzip-compressed) of the root filesystem, or `-` for standard input
    #[arg(value_name = "FILE|-")]
    pub file: String,
    /// The name of the new image
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: String,
}
