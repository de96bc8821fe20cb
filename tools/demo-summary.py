#!/usr/bin/env python3
"""The demo, measured: reads ristbond's --stats-json lines (one JSON object a second) and prints every link's
share of seconds in each state, and the recommended and encoder bitrate after a settling time (mean, min,
coefficient of variation) against the emulated links' capacity.

usage: demo-summary.py STATS_JSONL LINK_RATES_BPS_COMMA_SEPARATED [SETTLE_SECONDS]
"""
import json
import statistics
import sys

# TS bits per bit a link carries: a RIST datagram of 7x188 TS bytes is 1336 bytes of UDP payload plus 28 of IPv4
# and UDP, as LinkEmulator counts its rate (the same factor as ristbond bench adapt).
PAYLOAD_FACTOR = 1316 / 1364
STATES = ["live", "probing", "degraded", "connecting", "dead"]


def mbps(bps):
    return f"{bps / 1e6:.2f} Mbit/s"


def series_stats(values):
    mean = statistics.fmean(values)
    cv = statistics.pstdev(values) / mean if mean > 0 else float("nan")
    return mean, min(values), cv


def main():
    path, rates = sys.argv[1], [float(r) for r in sys.argv[2].split(",")]
    settle = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    lines = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
    if not lines:
        print("demo summary: no stats lines (ristbond ended before its first second?)")
        return 1
    capacity = sum(rates) * PAYLOAD_FACTOR
    print(f"demo summary: {len(lines)} s of stats; links {' + '.join(mbps(r) for r in rates)} = {mbps(sum(rates))} "
          f"of link rate, {mbps(capacity)} of TS (x 1316/1364)")

    counts = {}
    for line in lines:
        for link in line.get("links", []):
            counts.setdefault(link["name"], {}).setdefault(link.get("state", "?"), 0)
            counts[link["name"]][link.get("state", "?")] += 1
    print("  link states (share of seconds):")
    all_live = True
    for name, states in counts.items():
        total = sum(states.values())
        order = sorted(states, key=lambda s: STATES.index(s) if s in STATES else len(STATES))
        print(f"    {name:<8} " + ", ".join(f"{s} {100 * states[s] / total:.0f}%" for s in order))
        late = [l for l in lines if l.get("t", 0) >= settle]
        all_live &= all(any(k["name"] == name and k.get("state") == "live" for k in l.get("links", [])) for l in late)

    late = [l for l in lines if l.get("t", 0) >= settle]
    if not late:
        print(f"  the run ended before {settle:.0f} s: no bitrate figures")
        return 0
    print(f"  after {settle:.0f} s ({len(late)} s):")
    goal_met = None
    for label, pick in (("recommended", lambda l: l.get("recommended_bitrate_bps")),
                        ("encoder", lambda l: (l.get("encoder") or {}).get("bitrate_bps", l.get("bitrate_bps")))):
        values = [v for v in (pick(l) for l in late) if v is not None]
        if not values:
            continue
        mean, low, cv = series_stats(values)
        print(f"    {label:<12} mean {mbps(mean)} ({100 * mean / capacity:.0f}% of the links' TS capacity), "
              f"min {mbps(low)}, CV {100 * cv:.1f}%")
        if label == "encoder":
            goal_met = mean >= 0.8 * capacity
    print(f"  every link live after {settle:.0f} s: {'yes' if all_live else 'no'}; "
          f"encoder bitrate >= 80% of the links' capacity: {'yes' if goal_met else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
