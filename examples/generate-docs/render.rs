//! Shell completions and man pages, generated from the clap definition. `cargo run --example
//! generate-docs` writes them to `completions/` and `man/`; the test `docs` (which includes
//! this file) fails when they are stale. Only development needs clap_complete and
//! clap_mangen: the binary people install carries neither (it embeds the generated scripts for
//! `hoist completion`).
//!
//! The completion scripts are clap_complete's, with one addition each: for the arguments the CLI
//! names IMAGE, SOURCE_IMAGE or NAME[:TAG] (a local image), they offer what the hidden
//! `hoist __complete images` lists, so the names come from the store, and which commands take
//! them from the CLI definition.
//!
//! The man pages are clap_mangen's sections (NAME, SYNOPSIS `hoist push`, DESCRIPTION, OPTIONS,
//! GLOBAL OPTIONS, the subcommands) followed by EXAMPLES (each command's `after_help`),
//! ENVIRONMENT, FILES, EXIT STATUS and SEE ALSO.

#[path = "completion.rs"]
mod completion;
#[path = "man.rs"]
mod man;

/// Every generated file: its path relative to the repository and its content.
pub(crate) fn render_all() -> Vec<(String, Vec<u8>)> {
    let mut files = completion::scripts(hoist::command());
    files.extend(man::pages(hoist::command()));
    files
}
