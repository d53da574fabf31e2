#!/usr/bin/env bash
# A soak of `jointcare serve` (release build, as deployed): for SECONDS (default 600) a mixed load
# at once, on a generated area of POPULATION people (default 20,000):
#   - members of staff (SOAK_USERS, default dnurse, sworker and mhpractitioner), signed in by
#     bearer token, reading persons on their caseload (summary, known-to, notes, timeline; 200),
#     reading strangers' (403), posting case notes and referrals to each other's teams (201): wrk,
#     one connection a thread, bench/soak.lua;
#   - the commissioner asking for the commissioning reports (spend, budgets, statements, JSNA, Case
#     Committee, pathways; 200), a report every SOAK_REPORT_DELAY_MS (100): the same wrk;
#   - sign-ins every 2.5 s, under the 30 a minute one address may make (good ones then signed out,
#     unknown usernames, wrong passwords locking an account, malformed bodies), and bad requests
#     at SOAK_BAD_RATE (40) a second (malformed JSON, invalid UTF-8 in bodies, queries and headers,
#     unknown routes and methods, bad ids, missing and unknown tokens, oversized bodies, not HTTP):
#     bench/soak_client.py.
# Every answer is put down to its request's kind and judged expected or not (bench/soak_summary.py
# has the table: 503, 500 and no answer are never expected). Every 10 s the server's resident
# memory (VmRSS), open file descriptors, threads and request rate (its /metrics) are printed, one
# line a sample: the curve. At the end a summary; the exit status is 1 when
#   - any answer was unexpected, or the server is gone;
#   - the server's descriptors at the end exceed those at the end of the warm-up by more than
#     SOAK_FD_SLACK (5), or those once the load has stopped exceed those before it by as much;
#   - its RSS less what SQLite's page caches hold (they fill as the growing database is read, each
#     to its connection's cache_size) grew by more than SOAK_RSS_GROWTH_PCT (10) percent from
#     the end of the warm-up (the sample at SOAK_WARMUP, 60 s) to the end; the whole RSS and
#     SQLite's part are printed beside it. A run shorter than twice the warm-up is too short to
#     judge memory by: its growth is printed, not judged, and its descriptors are compared with the
#     first sample's.
#
# Usage: bench/soak.sh [seconds=600] [population=20000] [seed=1]
# (SOAK_SERVE_ARGS: more options for `jointcare serve`, e.g. "--checkpoint-every 10".)
# The database is made afresh in a temporary folder (removed at the end); the server's log is left
# in /tmp/soak-serve.log, the samples in /tmp/soak-samples.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
population=${2:-20000}
seed=${3:-1}
bin=build/release/bin
reference=${SOAK_REFERENCE_DIR:-$(cd .. && pwd)/shared/data/reference}
users=(${SOAK_USERS:-dnurse sworker mhpractitioner})
care_threads=${SOAK_CARE_THREADS:-3}  # wrk threads (each one connection) of the staff; +1 commissioner
report_delay=${SOAK_REPORT_DELAY_MS:-100}
bad_rate=${SOAK_BAD_RATE:-40}
fd_slack=${SOAK_FD_SLACK:-5}
rss_growth_pct=${SOAK_RSS_GROWTH_PCT:-10}
warmup=${SOAK_WARMUP:-60}
every=10
[ "$seconds" -ge 20 ] || { echo "soak: run for 20 s at least" >&2; exit 2; }
for tool in wrk python3 sqlite3 curl; do
  command -v "$tool" > /dev/null || { echo "soak: $tool is missing (scripts/install-deps)" >&2; exit 2; }
done
[ -x "$bin/jointcare" ] || { echo "soak: $bin/jointcare is missing (make build-release)" >&2; exit 2; }

work=$(mktemp -d)
db="$work/area.db"
log="$work/serve.log"
server="" wrk_pid="" client_pid=""
cleanup() {
  for pid in $wrk_pid $client_pid; do kill "$pid" 2> /dev/null || true; done
  if [ -n "$server" ]; then kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; fi
  cp "$log" /tmp/soak-serve.log 2> /dev/null || true
  cp "$work/samples.tsv" /tmp/soak-samples.tsv 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
q() { sqlite3 "$db" "$1"; }

echo "soak: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname): $(nproc) cores," \
  "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')," \
  "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "soak: commit $(git log -1 --format='%h %<(60,trunc)%s' 2> /dev/null | sed 's/ *$//' || echo '(no git)')$(git diff --quiet HEAD 2> /dev/null || echo ' (with uncommitted changes)')"
echo "soak: ${seconds} s, population $population, seed $seed; warm-up $warmup s$([ "$seconds" -ge $(( 2 * warmup )) ] || echo ' (longer than half the run: memory not judged)'); staff ${users[*]} on $care_threads connections," \
  "commissioner every $report_delay ms, bad requests $bad_rate/s, sign-ins every 2.5 s"

t0=$(date +%s)
"$bin/jointcare" generate --db "$db" --population "$population" --seed "$seed" --reference-dir "$reference" > "$work/generate.log" 2>&1 ||
  { cat "$work/generate.log" >&2; exit 1; }

# The caseload: persons with a record and no consent choices (so no flow is refused), four in five
# of them, each given an open involvement with every reading member of staff's team. Strangers:
# the rest, with no involvement with those teams, no referral waiting with them and no break-glass
# override by anyone (a summary read of one is refused).
teams=()
for u in "${users[@]}"; do
  t=$(q "SELECT team_id FROM staff_users WHERE username = '$u' AND team_id IS NOT NULL")
  [ -n "$t" ] || { echo "soak: $u is not a member of a team" >&2; exit 1; }
  teams+=("$t")
done
team_list=$(IFS=,; echo "${teams[*]}")
eligible="FROM persons p WHERE EXISTS (SELECT 1 FROM local_records r WHERE r.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id)"
for t in $(printf '%s\n' "${teams[@]}" | sort -u); do
  q "INSERT INTO involvements (person_id, team_id, service, started_at)
     SELECT p.id, $t, 'caseload', '2026-01-05T09:00:00Z' $eligible AND p.id % 5 <> 0
       AND NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id = p.id AND i.team_id = $t AND i.ended_at IS NULL)"
done
q "SELECT p.id $eligible AND p.id % 5 <> 0 ORDER BY p.id" > "$work/caseload.txt"
q "SELECT p.id $eligible AND p.id % 5 = 0
     AND NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id = p.id AND i.team_id IN ($team_list))
     AND NOT EXISTS (SELECT 1 FROM referrals f WHERE f.person_id = p.id AND f.to_team_id IN ($team_list))
     AND NOT EXISTS (SELECT 1 FROM break_glass b WHERE b.person_id = p.id)
   ORDER BY p.id" > "$work/strangers.txt"
[ -s "$work/caseload.txt" ] || { echo "soak: no person could be put on the caseload" >&2; exit 1; }
pool=$(q "SELECT name FROM pools ORDER BY id LIMIT 1" | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip()))')
month=$(q "SELECT substr(MAX(entry_date), 1, 7) FROM journal_entries" 2> /dev/null || true)
[ -n "$month" ] || month=2025-10
cat > "$work/reports.txt" <<EOF
/api/v1/spend
/api/v1/budgets
/api/v1/jsna
/api/v1/pathways?pathway=referrals&report=dfg
/api/v1/casecommittee?top=20
/api/v1/budgets/statement?pool=$pool&month=$month
/api/v1/pathways?pathway=referrals&report=variants
/api/v1/budgets/practices?month=$month
/api/v1/area
EOF
echo "soak: area made in $(( $(date +%s) - t0 )) s: $(q 'SELECT COUNT(*) FROM persons') persons," \
  "$(wc -l < "$work/caseload.txt") on the caseload of teams $team_list, $(wc -l < "$work/strangers.txt") strangers"
cat "$db" > /dev/null
sync

"$bin/jointcare" serve --db "$db" --port 0 --log-level warn ${SOAK_SERVE_ARGS:-} > "$log" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q "serving on" "$log" && break; sleep 0.1; done
port=$(grep -o "serving on http://[0-9.]*:[0-9]*" "$log" | grep -o "[0-9]*$") ||
  { echo "soak: the server did not start:" >&2; cat "$log" >&2; exit 1; }
base="http://127.0.0.1:$port"
for _ in $(seq 1 1200); do curl -s "$base/healthz" | grep -q '"reports":"ready"' && break; sleep 0.5; done
curl -s "$base/healthz" | grep -q '"reports":"ready"' || { echo "soak: the reports were never ready" >&2; exit 1; }
sign_in() {
  curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"jointcare-demo\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
staff=()
for i in "${!users[@]}"; do
  staff+=("$(sign_in "${users[$i]}"):${teams[$i]}:${teams[$(( (i + 1) % ${#teams[@]} ))]}")
done
commissioner=$(sign_in commissioner)

# One sample: seconds since the load began, VmRSS (kB), descriptors, threads, the server's answers
# so far (its /metrics) and open connections, the size of the database's files (kB), of the RSS
# the part that is heap (RssAnon, kB; the rest is mapped files: the program, libraries), and of the
# heap what SQLite holds (its /metrics: the page caches, kB).
sample() {
  local rss anon fds thr
  # (0s if the server has just gone: the loop's check says so.)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status" 2> /dev/null || echo 0)
  anon=$(awk '/^RssAnon/ {print $2}' "/proc/$server/status" 2> /dev/null || echo 0)
  thr=$(awk '/^Threads/ {print $2}' "/proc/$server/status" 2> /dev/null || echo 0)
  fds=$(ls "/proc/$server/fd" 2> /dev/null | wc -l)
  local requests conns database
  read -r requests conns database <<< "$(curl -s --max-time 5 "$base/metrics" | awk '
    /^jointcare_http_requests_total/ {n += $NF}
    /^jointcare_open_connections/ {c = $NF}
    /^jointcare_database_cache_bytes/ {d = $NF}
    END {printf "%d %d %d", n, c, d / 1024}')"
  echo "$1 $rss $fds $thr $requests $conns $(du -sk "$work" | cut -f1) $anon $database"
}
alive() { kill -0 "$server" 2> /dev/null && ! grep -q '^State:.*Z' "/proc/$server/status" 2> /dev/null; }
# What the server's descriptors are: each target (files relative to the work folder) and how many.
fd_kinds() {
  for f in /proc/$server/fd/*; do readlink "$f" || true; done | sed -e "s|^$work/||" -e 's/:\[[0-9]*\]$//' |
    sort | uniq -c | awk '{printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1}'
}
before=$(sample 0)
echo "soak: idle before the load: rss_kb=$(echo "$before" | cut -d' ' -f2) fds=$(echo "$before" | cut -d' ' -f3) threads=$(echo "$before" | cut -d' ' -f4)"
echo "soak: its descriptors: $(fd_kinds)"

export SOAK_STAFF=$(IFS=,; echo "${staff[*]}") SOAK_CARE_THREADS=$care_threads SOAK_COMMISSIONER=$commissioner \
  SOAK_CASELOAD="$work/caseload.txt" SOAK_STRANGERS="$work/strangers.txt" SOAK_REPORTS="$work/reports.txt" \
  SOAK_REPORT_DELAY_MS=$report_delay SOAK_OUT="$work/wrk.out"
# The clients run a few seconds past the last sample, so that it is taken under the load.
run_for=$(( seconds + 3 ))
wrk -t$(( care_threads + 1 )) -c$(( care_threads + 1 )) -d${run_for}s --timeout 10s -s bench/soak.lua "$base" > "$work/wrk.txt" 2>&1 &
wrk_pid=$!
python3 bench/soak_client.py --port "$port" --seconds "$run_for" --token "${staff[0]%%:*}" \
  --person "$(head -1 "$work/caseload.txt")" --bad-rate "$bad_rate" --out "$work/client.json" > "$work/client.txt" 2>&1 &
client_pid=$!
start=$(date +%s.%N)
echo "soak: the curve (every $every s): t_s rss_kb (of it heap, of that SQLite's) fds threads requests_per_s open_connections files_kb"
echo "$before" > "$work/samples.tsv"
last_requests=$(echo "$before" | cut -d' ' -f5) last_t=0
for (( t = every; t < seconds + every; t += every )); do
  [ "$t" -le "$seconds" ] || t=$seconds  # the last sample at the end, whatever the step
  sleep "$(python3 -c "import time; print(max(0, $start + $t - time.time()))")"
  if ! alive; then
    echo "soak: the server is gone (at $t s): stopping the load" >&2
    kill -INT "$wrk_pid" 2> /dev/null || true  # wrk stops and reports on SIGINT
    kill -TERM "$client_pid" 2> /dev/null || true
    break
  fi
  s=$(sample "$t")
  echo "$s" >> "$work/samples.tsv"
  read -r _ rss fds thr requests conns files anon database <<< "$s"
  echo "sample t=$t rss_kb=$rss heap_kb=$anon sqlite_kb=$database fds=$fds threads=$thr requests_per_s=$(( (requests - last_requests) / (t - last_t) )) open_connections=$conns files_kb=$files"
  last_requests=$requests last_t=$t
done
# What the descriptors are, at the end under the load.
if alive; then echo "soak: the server's descriptors at the end: $(fd_kinds)"; fi
wait "$wrk_pid" || echo "soak: wrk exited with $?" >&2
wrk_pid=""
wait "$client_pid" || { echo "soak: the client failed:" >&2; cat "$work/client.txt" >&2; }
client_pid=""
# Once the load has stopped and its connections are closed, the idle figures again.
sleep 2
server_alive=1
if alive; then
  echo "after $(sample idle)" >> "$work/samples.tsv"
  echo "soak: its descriptors once the load stopped: $(fd_kinds)"
else
  server_alive=0
fi
grep -v '^$' "$work/wrk.txt" | grep -v '^ *\(Running\|[0-9]* threads\|Thread Stats\|Latency\|Req/Sec\)' | sed 's/^/wrk: /' || true
python3 bench/soak_summary.py --wrk "$work/wrk.out" --client "$work/client.json" --samples "$work/samples.tsv" \
  --warmup "$warmup" --fd-slack "$fd_slack" --rss-growth-pct "$rss_growth_pct" --server-alive "$server_alive" \
  --server-log "$log"
