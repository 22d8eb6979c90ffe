//! `load` of any bytes as an image archive (`docker save` or OCI). The store and the archive
//! file live in one temporary folder made once per process (scripts/fuzz points TMPDIR at a
//! folder it removes afterwards). A load that fails must leave the store empty; one that
//! succeeds is emptied again, so that every input starts from the same empty store.
#![no_main]

use std::fs::File;
use std::io::{Seek, Write};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use hoist::harness::Store;
use libfuzzer_sys::fuzz_target;

struct Workspace {
    _folder: tempfile::TempDir,
    root: PathBuf,
    archive: File,
}

fn workspace() -> &'static Mutex<Workspace> {
    static WORKSPACE: OnceLock<Mutex<Workspace>> = OnceLock::new();
    WORKSPACE.get_or_init(|| {
        let folder = tempfile::Builder::new().prefix("hoist-fuzz-archive").tempdir().expect("a temporary folder");
        let root = folder.path().join("store");
        let archive = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(folder.path().join("archive.tar"))
            .expect("the archive file");
        Mutex::new(Workspace { _folder: folder, root, archive })
    })
}

fn is_empty(folder: PathBuf) -> bool {
    std::fs::read_dir(folder).map_or(true, |mut entries| entries.next().is_none())
}

fuzz_target!(|data: &[u8]| {
    let mut workspace = workspace().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let store = Store::open(&workspace.root).expect("an empty store");
    let archive = &mut workspace.archive;
    archive.set_len(0).expect("truncate the archive");
    archive.rewind().expect("rewind the archive");
    archive.write_all(data).expect("write the archive");
    archive.rewind().expect("rewind the archive");
    let file = archive.try_clone().expect("a handle on the archive");
    let loaded = hoist::harness::load(&store, file);
    match &loaded {
        Ok(images) => {
            for image in images {
                let _ = (image.name.as_ref().map(|name| name.full()), image.id.to_string());
            }
        }
        Err(error) => {
            let _ = error_chain(error);
        }
    }
    let root = store.root();
    if loaded.is_err() {
        // A failed load leaves the store as it was: empty.
        assert!(is_empty(root.join("blobs/sha256")), "a failed load left blobs behind");
        assert!(is_empty(root.join("ingest")), "a failed load left files in ingest/");
    } else {
        std::fs::remove_dir_all(root).expect("empty the store");
    }
});

/// The error with its sources, as hoist prints it.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
