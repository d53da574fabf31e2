#!/usr/bin/env bash
# /healthz while the server is flooded with sign-ins (Argon2id each, on the worker pool): four
# connections sending sign-ins with unknown usernames as fast as they are answered, and one
# measuring /healthz with wrk's latency distribution, for SECONDS (default 20). Release build, a
# generated 20,000-person area; the sign-in rate limit is off so that every sign-in is hashed.
#
# Usage: bench/healthz_under_sign_ins.sh [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
bin=build/release/bin
command -v wrk >/dev/null || { echo "healthz_under_sign_ins: wrk is missing (scripts/install-deps)" >&2; exit 2; }
work=$(mktemp -d)
log="$work/serve.log"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/jointcare" generate --db "$work/area.db" --population 20000 --seed 1 --no-simulate > /dev/null
"$bin/jointcare" serve --db "$work/area.db" --port 0 --log-level warn --sign-ins-per-minute 0 > "$log" 2>&1 &
server=$!
for _ in $(seq 1 200); do grep -q "serving on" "$log" && break; sleep 0.1; done
port=$(grep -o "serving on http://[0-9.]*:[0-9]*" "$log" | grep -o "[0-9]*$")
for _ in $(seq 1 600); do curl -s "http://127.0.0.1:$port/healthz" | grep -q '"reports":"ready"' && break; sleep 0.5; done
echo "idle:"
wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$port/healthz" | grep -E '^\s+(50|99)%|Requests/sec'
echo "under $seconds s of sign-ins on 4 connections:"
wrk -t1 -c4 -d"${seconds}s" -s bench/sign_in_flood.lua "http://127.0.0.1:$port" > "$work/flood.txt" &
flood=$!
sleep 1
wrk -t1 -c1 -d"$((seconds - 2))s" --latency "http://127.0.0.1:$port/healthz" | grep -E '^\s+(50|99)%|Requests/sec|Latency '
wait $flood
grep -E 'sign_in_flood|Requests/sec|Non-2xx' "$work/flood.txt"
