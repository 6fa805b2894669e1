#!/usr/bin/env python3
"""PyVRP on the time-window benchmark files, under the convention `wasteroute bench vrptw` /
`bench mtvrp` use; prints one JSON line per run (../shared/peers/vrp/run_peer.py reads
CVRPLIB CVRP files only, hence this script).

    vrptw_pyvrp.py FILE --seconds S [--seed K]

FILE: a Solomon .txt (read with vrplib's Solomon parser), or a VRPLIB .vrp of TYPE VRPTW
(Gehring-Homberger) or MTVRPTWR (Yang: reload at the depot, release dates). Convention
(DIMACS / CVRPLIB, ../shared/benchmarks/SOURCES.md): arcs = Euclidean distance truncated to one
decimal (PyVRP's round_func "dimacs": distances and times in tenths), travel time = distance,
the instance's vehicle count, objective = distance. PyVRP 0.14, one thread.

Every solution is checked here: PyVRP's own feasibility (windows, capacity, release dates),
every client exactly once, and the distance recomputed from the coordinates in tenths, the
way `wasteroute bench` recomputes its own.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import vrplib
from pyvrp import read, solve
from pyvrp.read import _InstanceParser, _ProblemDataBuilder, ROUND_FUNCS
from pyvrp.stop import MaxRuntime


def load(path):
    if path.endswith(".txt"):
        inst = vrplib.read_instance(path, instance_format="solomon")
        inst["dimension"] = len(inst["node_coord"])
        data = _ProblemDataBuilder(_InstanceParser(inst, ROUND_FUNCS["dimacs"])).data()
        coords = np.asarray(inst["node_coord"], dtype=float)
    else:
        data = read(path, round_func="dimacs")
        inst = vrplib.read_instance(path, compute_edge_weights=False)
        coords = np.asarray(inst["node_coord"], dtype=float)
    return data, coords


def tenths(coords):
    diff = coords[:, None, :] - coords[None, :, :]
    return np.floor(10 * np.sqrt((diff ** 2).sum(-1))).astype(np.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    name = os.path.splitext(os.path.basename(a.file))[0]
    data, coords = load(a.file)
    d = tenths(coords)
    t0 = time.time()
    res = solve(data, stop=MaxRuntime(a.seconds), seed=a.seed, display=False)
    secs = time.time() - t0
    sol = res.best
    seen = []
    cost = 0
    routes = 0
    for r in sol.routes():
        routes += 1
        locs = []
        for act in r.schedule():
            if str(act.type).endswith("CLIENT"):
                seen.append(act.idx)
                locs.append(data.clients()[act.idx].location)
            else:
                locs.append(data.depots()[act.idx].location)
        cost += sum(int(d[x, y]) for x, y in zip(locs, locs[1:]))
    ok = sol.is_feasible() and sorted(seen) == list(range(data.num_clients))
    print(json.dumps({
        "solver": "pyvrp",
        "instance": name,
        "cost": cost / 10 if ok else None,
        "solver_cost": sol.distance() / 10,
        "feasible": ok,
        "routes": routes,
        "seconds": round(secs, 1),
        "iterations": res.num_iterations,
    }))


if __name__ == "__main__":
    sys.exit(main())
