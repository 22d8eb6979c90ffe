//! The remote commands' arguments: `manifest` (inspect a remote image without pulling it) and
//! `search`.

use clap::{Args, Subcommand};

use super::help::{about, examples, no_scheme};

#[derive(Debug, Subcommand)]
pub(crate) enum ManifestCommand {
    /// Show a remote image's manifest or index, as docker manifest inspect shows it
    #[command(long_about = about::MANIFEST_INSPECT, after_help = examples::MANIFEST_INSPECT)]
    Inspect(ManifestInspectArgs),
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
