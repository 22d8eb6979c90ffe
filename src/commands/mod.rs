//! One module per command: resolve the arguments, call one library operation, print.

mod images;
mod import;
mod inspect;
mod load;
mod rm;
mod save;
mod tag;

pub use rm::Reported;

use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::image::{self, Summary, Target};
use crate::store::{NameEntry, Store};

/// What every command may need: where the store and the configuration live.
pub struct Context {
    root: PathBuf,
}

impl Context {
    fn new(global: GlobalArgs) -> anyhow::Result<Context> {
        let root = match global.root {
            Some(root) => root,
            None => dirs::data_dir().context("cannot find the data folder: set --root or HOIST_ROOT")?.join("hoist"),
        };
        Ok(Context { root })
    }

    fn store(&self) -> anyhow::Result<Store> {
        Store::open(&self.root).with_context(|| format!("cannot open the image store at {}", self.root.display()))
    }
}

pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let context = Context::new(cli.global)?;
    match cli.command {
        Command::Tag(args) => tag::run(args, &context),
        Command::Images(args) => images::run(args, &context),
        Command::Rm(args) => rm::run(args, &context),
        Command::Inspect(args) => inspect::run(args, &context),
        Command::Save(args) => save::run(args, &context),
        Command::Load(args) => load::run(args, &context),
        Command::Import(args) => import::run(args, &context),
    }
}

/// Resolves an IMAGE argument to one entry: for an image ID, any name that holds it.
fn find_one(images: &[(NameEntry, Summary)], argument: &str) -> anyhow::Result<(NameEntry, Summary)> {
    match image::lookup(images, argument)? {
        Target::Name(entry, summary) => Ok((entry, summary)),
        Target::Id(_, mut holders) => Ok(holders.swap_remove(0)),
    }
}
