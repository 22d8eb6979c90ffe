//! How `load` resolves a `docker save` archive's layer paths (symlinks, hard links, chains and
//! loops of them, repeats) into the distinct layers it stores: any bytes give distinct layers
//! or an error, never a panic or a hang; each diff_id appears once, and each layer lies inside
//! the archive. The archive is a file in a temporary folder made once per process.
#![no_main]

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Seek, Write};
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

struct Workspace {
    _folder: tempfile::TempDir,
    archive: File,
}

fn workspace() -> &'static Mutex<Workspace> {
    static WORKSPACE: OnceLock<Mutex<Workspace>> = OnceLock::new();
    WORKSPACE.get_or_init(|| {
        let folder = tempfile::Builder::new().prefix("hoist-fuzz-aliases").tempdir().expect("a temporary folder");
        let archive = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(folder.path().join("archive.tar"))
            .expect("the archive file");
        Mutex::new(Workspace { _folder: folder, archive })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut workspace = workspace().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let archive = &mut workspace.archive;
    archive.set_len(0).expect("truncate the archive");
    archive.rewind().expect("rewind the archive");
    archive.write_all(data).expect("write the archive");
    archive.rewind().expect("rewind the archive");
    let file = archive.try_clone().expect("a handle on the archive");
    let Ok(layers) = hoist::harness::distinct_layers(file) else { return };
    let mut seen = BTreeSet::new();
    for layer in &layers {
        assert!(seen.insert(layer.diff_id.clone()), "{} twice", layer.diff_id);
        assert!(layer.names >= 1);
        assert!(layer.located.offset.saturating_add(layer.located.size) <= data.len() as u64);
    }
    assert!(layers.windows(2).all(|pair| pair[0].located.size >= pair[1].located.size), "largest first");
});
