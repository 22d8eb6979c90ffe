"""The benchmark's three images, made deterministically from this machine (nothing is downloaded)
and written as OCI image layouts (`WORKDIR/images/NAME`, tag `1`), which skopeo then pushes into
the source registry.

- realistic:  6 gzip layers (`gzip -n -6`) of tars of real files under /usr (GNU tar, sorted
              names, mtime 0, owner root), ~1.5 GB uncompressed / ~0.5 GB compressed; the
              largest layer is over 200 MB compressed, the last one is a tiny generated
              "config" layer (a few small text files).
- many-small: 40 layers of 10-500 KB compressed, each a tar of one file of seeded random bytes.
- big-layer:  one 1 GiB layer: a tar of one 1 GiB file of seeded random bytes, gzip -1.
- typical:    a CI image for the far-link benchmark (`farlink`): 8 layers of seeded random bytes,
              gzip -1, ~100 MB, the largest ~60 MB (not made by `run`).

Same machine, same files: same bytes. The file selection of `realistic` depends on what is
installed, so another machine (or this one after `apt-get install`) gives other digests; a
layout is regenerated only when its folder lacks the `complete` marker.
"""
import concurrent.futures, glob, gzip, hashlib, io, json, os, random, shutil, subprocess, tarfile
from pathlib import Path

TAG = "1"
CREATED = "2024-01-01T00:00:00Z"
MiB = 1024 * 1024

# realistic: (layer source folders, uncompressed size budget in MB).
REALISTIC = [
    (["/usr/lib/x86_64-linux-gnu", "/usr/lib/llvm-14"], 740),
    (["/usr/bin", "/usr/sbin", "/usr/libexec"], 380),
    (["/usr/share"], 180),
    (sorted(glob.glob("/usr/lib/python3*")) + ["/usr/lib/gcc"], 150),
    (["/usr/include"], 30),
]
MANY_SMALL_LAYERS = 40
BIG_LAYER_SIZE = 1024 * MiB

# typical: layer sizes in MB (uncompressed; random bytes barely shrink).
TYPICAL_MB = [60, 15, 10, 6, 4, 3, 1.5, 0.5]

NAMES = ["realistic", "many-small", "big-layer"]


def ensure_all(images_dir: Path, names=NAMES) -> dict:
    """Generates the layouts that are missing; returns {name: summary} for all of them."""
    makers = {"realistic": make_realistic, "many-small": make_many_small, "big-layer": make_big_layer,
              "typical": make_typical}
    summaries = {}
    for name in names:
        layout = images_dir / name
        if not (layout / "complete").exists():
            print(f"== generating image {name} in {layout}", flush=True)
            shutil.rmtree(layout, ignore_errors=True)
            (layout / "blobs" / "sha256").mkdir(parents=True)
            makers[name](layout)
            (layout / "complete").write_text("")
        else:
            print(f"== reusing image {name} from {layout}", flush=True)
        summaries[name] = summary(layout)
    return summaries


def summary(layout: Path) -> dict:
    """Layer count, compressed and uncompressed sizes, and every blob (config, layers) with its size."""
    index = json.loads((layout / "index.json").read_text())
    manifest_desc = index["manifests"][0]
    manifest = json.loads(blob_path(layout, manifest_desc["digest"]).read_text())
    uncompressed = json.loads((layout / "uncompressed-sizes.json").read_text())
    blobs = [manifest["config"]] + manifest["layers"]
    return {
        "layers": len(manifest["layers"]),
        "compressed": sum(layer["size"] for layer in manifest["layers"]),
        "uncompressed": sum(uncompressed),
        "layer_sizes": [layer["size"] for layer in manifest["layers"]],
        "manifest": manifest_desc["digest"],
        "blobs": [(b["digest"], b["size"]) for b in blobs],
    }


def blob_path(layout: Path, digest: str) -> Path:
    return layout / "blobs" / "sha256" / digest.split(":", 1)[1]


def sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return "sha256:" + hashlib.file_digest(f, "sha256").hexdigest()


def add_blob(layout: Path, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    blob_path(layout, digest).write_bytes(data)
    return digest


def write_image(layout: Path, layers: list) -> None:
    """Config, manifest and index.json for `layers` = [(gz digest, gz size, diff_id, tar size)]."""
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": CREATED,
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id for _, _, diff_id, _ in layers]},
        "history": [{"created": CREATED, "created_by": f"bench layer {i}"} for i in range(len(layers))],
    }, separators=(",", ":")).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": add_blob(layout, config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size}
                   for digest, size, _, _ in layers],
    }, separators=(",", ":")).encode()
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": add_blob(layout, manifest), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": TAG},
    }]}
    (layout / "index.json").write_text(json.dumps(index))
    (layout / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (layout / "uncompressed-sizes.json").write_text(json.dumps([tar_size for _, _, _, tar_size in layers]))


# --- realistic -------------------------------------------------------------------------------

def select(roots, budget):
    """Sorted paths under `roots`: folders, symlinks, and the regular files that fit `budget` bytes."""
    paths, total = [], 0
    for root in roots:
        for dirpath, dirs, files in os.walk(root):
            links = [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]
            dirs[:] = sorted(set(dirs) - set(links))
            paths.append(dirpath)
            for name in sorted(files + links):
                path = os.path.join(dirpath, name)
                size = 0 if os.path.islink(path) else os.lstat(path).st_size
                if (os.path.islink(path) or os.path.isfile(path)) and total + size <= budget:
                    paths.append(path)
                    total += size
    return paths


def tar_of_paths(scratch: Path, number: int, roots, budget_mb) -> Path:
    listing, layer = scratch / f"layer{number}.list", scratch / f"layer{number}.tar"
    listing.write_bytes(b"".join(p.lstrip("/").encode() + b"\0" for p in select(roots, budget_mb * 10**6)))
    subprocess.run(["tar", "-C", "/", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
                    "--format=gnu", "--no-recursion", "--null", "-T", listing, "-cf", layer], check=True)
    return layer


def tar_of_config(scratch: Path, number: int) -> Path:
    """The tiny last layer: a few generated configuration files."""
    layer = scratch / f"layer{number}.tar"
    files = {
        "etc/app/app.toml": "[server]\nlisten = \"0.0.0.0:8080\"\nworkers = 4\n\n[log]\nlevel = \"info\"\n",
        "etc/app/env": "APP_ENV=production\nAPP_HOME=/srv/app\n",
        "srv/app/VERSION": "1.0.0\n",
    }
    with tarfile.open(layer, "w", format=tarfile.GNU_FORMAT) as out:
        for path, text in files.items():
            add_file(out, path, text.encode())
    return layer


def gzip_layer(layout: Path, tar: Path, level: str = "-6"):
    """Compresses `tar` with `gzip -n` into the layout; returns (digest, size, diff_id, tar size)."""
    diff_id, tar_size = sha256_file(tar), tar.stat().st_size
    compressed = tar.with_suffix(".tar.gz")
    with open(compressed, "wb") as out:
        subprocess.run(["gzip", "-n", level, "-c", tar], stdout=out, check=True)
    digest = sha256_file(compressed)
    compressed.rename(blob_path(layout, digest))
    tar.unlink()
    return digest, compressed_size(layout, digest), diff_id, tar_size


def compressed_size(layout: Path, digest: str) -> int:
    return blob_path(layout, digest).stat().st_size


def make_realistic(layout: Path) -> None:
    scratch = layout / "scratch"
    scratch.mkdir()

    def one(number):
        if number < len(REALISTIC):
            roots, budget = REALISTIC[number]
            tar = tar_of_paths(scratch, number, roots, budget)
        else:
            tar = tar_of_config(scratch, number)
        layer = gzip_layer(layout, tar)
        print(f"   layer {number}: {layer[3] / 1e6:7.1f} MB -> {layer[1] / 1e6:6.1f} MB gzip", flush=True)
        return layer

    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        layers = list(pool.map(one, range(len(REALISTIC) + 1)))
    shutil.rmtree(scratch)
    write_image(layout, layers)


# --- many-small and big-layer: seeded random bytes --------------------------------------------

def add_file(out: tarfile.TarFile, path: str, data: bytes = b"", size: int = None, content=None) -> None:
    entry = tarfile.TarInfo(path)
    entry.size, entry.mode, entry.mtime = len(data) if size is None else size, 0o644, 0
    out.addfile(entry, content if content is not None else io.BytesIO(data))


class HashingGzipSink(io.RawIOBase):
    """A write-only stream: hashes the plain bytes (diff_id), gzips them (mtime 0, no name) into
    `path`, and hashes what it writes (the blob digest)."""

    def __init__(self, path: Path, level: int):
        self.plain, self.plain_size = hashlib.sha256(), 0
        self.out = open(path, "wb")
        self.gz = gzip.GzipFile(filename="", mode="wb", compresslevel=level, fileobj=self.out, mtime=0)

    def writable(self):
        return True

    def write(self, data):
        self.plain.update(data)
        self.plain_size += len(data)
        self.gz.write(data)
        return len(data)

    def finish(self):
        self.gz.close()
        self.out.close()
        return "sha256:" + self.plain.hexdigest(), self.plain_size


class SeededBytes(io.RawIOBase):
    """`size` reproducible pseudo-random bytes, read in chunks."""

    def __init__(self, seed: str, size: int):
        self.random, self.left = random.Random(seed), size

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.left if n is None or n < 0 else min(n, self.left)
        self.left -= n
        return self.random.randbytes(n)


def random_layer(layout: Path, seed: str, path: str, size: int, level: int):
    scratch = layout / "layer.tmp"
    sink = HashingGzipSink(scratch, level)
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.GNU_FORMAT, bufsize=4 * MiB) as out:
        add_file(out, path, size=size, content=SeededBytes(seed, size))
    diff_id, tar_size = sink.finish()
    digest = sha256_file(scratch)
    scratch.rename(blob_path(layout, digest))
    return digest, compressed_size(layout, digest), diff_id, tar_size


def make_many_small(layout: Path) -> None:
    sizes = random.Random("many-small sizes")
    layers = [random_layer(layout, f"many-small {i}", f"data/part{i:02}.bin",
                           sizes.randrange(10_000, 500_000), level=6)
              for i in range(MANY_SMALL_LAYERS)]
    write_image(layout, layers)


def make_big_layer(layout: Path) -> None:
    write_image(layout, [random_layer(layout, "big-layer", "data/big.bin", BIG_LAYER_SIZE, level=1)])


def make_typical(layout: Path) -> None:
    layers = [random_layer(layout, f"typical {i}", f"app/layer{i}.bin", int(mb * 10**6), level=1)
              for i, mb in enumerate(TYPICAL_MB)]
    write_image(layout, layers)
