#!/usr/bin/env python3
"""PyVRP on day instances (docs/day-instance.md) under the plain variant, the rules of
`wasteroute bench days --variant plain`; prints one JSON line per file.

    days_pyvrp.py FILE.json[.gz] [FILE ...] --seconds S [--seed K]

The plain variant, applied here exactly as `DayInstance::to_problem(Variant::Plain)`
(src/bench/days.rs) applies it: no lunch break, no daily intake limit, one opening window per
facility (first opening to last closing), unloading takes `unload_s`, a job over a truckload
split into k equal integer parts (k: the fewest any vehicle type carrying its stream needs;
part p gets a*(p+1)//k - a*p//k, collection time service_s + service_s_per_t x its tonnes),
and trucks end the day loaded (`return_empty = false`).

Mapping to PyVRP 0.14 (one thread, MaxRuntime, --seed):
- locations: the file's locations (its coordinates when given; PyVRP's search ignores them);
- depots: one per vehicle start/end location (no window, no service), then one per facility:
  its opening window, service duration `unload_s` (PyVRP serves a depot at its window like a
  client: service starts inside it). A vehicle type's reload depots are the facilities that
  accept every stream it may carry;
- clients: one per job part, its amounts as pickups. A job with one time window is a
  required client; a job with several is a required mutually exclusive client group with one
  client per window (PyVRP's way to model multiple windows). Release dates map to
  `release_time`;
- streams and skills: one extra load dimension per stream (and per skill) that some vehicle
  type may not carry (lacks): a job has 10^13 / (number of clients) in its stream's (skills')
  dimension, a truck that may carry it (has it) room for all of them there, any other none,
  so that PyVRP's load penalty, even its least, keeps the truck off the job;
- vehicle types (those with count > 0): count, capacity, start/end depot, shift as the
  vehicle's window, `max_duration_s` as `shift_duration` (no overtime), `max_distance_m`,
  fixed cost, cost per km and per hour; one PyVRP profile per (travel profile, speed factor):
  the profile's distances, its durations divided by the speed factor;
- integers as wasteroute's search takes them (src/solver/instance.rs): distances in units of
  `distance_resolution_m`, times in units of `time_resolution_s`, both rounded on the safe
  side (durations and window starts up, window ends and limits down), so a plan PyVRP finds
  feasible is feasible in exact arithmetic; costs scaled by the least power of ten that makes
  every unit cost an integer or at least 500 (rounding error under 0.1 %), and no more:
  PyVRP's penalties per unit of excess load or time warp stay within 0.1 to 10^5, so larger
  unit costs would make breaking capacity or windows cheap. A pair with no road gets an arc of
  10^9 units.

Not modelled, refused: `max_stops`, `max_daily_amount`, the `fewest_vehicles_first`
objective. Differences that remain: a truck that may carry several streams reloads only where
all of them are accepted (wasteroute: where the streams of that trip are accepted); a release
date holds at the start of the unload at the facility before the trip in PyVRP, at the
departure after it in wasteroute (neither arises on the Cixi days: one stream per truck, no
release dates); at a job with several windows PyVRP chooses the window (the group's client),
wasteroute takes the first it can still reach on the earliest schedule, so on the same route it
may price more waiting (both are plans under the same rules: service starts inside one of the
job's windows). wasteroute reports a duration from a departure on its integer time grid, up to
a few seconds per route over the exact minimum computed here.

Every solution is checked here in exact arithmetic on the file's values, under wasteroute's
rules: each job part served once, by a truck that may carry its stream and has its skills;
each trip within capacity and unloaded where its stream is accepted; service inside the
client's window, unloading inside the opening, trips leaving after their release dates, the
shift, the maximum duration and distance; at most `count` trucks per type. `cost` is
recomputed from the routes: per truck, fixed_cost + cost_per_km x km (the file's distances) +
cost_per_hour x hours from leaving the depot to arriving back (waiting included; departure as
late as the route allows without arriving later, as PyVRP and wasteroute both price it);
`cost` is null when a rule is broken (each broken rule is printed on stderr); `pyvrp_cost` is
PyVRP's own objective divided by the scale.
"""
import argparse
import gzip
import json
import math
import sys
import time

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxRuntime

FORMAT = "wasteroute-day-1"
UNREACHABLE = 10**9
EPS = 1e-6


def up(x, res):
    """`x / res` rounded up, absorbing float noise (as wasteroute's `up`)."""
    return math.ceil(x / res - 1e-6)


def down(x, res):
    return math.floor(x / res + 1e-6)


def cost_scale(costs):
    """The least power of ten (up to 10^10) making every cost an integer or at least 500, so
    that rounding changes none by more than 0.1 %."""
    s = 1.0
    for _ in range(10):
        if all(c == 0 or c * s >= 500 or abs(c * s - round(c * s)) <= 1e-9 * max(c * s, 1)
               for c in costs):
            return s
        s *= 10
    return s


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    inst = json.loads(raw)
    if inst.get("format") != FORMAT:
        sys.exit(f"{path}: not a day instance (format '{inst.get('format')}', want '{FORMAT}')")
    return inst


def plain(p):
    """The plain variant of problem `p`, as src/bench/days.rs makes it."""
    for v in p["vehicle_types"]:
        for key in ("max_stops", "max_daily_amount"):
            if v.get(key) is not None:
                sys.exit(f"vehicle type '{v['name']}': {key} has no PyVRP counterpart")
    if p.get("settings", {}).get("objective", "min_cost") != "min_cost":
        sys.exit("objective fewest_vehicles_first has no PyVRP counterpart")
    facilities = []
    for f in p.get("facilities", []):
        opening = f.get("opening", [])
        if opening:
            opening = [{"start_s": opening[0]["start_s"], "end_s": opening[-1]["end_s"]}]
        facilities.append(dict(f, opening=opening, unload_s=f.get("unload_s", 0.0)))
    mass = p.get("mass_dimension")
    jobs = []
    for j in p["jobs"]:
        ks = []
        for v in p["vehicle_types"]:
            if v.get("streams") is None or j["stream"] in v["streams"]:
                need = [-(-max(a, 0) // c) if c > 0 else math.inf
                        for a, c in zip(j["amount"], v["capacity"])]
                ks.append(max(max(need, default=1), 1))
        k = min(max(min(ks, default=1), 1), 64)
        for part in range(k):
            amount = [a * (part + 1) // k - a * part // k for a in j["amount"]]
            tonnes = amount[mass] / 1000 if mass is not None else 0.0
            service = j.get("service_s", 0.0) + j.get("service_s_per_t", 0.0) * tonnes
            jobs.append(dict(j, amount=amount, service_s=service))
    return dict(p, jobs=jobs, facilities=facilities)


class Model:
    """The PyVRP data of a plain problem, and the maps back to the problem's items."""

    def __init__(self, inst):
        p = plain(inst["problem"])
        travel = inst["travel"]
        settings = p.get("settings", {})
        dres = settings.get("distance_resolution_m", 1.0)
        tres = settings.get("time_resolution_s", 1.0)
        n = travel["locations"]
        self.p = p
        self.vts = [v for v in p["vehicle_types"] if v["count"] > 0]
        nstreams = len(p["streams"])

        def carries(v):
            return set(range(nstreams)) if v.get("streams") is None else set(v["streams"])

        # Load dimensions: the problem's, then one per stream / skill some truck may not take.
        tags = sorted({("stream", j["stream"]) for j in p["jobs"]}
                      | {("skill", s) for j in p["jobs"] for s in j.get("skills", [])})
        self.allows = [{("stream", s) for s in carries(v)}
                       | {("skill", s) for s in v.get("skills", [])} for v in self.vts]
        tags = [t for t in tags if not all(t in a for a in self.allows)]
        # A wrong truck is kept off a job by load penalties, which PyVRP keeps between 0.1 and
        # 10^5 per unit: the job's tag amount makes even the least penalty prohibitive, while
        # the largest penalty on all clients' tags stays within 64-bit integers.
        nclients = sum(len(j.get("time_windows") or [None]) for j in p["jobs"])
        tag_amount = 10**13 // max(nclients, 1)

        # Matrices, exact (NaN: no road) and in search units, per (profile, speed factor).
        self.dist = [np.array(pr["distance_m"], dtype=float).reshape(n, n)
                     for pr in travel["profiles"]]
        self.dur = [np.array(pr["duration_s"], dtype=float).reshape(n, n)
                    for pr in travel["profiles"]]
        for m in self.dist + self.dur:
            np.fill_diagonal(m, 0.0)
        keys = sorted({(v.get("profile", 0), v.get("speed_factor", 1.0)) for v in self.vts})
        dms, tms = [], []
        for prof, speed in keys:
            d, t = self.dist[prof], self.dur[prof] / speed
            gone = np.isnan(d) | np.isnan(t)
            dms.append(np.where(gone, UNREACHABLE,
                                np.ceil(np.nan_to_num(d) / dres - 1e-6)).astype(np.int64))
            tms.append(np.where(gone, UNREACHABLE,
                                np.ceil(np.nan_to_num(t) / tres - 1e-6)).astype(np.int64))

        coords = travel.get("coordinates") or [(0.0, 0.0)] * n
        locations = [Location(x, y) for x, y in coords]

        # Depots: vehicle start/end locations, then facilities.
        self.depot_locs = sorted({v[e] for v in self.vts for e in ("start", "end")})
        depots = [Depot(loc, name=f"depot {loc}") for loc in self.depot_locs]
        self.fac_of_depot = {}
        for fi, f in enumerate(p["facilities"]):
            self.fac_of_depot[len(depots)] = fi
            w = {}
            if f["opening"]:
                w = {"tw_early": up(f["opening"][0]["start_s"], tres),
                     "tw_late": down(f["opening"][0]["end_s"], tres)}
            depots.append(Depot(f["location"], service_duration=up(f["unload_s"], tres),
                                name=f["name"], **w))

        # Clients: one per job part and window; several windows make a group.
        clients, groups = [], []
        self.job_of_client, self.window_of_client = [], []
        for ji, j in enumerate(p["jobs"]):
            need = {("stream", j["stream"])} | {("skill", s) for s in j.get("skills", [])}
            pickup = list(j["amount"]) + [tag_amount if t in need else 0 for t in tags]
            windows = j.get("time_windows") or [{"start_s": 0.0, "end_s": math.inf}]
            several = len(windows) > 1
            if several:
                groups.append(ClientGroup(list(range(len(clients), len(clients) + len(windows))),
                                          required=True, name=j["name"]))
            for w in windows:
                tw = {"tw_early": up(w["start_s"], tres)}
                if math.isfinite(w["end_s"]):
                    tw["tw_late"] = down(w["end_s"], tres)
                clients.append(Client(
                    j["location"], delivery=[0] * len(pickup), pickup=pickup,
                    service_duration=up(j["service_s"], tres),
                    release_time=up(j.get("release_s", 0.0), tres),
                    required=not several, group=len(groups) - 1 if several else None,
                    name=j["name"], **tw))
                self.job_of_client.append(ji)
                self.window_of_client.append((w["start_s"], w["end_s"]))

        # Vehicle types.
        raw = [c for v in self.vts for c in (v.get("fixed_cost", 0.0),
                                             v.get("cost_per_km", 0.0) / 1000 * dres,
                                             v.get("cost_per_hour", 0.0) / 3600 * tres)]
        self.scale = cost_scale(raw)
        vehicle_types = []
        for v, allows in zip(self.vts, self.allows):
            streams = carries(v)
            extra = {}
            if v.get("shift_start_s") is not None:
                extra["tw_early"] = up(v["shift_start_s"], tres)
            if v.get("shift_end_s") is not None:
                extra["tw_late"] = down(v["shift_end_s"], tres)
            if v.get("max_duration_s") is not None:
                extra["shift_duration"] = down(v["max_duration_s"], tres)
            if v.get("max_distance_m") is not None:
                extra["max_distance"] = down(v["max_distance_m"], dres)
            vehicle_types.append(VehicleType(
                num_available=v["count"],
                capacity=list(v["capacity"])
                + [tag_amount * nclients if t in allows else 0 for t in tags],
                start_depot=self.depot_locs.index(v["start"]),
                end_depot=self.depot_locs.index(v["end"]),
                fixed_cost=round(v.get("fixed_cost", 0.0) * self.scale),
                unit_distance_cost=round(v.get("cost_per_km", 0.0) / 1000 * dres * self.scale),
                unit_duration_cost=round(v.get("cost_per_hour", 0.0) / 3600 * tres * self.scale),
                profile=keys.index((v.get("profile", 0), v.get("speed_factor", 1.0))),
                reload_depots=[d for d, fi in self.fac_of_depot.items()
                               if streams <= set(p["facilities"][fi]["streams"])],
                name=v["name"], **extra))

        self.data = ProblemData(locations, clients, depots, vehicle_types, dms, tms, groups)

    def check(self, sol):
        """Cost of `sol` in currency units, recomputed exactly, and the rules it breaks."""
        p, bad = self.p, []
        served = [0] * len(p["jobs"])
        used = [0] * len(self.vts)
        total = 0.0
        for r in sol.routes():
            vi = r.vehicle_type()
            v, allows = self.vts[vi], self.allows[vi]
            used[vi] += 1
            dist, dur = self.dist[v.get("profile", 0)], self.dur[v.get("profile", 0)]
            speed = v.get("speed_factor", 1.0)
            # Stops after the start depot: (location, window, service, job or None).
            stops, trips, trip = [], [], []
            for act in list(r.schedule())[1:]:
                if act.is_client():
                    ji = self.job_of_client[act.idx]
                    j = p["jobs"][ji]
                    served[ji] += 1
                    trip.append(ji)
                    stops.append((j["location"], self.window_of_client[act.idx],
                                  j["service_s"], ji))
                    if ("stream", j["stream"]) not in allows or not all(
                            ("skill", s) in allows for s in j.get("skills", [])):
                        bad.append(f"{v['name']} may not serve '{j['name']}'")
                elif act.idx in self.fac_of_depot:
                    f = p["facilities"][self.fac_of_depot[act.idx]]
                    win = (f["opening"][0]["start_s"], f["opening"][0]["end_s"]) \
                        if f["opening"] else (0.0, math.inf)
                    stops.append((f["location"], win, f["unload_s"], None))
                    trips.append(trip)
                    trip = []
                    for ji in trips[-1]:
                        if p["jobs"][ji]["stream"] not in f["streams"]:
                            bad.append(f"'{f['name']}' does not accept '{p['jobs'][ji]['name']}'")
                else:
                    stops.append((v["end"], (0.0, math.inf), 0.0, None))
            trips.append(trip)
            for t in trips:
                load = [sum(p["jobs"][ji]["amount"][d] for ji in t)
                        for d in range(len(v["capacity"]))]
                if any(a > c for a, c in zip(load, v["capacity"])):
                    bad.append(f"{v['name']}: a trip carries {load} > {v['capacity']}")
            release = [max((p["jobs"][ji].get("release_s", 0.0) for ji in t), default=0.0)
                       for t in trips]
            # Earliest schedule from the shift start.
            locs = [v["start"]] + [s[0] for s in stops]
            legs = [dur[a, b] / speed for a, b in zip(locs, locs[1:])]
            km = sum(dist[a, b] for a, b in zip(locs, locs[1:])) / 1000
            if math.isnan(km) or any(math.isnan(x) for x in legs):
                bad.append(f"{v['name']}: drives where there is no road")
                continue
            now = max(v.get("shift_start_s") or 0.0, release[0])
            trip_ix = 0
            for (loc, (early, late), service, ji), leg in zip(stops, legs):
                now = max(now + leg, early)
                if now > late + EPS:
                    what = p["jobs"][ji]["name"] if ji is not None else f"location {loc}"
                    bad.append(f"{v['name']}: '{what}' starts at {now:.0f} s, after {late:.0f} s")
                now += service
                if ji is None and trip_ix + 1 < len(trips):
                    trip_ix += 1
                    now = max(now, release[trip_ix])
            end = now
            if v.get("shift_end_s") is not None and end > v["shift_end_s"] + EPS:
                bad.append(f"{v['name']}: back at {end:.0f} s, after the shift")
            # Latest departure that still arrives at `end`.
            latest = end
            for (_, (_, late), service, _), leg in zip(reversed(stops[:-1]), reversed(legs[1:])):
                latest = min(late, latest - leg - service)
            hours = (end - (latest - legs[0])) / 3600
            if v.get("max_duration_s") is not None and hours * 3600 > v["max_duration_s"] + EPS:
                bad.append(f"{v['name']}: works {hours:.2f} h, over its maximum")
            if v.get("max_distance_m") is not None and km * 1000 > v["max_distance_m"] + EPS:
                bad.append(f"{v['name']}: drives {km:.1f} km, over its maximum")
            total += v.get("fixed_cost", 0.0) + v.get("cost_per_km", 0.0) * km \
                + v.get("cost_per_hour", 0.0) * hours
        bad += [f"'{p['jobs'][ji]['name']}' served {k} times" for ji, k in enumerate(served)
                if k != 1]
        bad += [f"{v['name']}: {k} trucks used, {v['count']} available"
                for v, k in zip(self.vts, used) if k > v["count"]]
        return total, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for path in a.files:
        inst = read(path)
        m = Model(inst)
        t0 = time.time()
        res = solve(m.data, stop=MaxRuntime(a.seconds), seed=a.seed, display=False)
        secs = time.time() - t0
        sol = res.best
        cost, bad = m.check(sol)
        if not sol.is_feasible():
            bad.append("PyVRP: infeasible")
        for b in bad:
            print(f"{inst['name']}: {b}", file=sys.stderr)
        print(json.dumps({
            "instance": inst["name"],
            "variant": "plain",
            "solver": "pyvrp",
            "seed": a.seed,
            "seconds": round(secs, 2),
            "cost": round(cost, 2) if not bad else None,
            "pyvrp_cost": round((sol.fixed_vehicle_cost() + sol.distance_cost()
                                 + sol.duration_cost()) / m.scale, 2),
            "trucks": len(sol.routes()),
            "feasible": not bad,
            "iterations": res.num_iterations,
        }), flush=True)


if __name__ == "__main__":
    sys.exit(main())
