//! `hoist catalog REGISTRY`: every repository of a registry, one per line.

use anyhow::{Context as _, bail};

use super::Context;
use crate::cli::CatalogArgs;
use crate::output;
use crate::reference::Reference;

pub(super) async fn run(args: CatalogArgs, context: &Context) -> anyhow::Result<()> {
    // A registry is valid where it is valid as the host part of a reference.
    let probe = Reference::parse(&format!("{}/catalog-probe", args.registry.trim_end_matches('/')));
    let registry = match probe {
        Ok(reference) if !args.registry.contains('/') => reference.registry().to_string(),
        _ => bail!("invalid registry {:?}: expected HOST[:PORT]", args.registry),
    };
    let client = context.client(&registry)?;
    let repositories = client.catalog().await.with_context(|| format!("cannot list the repositories of {registry}"))?;
    for repository in repositories {
        output::line(&repository)?;
    }
    Ok(())
}
