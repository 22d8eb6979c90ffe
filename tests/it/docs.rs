//! `completions/` and `man/` must be what the CLI definition generates today.

#[path = "../../examples/generate-docs/render.rs"]
mod render;

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, expected) in render::render_all() {
        let actual = std::fs::read(root.join(&path)).unwrap_or_default();
        assert!(actual == expected, "{path} is stale: run `cargo run --example generate-docs` and commit the result");
    }
}
