//! Shell completions and man pages, generated from the clap definition. `cargo run --example
//! generate-docs` writes them to `completions/` and `man/`; the test `docs` (which includes
//! this file) fails when they are stale. Only development needs clap_complete and
//! clap_mangen: the binary people install carries neither.

use clap_complete::Shell;

/// Every generated file: its path relative to the repository and its content.
pub(crate) fn render_all() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (shell, name) in [(Shell::Bash, "hoist.bash"), (Shell::Zsh, "_hoist"), (Shell::Fish, "hoist.fish")] {
        let mut content = Vec::new();
        clap_complete::generate(shell, &mut hoist::command(), "hoist", &mut content);
        files.push((format!("completions/{name}"), content));
    }
    let command = hoist::command();
    files.push(("man/hoist.1".to_string(), man_page(&command)));
    let version = command.get_version().unwrap_or_default().to_string();
    pages_of(&command, "hoist", &version, &mut files);
    files
}

/// A page per subcommand, and per subcommand of those (`hoist-system-check.1`), as docker's are.
fn pages_of(command: &clap::Command, prefix: &str, version: &str, files: &mut Vec<(String, Vec<u8>)>) {
    for sub in command.get_subcommands() {
        let name = format!("{prefix}-{}", sub.get_name());
        let page = sub.clone().name(name.clone()).version(version.to_string());
        files.push((format!("man/{name}.1"), man_page(&page)));
        pages_of(sub, &name, version, files);
    }
}

fn man_page(command: &clap::Command) -> Vec<u8> {
    let mut content = Vec::new();
    // Rendering into a Vec cannot fail.
    let _ = clap_mangen::Man::new(command.clone()).render(&mut content);
    content
}
