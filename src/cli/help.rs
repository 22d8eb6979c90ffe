//! What `--help` and the man pages say beyond the one-line summaries in `cli.rs`: each
//! command's examples (clap's `after_help`, which the man pages' EXAMPLES section is made from),
//! the value checks that turn common mistakes into usage errors, and the default folders as
//! they are on this machine.

use std::path::PathBuf;

/// The heading of the options every command takes, apart from each command's own.
pub(crate) const GLOBAL_OPTIONS: &str = "Global Options";

/// Examples, as `after_help`: a heading, then one `$ command` line (and a `#` comment line)
/// per example; `examples/generate-docs` reads the same text for the man pages.
pub(crate) mod examples {
    pub(crate) const HOIST: &str = "Examples:
  # Name a local image for a registry, push it, pull it back
  $ hoist tag my-fancy-app:1.0.0 localhost:5000/my-fancy-app:1.0.0
  $ hoist push localhost:5000/my-fancy-app:1.0.0
  $ hoist pull localhost:5000/my-fancy-app:1.0.0
  # What a command takes, with its own examples
  $ hoist push --help";
    pub(crate) const LOGIN: &str = "Examples:
  # Log in to a registry (prompts for the user name and password)
  $ hoist login registry.example.com
  # Log in from a script, the token on standard input
  $ echo \"$TOKEN\" | hoist login -u me --password-stdin registry.example.com";
    pub(crate) const LOGOUT: &str = "Examples:
  $ hoist logout registry.example.com
  # Docker Hub
  $ hoist logout";
    pub(crate) const PULL: &str = "Examples:
  $ hoist pull ubuntu:24.04
  # Another platform of a multi-platform image
  $ hoist pull --platform linux/arm64 localhost:5000/my-fancy-app:1.0.0
  # Exactly this manifest
  $ hoist pull alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5";
    pub(crate) const PUSH: &str = "Examples:
  # Name the image for the registry, then push it
  $ hoist tag my-fancy-app:1.0.0 localhost:5000/my-fancy-app:1.0.0
  $ hoist push localhost:5000/my-fancy-app:1.0.0
  # Every tag of a repository
  $ hoist push --all-tags localhost:5000/my-fancy-app";
    pub(crate) const CP: &str = "Examples:
  $ hoist cp docker.io/library/alpine:3.20 localhost:5000/alpine:3.20
  # One platform only
  $ hoist cp --platform linux/amd64 ghcr.io/org/app:1 localhost:5000/app:1
  # Every tag of a repository
  $ hoist cp -a ghcr.io/org/app localhost:5000/app
  # An image with its signatures and attestations
  $ hoist cp --referrers ghcr.io/org/app:1 localhost:5000/app:1";
    pub(crate) const DELETE: &str = "Examples:
  $ hoist delete localhost:5000/my-fancy-app:1.0.0
  $ hoist delete localhost:5000/my-fancy-app@sha256:a4e37b4be75544dc34cbcdb9861fd13ffde84affa602e967cd8c9133445ae57f";
    pub(crate) const TAGS: &str = "Examples:
  $ hoist tags localhost:5000/my-fancy-app
  # The 3.x tags of an image
  $ hoist tags --filter '3.*' alpine";
    pub(crate) const MANIFEST: &str = "Examples:
  $ hoist manifest inspect alpine:3.20
  $ hoist manifest inspect -v localhost:5000/my-fancy-app:1.0.0
  # A multi-platform image from single-platform ones
  $ hoist manifest create localhost:5000/app:1 localhost:5000/app:1-amd64 localhost:5000/app:1-arm64
  $ hoist manifest push localhost:5000/app:1";
    pub(crate) const MANIFEST_CREATE: &str = "Examples:
  # A list of two single-platform images of the same registry
  $ hoist manifest create localhost:5000/app:1 localhost:5000/app:1-amd64 localhost:5000/app:1-arm64
  # An index's platforms, and an image only in the local store
  $ hoist manifest create --amend localhost:5000/app:1 localhost:5000/base:1 localhost:5000/app:1-riscv64";
    pub(crate) const MANIFEST_ANNOTATE: &str = "Examples:
  $ hoist manifest annotate --arch arm --variant v7 localhost:5000/app:1 localhost:5000/app:1-armv7";
    pub(crate) const MANIFEST_PUSH: &str = "Examples:
  $ hoist manifest push --purge localhost:5000/app:1";
    pub(crate) const MANIFEST_RM: &str = "Examples:
  $ hoist manifest rm localhost:5000/app:1";
    pub(crate) const MANIFEST_INSPECT: &str = "Examples:
  # The index of a multi-platform image, as docker manifest inspect prints it
  $ hoist manifest inspect alpine:3.20
  # Each platform's manifest, descriptor and platform
  $ hoist manifest inspect -v localhost:5000/my-fancy-app:1.0.0";
    pub(crate) const SEARCH: &str = "Examples:
  $ hoist search nginx
  # Official images with at least 100 stars, names only
  $ hoist search --filter is-official=true --filter stars=100 --format '{{.Name}}' nginx
  # A registry's own search, or its catalog
  $ hoist search localhost:5000/app";
    pub(crate) const CATALOG: &str = "Examples:
  $ hoist catalog localhost:5000
  $ hoist catalog registry.example.com:5443";
    pub(crate) const TAG: &str = "Examples:
  # Name a local image for a registry, before a push
  $ hoist tag my-fancy-app:1.0.0 localhost:5000/my-fancy-app:1.0.0
  # By image ID
  $ hoist tag c76a6f88ef80 my-fancy-app:latest";
    pub(crate) const IMAGES: &str =
        "SIZE is the compressed content size: the bytes the image's layers and config take in the
store, as a registry holds them. docker shows the unpacked size instead: a 10 MB file of
zeros, which compresses well, is about 100kB here.

Examples:
  $ hoist images
  $ hoist images localhost:5000/my-fancy-app
  $ hoist images --format '{{.Repository}}:{{.Tag}} {{.Size}}'";
    pub(crate) const RM: &str = "Examples:
  $ hoist rm localhost:5000/my-fancy-app:1.0.0
  # By image ID; -f when several names hold it
  $ hoist rm -f c76a6f88ef80";
    pub(crate) const INSPECT: &str = "Examples:
  $ hoist inspect alpine:3.20
  $ hoist inspect -f '{{index .RepoDigests 0}}' alpine:3.20
  $ hoist inspect -f '{{json .Config}}' c76a6f88ef80";
    pub(crate) const SAVE: &str = "Examples:
  $ hoist save -o app.tar localhost:5000/my-fancy-app:1.0.0
  $ hoist save alpine:3.20 | gzip > alpine.tar.gz";
    pub(crate) const LOAD: &str = "Examples:
  $ hoist load -i app.tar
  $ docker save alpine:3.20 | hoist load";
    pub(crate) const IMPORT: &str = "Examples:
  $ tar -C rootfs -cf rootfs.tar . && hoist import rootfs.tar my-fancy-app:1.0.0
  $ tar -C rootfs -c . | hoist import - my-fancy-app:1.0.0
  $ hoist import -c 'CMD [\"/app\"]' -c 'ENV MODE=prod' -m 'nightly' rootfs.tar my-fancy-app:1.0.0";
    pub(crate) const VERSION: &str = "Examples:
  $ hoist version
  $ hoist version --format '{{.Client.Version}}'
  $ hoist -v";
    pub(crate) const SYSTEM: &str = "Examples:
  $ hoist system check
  $ hoist system check --repair";
    pub(crate) const CHECK: &str = SYSTEM;
    pub(crate) const IMAGE: &str = "Examples:
  $ hoist image ls
  $ hoist image remove localhost:5000/my-image
  $ hoist image prune -f";
    pub(crate) const HISTORY: &str = "Examples:
  $ hoist history alpine:3.20
  $ hoist history --no-trunc --format '{{.CreatedBy}}' alpine:3.20";
    pub(crate) const PRUNE: &str = "Examples:
  $ hoist image prune -f
  $ hoist image prune -a -f --filter until=24h";
    pub(crate) const DF: &str = "Examples:
  $ hoist system df
  $ hoist system df -v";
    pub(crate) const COMPLETION: &str = "Examples:
  # Bash, for this shell, then for every new one
  $ source <(hoist completion bash)
  $ hoist completion bash > ~/.local/share/bash-completion/completions/hoist
  # Zsh (a folder on $fpath) and fish
  $ hoist completion zsh > \"${fpath[1]}/_hoist\"
  $ hoist completion fish > ~/.config/fish/completions/hoist.fish";
}

/// What each command does, at more length than its one line: `--help` and the man pages'
/// DESCRIPTION (`-h` keeps the one line).
pub(crate) mod about {
    pub(crate) const LOGIN: &str = "Log in to a registry: check the credentials, then keep them in the OS keyring

The credentials are checked against the registry before anything is stored; wrong ones store
nothing. They go to the OS keyring (Secret Service, Keychain, Credential Manager); where no
keyring answers, to auth.json in the configuration folder (mode 0600), with a warning. Without
-u and -p, credentials already stored for SERVER are checked again first, as docker does; when
there are none or they fail, it asks on a terminal, offering the stored user name; without a
terminal, give the password on standard input with --password-stdin. SERVER defaults to Docker
Hub.";
    pub(crate) const LOGOUT: &str = "Forget the credentials stored for a registry

Removes them from the OS keyring and from auth.json. Credentials that docker or podman stored
in their own files stay there.";
    pub(crate) const PULL: &str = "Download an image from a registry into the local store

Prints docker's lines (or bars on a terminal). Only the blobs the store lacks are downloaded,
several at once; each is checked against its digest as it arrives, and an interrupted download
resumes where it stopped, in this run or the next. From a multi-platform image it takes the
host's platform, or --platform's; --platform of a single-platform image for another platform
is an error. A pull of an image already in the store asks with HEAD first, which Docker Hub
does not count against its pull limit.";
    pub(crate) const PUSH: &str = "Upload a local image to a registry

The image must be in the store under a name for that registry (hoist tag it first). Blobs the
registry has are skipped, blobs of another repository of the same registry are mounted, the
rest are uploaded; then the manifest, byte for byte, so its digest does not change.";
    pub(crate) const CP: &str = "Copy an image from one registry to another, without the local store

Every platform of a multi-platform image (or --platform's), every digest kept; blobs the
destination has are skipped. -a copies every tag of a repository: the tags' manifests are read
first, a blob they share goes over once, then the tags are written several at once.
--referrers also copies what refers to the copied manifests (signatures, SBOMs, attestations):
listed through the source's referrers API, else its sha256-<hex> tag schema, and written to
the destination's tag schema where it has no referrers API.";
    pub(crate) const DELETE: &str = "Delete an image's manifest from a registry

The registry must allow deletes (distribution: storage.delete.enabled). A tag is resolved to
its manifest, which is deleted with every tag that points at it.";
    pub(crate) const TAGS: &str = "List a remote repository's tags

Every page of the registry's tag list, one tag a line; entries that are not tags (nulls,
digests) are skipped. --filter keeps the tags that match a shell pattern.";
    pub(crate) const CATALOG: &str = "List a registry's repositories

Every page of the registry's catalog, one repository a line. Many registries (Docker Hub, GHCR)
do not offer a catalog.";
    pub(crate) const MANIFEST_INSPECT: &str =
        "Show a remote image's manifest or index, as docker manifest inspect shows it

Exactly docker's output: a manifest as the registry holds it, indented with tabs; an index as
docker rebuilds it from its manifests, indented with three spaces. -v prints docker's verbose
objects (Ref, Descriptor with the platform, Raw, SchemaV2Manifest or OCIManifest), one per
platform for an index. Nothing is pulled: an index's manifests are asked with HEAD unless -v
needs their bytes. A list made by manifest create and not pushed yet is shown from the store,
as docker shows it.";
    pub(crate) const MANIFEST_CREATE: &str =
        "Make a local manifest list from images of the list's registry or of the local store

As docker manifest create: the list waits in the local store until manifest push. Each SOURCE
must be of the list's registry; an index adds each of its platforms (not its attestations); an
image the registry lacks but the local store has joins too, and is pushed with the list. An
existing list is only changed with --amend.";
    pub(crate) const MANIFEST_PUSH: &str = "Push a local manifest list, with the manifests it names, to its registry

Manifests of other repositories are mounted into the list's repository, images of the local
store are pushed, then the index goes up under the list's tag; its digest is printed. The index
is docker's, byte for byte, so the same list always has the same digest.";
    pub(crate) const SEARCH: &str = "Search Docker Hub, or a registry, for repositories

Docker Hub's search, in docker's table (NAME, DESCRIPTION, STARS, OFFICIAL; descriptions cut
at 45 characters unless --no-trunc). HOST[:PORT]/TERM asks that registry's /v1/search; where it
has none, its catalog's repositories whose name contains TERM are listed. A line on standard
error says which of the two answered.";
    pub(crate) const TAG: &str = "Give a local image another name

SOURCE_IMAGE is a name, an image ID or a unique prefix of one; TARGET_IMAGE names the registry
a push will go to (localhost:5000/app:1). A name another image had moves to this one.";
    pub(crate) const IMAGES: &str = "List local images

One row per name, as docker lists them; --format takes table, json, a Go template or table
TEMPLATE, with docker's fields.";
    pub(crate) const RM: &str = "Remove local images by name, ID or ID prefix

Removes names; an image no name holds any more is deleted, with the blobs no other image
shares. An image ID that several names hold needs -f.";
    pub(crate) const INSPECT: &str = "Show a local image's details as JSON

The object docker image inspect prints, or -f's Go template over it.";
    pub(crate) const SAVE: &str = "Write images to a `docker save` archive

An archive that docker load and podman load read; every layer is checked against its diff_id
before the first byte is written. Standard output, unless -o, and never a terminal.";
    pub(crate) const LOAD: &str = "Read images from a `docker save`, `podman save` or OCI archive

Plain or compressed with gzip, bzip2, xz or zstd (told by the first bytes, not the file name,
and decompressed as it streams, never to a temporary copy); layers are kept gzip-compressed
and checked against their diff_ids. From standard input unless -i.";
    pub(crate) const VERSION: &str = "Show the hoist version information

docker's Client block: the version, the Rust version (where docker shows Go's), the git commit
and time of the build, and the platform; or --format's JSON or Go template over it.";
    pub(crate) const IMPORT: &str = "Make a one-layer image from a root-filesystem tarball

Like docker import: the tarball (plain or gzip) becomes the image's one layer, for the host's
platform.";
    pub(crate) const HISTORY: &str = "Show the history of an image: its layers and the steps that made them

One row per entry of the config's history, newest first, as docker shows them: IMAGE is the
image ID on the newest entry and <missing> below it; SIZE is the layer's stored (compressed)
size, 0B for steps that made no layer.";
    pub(crate) const PRUNE: &str = "Remove unused images, the blobs nothing needs and abandoned partial downloads

Without -a, removes dangling images: those no tag holds (a name that moved to another image
leaves one). With -a, removes every image. Without -f it asks first, and with nothing to
answer (no terminal, empty input) removes nothing.";
    pub(crate) const DF: &str = "Show what the store holds and what a prune would free

TOTAL counts the images, ACTIVE those a tag holds, SIZE the bytes their blobs take (each
blob once), RECLAIMABLE what `hoist image prune -a` would free.";
    pub(crate) const COMPLETION: &str = "Print the shell completion script for bash, zsh or fish

The script completes commands and options, and local image names (and IDs) where a command
takes a local image, which it asks of the store as you type.";
}

/// A registry or image argument must not carry a URL scheme: `http://127.0.0.1:5000` is a
/// usage error that says what to write instead.
pub(crate) fn no_scheme(text: &str) -> Result<String, String> {
    let Some((scheme, rest)) = text.split_once("://") else { return Ok(text.to_string()) };
    let plain = rest.trim_end_matches('/');
    let how = if scheme.eq_ignore_ascii_case("http") {
        "; hoist uses plain HTTP by itself for registries on this machine, and for those given with \
         --insecure-registry HOST[:PORT]"
    } else {
        ""
    };
    Err(format!("drop the scheme: write {plain:?}{how}"))
}

/// `--root`'s help with the real default on this machine, not `$XDG_DATA_HOME` when that is unset.
pub(crate) fn root_help() -> String {
    format!("The local image store [default: {}]", shown(dirs::data_dir().map(|dir| dir.join("hoist"))))
}

/// `--config`'s help with the real default on this machine.
pub(crate) fn config_help() -> String {
    format!("The configuration folder [default: {}]", shown(dirs::config_dir().map(|dir| dir.join("hoist"))))
}

fn shown(path: Option<PathBuf>) -> String {
    path.map_or_else(|| "none: set it".to_string(), |path| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_is_a_usage_error_that_says_what_to_write() {
        assert_eq!(no_scheme("127.0.0.1:5000/app:1"), Ok("127.0.0.1:5000/app:1".to_string()));
        let error = no_scheme("http://127.0.0.1:5000/").unwrap_err();
        assert!(error.starts_with("drop the scheme: write \"127.0.0.1:5000\";"), "{error}");
        assert!(no_scheme("https://ghcr.io/org/app").unwrap_err().contains("\"ghcr.io/org/app\""));
    }
}
