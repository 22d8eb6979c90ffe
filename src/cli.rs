//! The command line, as clap types only: the doc comments are the help text, and the same
//! definition generates `completions/` and `man/` (see `docs.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) mod help;
mod remote;

use help::{about, examples, no_scheme};

use crate::config::InsecureEntry;
use crate::image::Platform;
use crate::image::filter::Filter;
use crate::output::format::Format;

pub(crate) use remote::{
    ManifestAnnotateArgs, ManifestCommand, ManifestCreateArgs, ManifestInspectArgs, ManifestPushArgs, ManifestRmArgs,
    SearchArgs, SearchFilter,
};

/// A daemonless, Docker-compatible client for container image registries.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, propagate_version = true, disable_version_flag = true)]
#[command(max_term_width = 100, after_help = examples::HOIST)]
pub(crate) struct Cli {
    /// Print version information and quit (`hoist version X, build COMMIT`, as `docker -v`)
    #[arg(short = 'v', long = "version", action = clap::ArgAction::Version)]
    pub version: (),
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Debug, Args)]
#[command(next_help_heading = help::GLOBAL_OPTIONS)]
pub(crate) struct GlobalArgs {
    /// The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]
    #[arg(long, global = true, env = "HOIST_ROOT", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]
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
    #[command(long_about = about::LOGIN, after_help = examples::LOGIN)]
    Login(LoginArgs),
    /// Forget the credentials stored for a registry
    #[command(long_about = about::LOGOUT, after_help = examples::LOGOUT)]
    Logout(LogoutArgs),
    /// Download an image from a registry into the local store
    #[command(long_about = about::PULL, after_help = examples::PULL)]
    Pull(PullArgs),
    /// Upload a local image to a registry
    #[command(long_about = about::PUSH, after_help = examples::PUSH)]
    Push(PushArgs),
    /// Copy an image from one registry to another, without the local store
    #[command(long_about = about::CP, after_help = examples::CP)]
    Cp(CpArgs),
    /// Delete an image's manifest from a registry
    #[command(long_about = about::DELETE, after_help = examples::DELETE)]
    Delete(DeleteArgs),
    /// List a remote repository's tags
    #[command(long_about = about::TAGS, after_help = examples::TAGS)]
    Tags(TagsArgs),
    /// List a registry's repositories
    #[command(long_about = about::CATALOG, after_help = examples::CATALOG)]
    Catalog(CatalogArgs),
    /// Inspect remote manifests without pulling them; make and push manifest lists
    #[command(subcommand, after_help = examples::MANIFEST)]
    Manifest(ManifestCommand),
    /// Search Docker Hub, or a registry, for repositories
    #[command(long_about = about::SEARCH, after_help = examples::SEARCH)]
    Search(SearchArgs),
    /// Give a local image another name
    #[command(long_about = about::TAG, after_help = examples::TAG)]
    Tag(TagArgs),
    /// List local images
    #[command(long_about = about::IMAGES, after_help = examples::IMAGES)]
    Images(ImagesArgs),
    /// Remove local images by name, ID or ID prefix
    #[command(visible_alias = "rmi", long_about = about::RM, after_help = examples::RM)]
    Rm(RmArgs),
    /// Show a local image's details as JSON
    #[command(long_about = about::INSPECT, after_help = examples::INSPECT)]
    Inspect(InspectArgs),
    /// Write images to a `docker save` archive
    #[command(long_about = about::SAVE, after_help = examples::SAVE)]
    Save(SaveArgs),
    /// Read images from a `docker save`, `podman save` or OCI archive
    #[command(long_about = about::LOAD, after_help = examples::LOAD)]
    Load(LoadArgs),
    /// Make a one-layer image from a root-filesystem tarball
    #[command(long_about = about::IMPORT, after_help = examples::IMPORT)]
    Import(ImportArgs),
    /// Show the history of an image: its layers and the steps that made them
    #[command(long_about = about::HISTORY, after_help = examples::HISTORY)]
    History(HistoryArgs),
    /// Manage images: docker's `image` commands (`image ls`, `image rm`, `image prune`, ...)
    #[command(subcommand, after_help = examples::IMAGE)]
    Image(ImageCommand),
    /// Manage the local store
    #[command(subcommand, after_help = examples::SYSTEM)]
    System(SystemCommand),
    /// Show the hoist version information
    #[command(long_about = about::VERSION, after_help = examples::VERSION)]
    Version(VersionArgs),
    /// Print the shell completion script for bash, zsh or fish
    #[command(long_about = about::COMPLETION, after_help = examples::COMPLETION)]
    Completion(CompletionArgs),
    /// What the completion scripts ask: local image names (and IDs), one a line
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompletionArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub(crate) struct CompleteArgs {
    /// What to list: `images`
    #[arg(value_enum)]
    pub what: Completed,
    /// Image IDs too
    #[arg(long)]
    pub ids: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Completed {
    Images,
}

/// docker's management-command forms: the same arguments as the commands they name.
#[derive(Debug, Subcommand)]
pub(crate) enum ImageCommand {
    /// List local images (`hoist images`)
    #[command(visible_alias = "list", long_about = about::IMAGES, after_help = examples::IMAGES)]
    Ls(ImagesArgs),
    /// Remove local images by name, ID or ID prefix (`hoist rm`)
    #[command(visible_alias = "remove", long_about = about::RM, after_help = examples::RM)]
    Rm(RmArgs),
    /// Download an image from a registry into the local store (`hoist pull`)
    #[command(long_about = about::PULL, after_help = examples::PULL)]
    Pull(PullArgs),
    /// Upload a local image to a registry (`hoist push`)
    #[command(long_about = about::PUSH, after_help = examples::PUSH)]
    Push(PushArgs),
    /// Give a local image another name (`hoist tag`)
    #[command(long_about = about::TAG, after_help = examples::TAG)]
    Tag(TagArgs),
    /// Show a local image's details as JSON (`hoist inspect`)
    #[command(long_about = about::INSPECT, after_help = examples::INSPECT)]
    Inspect(InspectArgs),
    /// Show the history of an image (`hoist history`)
    #[command(long_about = about::HISTORY, after_help = examples::HISTORY)]
    History(HistoryArgs),
    /// Write images to a `docker save` archive (`hoist save`)
    #[command(long_about = about::SAVE, after_help = examples::SAVE)]
    Save(SaveArgs),
    /// Read images from a `docker save`, `podman save` or OCI archive (`hoist load`)
    #[command(long_about = about::LOAD, after_help = examples::LOAD)]
    Load(LoadArgs),
    /// Make a one-layer image from a root-filesystem tarball (`hoist import`)
    #[command(long_about = about::IMPORT, after_help = examples::IMPORT)]
    Import(ImportArgs),
    /// Remove unused images, the blobs nothing needs and abandoned partial downloads
    #[command(long_about = about::PRUNE, after_help = examples::PRUNE)]
    Prune(PruneArgs),
}

impl ImageCommand {
    /// The top-level command this form stands for; `prune` has none.
    pub(crate) fn plain(self) -> Result<Command, PruneArgs> {
        Ok(match self {
            ImageCommand::Ls(args) => Command::Images(args),
            ImageCommand::Rm(args) => Command::Rm(args),
            ImageCommand::Pull(args) => Command::Pull(args),
            ImageCommand::Push(args) => Command::Push(args),
            ImageCommand::Tag(args) => Command::Tag(args),
            ImageCommand::Inspect(args) => Command::Inspect(args),
            ImageCommand::History(args) => Command::History(args),
            ImageCommand::Save(args) => Command::Save(args),
            ImageCommand::Load(args) => Command::Load(args),
            ImageCommand::Import(args) => Command::Import(args),
            ImageCommand::Prune(args) => return Err(args),
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct PruneArgs {
    /// Remove all unused images, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Only images that match: `until=TIME`, `label=KEY[=VALUE]`, `label!=KEY[=VALUE]`
    #[arg(long = "filter", value_name = "FILTER", value_parser = Filter::prune)]
    pub filters: Vec<Filter>,
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// Print sizes and dates in human readable format
    #[arg(short = 'H', long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub human: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Format the output: `table`, `table TEMPLATE`, `json` or a Go template, with docker's
    /// fields (`{{.ID}}`, `{{.CreatedSince}}`, `{{.CreatedBy}}`, `{{.Size}}`, `{{.Comment}}`)
    #[arg(long, value_name = "FORMAT", value_parser = Format::listing, default_value = "table", hide_default_value = true)]
    pub format: Format,
    /// The image: a name, an image ID or a unique prefix of one
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SystemCommand {
    /// Check every blob of the store against its digest and every name for a whole image
    ///
    /// Every blob is read and hashed (on every core); every name must lead to a manifest,
    /// config and layers that are all there and intact. Entries other tools wrote are listed.
    /// Exits 1 when anything is damaged.
    #[command(after_help = examples::CHECK)]
    Check(CheckArgs),
    /// Show what the store holds and what a prune would free
    #[command(long_about = about::DF, after_help = examples::DF)]
    Df(DfArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DfArgs {
    /// Show each image's space usage
    #[arg(short, long)]
    pub verbose: bool,
    /// Format the output: `table`, `table TEMPLATE`, `json` or a Go template, with docker's
    /// fields (`{{.Type}}`, `{{.TotalCount}}`, `{{.Active}}`, `{{.Size}}`, `{{.Reclaimable}}`)
    #[arg(long, value_name = "FORMAT", value_parser = Format::listing, default_value = "table", hide_default_value = true)]
    pub format: Format,
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
    /// Pull every tag of the repository (the host's platform of each)
    #[arg(short, long)]
    pub all_tags: bool,
    /// `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
    #[arg(value_name = "NAME[:TAG|@DIGEST]", value_parser = no_scheme)]
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
    /// Only print the pushed reference, as docker does
    #[arg(short, long)]
    pub quiet: bool,
    /// `[HOST[:PORT]/]PATH[:TAG]`
    #[arg(value_name = "NAME[:TAG]", value_parser = no_scheme)]
    pub image: String,
}

#[derive(Debug, Args)]
pub(crate) struct CpArgs {
    /// Copy every tag of the repository (SOURCE and DESTINATION name repositories)
    #[arg(short, long)]
    pub all_tags: bool,
    /// Also copy what refers to the image (signatures, SBOMs, attestations): OCI referrers
    #[arg(long)]
    pub referrers: bool,
    /// Copy only this platform of a multi-platform image [default: every platform]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<Platform>,
    /// Only print the copied digest
    #[arg(short, long)]
    pub quiet: bool,
    /// The image to copy, `[HOST[:PORT]/]PATH[:TAG][@DIGEST]` (a repository with -a)
    #[arg(value_name = "SOURCE", value_parser = no_scheme)]
    pub source: String,
    /// Where to copy it, `[HOST[:PORT]/]PATH[:TAG]` (a repository with -a)
    #[arg(value_name = "DESTINATION", value_parser = no_scheme)]
    pub destination: String,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The image whose manifest to delete, `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`
    #[arg(value_name = "NAME[:TAG|@DIGEST]", value_parser = no_scheme)]
    pub image: String,
}

#[derive(Debug, Args)]
pub(crate) struct TagsArgs {
    /// Only tags that match this shell pattern (`*`, `?`, `[a-z]`, `[!a-z]`), as `v1.*`
    #[arg(long, value_name = "GLOB", value_parser = crate::glob::Glob::parse)]
    pub filter: Option<crate::glob::Glob>,
    /// The repository, `[HOST[:PORT]/]PATH`
    #[arg(value_name = "REPOSITORY", value_parser = no_scheme)]
    pub repository: String,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    /// The registry, `HOST[:PORT]`
    #[arg(value_name = "REGISTRY", value_parser = no_scheme)]
    pub registry: String,
}

#[derive(Debug, Args)]
pub(crate) struct TagArgs {
    /// The image to name: a reference, an image ID or a unique prefix of one
    #[arg(value_name = "SOURCE_IMAGE")]
    pub source: String,
    /// The new name, `[HOST[:PORT]/]PATH[:TAG]`
    #[arg(value_name = "TARGET_IMAGE", value_parser = no_scheme)]
    pub target: String,
}

#[derive(Debug, Args)]
pub(crate) struct ImagesArgs {
    /// Only images of this repository (and tag); `*` and `?` match within one path component
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub pattern: Option<String>,
    /// Show all images (by default intermediate images, the bases of others, are hidden)
    #[arg(short, long)]
    pub all: bool,
    /// Filter output: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`,
    /// `before=IMAGE`, `since=IMAGE`, `until=TIME` (repeatable)
    #[arg(short, long = "filter", value_name = "FILTER", value_parser = Filter::listing)]
    pub filters: Vec<Filter>,
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
    /// Suppress the load output (the `Loaded image:` lines stay, as with docker)
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VersionArgs {
    /// Format the output: `json`, or a Go template over docker's object (`{{.Client.Version}}`)
    #[arg(short, long, value_name = "FORMAT", value_parser = Format::inspect)]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// A tar (optionally gzip-compressed) of the root filesystem, or `-` for standard input
    #[arg(value_name = "FILE|-")]
    pub file: String,
    /// The name of the new image
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: String,
    /// Apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER,
    /// WORKDIR, VOLUME, STOPSIGNAL, ONBUILD); repeatable
    #[arg(short, long, value_name = "INSTRUCTION")]
    pub change: Vec<String>,
    /// Set the commit message (the image's comment and history)
    #[arg(short, long)]
    pub message: Option<String>,
}
