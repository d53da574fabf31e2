#!/usr/bin/env bash
# Killed mid-write: kill -9 during an import, a ledger posting, a link run, a generate and a server
# taking audited reads and writes; then the database is reopened and checked: its own integrity
# check (SQLite's integrity_check; on PostgreSQL amcheck over the tables and their indexes),
# `audit verify`, nothing half-done visible (each file all or nothing) and nothing the server
# acknowledged missing. Each kill lands wherever the work has got to, so every assertion holds
# whether it came early, in the middle or after the end.
# Arguments: path to jointcare, path to shared/, and the database: sqlite (the default) or
# postgres (a throwaway cluster of the newest /usr/lib/postgresql/*/bin, started and removed here).
set -euo pipefail
jc=$1
shared=$2
backend=${3:-sqlite}
work=$(mktemp -d)
server_pid=""
pg_bin=""
as_pg=()
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_bin" ] && [ -f "$work/pg/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL ($backend): $*" >&2; exit 1; }
case $backend in
  sqlite)
    db="$work/area.db"
    cut_db="$work/cut.db"
    q_in() { sqlite3 "$1" "$2"; }
    # The database's own check: SQLite's integrity_check.
    consistent() { [ "$(q_in "$1" 'PRAGMA integrity_check')" = ok ] || echo "integrity_check: $(q_in "$1" 'PRAGMA integrity_check' | head -3)"; }
    audit_files=()
    await_writes() { :; }
    settle() { :; }
    ;;
  postgres)
    for b in $(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V); do [ -x "$b/initdb" ] && pg_bin=$b; done
    [ -n "$pg_bin" ] || fail "no PostgreSQL server binaries under /usr/lib/postgresql"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres "$work"
      as_pg=(runuser -u postgres --)
    fi
    pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # fsync stays on, as in production: the kills are of jointcare, never of PostgreSQL, so what
    # is tested is that a client killed mid-transaction leaves nothing of it behind.
    "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C > "$work/initdb.log" 2>&1 ||
      fail "initdb: $(cat "$work/initdb.log")"
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 \
      -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start > /dev/null || fail "pg_ctl start: $(cat "$work/pg.log")"
    q_in() { "$pg_bin/psql" -X -tAq -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
    # Makes database $1 of the cluster, with amcheck when the server has it: its --db is $pg_db.
    amcheck=1
    new_pg_db() {
      "${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$1"
      pg_db="host=127.0.0.1 port=$pg_port user=postgres dbname=$1"
      q_in "$pg_db" "CREATE EXTENSION IF NOT EXISTS amcheck" 2> /dev/null || amcheck=0
    }
    new_pg_db jc
    db=$pg_db
    # The database's own check, with amcheck: every table's heap (verify_heapam) and every b-tree
    # index against it (bt_index_check with heapallindexed).
    consistent() {
      [ "$amcheck" -eq 1 ] || return 0
      local bad
      bad=$(q_in "$1" "SELECT COUNT(*) FROM pg_class c, verify_heapam(c.oid) WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace") ||
        { echo "verify_heapam failed"; return 0; }
      [ "$bad" -eq 0 ] || { echo "verify_heapam: $bad corrupt tuples"; return 0; }
      q_in "$1" "SELECT bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace" > "$work/amcheck.out" 2>&1 ||
        echo "bt_index_check: $(head -3 "$work/amcheck.out")"
    }
    # The audit key and the checkpoints the server signs, in the temporary directory.
    audit_files=(--key "$work/audit.key")
    # Waits until a client has a transaction that has written (its backend has a transaction id),
    # or process $1 has ended: reading the input before that takes longer than on SQLite.
    await_writes() {
      for _ in $(seq 1 1200); do
        kill -0 "$1" 2> /dev/null || return 0
        [ "$(q "SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")" -eq 0 ] || return 0
        sleep 0.05
      done
    }
    # A killed client's backend ends its transaction (a rollback) once it finds the client gone:
    # wait for that before counting.
    settle() {
      for _ in $(seq 1 600); do
        [ "$(q "SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")" -eq 0 ] && return 0
        sleep 0.1
      done
      fail "a killed client's backend still runs after 60 s"
    }
    ;;
  *) fail "the database is sqlite or postgres, not $backend" ;;
esac
q() { q_in "$db" "$1"; }
intact() {
  local problem
  problem=$(consistent "$db")
  [ -z "$problem" ] || fail "$1: $problem"
  local checkpoints=()
  if [ "$backend" = postgres ] && [ -s "$work/audit.checkpoints" ]; then checkpoints=(--checkpoint "$work/audit.checkpoints"); fi
  "$jc" audit verify --db "$db" "${audit_files[@]}" "${checkpoints[@]}" > "$work/verify.out" 2>&1 || fail "$1: audit verify: $(cat "$work/verify.out")"
}
# Runs a command in the background and kills it with SIGKILL after a random 50-800 ms (on
# PostgreSQL, 50-800 ms after it has begun to write).
kill_during() {
  "$@" > "$work/killed.out" 2>&1 &
  local pid=$!
  await_writes "$pid"
  sleep "0.$(printf '%03d' $((RANDOM % 750 + 50)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  settle
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
serve_files=()
if [ "$backend" = postgres ]; then serve_files=(--audit-key "$work/audit.key" --checkpoints "$work/audit.checkpoints"); fi
"$jc" serve --db "$db" --port 0 --log-level warn "${serve_files[@]}" > "$work/serve.log" 2>&1 &
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
settle
notes=$(grep -c '^note ' "$work/acknowledged" || true)
reads=$(grep -c '^read$' "$work/acknowledged" || true)
[ "$notes" -gt 0 ] && [ "$reads" -gt 0 ] || fail "the client was answered nothing before the kill ($(head -3 "$work/acknowledged"))"
intact "server killed"
acknowledged=$(grep '^note ' "$work/acknowledged" | cut -d' ' -f2 | sort -un)
found=$(q "SELECT COUNT(DISTINCT note_id) FROM case_notes WHERE note_id IN ($(echo "$acknowledged" | paste -sd,))")
[ "$found" -eq "$(echo "$acknowledged" | wc -l)" ] ||
  fail "$(( $(echo "$acknowledged" | wc -l) - found )) acknowledged notes are missing after the kill"
reads_after=$("$jc" audit search --as caldicott --db "$db" --user "$user" --trail access --limit 100000 | tail -n +2 | wc -l)
[ $((reads_after - reads_before)) -ge "$reads" ] || fail "$reads reads were answered but only $((reads_after - reads_before)) audited"

# A low file-descriptor limit (the HTTP server's, whatever the database: run with SQLite only): at `ulimit -n 128` with 150 connections held open the server
# lowers its connection cap to what the descriptors allow and answers the rest 503, so it never
# runs out (it used to retry failed accepts at once, 400,000 log lines in 5 s), and serves again
# once they close.
if [ "$backend" = sqlite ]; then
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
fi

# A generate killed part-way starts again from nothing when run again. SQLite: killed while it
# writes the area (a marker file says it did not finish). PostgreSQL, where the whole generate is
# one transaction: killed after the area's rows are written, while it links the records or
# simulates use, and nothing of it is left.
if [ "$backend" = sqlite ]; then
  kill_during "$jc" generate --db "$cut_db" --population 20000 --seed 4 --reference-dir "$shared/data/reference"
else
  # Killed a random time after linking began, each attempt (into a new database) sooner, until
  # one is killed before its commit. A kill can land after the commit and before the process ends
  # (the sanitizers' leak scan at exit takes a while): that database holds the whole area, down to
  # the last step's devolved budgets, and the next attempt is killed sooner. Anything between
  # nothing and the whole is a half-made area.
  killed_before_commit=0
  for attempt in 1 2 3 4 5; do
    new_pg_db "cut$attempt"
    cut_db=$pg_db
    rm -f "$work/killed.out"
    "$jc" generate --db "$cut_db" --population 3000 --seed 4 --reference-dir "$shared/data/reference" > "$work/killed.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do grep -q 'training\.\.\.' "$work/killed.out" 2> /dev/null && break; sleep 0.05; done
    ms=$((RANDOM % (2000 / attempt)))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    kill -9 "$pid" 2> /dev/null || true
    status=0
    wait "$pid" 2> /dev/null || status=$?
    settle
    organisations=$(q_in "$cut_db" "SELECT COUNT(*) FROM organisations")
    if [ "$organisations" -eq 0 ]; then
      [ "$status" -eq 137 ] || fail "a generate that was not killed left nothing ($(tail -1 "$work/killed.out"))"
      killed_before_commit=1
      break
    fi
    [ "$(q_in "$cut_db" "SELECT COUNT(*) FROM devolved_budgets")" -gt 0 ] &&
      [ "$(q_in "$cut_db" "SELECT COUNT(*) FROM involvements")" -gt 0 ] ||
      fail "a killed generate left a half-made area ($organisations organisations, no simulated use or budgets)"
  done
  [ "$killed_before_commit" -eq 1 ] || fail "five generates committed before their kill ($(tail -1 "$work/killed.out"))"
fi
"$jc" generate --db "$cut_db" --population 2000 --seed 4 --reference-dir "$shared/data/reference" > "$work/cut.log" 2>&1 ||
  fail "generate after a killed one: $(cat "$work/cut.log")"
problem=$(consistent "$cut_db")
[ -z "$problem" ] || fail "the regenerated area's integrity: $problem"
"$jc" audit verify --db "$cut_db" > /dev/null || fail "the regenerated area's audit"
[ "$(q_in "$cut_db" "SELECT COUNT(*) FROM involvements")" -gt 0 ] || fail "the regenerated area has no simulated use"

echo "fault_test ($backend): $notes acknowledged notes and $reads acknowledged reads survived kill -9; 5 kinds of kill, all intact"
