#!/usr/bin/env python3
"""bench/soak.sh's judge: the answers by kind (from bench/soak.lua's and bench/soak_client.py's
counts) against the statuses each kind expects, and the server's memory and descriptors (the
samples) against the thresholds. Prints the summary; exits 1 when any check fails."""
import argparse
import json
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--wrk", required=True)
ap.add_argument("--client", required=True)
ap.add_argument("--samples", required=True)
ap.add_argument("--warmup", type=int, required=True)
ap.add_argument("--fd-slack", type=int, required=True)
ap.add_argument("--rss-growth-pct", type=float, required=True)
ap.add_argument("--server-alive", type=int, required=True)
ap.add_argument("--server-log")
args = ap.parse_args()

# What each kind of request may be answered. 0 (no answer), 500 and 503 (busy, over capacity,
# store or audit unavailable) are on no list. A kind missing here has no expected status at all.
EXPECTED = {
    "read.summary": {200},
    "read.known_to": {200},
    "read.notes": {200},
    "read.timeline": {200},
    "read.refused": {403},  # a stranger's record: the gate refuses (and audits the refusal)
    "write.note": {201},
    "write.referral": {201},
    "report.*": {200},
    # Sign-ins: 429 when over the per-address rate (the client stays under it; still legitimate).
    "sign_in.good": {200, 429},
    "sign_in.unknown_user": {401, 429},  # a new name each time: never locked
    "sign_in.bad_password": {401, 423, 429},  # the fifth failure locks the account: 423
    "sign_in.malformed": {400, 429},
    "session.me": {200},
    "session.sign_out": {200},
    "session.after_sign_out": {401},  # signing out takes effect at once
    "bad.malformed_json": {400},
    "bad.json_not_object": {400},
    "bad.invalid_utf8_body": {400},
    "bad.invalid_utf8_query": {400},
    "bad.invalid_utf8_header": {400},
    "bad.field_too_long": {400},
    "bad.wrong_field_type": {400},
    "bad.unknown_route": {404},
    "bad.unknown_route_unauthenticated": {401, 404},
    "bad.wrong_method": {405},
    "bad.bad_id": {404},
    "bad.control_char_path": {400},
    "bad.missing_token": {401},
    "bad.unknown_token": {401},
    "bad.invalid_purpose": {400},
    "bad.oversized_length": {413},
    "bad.oversized_chunked": {413},
    "bad.not_http": {400},
    "bad.raw_bytes_target": {400},
}


def expected(kind):
    if kind in EXPECTED:
        return EXPECTED[kind]
    return EXPECTED.get(kind.split(".")[0] + ".*", set())


counts = {}  # kind -> {status: n}
samples = {}  # "kind status" -> body
wrk_lines = []
failures = []
try:
    wrk_out = open(args.wrk).read().splitlines()
except OSError:
    wrk_out = []
    failures.append("wrk wrote no counts (see its output above)")
try:
    with open(args.client) as f:
        client = json.load(f)
except (OSError, ValueError):
    client = {"counts": {}, "samples": {}}
    failures.append("the client wrote no counts")
for line in wrk_out:
    line = line.rstrip("\n")
    if line.startswith("count "):
        _, kind, status, n = line.split(" ")
        by = counts.setdefault(kind, {})
        by[int(status)] = by.get(int(status), 0) + int(n)
    elif line.startswith("sample "):
        _, kind, status, body = (line.split(" ", 3) + [""])[:4]
        samples.setdefault(f"{kind} {status}", body)
    elif line.startswith("wrk "):
        wrk_lines.append(line)
for kind, by_status in client["counts"].items():
    by = counts.setdefault(kind, {})
    for status, n in by_status.items():
        by[int(status)] = by.get(int(status), 0) + n
for key, body in client["samples"].items():
    samples.setdefault(key, body)

print("summary: answers by kind (status: count; * unexpected)")
groups = {}
unexpected_total = 0
for kind in sorted(counts):
    by = counts[kind]
    ok = expected(kind)
    bad = {s: n for s, n in by.items() if s not in ok}
    unexpected_total += sum(bad.values())
    group = kind.split(".")[0]
    g = groups.setdefault(group, [0, 0])
    g[0] += sum(by.values())
    g[1] += sum(bad.values())
    shown = " ".join(f"{s}:{n}{'*' if s in bad else ''}" for s, n in sorted(by.items()))
    print(f"  {kind:36} {sum(by.values()):9d}  {shown}")
for kind in sorted(counts):
    for s in sorted(counts[kind]):
        if s not in expected(kind):
            print(f"  unexpected {kind} {s} ({'no answer' if s == 0 else 'HTTP ' + str(s)}) x{counts[kind][s]}:"
                  f" {samples.get(f'{kind} {s}', '')[:300]}")
print("summary: requests by kind: " + ", ".join(f"{g} {n} (unexpected {u})" for g, (n, u) in sorted(groups.items()))
      + f"; total {sum(n for n, _ in groups.values())}")
for line in wrk_lines:
    print("summary: " + line)
print(f"summary: unexpected answers: {unexpected_total} (must be 0)")
if unexpected_total:
    failures.append(f"{unexpected_total} unexpected answers")
for must in ("read.summary", "write.note", "sign_in.good", "bad.oversized_length"):
    if not counts.get(must):
        failures.append(f"no {must} requests were answered at all")

# The samples: "t rss_kb fds threads requests open_connections files_kb heap_kb sqlite_kb"; the
# first line (t=0) is idle before the load, a last line "after ..." idle after it.
rows, after = [], None
with open(args.samples) as f:
    for line in f:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "after":
            after = [int(x) for x in parts[2:]]
        else:
            rows.append([int(x) for x in parts])
rows = [r for r in rows if r[1] > 0]  # (a sample taken as the server went has no figures)
idle = rows[0]
loaded = rows[1:]
if not loaded:
    failures.append("no samples under load")
else:
    end = loaded[-1]
    judge_rss = end[0] >= 2 * args.warmup
    # The reference: the sample at the end of the warm-up; in a run too short for one, the first.
    start = next((r for r in loaded if r[0] >= args.warmup), None) if judge_rss else loaded[0]
    middle = min(loaded, key=lambda r: abs(r[0] - end[0] / 2))
    rss_max = max(r[1] for r in loaded)
    rss_growth = (end[1] - start[1]) * 100.0 / start[1]
    # What is judged: the RSS less SQLite's page caches, which are bounded and fill as it reads.
    rest = lambda r: r[1] - r[8]
    growth = (rest(end) - rest(start)) * 100.0 / rest(start)
    print(f"summary: rss_kb less SQLite's caches idle {rest(idle)}, at {start[0]} s {rest(start)}, at the end"
          f" ({end[0]} s) {rest(end)} ({growth:+.1f}%, threshold +{args.rss_growth_pct:g}%"
          + ("" if judge_rss else f"; not judged: the run is shorter than twice the {args.warmup} s warm-up")
          + f"), max {max(rest(r) for r in loaded)}")
    print(f"summary: rss_kb idle {idle[1]}, at {start[0]} s {start[1]}, at the end {end[1]} ({rss_growth:+.1f}%),"
          f" max {rss_max}" + (f", idle after {after[0]}" if after else "")
          + f"; of it SQLite's caches at {start[0]} s {start[8]}, at the end {end[8]}")
    print(f"summary: rss_kb in the second half: at {middle[0]} s {middle[1]}, at the end {end[1]}"
          f" ({(end[1] - middle[1]) * 100.0 / middle[1]:+.1f}%); heap (RssAnon) at {start[0]} s {start[7]},"
          f" at the end {end[7]}")
    print(f"summary: fds idle {idle[2]}, at {start[0]} s {start[2]}, at the end {end[2]}"
          f" ({end[2] - start[2]:+d}, threshold +{args.fd_slack}), max {max(r[2] for r in loaded)}"
          + (f", idle after {after[1]} ({after[1] - idle[2]:+d} on idle before, threshold +{args.fd_slack})" if after else ""))
    print(f"summary: threads idle {idle[3]}, at {start[0]} s {start[3]}, at the end {end[3]}"
          + (f", idle after {after[2]}" if after else ""))
    span = end[0] - loaded[0][0]
    rate = (end[4] - loaded[0][4]) / span if span else 0
    print(f"summary: server answers {end[4] - idle[4]} in {end[0]} s (from its /metrics), {rate:.0f}/s after"
          f" the first sample; database files {idle[6]} kB -> {end[6]} kB")
    if judge_rss and growth > args.rss_growth_pct:
        failures.append(f"RSS less SQLite's caches grew {growth:.1f}% from {start[0]} s to the end"
                        f" (threshold {args.rss_growth_pct:g}%)")
    if end[2] - start[2] > args.fd_slack:
        failures.append(f"descriptors grew by {end[2] - start[2]} from {start[0]} s to the end (threshold {args.fd_slack})")
    if after and after[1] - idle[2] > args.fd_slack:
        failures.append(f"idle after the load, {after[1] - idle[2]} more descriptors than idle before it")
if not args.server_alive:
    failures.append("the server is gone")
if args.server_log:
    events = {}
    with open(args.server_log, errors="replace") as f:
        for line in f:
            m = re.search(r'"level":"(\w+)".*?"event":"(\w+)"', line) or re.search(r'"event":"(\w+)".*?"level":"(\w+)"', line)
            if m:
                level, event = (m.group(1), m.group(2)) if line.find('"level"') < line.find('"event"') else (m.group(2), m.group(1))
                events[(level, event)] = events.get((level, event), 0) + 1
    print("summary: server log: " + (", ".join(f"{lvl} {ev} x{n}" for (lvl, ev), n in sorted(events.items())) or "nothing at warn or above"))
if failures:
    print("soak: FAIL: " + "; ".join(failures))
    sys.exit(1)
print("soak: PASS")
