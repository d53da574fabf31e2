#!/usr/bin/env bash
# Acknowledged writes over HTTP: one client posting case notes one after another (each a commit of
# the note and its audit event in the record trail, answered 201 only once committed), then eight
# at once. Prints notes a second and the latency distribution. Release build, a generated
# 20,000-person area.
#
# Usage: bench/note_writes.sh [notes=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-2000}
bin=build/release/bin
work=$(mktemp -d)
log="$work/serve.log"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/jointcare" generate --db "$work/area.db" --population 20000 --seed 1 > /dev/null
team=$(sqlite3 "$work/area.db" "SELECT team_id FROM staff_users WHERE username = 'dnurse'")
person=$(sqlite3 "$work/area.db" "SELECT id FROM persons ORDER BY id LIMIT 1")
sqlite3 "$work/area.db" "INSERT INTO involvements (person_id, team_id, service, started_at) VALUES ($person, $team, 'district_nursing', '2026-01-05T09:00:00Z')"
"$bin/jointcare" serve --db "$work/area.db" --port 0 --log-level warn > "$log" 2>&1 &
server=$!
for _ in $(seq 1 200); do grep -q "serving on" "$log" && break; sleep 0.1; done
port=$(grep -o "serving on http://[0-9.]*:[0-9]*" "$log" | grep -o "[0-9]*$")
for _ in $(seq 1 600); do curl -s "http://127.0.0.1:$port/healthz" | grep -q '"reports":"ready"' && break; sleep 0.2; done
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/session" -H 'Content-Type: application/json' \
  -d '{"username":"dnurse","password":"jointcare-demo"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
python3 - "$port" "$token" "$person" "$notes" <<'PY'
import http.client, json, sys, threading, time
port, token, person, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
def post(count, out):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(count):
        body = json.dumps({"category": "visit", "sensitivity": "normal", "body": f"visit {i}"})
        t = time.perf_counter()
        conn.request("POST", f"/api/v1/persons/{person}/notes", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = conn.getresponse(); r.read()
        assert r.status == 201, r.status
        out.append(time.perf_counter() - t)
for clients in (1, 8):
    lat = []
    threads = [threading.Thread(target=post, args=(n // clients, lat)) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - start
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    print(f"note_writes: clients={clients} notes={len(lat)} notes_per_s={len(lat) / wall:.0f} p50_ms={q(0.5):.2f} p99_ms={q(0.99):.2f} max_ms={lat[-1] * 1000:.2f}")
PY
