#!/usr/bin/env bash
# Issue 4's read benchmark as a client sees it: `jointcare serve` (release build, as deployed) and
# wrk, a separate load-generating process, on the same two cores. Every request signs in by bearer
# token, passes the access rule and is answered only once its audit event is committed.
#
# Usage: bench/care_read_wrk.sh [population=1000000] [seconds=10] [connections=32] [server_threads=2]
# The database is care_read_bench's (built on first use; its access trail, the audit of reads, reset
# to 5,000,000 events).
set -euo pipefail
cd "$(dirname "$0")/.."
population=${1:-1000000}
seconds=${2:-10}
connections=${3:-32}
threads=${4:-2}
bin=build/release/bin
db=${CARE_READ_DB:-/tmp/jointcare-care-bench-$population.db}
access_log=${db%.db}.access-1.db access_log_2=${db%.db}.access-2.db
# The newest event of the access trail, over the access log's two parts.
newest_access_event() {
  sqlite3 "$access_log" "ATTACH '$access_log_2' AS two; SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM access_events UNION ALL SELECT MAX(id) FROM two.access_events)"
}
command -v wrk >/dev/null || { echo "care_read_wrk: wrk is missing (scripts/install-deps)" >&2; exit 2; }

CARE_READ_BENCH_SETUP_ONLY=1 "$bin/care_read_bench" "$population" 0 0 0 "$db"
# Cutting the trail back is a rewrite of the audit, which the last run's signed checkpoints would
# (rightly) expose: the server refuses to start on them. A benchmark's trail starts a new file.
rm -f "${db%.db}.checkpoints"
cat "$db" "$access_log" "$access_log_2" > /dev/null  # the files into the OS cache, as on a server that has been running
sync  # what the set-up (and anything before it, a build) left to write goes to disk now, not during the run

log=$(mktemp)
# CARE_READ_SERVE_ARGS: more options for the server, e.g. "--checkpoint-every 10" (default 60).
# shellcheck disable=SC2086
"$bin/jointcare" serve --db "$db" --port 0 --threads "$threads" --log-level warn ${CARE_READ_SERVE_ARGS:-} > "$log" 2>&1 &
server=$!
# On exit stop the server and wait for it: closing the database moves the write-ahead log into it,
# which the next run must not overlap.
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; cp "$log" /tmp/care_read_wrk-serve.log; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q "serving on" "$log" && break; sleep 0.1; done
port=$(grep -o "serving on http://[0-9.]*:[0-9]*" "$log" | grep -o "[0-9]*$")
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/session" -H 'Content-Type: application/json' \
  -d '{"username":"dnurse","password":"jointcare-demo"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
persons=$(sqlite3 "$db" "SELECT COUNT(*) FROM persons")

# Person ids are those of the database (the generator starts them at 2): none is asked for in vain.
export TOKEN=$token FIRST_PERSON=$(sqlite3 "$db" "SELECT MIN(id) FROM persons") LAST_PERSON=$(sqlite3 "$db" "SELECT MAX(id) FROM persons")
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# The server makes the commissioners' reports at start-up, in the background: wait until /healthz
# says they are ready (a steady state), then warm up for 5 s and measure.
for _ in $(seq 1 1200); do
  curl -s "http://127.0.0.1:$port/healthz" | grep -q '"reports":"ready"' && break
  sleep 0.5
done
wrk -t1 -c"$connections" -d5s -s bench/care_read.lua "http://127.0.0.1:$port" > /dev/null
audit_before=$(newest_access_event)
# The access trail's checkpoints the server signed during the run (the origin line of each note).
checkpoints_file=${db%.db}.checkpoints
checkpoints() { if [ -f "$checkpoints_file" ]; then grep -c '/access$' "$checkpoints_file" || true; else echo 0; fi; }
checkpoints_before=$(checkpoints)
cpu_before=$(cpu)
out=$(wrk -t1 -c"$connections" -d"${seconds}s" -s bench/care_read.lua "http://127.0.0.1:$port"; times)
cpu_after=$(cpu)
audit_after=$(newest_access_event)
checkpoints_after=$(checkpoints)
line=$(echo "$out" | grep "^care_read_wrk:")
requests=$(echo "$line" | grep -o "requests=[0-9]*" | cut -d= -f2)
ticks=$(getconf CLK_TCK)
# wrk's own CPU (user and system, from the shell's `times` for its children).
wrk_seconds=$(echo "$out" | tail -1 | python3 -c 'import re, sys; print(sum(int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.stdin.read())))')
echo "$line persons=$persons connections=$connections server_threads=$threads audit_events_written=$((audit_after - audit_before)) checkpoints_signed=$((checkpoints_after - checkpoints_before))" \
  "server_cpu_us_per_request=$(python3 -c "print(round(($cpu_after - $cpu_before) / $ticks * 1e6 / max($requests, 1), 1))")" \
  "wrk_cpu_us_per_request=$(python3 -c "print(round($wrk_seconds * 1e6 / max($requests, 1), 1))")"
