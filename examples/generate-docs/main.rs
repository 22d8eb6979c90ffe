//! Regenerates `completions/` and `man/` from the CLI definition: `cargo run --example generate-docs`.

use std::fs;
use std::path::Path;

mod render;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, content) in render::render_all() {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, content)?;
    }
    Ok(())
}
