#!/usr/bin/env python3
"""wasteroute's road stage side by side with the peer tools, in one run; prints markdown.

    benches/roads_vs_peers.sh                # everything (about 3 minutes of peers)
    benches/roads_vs_peers.sh --quick        # Andorra only
    CASES="malta-20161109:1000" TOOLS="scipy routingkit" benches/roads_vs_peers.sh

(a) load + graph build of every map in ../shared/maps vs pyosmium merely reading the file and
    collecting the drivable ways with their node locations (the peers' own `car_ways` loop);
(b) load + snap + N x N distance matrix, end to end, vs the peer scripts (scipy Dijkstra,
    RoutingKit CCH, pandana CH) on the same points; ours runs --runs times, median reported;
(c) a cross-check: our matrix with the peers' road model (--profile peer-reference) on the
    points moved onto graph nodes, against scipy's, with the peers' cross_check.compare.
Timings are wall seconds; ratio = best peer / ours (> 1: we are faster).
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("WASTEROUTE_SHARED", os.path.join(REPO, "..", "shared"))
PEERS = os.path.join(SHARED, "peers", "roads")
WORK = os.environ.get("PEERS_WORK", os.path.join(os.path.expanduser("~"), ".cache", "wasteroute-peers"))
RESULTS = os.path.join(WORK, "roads", "results")
BIN = os.path.join(REPO, "target", "release", "wasteroute")
sys.path.insert(0, PEERS)

CAR = ["motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
       "service", "living_street", "motorway_link", "trunk_link", "primary_link",
       "secondary_link", "tertiary_link"]


def sh(cmd, timeout=600):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p, time.perf_counter() - t


def peer(map_path, n, tool, snapped=False):
    cmd = [sys.executable, os.path.join(PEERS, "matrix_peers.py"), map_path, "--points", str(n), "--seed", "1",
           "--tool", tool, "--budget-s", "300"] + (["--snapped-input"] if snapped else [])
    try:
        p, _ = sh(cmd, timeout=330)
    except subprocess.TimeoutExpired:
        return {"status": "killed after 330 s"}
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else {"status": f"failed: {p.stderr[-300:]}"}


def sites_csv(stem, n, snapped=False):
    src = os.path.join(RESULTS, "points", f"{stem}_n{n}_s1{'_snapped' if snapped else ''}.csv")
    dst = os.path.join(tempfile.gettempdir(), f"wasteroute_{stem}_{n}{'_snapped' if snapped else ''}.csv")
    with open(src) as f, open(dst, "w") as g:
        next(f)
        g.write("id,lon,lat\n")
        for i, line in enumerate(f):
            g.write(f"p{i},{line.strip()}\n")
    return dst


def ours(map_path, sites, extra=()):
    out = os.path.join(tempfile.gettempdir(), "wasteroute_bench_matrix.csv")
    cmd = [BIN, "matrix", map_path, sites, "--max-snap-m", "inf", "--metric", "distance", "--out", out, "-q", *extra]
    p, wall = sh(cmd)
    if p.returncode != 0:
        raise SystemExit(f"wasteroute failed: {p.stderr}")
    phases = {}
    for part in p.stderr.strip().splitlines()[-1].split(" | "):
        words = part.split()
        if words[0] == "peak":  # "peak memory 88 MB"
            phases["peak"] = float(words[2])
        else:
            phases[words[0]] = float(words[1])
    return wall, phases, out


def read_matrix(csv_path, n):
    import numpy as np
    m = np.full((n, n), np.inf)
    with open(csv_path) as f:
        next(f)
        for line in f:
            a, b, d, _ = line.rstrip("\n").split(",")
            if d:
                m[int(a[1:]), int(b[1:])] = float(d)
    return m


def pyosmium_read(map_path):
    import osmium
    t = time.perf_counter()
    refs, lons, lats = [], [], []
    for w in (osmium.FileProcessor(map_path).with_locations()
              .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
              .with_filter(osmium.filter.TagFilter(*[("highway", h) for h in CAR]))):
        for nd in w.nodes:
            refs.append(nd.ref)
            loc = nd.location
            lons.append(loc.lon if loc.valid() else None)
            lats.append(loc.lat if loc.valid() else None)
    return time.perf_counter() - t, len(refs)


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Andorra 1000 only, scipy + routingkit")
    ap.add_argument("--runs", type=int, default=3, help="runs of wasteroute per case (median)")
    ap.add_argument("--parts", default="bca", help="which tables: b (matrices), c (cross-check), a (load)")
    a = ap.parse_args()
    cases = os.environ.get("CASES", "andorra-20211028:1000 malta-20161109:1000 milan-it-roads:1000 milan-it-roads:100")
    tools = os.environ.get("TOOLS", "scipy routingkit pandana").split()
    if a.quick:
        cases, tools = "andorra-20211028:1000", ["scipy", "routingkit"]
    cases = [(c.split(":")[0], int(c.split(":")[1])) for c in cases.split()]
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, wasteroute {commit}, {machine()}, "
          f"load average at start {os.getloadavg()[0]:.1f}")
    print()

    # (b) end-to-end matrices
    if "b" in a.parts:
        end_to_end(cases, tools, a.runs)
    if "c" in a.parts:
        cross_check(cases)
    if "a" in a.parts:
        load_table()
    print(f"\nLoad average at end {os.getloadavg()[0]:.1f}.")


def end_to_end(cases, tools, runs_n):
    print("### (b) load + snap + N x N matrix, end to end (wall s)")
    print()
    print("| map | N | " + " | ".join(tools) + " | wasteroute (median of %d) | its phases: load / build / snap / contract / matrix / write | ratio best peer / ours | peak MB peers / ours |" % runs_n)
    print("|---|---:|" + "---:|" * len(tools) + "---:|---|---:|---:|")
    rows = []
    for stem, n in cases:
        path = os.path.join(SHARED, "maps", stem + ".osm.pbf")
        res = {t: peer(path, n, t) for t in tools}
        sites = sites_csv(stem, n)
        runs = [ours(path, sites) for _ in range(runs_n)]
        wall = statistics.median(r[0] for r in runs)
        ph = min(runs, key=lambda r: abs(r[0] - wall))[1]
        ok = {t: r["total_s"] for t, r in res.items() if r.get("status") == "ok"}
        best = min(ok.values()) if ok else float("nan")
        peak_peer = max((r.get("peak_rss_mb", 0) for r in res.values()), default=0)
        cells = [f"{res[t]['total_s']:.2f}" if res[t].get("status") == "ok" else res[t].get("status", "?")[:30] for t in tools]
        phases = " / ".join(f"{ph.get(k, 0):.2f}" for k in ("load", "build", "snap", "contract", "matrix", "write"))
        print(f"| {stem} | {n} | " + " | ".join(cells) + f" | **{wall:.2f}** | {phases} | **{best / wall:.1f}x** | {peak_peer:.0f} / {ph.get('peak', 0):.0f} |")
        rows.append((stem, n, ph))
    print()



def cross_check(cases):
    print("### (c) same road model as the peers, points on graph nodes: our matrix vs scipy's")
    print()
    print("Points moved onto their nearest node of the peers' graph (`--snapped-input`); the points whose node")
    print("is not in our graph (it keeps the largest strongly connected component, the peers keep every")
    print("piece, e.g. Gozo beside Malta) are left out, then every pair of the rest is compared.")
    print()
    print("| map | N | points on our graph | pairs compared | finite only in scipy / ours | median rel diff | p95 rel diff | max rel diff | share within 0.1 % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    from cross_check import compare
    import numpy as np, re
    for stem, n in sorted(set(cases)):
        path = os.path.join(SHARED, "maps", stem + ".osm.pbf")
        peer(path, n, "scipy", snapped=True)
        ref = np.load(os.path.join(RESULTS, f"{stem}_n{n}_s1_scipy@snapped.npy"))
        snapped = sites_csv(stem, n, snapped=True)
        # Which points are on our graph: ask for a 0.5 m snap and read the refusals.
        probe = subprocess.run([BIN, "matrix", path, snapped, "--max-snap-m", "0.5", "--metric", "distance",
                                "--profile", "peer-reference", "--out", os.devnull, "-q"], capture_output=True, text=True)
        off = {int(m) for m in re.findall(r"site 'p(\d+)' at", probe.stderr)}
        keep = [i for i in range(n) if i not in off]
        sub = os.path.join(tempfile.gettempdir(), f"wasteroute_{stem}_{n}_on_graph.csv")
        with open(snapped) as f, open(sub, "w") as g:
            lines = f.read().splitlines()
            g.write(lines[0] + "\n")
            for j, i in enumerate(keep):
                g.write(f"p{j}," + lines[1 + i].split(",", 1)[1] + "\n")
        _, _, out = ours(path, sub, ["--profile", "peer-reference"])
        mine = read_matrix(out, len(keep))
        c = compare(ref[np.ix_(keep, keep)], mine)
        a, b = ref[np.ix_(keep, keep)], mine
        both = np.isfinite(a) & np.isfinite(b) & ~np.eye(len(keep), dtype=bool)
        rel = np.abs(a[both] - b[both]) / np.maximum((a[both] + b[both]) / 2, 1.0)
        print(f"| {stem} | {n} | {len(keep)} | {c['finite_both']} | {c['finite_only_a']} / {c['finite_only_b']} | {c['rel_diff_median']:.1e} "
              f"| {c['rel_diff_p95']:.1e} | {rel.max():.1e} | {100 * c['share_within_0.1pct']:.2f} % |")
    print()



def load_table():
    print("### (a) load + graph build (wall s, in process) vs pyosmium reading the drivable ways")
    print()
    print("| map | MB | pyosmium read | wasteroute load | + build | load+build | ratio | highway nodes | graph nodes (routing) | peak MB | MB per M graph nodes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes, loads = [], []
    for f in sorted(os.listdir(os.path.join(SHARED, "maps"))):
        if not f.endswith(".osm.pbf"):
            continue
        path = os.path.join(SHARED, "maps", f)
        py = min(pyosmium_read(path)[0] for _ in range(2))
        best = None
        for _ in range(3):
            p, _ = sh([BIN, "inspect", path, "--json"])
            j = json.loads(p.stdout)
            if best is None or j["timings_s"]["load"] + j["timings_s"]["build"] < best["timings_s"]["load"] + best["timings_s"]["build"]:
                best = j
        t = best["timings_s"]
        mb = os.path.getsize(path) / 1e6
        g = best["graph"]
        sizes.append(mb)
        loads.append(t["load"])
        print(f"| {f.replace('.osm.pbf', '')} | {mb:.1f} | {py:.3f} | {t['load']:.3f} | {t['build']:.3f} | **{t['load'] + t['build']:.3f}** "
              f"| **{py / (t['load'] + t['build']):.1f}x** | {best['load']['nodes_kept']} | {g['routing_nodes']} | {best['peak_memory_mb']:.0f} "
              f"| {best['peak_memory_mb'] / (g['routing_nodes'] / 1e6):.0f} |")
    n = len(sizes)
    if n >= 2:
        mx, my = sum(sizes) / n, sum(loads) / n
        slope = sum((x - mx) * (y - my) for x, y in zip(sizes, loads)) / sum((x - mx) ** 2 for x in sizes)
        print()
        print(f"Load time vs file size, least squares over {n} files: {slope * 1000:.0f} ms per MB + {1000 * (my - slope * mx):.0f} ms "
              f"(about {1 / slope:.0f} MB/s once started).")


if __name__ == "__main__":
    main()
