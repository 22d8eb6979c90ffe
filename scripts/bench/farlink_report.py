"""The far-link report, `bench/farlink.md`: per preset, each case's floor, hoist's time as a
multiple of it, hoist ÷ skopeo, connections and requests per command, peak RSS, and the targets."""
import json, re
from pathlib import Path

# Round trips nobody can avoid, one after the other (plain HTTP, a registry without auth; TLS 1.3
# adds one, its handshake). Parallel requests count once: a client may send all the blob
# requests of an image at once, on as many connections as it opened while it waited.
FLOOR_ROUND_TRIPS = {
    "pull": (3, "TCP handshake; GET the manifest; GET the config and every layer at once"),
    "uptodate": (2, "TCP handshake; HEAD (or GET) the manifest, which names what the store holds"),
    "push": (4, "TCP handshake; POST an upload session per blob at once; PUT every blob with its bytes "
                "at once; PUT the manifest once the registry has them all"),
}
RSS_LIMIT_MIB = 32
UPTODATE_ROUND_TRIPS = 3
ORDER = ["lan", "cloud", "far"]


def preset_of(key):
    """`cloud` of `cloud+tls@before`."""
    return re.split(r"[+@]", key)[0]


def round_trips(result, meta, lan):
    """Sequential round trips of hoist's run: its fastest time less lan's fastest (the local work,
    lan's own round trips being 2 ms each) over the difference of round-trip times (the fastest
    runs: the load of the machine adds to the median); time ÷ RTT when lan was not measured."""
    rtt = 2 * meta["delay_ms"] / 1e3
    same = [r for r in (lan or {}).get("results", []) if r["case"] == result["case"]]
    if not same:
        return result["figures"]["hoist"]["min"] / rtt, "fastest time ÷ RTT"
    lan_rtt = 2 * lan["meta"]["delay_ms"] / 1e3
    local = same[0]["figures"]["hoist"]["min"]
    return (result["figures"]["hoist"]["min"] - local) / (rtt - lan_rtt), "(fastest − lan fastest) ÷ (RTT − lan RTT)"


def floor(result, meta):
    """(seconds, round trips, bytes) for a case: round trips × RTT + bytes over the bandwidth."""
    trips = FLOOR_ROUND_TRIPS[result["kind"]][0] + (1 if meta["tls"] else 0)
    size = 0 if result["kind"] == "uptodate" else sum(s for _, s in meta["images"][result["image"]]["blobs"])
    rtt = 2 * meta["delay_ms"] / 1e3
    return trips * rtt + size / (meta["mbit"] * 1e6 / 8), trips, size


def local_work(result, lan):
    """What hoist's run spends beyond the link on lan: its lan time less the lan floor (the
    process, the disk, the registry's own work; on a loaded machine mostly waiting for a core)."""
    same = [r for r in (lan or {}).get("results", []) if r["case"] == result["case"]]
    if not same:
        return None
    return max(0.0, same[0]["figures"]["hoist"]["median"] - floor(same[0], lan["meta"])[0])


def targets(preset, result, meta, lan=None):
    """[(what, met)] for a case under the preset's targets."""
    hoist, skopeo = result["figures"]["hoist"], result["figures"]["skopeo"]
    ratio, times_floor = hoist["median"] / skopeo["median"], hoist["median"] / floor(result, meta)[0]
    case, kind, out = result["case"], result["kind"], []
    if preset == "cloud":
        if case == "pull many-small":
            out += [("≤ 0.5× skopeo", ratio <= 0.5), ("≤ 1.5× floor", times_floor <= 1.5)]
        elif case == "push many-small":
            out.append(("≤ 1.5× floor", times_floor <= 1.5))
        elif case.endswith("typical"):
            out.append(("≤ 1.2× floor", times_floor <= 1.2))
        elif kind == "uptodate":
            trips, how = round_trips(result, meta, lan)
            allowed = UPTODATE_ROUND_TRIPS + (1 if meta["tls"] else 0)  # TLS: its handshake's
            out.append((f"≤ {allowed} round trips ({trips:.1f} = {how}; ≤ {allowed}.3)", trips <= allowed + 0.3))
    if preset == "far":
        out.append(("not slower than skopeo", ratio <= 1.0))
    out.append((f"RSS ≤ {RSS_LIMIT_MIB} MiB", hoist["rss_mib"] <= RSS_LIMIT_MIB))
    return out


def wire(result):
    """curl's cells: its time and hoist ÷ it (where the case has curl)."""
    curl = result["figures"].get("curl")
    if curl is None:
        return "– | –"
    return f"{seconds(curl)} | {result['figures']['hoist']['median'] / curl['median']:.2f}"


def verdict(items):
    return ", ".join(f"{what}: {'met' if ok else '**MISSED**'}" for what, ok in items)


def requests(f):
    detail = " ".join(f"{m} {n}" for m, n in sorted(f["by_method"].items()))
    return f"{f['requests']} ({detail})" if detail else "0"


def seconds(f):
    digits = 3 if f["median"] < 10 else 2
    return f"{f['median']:.{digits}f} ({f['min']:.{digits}f}–{f['max']:.{digits}f})"


def preset_section(saved, lan):
    meta, results = saved["meta"], saved["results"]
    preset = preset_of(meta["preset"])
    lines = [
        f"## {meta['preset']}: {meta['delay_ms']} ms each way ({2 * meta['delay_ms']} ms round trip), "
        f"{meta['mbit']} Mbit/s per direction{', TLS' if meta['tls'] else ', plain HTTP'}",
        "",
        f"{meta['date']}, {meta['runs']} runs per command after a warm-up, {meta['minutes']:.0f} min; "
        f"load average (1/5/15 min) {meta['load_start']} at the start, {meta['load_end']} at the end "
        f"(2 cores, shared).",
        "",
        "| case | floor | hoist, s | × floor | × floor net of local work | skopeo, s | hoist ÷ skopeo | "
        "curl (wire limit), s | hoist ÷ curl | targets |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        seconds_floor, trips, size = floor(r, meta)
        hoist, skopeo = r["figures"]["hoist"], r["figures"]["skopeo"]
        local = local_work(r, lan)
        net = "–" if local is None or preset == "lan" else f"{(hoist['median'] - local) / seconds_floor:.2f}"
        lines.append(f"| {r['case']} | {seconds_floor:.3f} s ({trips} RTT + {size / 1e6:.1f} MB) | {seconds(hoist)} | "
                     f"{hoist['median'] / seconds_floor:.2f} | {net} | {seconds(skopeo)} | "
                     f"{hoist['median'] / skopeo['median']:.2f} | {wire(r)} | {verdict(targets(preset, r, meta, lan))} |")
    lines += ["", "Per command, from one more run each (`/usr/bin/time`, the proxies' connection counts, the "
                  "registries' access logs):", "",
              "| case | tool | TCP connections | requests | peak RSS | time of that run |", "|---|---|---|---|---|---|"]
    for r in results:
        for tool, f in r["figures"].items():
            lines.append(f"| {r['case']} | {tool} | {f['connections']} | {requests(f)} | {f['rss_mib']:.1f} MiB | "
                         f"{f['counted_wall']:.2f} s |")
    return lines


def write(saved: Path, repo: Path):
    runs = {p.stem: json.loads(p.read_text()) for p in saved.glob("*.json")}
    keys = sorted(runs, key=lambda k: (ORDER.index(preset_of(k)), "@" in k, k))
    out = repo / "bench" / "farlink.md"
    out.parent.mkdir(exist_ok=True)
    lines = [
        "# hoist over far links: pull and push against skopeo, through a delaying proxy",
        "",
        "Generated by `scripts/bench/farlink` (see its header; `BENCH_REPORT_ONLY=1` rewrites this file from "
        "the last figures)." + (" What the figures say, case by case: [farlink-findings.md](farlink-findings.md)."
                                if (out.parent / "farlink-findings.md").exists() else ""),
        "",
    ]
    if keys:
        meta = runs[keys[-1]]["meta"]
        lines += [f"- hoist: `{meta['hoist_version']}`; {meta['tools']}; {meta['nproc']} cores.",
                  "- images (seeded random bytes, gzip): " + "; ".join(
                      f"{name}: {image['layers']} layers, {sum(s for _, s in image['blobs']) / 1e6:.1f} MB, "
                      f"largest {max(image['layer_sizes']) / 1e6:.1f} MB" for name, image in meta["images"].items()) + "."]
    lines += [
        "- link: `scripts/bench/linkproxy`, a TCP proxy in front of each registry (the source for pulls, the "
        "target for pushes; both CNCF distribution on 127.0.0.1, no auth). Every byte leaves the proxy the "
        "preset's delay after it arrived, in each direction, pipelined; each direction's bandwidth is shared "
        "by all connections; a new connection's first request waits one round trip, as after a TCP handshake.",
        "- method: rounds of one run of hoist then one of skopeo, so that they alternate, after a warm-up "
        "round; medians (min–max) of whole processes (`sh -c`, timed by the script). Pulls go into an empty store (skopeo: an empty OCI layout); pushes into "
        "an emptied registry, from a store that knows nothing of it (skopeo: from the OCI layout); the "
        "up-to-date pull into a store (layout) that holds the image.",
        "- floor: the round trips nobody can avoid, one after the other, times the round-trip time, plus the "
        "image's bytes over the bandwidth. Round trips assumed:",
    ]
    for kind, (trips, why) in FLOOR_ROUND_TRIPS.items():
        lines.append(f"  - {kind}: {trips} ({why}); with TLS one more (the TLS 1.3 handshake).")
    lines += ["- × floor net of local work: hoist's time less what the same case spends beyond its floor on "
              "`lan` (process, disk, the registry's own work, waiting for a core), over the floor: what the link "
              "costs. The targets are judged on the plain multiple.",
              "- curl (wire limit): what this machine and link allow at the moment with no client logic at all: "
              "pull, the manifest then every blob at once (64 in parallel) into files, then `sync`; push, "
              "`POST` then `PUT` with the bytes for every blob at once, then the manifest. On a loaded machine "
              "it shows how far the floor is out of reach for anyone.",
              "- hoist tries HTTPS and plain HTTP at once on a loopback registry, skopeo (`--*-tls-verify=false`) "
              "one after the other: on plain HTTP both count a connection for the HTTPS attempt.", ""]
    for key in keys:
        lan = runs.get(re.sub(r"^[a-z]+", "lan", key))
        lines += preset_section(runs[key], lan) + [""]
    out.write_text("\n".join(lines))
    return out
