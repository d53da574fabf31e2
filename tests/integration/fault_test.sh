#!/usr/bin/env bash
# Killed mid-write: kill -9 during an import, a ledger posting, a link run, a generate and a server
# taking audited reads and writes; then the database is reopened and checked: SQLite's integrity
# check, `audit verify`, nothing half-done visible (each file all or nothing) and nothing the
# server acknowledged missing. Each kill lands wherever the work has got to, so every assertion
# holds whether it came early, in the middle or after the end.
# Arguments: path to jointcare, path to shared/.
set -euo pipefail
jc=$1
shared=$2
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db="$work/area.db"
q() { sqlite3 "$db" "$1"; }
intact() {
  [ "$(q 'PRAGMA integrity_check')" = ok ] || fail "$1: integrity_check: $(q 'PRAGMA integrity_check' | head -3)"
  "$jc" audit verify --db "$db" > "$work/verify.out" 2>&1 || fail "$1: audit verify: $(cat "$work/verify.out")"
}
# Runs a command in the background and kills it with SIGKILL after a random 50-800 ms.
kill_during() {
  "$@" > "$work/killed.out" 2>&1 &
  local pid=$!
  sleep "0.$(printf '%03d' $((RANDOM % 750 + 50)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

"$jc" generate --db "$db" --population 3000 --seed 11 --reference-dir "$shared/data/reference" > "$work/gen.log" ||
  fail "generate: $(cat "$work/gen.log")"
intact "after generate"

# An import of 60,000 records, killed: all of it or none.
cat > "$work/p.toml" <<'TOML'
id = "id"
[fields]
given_name = "given"
family_name = "family"
birth_date = "dob"
birth_date_format = "%Y-%m-%d"
sex = "sex"
postcode = "postcode"
TOML
awk 'BEGIN { print "id,given,family,dob,sex,postcode"; for (i = 1; i <= 60000; i++) printf "F%d,Ann%d,Lee,1950-01-%02d,F,CW1 3AB\n", i, i % 97, i % 28 + 1 }' > "$work/big.csv"
before=$(q "SELECT COUNT(*) FROM local_records")
for attempt in 1 2 3; do
  kill_during "$jc" import --db "$db" --organisation LA049A --file "$work/big.csv" --profile "$work/p.toml"
  intact "import killed (attempt $attempt)"
  now=$(q "SELECT COUNT(*) FROM local_records")
  if [ "$now" -ne "$before" ]; then
    [ "$now" -eq $((before + 60000)) ] || fail "a killed import left $((now - before)) of 60000 records"
    break
  fi
done
if [ "$(q "SELECT COUNT(*) FROM local_records")" -eq "$before" ]; then
  "$jc" import --db "$db" --organisation LA049A --file "$work/big.csv" --profile "$work/p.toml" > /dev/null || fail "import after the kills"
fi
[ "$(q "SELECT COUNT(*) FROM local_records")" -eq $((before + 60000)) ] || fail "the import after the kills is incomplete"

# A journal file of 20,000 balanced entries, killed: every entry or none, and the ledger balances.
awk 'BEGIN { print "entry,date,pool,account,debit_pence,credit_pence,kind,description";
  for (i = 1; i <= 20000; i++) { printf "J%d,2025-07-01,Better Care Fund,fund,%d,,adjustment,move %d\n", i, i, i;
                                  printf "J%d,2025-07-01,Better Care Fund,reserve,,%d,adjustment,move %d\n", i, i, i } }' > "$work/journal.csv"
entries=$(q "SELECT COUNT(*) FROM journal_entries")
kill_during "$jc" budget post --db "$db" --journal "$work/journal.csv"
intact "ledger posting killed"
now=$(q "SELECT COUNT(*) FROM journal_entries")
[ "$now" -eq "$entries" ] || [ "$now" -eq $((entries + 20000)) ] || fail "a killed posting left $((now - entries)) of 20000 entries"
"$jc" budget check --db "$db" > "$work/check.out" || fail "the ledger after a killed posting: $(cat "$work/check.out")"

# A link run over every record, killed: the person index is the old one or the new one.
persons=$(q "SELECT COUNT(*) FROM persons")
kill_during "$jc" link --db "$db"
intact "link killed"
unlinked=$(q "SELECT COUNT(*) FROM local_records WHERE person_id IS NULL OR person_id NOT IN (SELECT id FROM persons)")
[ "$(q "SELECT COUNT(*) FROM persons")" -gt 0 ] || fail "a killed link run left no persons (had $persons)"
"$jc" link --db "$db" > "$work/link.out" 2>&1 || fail "link after a killed one: $(cat "$work/link.out")"
[ "$(q "SELECT COUNT(*) FROM local_records WHERE person_id IS NULL")" -eq 0 ] || fail "records left without a person after relinking"
intact "after relinking (unlinked after the kill: $unlinked)"

# The server killed while it answers audited reads and writes: every write it acknowledged (201)
# is there, every read it answered (200) has its audit event, and both chains verify.
"$jc" serve --db "$db" --port 0 --log-level warn > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do grep -q "serving on" "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o "serving on http://[0-9.]*:[0-9]*" "$work/serve.log" | grep -o "[0-9]*$")
for _ in $(seq 1 600); do curl -s "http://127.0.0.1:$port/healthz" | grep -q '"reports":"ready"' && break; sleep 0.2; done
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/session" -H 'Content-Type: application/json' \
  -d '{"username":"dnurse","password":"jointcare-demo"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
team=$(q "SELECT team_id FROM staff_users WHERE username = 'dnurse'")
person=$(q "SELECT id FROM persons ORDER BY id LIMIT 1")
q "INSERT INTO involvements (person_id, team_id, service, started_at) VALUES ($person, $team, 'district_nursing', '2026-01-05T09:00:00Z')"
user=$(q "SELECT id FROM staff_users WHERE username = 'dnurse'")
reads_before=$("$jc" audit search --as caldicott --db "$db" --user "$user" --trail access --limit 100000 | tail -n +2 | wc -l)
python3 - "$port" "$token" "$person" "$work/acknowledged" <<'PY' &
import http.client, json, sys
port, token, person, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(out, "w") as f:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for i in range(100000):
        try:
            if i % 2:
                body = json.dumps({"category": "visit", "sensitivity": "normal", "body": f"visit {i}"})
                conn.request("POST", f"/api/v1/persons/{person}/notes", body,
                             {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                if r.status == 201:
                    f.write("note " + str(json.loads(data)["note_id"]) + "\n")
            else:
                conn.request("GET", f"/api/v1/persons/{person}", headers={"Authorization": "Bearer " + token})
                r = conn.getresponse()
                r.read()
                if r.status == 200:
                    f.write("read\n")
            f.flush()
        except Exception:
            break
PY
client=$!
sleep 2
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
wait "$client" 2>/dev/null || true
notes=$(grep -c '^note ' "$work/acknowledged" || true)
reads=$(grep -c '^read$' "$work/acknowledged" || true)
[ "$notes" -gt 0 ] && [ "$reads" -gt 0 ] || fail "the client was answered nothing before the kill ($(head -3 "$work/acknowledged"))"
intact "server killed"
for id in $(grep '^note ' "$work/acknowledged" | cut -d' ' -f2); do
  [ "$(q "SELECT COUNT(*) FROM case_notes WHERE note_id = $id")" -ge 1 ] || fail "acknowledged note $id is missing after the kill"
done
reads_after=$("$jc" audit search --as caldicott --db "$db" --user "$user" --trail access --limit 100000 | tail -n +2 | wc -l)
[ $((reads_after - reads_before)) -ge "$reads" ] || fail "$reads reads were answered but only $((reads_after - reads_before)) audited"

# A low file-descriptor limit: at `ulimit -n 128` with 150 connections held open the server
# lowers its connection cap to what the descriptors allow and answers the rest 503, so it never
# runs out (it used to retry failed accepts at once, 400,000 log lines in 5 s), and serves again
# once they close.
(ulimit -n 128; exec "$jc" serve --db "$db" --port 0 --log-level info) > "$work/fd.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do grep -q "serving on" "$work/fd.log" && break; sleep 0.1; done
port=$(grep -o "serving on http://[0-9.]*:[0-9]*" "$work/fd.log" | grep -o "[0-9]*$")
python3 - "$port" > "$work/fd.out" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held, busy = [], 0
for _ in range(150):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = s.recv(4096)
    if reply.startswith(b"HTTP/1.1 503"):
        busy += 1
        s.close()
    else:
        held.append(s)
print(len(held), busy)
time.sleep(1)
for s in held:
    s.close()
PY
sleep 0.5
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz" || true)
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
read -r served refused < "$work/fd.out"
[ "$code" = 200 ] || fail "the server did not serve again after the connections closed ($code)"
[ "$refused" -gt 0 ] && [ "$served" -gt 0 ] || fail "with 128 descriptors, 150 connections: $served served, $refused refused"
grep -q '"max_connections_lowered"' "$work/fd.log" || fail "the connection cap was not lowered to the descriptors"
! grep -q '"accept_failed"' "$work/fd.log" || fail "the server ran out of descriptors: $(grep -c accept_failed "$work/fd.log") failed accepts"

# A generate killed part-way starts again from nothing when run again.
kill_during "$jc" generate --db "$work/cut.db" --population 20000 --seed 4 --reference-dir "$shared/data/reference"
"$jc" generate --db "$work/cut.db" --population 2000 --seed 4 --reference-dir "$shared/data/reference" > "$work/cut.log" 2>&1 ||
  fail "generate after a killed one: $(cat "$work/cut.log")"
[ "$(sqlite3 "$work/cut.db" 'PRAGMA integrity_check')" = ok ] || fail "the regenerated area's integrity"
"$jc" audit verify --db "$work/cut.db" > /dev/null || fail "the regenerated area's audit"

echo "fault_test: $notes acknowledged notes and $reads acknowledged reads survived kill -9; 5 kinds of kill, all intact"
