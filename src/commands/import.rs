//! `hoist import FILE|- REF`: a root-filesystem tarball becomes a one-layer image.

use std::fs::File;

use anyhow::Context as _;

use super::Context;
use super::load::spool;
use crate::cli::ImportArgs;
use crate::image::changes;
use crate::ops::import::{Settings, import};
use crate::output;
use crate::reference::Reference;

pub(super) fn run(args: ImportArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?.with_default_tag();
    // Checked before anything is read or stored, as docker refuses a bad change at once.
    let mut config = serde_json::Map::new();
    if !args.change.is_empty() {
        changes::apply(&args.change, &mut config)?;
    }
    let settings = Settings { config, message: args.message };
    let store = context.store()?;
    let file = if args.file == "-" {
        spool(&store, "requested import from stdin, but stdin is empty")?
    } else {
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file))?
    };
    let id = import(&store, file, &args.file, &reference, settings)
        .with_context(|| format!("cannot import {}", args.file))?;
    output::line(id.as_ref())?;
    Ok(())
}
