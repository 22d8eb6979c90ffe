"""The benchmark's cases: two local registries, the commands each case times, and how they run.

Registries (CNCF distribution, see `registry`): `src` on one port holds the three images (pushed
there by skopeo from the OCI layouts, kept in WORKDIR between runs); `dst` on another port is
wiped (stopped, storage deleted, started) before every push run. Being on another port, `dst` is
another registry to hoist and skopeo, so neither can mount a blob from `src` instead of
uploading it.

Every case is a list of commands (hoist first, then what it is measured against: skopeo, or
sha256sum for the store check; then context: podman, curl, sha256sum), each with the
`--prepare` that resets what it writes. The store check and the re-pull of an intact image run
on `hoist-check-store`, a store holding the realistic image alone. A case runs as BENCH_RUNS
(podman: BENCH_PODMAN_RUNS) rounds of one hyperfine call with `--runs 1` over all its commands (the first round with
`--warmup 1`), so that hoist and skopeo alternate and share the machine's ups and downs. Then
each command runs once more under `/usr/bin/time` for its peak RSS and user/system split.
"""
import json, os, shlex, shutil, statistics, subprocess, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
q = shlex.quote


def run(*cmd, **kwargs):
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def du(path: Path) -> int:
    """Bytes of the regular files under `path` (0 when it does not exist)."""
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                total += os.lstat(full).st_size
    return total


class Command:
    def __init__(self, tool, command, prepare="true", note=""):
        self.tool, self.command, self.prepare, self.note = tool, command, prepare, note


class Bench:
    def __init__(self, work: Path, hoist: Path, images: dict, src_port: int, dst_port: int, runs: int,
                 big_runs: int, podman: bool, podman_runs: int):
        self.work, self.hoist, self.images = work, hoist, images
        self.src_port, self.dst_port = src_port, dst_port
        self.runs, self.big_runs, self.podman, self.podman_runs = runs, big_runs, podman, podman_runs
        self.src, self.dst = work / "registry-src", work / "registry-dst"
        self.scratch = work / "scratch"  # what the timed commands write; deleted at the end
        self.results = work / "results"
        self.scripts = work / "scripts"
        self.push_store = work / "hoist-push-store"  # hoist's store for the push cases
        self.check_store = work / "hoist-check-store"  # the realistic image alone: check and re-pull
        os.environ["HOIST_CONFIG"] = str(work / "hoist-config")  # no user configuration
        os.environ.pop("HOIST_ROOT", None)
        (work / "hoist-config").mkdir(parents=True, exist_ok=True)
        for folder in [self.scratch, self.results, self.scripts]:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

    # --- registries and set-up ------------------------------------------------------------------

    def registry(self, action, which):
        folder, port = (self.src, self.src_port) if which == "src" else (self.dst, self.dst_port)
        run(HERE / "registry", action, folder, port)

    def wipe_dst(self):
        return f"{q(str(HERE / 'registry'))} wipe {q(str(self.dst))} {self.dst_port}"

    def src_ref(self, name):
        return f"127.0.0.1:{self.src_port}/bench/{name}:1"

    def dst_ref(self, name):
        return f"127.0.0.1:{self.dst_port}/push/{name}:1"

    def layout(self, name):
        return self.work / "images" / name

    def set_up(self):
        """Starts both registries, puts the images into `src`, and into a new push store (so that
        no name or blob source from an earlier run, with other ports or images, is left in it)."""
        self.registry("start", "src")
        self.registry("wipe", "dst")
        shutil.rmtree(self.push_store, ignore_errors=True)
        shutil.rmtree(self.check_store, ignore_errors=True)
        for name in self.images:
            run("skopeo", "copy", "-q", "--dest-tls-verify=false", f"oci:{self.layout(name)}:1",
                f"docker://{self.src_ref(name)}")
            run(self.hoist, "--root", self.push_store, "pull", "-q", self.src_ref(name), stdout=subprocess.DEVNULL)
            run(self.hoist, "--root", self.push_store, "tag", self.src_ref(name), self.dst_ref(name))
        if "realistic" in self.images:
            run(self.hoist, "--root", self.check_store, "pull", "-q", self.src_ref("realistic"),
                stdout=subprocess.DEVNULL)

    def tear_down(self):
        for which in ["dst", "src"]:
            try:
                self.registry("stop", which)
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.dst / "storage", ignore_errors=True)
        shutil.rmtree(self.scratch, ignore_errors=True)

    # --- the cases -----------------------------------------------------------------------------

    def cases(self):
        """[(case name, kind, image, [Command])], in the order they run."""
        cases = []
        for name in self.images:
            cases.append((f"pull {name}", "pull", name, self.pull_commands(name)))
        for name in self.images:
            cases.append((f"push {name}", "push", name, self.push_commands(name)))
        cases.append(("no-op re-push many-small", "noop", "many-small", self.noop_commands("many-small")))
        if "realistic" in self.images:
            cases.append(("check realistic, one core", "check", "realistic", self.check_commands(one_core=True)))
            cases.append(("check realistic, two cores", "check", "realistic", self.check_commands(one_core=False)))
            cases.append(("re-pull realistic", "repull", "realistic", self.repull_commands("realistic")))
        return cases

    def pull_commands(self, name):
        out = self.scratch / "pull"
        store, oci, podman, wire = out / "hoist-store", out / "skopeo-oci", out / "podman", out / "curl"
        ref = self.src_ref(name)
        commands = [
            Command("hoist", f"HOIST_ROOT={q(str(store))} {q(str(self.hoist))} pull -q {ref}",
                    f"rm -rf {q(str(store))}"),
            Command("skopeo", f"skopeo copy -q --src-tls-verify=false docker://{ref} oci:{q(str(oci))}:1",
                    f"rm -rf {q(str(oci))}"),
        ]
        if self.podman:
            commands.append(Command(
                "podman pull",
                f"podman --root {q(str(podman / 'root'))} --runroot {q(str(podman / 'run'))} --storage-driver vfs "
                f"pull -q --tls-verify=false {ref}",
                f"rm -rf {q(str(podman))}", "context: also unpacks every layer into a vfs store"))
        commands.append(Command("curl", f"sh {q(str(self.curl_pull_script(name, wire)))}",
                                f"rm -rf {q(str(wire))} && mkdir -p {q(str(wire))}",
                                "wire limit: every blob at once (6 in parallel) into files, then fsync"))
        hashing = self.scripts / f"sha256sum-{name}.sh"
        hashing.write_text("sha256sum " + " ".join(q(str(self.layout(name) / "blobs/sha256" / d.split(":")[1]))
                                                    for d, _ in self.images[name]["blobs"]) + " >/dev/null\n")
        commands.append(Command("sha256sum", f"sh {q(str(hashing))}", "true",
                                "hashing limit: every blob, one after the other, on one core, from the page cache"))
        return commands

    def curl_pull_script(self, name, folder: Path) -> Path:
        base = f"http://127.0.0.1:{self.src_port}/v2/bench/{name}/blobs"
        args = " ".join(f"-o {q(str(folder / digest.split(':')[1]))} {base}/{digest}"
                        for digest, _ in self.images[name]["blobs"])
        script = self.scripts / f"curl-pull-{name}.sh"
        script.write_text(f"set -e\ncurl -sS --fail --parallel --parallel-max 6 {args}\nsync {q(str(folder))}/*\n")
        return script

    def push_commands(self, name):
        ref = self.dst_ref(name)
        return [
            Command("hoist", f"HOIST_ROOT={q(str(self.push_store))} {q(str(self.hoist))} push -q {ref}",
                    self.wipe_dst()),
            Command("skopeo", f"skopeo copy -q --dest-tls-verify=false oci:{q(str(self.layout(name)))}:1 docker://{ref}",
                    self.wipe_dst()),
            Command("curl", f"bash {q(str(self.curl_push_script(name)))}", self.wipe_dst(),
                    "wire limit: every blob as one monolithic upload (POST, then PUT), 5 in parallel"),
        ]

    def curl_push_script(self, name) -> Path:
        base = f"http://127.0.0.1:{self.dst_port}/v2/curl/{name}/blobs/uploads/"
        blobs = "\n".join(f"{digest} {self.layout(name) / 'blobs/sha256' / digest.split(':')[1]}"
                          for digest, _ in self.images[name]["blobs"])
        script = self.scripts / f"curl-push-{name}.sh"
        script.write_text(f"""set -e
upload() {{  # DIGEST FILE
    location=$(curl -sS --fail -X POST -o /dev/null -w '%header{{location}}' {base})
    curl -sS --fail -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T "$2" "$location&digest=$1"
}}
export -f upload  # xargs runs a bash per blob; the function reaches it through the environment
xargs -P 5 -L 1 bash -c 'upload "$0" "$1"' <<'EOF'
{blobs}
EOF
""")
        return script

    def noop_commands(self, name):
        ref = self.src_ref(name)  # already in `src`, every blob and the manifest
        return [
            Command("hoist", f"HOIST_ROOT={q(str(self.push_store))} {q(str(self.hoist))} push -q {ref}"),
            Command("skopeo", f"skopeo copy -q --dest-tls-verify=false oci:{q(str(self.layout(name)))}:1 docker://{ref}"),
        ]

    def check_commands(self, one_core):
        """`hoist system check` over the store holding the realistic image, against `sha256sum` of
        the same files, one after the other on one core (hoist pinned to that core too, or free
        to use every core)."""
        pin = "taskset -c 0 "
        hoist = f"{pin if one_core else ''}{q(str(self.hoist))} --root {q(str(self.check_store))} system check"
        files = sorted((self.check_store / "blobs/sha256").iterdir())
        hashing = self.scripts / "sha256sum-check-store.sh"
        hashing.write_text("sha256sum " + " ".join(q(str(f)) for f in files) + " >/dev/null\n")
        return [
            Command("hoist", hoist, "true",
                    "every blob hashed against its digest, every name walked" + (", one core" if one_core else "")),
            Command("sha256sum", f"{pin}sh {q(str(hashing))}", "true",
                    "the same files, one after the other, on one core, from the page cache"),
        ]

    def repull_commands(self, name):
        """A pull of an image the store holds whole: what it costs to find that out."""
        ref = self.src_ref(name)
        oci = self.scratch / "repull-skopeo-oci"
        return [
            Command("hoist", f"HOIST_ROOT={q(str(self.check_store))} {q(str(self.hoist))} pull -q {ref}"),
            Command("skopeo", f"skopeo copy -q --src-tls-verify=false docker://{ref} oci:{q(str(oci))}:1", "true",
                    "into an OCI layout that holds the image already (the warm-up run fills it)"),
        ]

    # --- running ------------------------------------------------------------------------------

    def run_case(self, case, kind, image, commands):
        runs = self.big_runs if image == "big-layer" else self.runs
        load_before = os.getloadavg()
        blobs_before = self.registry_blob_bytes(kind) if kind == "noop" else None
        began = time.monotonic()
        times = {c.tool: [] for c in commands}
        user = {c.tool: [] for c in commands}
        system = {c.tool: [] for c in commands}
        slug = case.replace(" ", "-")
        for round_ in range(runs):
            args = ["hyperfine", "--style", "basic", "--runs", "1", "--export-json",
                    self.results / f"{slug}.round{round_}.json"]
            if round_ == 0:
                args += ["--warmup", "1"]
            for c in commands:
                if c.tool == "podman pull" and round_ >= self.podman_runs:
                    continue  # context only, and a minute a run for realistic: fewer runs
                args += ["-n", c.tool, "--prepare", c.prepare, c.command]
            print(f"== {case}: round {round_ + 1} of {runs}", flush=True)
            run(*args, stdout=subprocess.DEVNULL)
            for result in json.loads((self.results / f"{slug}.round{round_}.json").read_text())["results"]:
                times[result["command"]] += result["times"]
                user[result["command"]].append(result["user"])
                system[result["command"]].append(result["system"])
        timed_seconds = time.monotonic() - began
        load_after = os.getloadavg()
        figures = {}
        for c in commands:
            usage = self.one_timed_run(c, slug)
            figures[c.tool] = {
                "command": c.command, "prepare": c.prepare, "note": c.note, "times": times[c.tool],
                "runs": len(times[c.tool]),
                "median": statistics.median(times[c.tool]), "min": min(times[c.tool]), "max": max(times[c.tool]),
                "user_median": statistics.median(user[c.tool]), "system_median": statistics.median(system[c.tool]),
                **usage,
            }
            if kind == "push" or kind == "noop":
                figures[c.tool]["registry_blob_bytes"] = self.registry_blob_bytes(kind)
        line = ", ".join(f"{tool} {f['median']:.2f} s" for tool, f in figures.items())
        print(f"   {case}: {line}", flush=True)
        return {"case": case, "kind": kind, "image": image, "runs": runs, "figures": figures,
                "blobs_before": blobs_before, "load_before": load_before, "load_after": load_after, "seconds": timed_seconds}

    def one_timed_run(self, c, slug):
        """Wall, user and system seconds and peak RSS (MiB) of one more run, after its prepare."""
        log = self.results / f"{slug}.{c.tool.replace(' ', '-')}.time"
        run("sh", "-c", c.prepare, stdout=subprocess.DEVNULL)
        run("/usr/bin/time", "-f", "%e %U %S %M", "-o", log, "sh", "-c", c.command, stdout=subprocess.DEVNULL)
        wall, user, system, rss = log.read_text().split()[-4:]
        return {"rss_mib": int(rss) / 1024, "time_wall": float(wall), "time_user": float(user),
                "time_system": float(system)}

    def registry_blob_bytes(self, kind):
        """What the registry holds in blobs after the run: shows that a push uploaded everything
        (or, for the no-op case, nothing new)."""
        storage = (self.src if kind == "noop" else self.dst) / "storage/docker/registry/v2/blobs"
        return du(storage)
