//! `hoist delete REF`: resolves a tag to its digest and deletes that manifest.

use anyhow::Context as _;

use super::Context;
use crate::cli::DeleteArgs;
use crate::output;
use crate::reference::Reference;

pub(super) async fn run(args: DeleteArgs, context: &Context) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.image)?;
    let client = context.client(reference.registry())?;
    let digest = match reference.digest() {
        Some(digest) => digest.clone(),
        None => {
            let tag = reference.tag_or_default();
            client
                .get_manifest(reference.repository(), tag)
                .await
                .with_context(|| format!("cannot resolve {reference}"))?
                .digest
        }
    };
    client
        .delete_manifest(reference.repository(), &digest)
        .await
        .with_context(|| format!("cannot delete {reference}"))?;
    output::line(&format!("Deleted: {}@{digest}", reference.repository_reference()))?;
    Ok(())
}
