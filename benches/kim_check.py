#!/usr/bin/env python3
"""Checks a `wasteroute bench kim --sol-dir` solution against its Kim, Kim & Sahoo (2006)
instance file, with the conventions of ../shared/benchmarks/SOURCES.md, sharing no code with
wasteroute: Manhattan feet -> miles, travel at the file's speed, windows on service start,
one lunch break starting 11:00-12:00 for every driver, where the truck is (at the depot
for a truck back before it), trips within capacity, unloaded before
the depot, the daily yard and stop limits, every stop served once.
Usage: kim_check.py INSTANCE.txt SOLUTION.json   (exit status 1 when a rule is broken)"""
import json
import sys

EPS = 1e-3


def hhmm(text):
    """HHMM without leading zeros; minutes over 59 read as hundredths of an hour, as wasteroute
    warns (1932_stop's '875' = 08:45)."""
    v = int(float(text))
    h, m = divmod(v, 100)
    return v / 100 * 3600 if m >= 60 else h * 3600 + m * 60


def read(path):
    rows = [l.replace("\r", "").split() for l in open(path)]
    head = [float(r[0]) for r in rows[:5]]
    stops = {}
    for r in rows[6:]:
        if r:
            stops[int(r[0])] = dict(x=float(r[1]), y=float(r[2]), early=hhmm(r[3]),
                                    late=hhmm(r[4]), service=float(r[5]), yd=float(r[6]),
                                    kind=int(r[7]))
    return head, stops


def check(inst_path, sol_path):
    (cap, daily, max_stops, lunch, mph), stops = read(inst_path)
    sol = json.load(open(sol_path))
    errors, seen, total_mi = [], {}, 0.0
    for route in sol["routes"]:
        v, visits, ls = route["vehicle"], route["stops"], route.get("lunch_start")
        bad = lambda msg: errors.append(f"vehicle {v}: {msg}")
        if stops[visits[0]["id"]]["kind"] != 0 or stops[visits[-1]["id"]]["kind"] != 0:
            bad("does not start and end at the depot")
        if ls is None or not 11 * 3600 - EPS <= ls <= 12 * 3600 + EPS:
            bad(f"lunch starts at {ls}, not 11:00-12:00")
        load = day = n = 0
        lunch_taken = False
        for k, x in enumerate(visits):
            s = stops[x["id"]]
            if x["start"] < x["arrival"] - EPS:
                bad(f"starts stop {x['id']} before arriving")
            if not s["early"] - EPS <= x["start"] <= s["late"] + EPS:
                bad(f"stop {x['id']} starts at {x['start']:.0f} outside [{s['early']:.0f}, {s['late']:.0f}]")
            if k > 0:
                p = visits[k - 1]
                ps = stops[p["id"]]
                mi = (abs(ps["x"] - s["x"]) + abs(ps["y"] - s["y"])) / 5280
                total_mi += mi
                travel = mi / mph * 3600
                leave = p["start"] + (ps["service"] if ps["kind"] != 0 else 0)
                if ls is not None and not lunch_taken and leave - EPS <= ls < x["arrival"]:
                    lunch_taken = True
                    leave = ls + lunch
                if x["arrival"] < leave + travel - EPS:
                    bad(f"arrives at stop {x['id']} at {x['arrival']:.0f}, {leave + travel:.0f} at the earliest")
            if s["kind"] == 1:
                seen[x["id"]] = seen.get(x["id"], 0) + 1
                load += s["yd"]
                day += s["yd"]
                n += 1
                if load > cap + EPS:
                    bad(f"over capacity ({load} yd) at stop {x['id']}")
            elif s["kind"] == 2:
                load = 0
        if ls is not None and not lunch_taken:
            # At the depot: after the truck is back, or before it leaves, inside the depot's day.
            depot = stops[visits[0]["id"]]
            after = visits[-1]["arrival"] - EPS <= ls and ls + lunch <= depot["late"] + EPS
            before = ls + lunch <= visits[0]["start"] + EPS and ls >= depot["early"] - EPS
            if not (after or before):
                bad("lunch not between two visits nor at the depot (overlaps a service)")
        if load > EPS:
            bad("returns to the depot loaded")
        if day > daily + EPS:
            bad(f"collects {day} yd, over the daily {daily}")
        if n > max_stops:
            bad(f"{n} stops, over the daily {max_stops}")
    wrong = [i for i, s in stops.items() if s["kind"] == 1 and seen.get(i, 0) != 1]
    if wrong:
        errors.append(f"{len(wrong)} stops not served exactly once, e.g. {wrong[:10]}")
    print(f"{sol['instance']}: {len(sol['routes'])} vehicles, {total_mi:.1f} mi "
          f"(the file says {sol['distance_mi']:.1f}), {len(errors)} broken rules")
    for e in errors[:20]:
        print("  " + e)
    return not errors


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(0 if check(sys.argv[1], sys.argv[2]) else 1)
