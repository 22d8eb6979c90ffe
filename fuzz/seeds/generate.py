#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into fuzz/seeds/TARGET/ (committed; scripts/fuzz
reads them beside the growing corpus in fuzz/corpus/TARGET/). Deterministic: run it again after
changing it and commit what changed."""

import base64
import gzip
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHA = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def dumps(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def tar_bytes(files, links=()) -> bytes:
    """A tar of (path, bytes) files and (path, target, symlink?) links, with fixed metadata."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in files:
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
        for path, target, symlink in links:
            info = tarfile.TarInfo(path)
            info.type = tarfile.SYMTYPE if symlink else tarfile.LNKTYPE
            info.linkname, info.mtime = target, 0
            tar.addfile(info)
    return out.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1, mtime=0)


def layer() -> bytes:
    return tar_bytes([("etc/motd", b"hello from hoist\n")])


def config(diff_ids) -> bytes:
    return dumps({
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/bin"], "Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "hoist import"}],
    })


def descriptor(media_type, data, **extra):
    return {"mediaType": media_type, "digest": digest(data), "size": len(data), **extra}


def docker_archives():
    plain = layer()
    cfg = config([digest(plain)])
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["localhost:5000/app:1.0"], "Layers": ["abc/layer.tar"]}]
    yield "docker-save.tar", tar_bytes([("manifest.json", dumps(manifest)), (cfg_name, cfg), ("abc/layer.tar", plain)])
    # docker 25+ style: blobs/sha256 paths, gzip layer, a symlink, an untagged image.
    packed = gzip_bytes(plain)
    manifest = [{"Config": "blobs/sha256/" + hashlib.sha256(cfg).hexdigest(), "RepoTags": None,
                 "Layers": ["layer/layer.tar"]}]
    yield "docker-save-links.tar", tar_bytes(
        [("manifest.json", dumps(manifest)), ("blobs/sha256/" + hashlib.sha256(cfg).hexdigest(), cfg),
         ("blobs/sha256/" + hashlib.sha256(packed).hexdigest(), packed)],
        [("layer/layer.tar", "../blobs/sha256/" + hashlib.sha256(packed).hexdigest(), True)])
    empty = config([])
    manifest = [{"Config": "c.json", "RepoTags": ["x"], "Layers": []}]
    yield "docker-save-empty.tar", tar_bytes([("manifest.json", dumps(manifest)), ("c.json", empty)])


def oci_archive():
    packed = gzip_bytes(layer())
    cfg = config([digest(layer())])
    manifest = dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": descriptor(OCI_CONFIG, cfg),
                      "layers": [descriptor(OCI_LAYER_GZIP, packed)]})
    inner = dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        descriptor(OCI_MANIFEST, manifest, platform={"architecture": "amd64", "os": "linux"})]})
    index = dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        descriptor(OCI_INDEX, inner, annotations={"io.containerd.image.name": "docker.io/library/app:1",
                                                  "org.opencontainers.image.ref.name": "1"})]})
    blobs = [("blobs/sha256/" + hashlib.sha256(data).hexdigest(), data) for data in (packed, cfg, manifest, inner)]
    return tar_bytes([("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", index)] + blobs)


def aliased_archives():
    """`docker save` archives whose layer paths are links: many symlink aliases of one gzip
    layer, a hard link, a chain of links, a loop, a link out of the archive, a repeated path."""
    plain = layer()
    packed = gzip_bytes(plain)
    cfg = config([digest(plain)] * 4)
    def archive(paths, links):
        manifest = [{"Config": "c.json", "RepoTags": ["aliased:1"], "Layers": paths}]
        return tar_bytes([("c.json", cfg), ("base/layer.tar", packed), ("manifest.json", dumps(manifest))], links)
    aliases = [f"alias{n}/layer.tar" for n in range(4)]
    yield archive(aliases, [(path, "../base/layer.tar", True) for path in aliases])
    yield archive(["hard/layer.tar"] * 4, [("hard/layer.tar", "base/layer.tar", False)])
    yield archive(["a/layer.tar", "b/layer.tar", "c/layer.tar", "base/layer.tar"],
                  [("a/layer.tar", "../b/layer.tar", True), ("b/layer.tar", "../c/layer.tar", True),
                   ("c/layer.tar", "../base/layer.tar", True)])
    yield archive(["x/layer.tar"] * 4, [("x/layer.tar", "../y/layer.tar", True), ("y/layer.tar", "../x/layer.tar", True)])
    yield archive(["out/layer.tar"] * 4, [("out/layer.tar", "../../etc/passwd", True)])


def helper_answers():
    yield dumps({"ServerURL": "registry.example.com", "Username": "me", "Secret": "s3cret"})
    yield dumps({"Username": "<token>", "Secret": "refresh-token"})
    yield b"credentials not found in native keychain\n"
    yield dumps({"Username": "u", "Secret": "x" * 1000, "Extra": [1, 2, {"a": None}]})
    yield b'{"Username": "\\u001b]0;title\\u0007", "Secret": "\\ud800"}'


def documents():
    cfg = config([digest(layer())])
    oci = dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": descriptor(OCI_CONFIG, cfg),
                 "layers": [descriptor(OCI_LAYER_GZIP, b"x")], "annotations": {"a": "b"}})
    docker = dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST, "config": descriptor(OCI_CONFIG, cfg),
                    "layers": []})
    index = dumps({"schemaVersion": 2, "manifests": [
        descriptor(OCI_MANIFEST, oci, platform={"architecture": "arm64", "os": "linux", "variant": "v8"}),
        descriptor(OCI_MANIFEST, docker, platform={"architecture": "amd64", "os": "linux",
                                                    "os.version": "1", "os.features": ["x"]})]})
    docker_list = dumps({"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": []})
    schema1 = dumps({"schemaVersion": 1, "name": "a", "tag": "b", "fsLayers": []})
    # The first byte picks the media type the target claims (see fuzz_targets/document.rs).
    for name, selector, data in [("oci-manifest", 1, oci), ("docker-manifest", 3, docker), ("index", 0, index),
                                 ("docker-list", 4, docker_list), ("schema1", 5, schema1), ("config", 6, cfg)]:
        yield name, bytes([selector]) + data


SEEDS = {
    "reference": [
        b"ubuntu", b"ubuntu:22.04", b"docker.io/library/ubuntu:latest", b"index.docker.io/user/app",
        b"localhost:5000/my-fancy-app:1.0.0", b"[::1]:5000/a/b:c", b"Registry.Example.com/team/app:v1.2-rc_3",
        ("ubuntu@" + SHA).encode(), ("localhost/a:b@" + SHA).encode(), b"docker.io/localhost/app",
        b"docker.io/library/" + b"a" * 64, b"a__b.c---d/e", ("quay.io/x@sha512:" + "f" * 128).encode(),
    ],
    "challenge": [
        b'Basic realm="Registry Realm"',
        b'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        b'scope="repository:library/ubuntu:pull,push"',
        b"bearer realm=https://x/token", b'Bearer service="x"', b'Bearer realm="a\\"b", scope="c"',
        b"Negotiate abc",
    ],
    "link": [
        b'</v2/_catalog?last=b&n=2>; rel="next"',
        b'<https://r/v2/a/tags/list?n=1&last=x>; rel=next, <https://r/v2/a/tags/list>; rel="first"',
        b'<a>; title="x"; rel = "next"\n</b>; rel="prev"',
    ],
    "config_toml": [
        b'insecure-registries = ["192.168.0.100:5000"]\nregistry-mirrors = ["https://mirror.example.com"]\n'
        b"max-concurrent-downloads = 3\nmax-concurrent-uploads = 5\n",
        b"max-concurrent-downloads = 0\n", b'registry-mirrors = ["ftp://x"]\n', b"[table]\nkey = 1\n",
    ],
    "auth_file": [
        dumps({"auths": {"https://index.docker.io/v1/": {"auth": base64.b64encode(b"user:pa:ss").decode()},
                         "localhost:5000": {"username": "u", "identitytoken": "refresh"}}}),
        dumps({"auths": {"quay.io": {"auth": "!!"}}, "credHelpers": {"gcr.io": "gcloud"}, "credsStore": "pass"}),
        dumps({"auths": {"r": {"username": "u", "password": "p"}, "s": {}}}),
    ],
}


def main():
    seeds = {name: list(values) for name, values in SEEDS.items()}
    seeds["document"] = [data for _, data in documents()]
    seeds["archive"] = [data for _, data in docker_archives()] + [oci_archive()]
    seeds["archive_aliases"] = list(aliased_archives()) + [data for _, data in docker_archives()]
    seeds["helper_answer"] = list(helper_answers())
    for target, inputs in seeds.items():
        folder = HERE / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for data in inputs:
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


if __name__ == "__main__":
    main()
