#!/usr/bin/env bash
# The jointcare command as users run it: generate with extracts, import (good and bad), serve,
# health check, graceful stop on SIGTERM. Arguments: path to jointcare, path to shared/.
set -euo pipefail
jc=$1
shared=$2
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$jc" version | grep -q '^jointcare ' || fail "version"
"$jc" generate --help | grep -q -- '--population' || fail "generate --help"
set +e; "$jc" frobnicate >/dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "an unknown subcommand should exit 2, got $rc"

"$jc" generate --db "$work/area.db" --population 2000 --seed 4 --reference-dir "$shared/data/reference" \
  --export-dir "$work/extracts" > "$work/gen.log"
grep -q 'Generated 2000 people' "$work/gen.log" || fail "generate: $(cat "$work/gen.log")"
grep -q 'Simulated 28 days of use' "$work/gen.log" || fail "generate should simulate a period of use: $(cat "$work/gen.log")"
[ -f "$work/area.access-1.db" ] || fail "the access log should sit beside the database"
[ "$(sqlite3 "$work/area.access-1.db" "SELECT COUNT(*) > 0 FROM access_events WHERE action = 'read'")" = 1 ] || fail "the simulated use left no audited reads"
[ -s "$work/extracts/truth.csv" ] || fail "no truth.csv"
ls "$work/extracts"/*.toml >/dev/null || fail "no profiles"

set +e; "$jc" generate --db "$work/area.db" --population 2000 --reference-dir "$shared/data/reference" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "generating into a used database should exit 2, got $rc"

[ ! -e "$work/area.db.generating" ] || fail "a finished generate should leave no marker"

# A generate killed part-way leaves its marker; the next one starts again from nothing and finishes.
"$jc" generate --db "$work/cut.db" --population 20000 --seed 4 --reference-dir "$shared/data/reference" > "$work/cut.log" 2>&1 &
cut_pid=$!
for _ in $(seq 1 100); do [ -s "$work/cut.db" ] && break; sleep 0.05; done
kill -9 "$cut_pid" 2>/dev/null || true
wait "$cut_pid" 2>/dev/null || true
was_cut=0
[ -e "$work/cut.db.generating" ] && was_cut=1
"$jc" generate --db "$work/cut.db" --population 2000 --seed 4 --reference-dir "$shared/data/reference" --no-simulate > "$work/cut2.log" 2>&1 ||
  fail "generate after an interrupted one should start again: $(cat "$work/cut2.log")"
if [ "$was_cut" = 1 ]; then grep -q 'did not finish: starting again' "$work/cut2.log" || fail "the restart should say so: $(cat "$work/cut2.log")"; fi
[ ! -e "$work/cut.db.generating" ] || fail "the restarted generate should remove its marker"
[ "$(sqlite3 "$work/cut.db" "SELECT COUNT(*) FROM local_records")" -gt 2000 ] || fail "the restarted area is incomplete"

count() { sqlite3 "$work/area.db" "SELECT COUNT(*) FROM local_records"; }
before=$(count)
cat > "$work/p.toml" <<'TOML'
id = "id"
[fields]
given_name = "given"
family_name = "family"
birth_date = "dob"
birth_date_format = "%d/%m/%Y"
nhs_number = "nhs"
TOML
printf 'id,given,family,dob,nhs\nX1,Ann,Lee,01/02/1950,9990000018\nX2,Bob,Ray,31/02/1950,\n' > "$work/bad.csv"
set +e; "$jc" import --db "$work/area.db" --organisation LA049A --file "$work/bad.csv" --profile "$work/p.toml" 2> "$work/err.txt"; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "a bad import should exit 2, got $rc"
grep -q 'bad.csv:3: field dob' "$work/err.txt" || fail "error should name line and field: $(cat "$work/err.txt")"
[ "$(count)" -eq "$before" ] || fail "a failed import changed the database"
printf 'id,given,family,dob,nhs\nX1,Ann,Lee,01/02/1950,9990000018\nX2,Bob,Ray,28/02/1950,\n' > "$work/good.csv"
"$jc" import --db "$work/area.db" --organisation LA049A --file "$work/good.csv" --profile "$work/p.toml" | grep -q 'Imported 2 records' \
  || fail "good import"
[ "$(count)" -eq $((before + 2)) ] || fail "a good import did not add 2 records"

# Pathways: the reference log through the command form outside checks use.
out=$("$jc" pathways --log "$shared/data/pathways/running-example.xes" --report summary --format json)
echo "$out" | grep -q '"cases": 6' || fail "pathways summary: $out"
echo "$out" | grep -q '"variants": 6' || fail "pathways variants: $out"
edges=$("$jc" pathways --log "$shared/data/pathways/sepsis.csv" --separator ';' --case 'Case ID' --activity Activity \
  --timestamp 'Complete Timestamp' --report dfg --format csv | tail -n +2 | wc -l)
[ "$edges" -eq 115 ] || fail "sepsis should have 115 DF edges, got $edges"
"$jc" pathways --log "$shared/data/pathways/running-example.xes" --report dfg --format svg > "$work/map.svg"
grep -q "<svg" "$work/map.svg" || fail "no SVG map"
"$jc" pathways --db "$work/area.db" --pathway referrals --report handoffs > "$work/handoffs.json"
grep -q '"ping_pong_cases"' "$work/handoffs.json" || fail "pathways from the database"
printf '<log><trace><event></trace></log>' > "$work/bad.xes"
set +e; "$jc" pathways --log "$work/bad.xes" 2> "$work/xes.err"; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "a malformed log should exit 2, got $rc"
grep -q 'line 1, column' "$work/xes.err" || fail "XES error should name line and column: $(cat "$work/xes.err")"

# Linkage in the command forms outside checks use: a dedupe of FEBRL dataset 1, then the database.
cat > "$work/febrl.toml" <<'TOML'
id = "rec_id"
[fields]
nhs_number = "soc_sec_id"
given_name = "given_name"
family_name = "surname"
birth_date = "date_of_birth"
birth_date_format = "%Y%m%d"
address = ["street_number", "address_1", "address_2"]
town = "suburb"
postcode = "postcode"
TOML
"$jc" link --dedupe "$shared/data/linkage/febrl_dataset1.csv" --left-profile "$work/febrl.toml" --out "$work/links.csv" 2> "$work/link.err"
head -1 "$work/links.csv" | grep -q '^left_id,right_id,match_probability$' || fail "LINKS.csv header: $(head -1 "$work/links.csv")"
grep -q 'Blocking: identifier' "$work/link.err" || fail "no per-rule blocking counts: $(cat "$work/link.err")"
f1=$("$jc" link-evaluate --links "$work/links.csv" --truth "$shared/data/linkage/febrl_dataset1.csv" --febrl-ids --mode dedupe | sed -n 's/.*f1=\([0-9.]*\).*/\1/p')
awk -v f="$f1" 'BEGIN { exit !(f >= 0.98) }' || fail "FEBRL1 dedupe F1 $f1 < 0.98"
"$jc" link --db "$work/area.db" --evaluate | grep -q 'precision=' || fail "link --db"
"$jc" link --db "$work/area.db" --incremental | grep -q 'Linked 0 new records' || fail "link --db --incremental with nothing new"
# The clerical review changes the person index only as a member of staff whose role allows it.
set +e; "$jc" link-review --db "$work/area.db" --undo-merge 1 2> "$work/review.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q -- '--as USERNAME' "$work/review.err" || fail "link-review without --as: $(cat "$work/review.err")"
set +e; "$jc" link-review --db "$work/area.db" --undo-merge 1 --as sworker 2> "$work/review.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'may not change the person index' "$work/review.err" || fail "link-review by a social worker: $(cat "$work/review.err")"
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'person.unmerge' AND reason = 'role' AND outcome = 'denied'")" = 1 ] || fail "the refused unmerge should be audited once"

# JSNA in the form outside checks use.
"$jc" jsna --db "$work/area.db" --format json > "$work/jsna.json"
grep -q '"population_count": 2000' "$work/jsna.json" || fail "jsna population_count"

"$jc" casecommittee --db "$work/area.db" --format json > "$work/cc.json"
grep -q '"top_1_percent_share"' "$work/cc.json" || fail "casecommittee json"
"$jc" casecommittee --db "$work/area.db" --format csv > "$work/cc.csv"
head -1 "$work/cc.csv" | grep -q '^locality,rank,person' || fail "casecommittee csv"
# Reports from the person-level rows are reads of them: each audited as the operator's.
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'commissioning.read' AND user_role = 'operator' AND record_id = 'casecommittee'")" = 2 ] \
  || fail "each casecommittee report should be audited"
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'commissioning.read' AND record_id = 'jsna'")" = 1 ] \
  || fail "the jsna report should be audited"
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'commissioning.read' AND record_id = 'pathways referrals'")" -ge 1 ] \
  || fail "pathways from the database should be audited"
# Every commissioning report as table, CSV and JSON.
"$jc" casecommittee --db "$work/area.db" --format table > "$work/cc.txt"
head -1 "$work/cc.txt" | grep -q '^locality  *rank  *person' || fail "casecommittee table: $(head -2 "$work/cc.txt")"
"$jc" jsna --db "$work/area.db" --format csv > "$work/jsna.csv"
head -1 "$work/jsna.csv" | grep -q '^measure,cut,group,count,population,value,ci95_lower,ci95_upper,comparison$' || fail "jsna csv"
grep -q '^ae_attendances,localities,' "$work/jsna.csv" || fail "jsna csv rows"
"$jc" spend --db "$work/area.db" --format table > "$work/spend.txt"
head -1 "$work/spend.txt" | grep -q '^service  *total' || fail "spend table"

# Export: by a member of staff who keeps the person index, audited, the person's consent applied,
# every file its owner's only.
set +e; "$jc" export --db "$work/area.db" --dir "$work/out" --as sworker 2> "$work/export.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'may not export' "$work/export.err" || fail "export by a social worker: $(cat "$work/export.err")"
[ ! -e "$work/out" ] || fail "a refused export wrote files"
council=$(sqlite3 "$work/area.db" "SELECT organisation_id FROM staff_users WHERE username = 'admin'")
# A record held by another organisation whose person refused sharing out of it.
read -r refused_org refused_code refused_local refused_person <<< "$(sqlite3 -separator ' ' "$work/area.db" \
  "SELECT r.organisation_id, o.ods_code, r.local_id, r.person_id FROM local_records r JOIN organisations o ON o.id = r.organisation_id
   WHERE r.organisation_id <> $council AND r.person_id IS NOT NULL ORDER BY r.id LIMIT 1")"
left_out() { sed -n 's/.*(\([0-9]*\) left out.*/\1/p' "$1"; }
"$jc" export --db "$work/area.db" --dir "$work/out-before" --as admin > "$work/export-before.out" || fail "export: $(cat "$work/export-before.out")"
cut -d, -f1 "$work/out-before/$refused_code.csv" | grep -qx "$refused_local" || fail "the record should be exported before the refusal"
sqlite3 "$work/area.db" "INSERT INTO consents (person_id, organisation_id, direction, allowed, recorded_at) VALUES
  ($refused_person, $refused_org, 'share_out', 0, '2026-01-01T00:00:00Z')"
before_events=$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'extract.export' AND outcome = 'success'")
"$jc" export --db "$work/area.db" --dir "$work/out" --as admin > "$work/export.out" || fail "export: $(cat "$work/export.out")"
held=$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM local_records WHERE person_id = $refused_person AND organisation_id = $refused_org")
[ "$(( $(left_out "$work/export.out") - $(left_out "$work/export-before.out") ))" -eq "$held" ] || fail "export should leave out the $held newly refused records: $(cat "$work/export-before.out" "$work/export.out")"
cut -d, -f1 "$work/out/$refused_code.csv" | grep -qx "$refused_local" && fail "the refused record was exported"
files=$(ls "$work/out"/*.csv | grep -vc truth.csv)
after_events=$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'extract.export' AND outcome = 'success'")
[ "$((after_events - before_events))" -eq "$files" ] || fail "export should audit each of its $files extracts, got $((after_events - before_events))"
for f in "$work/out"/*; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not its owner's only: $(stat -c %a "$f")"
done
"$jc" export --db "$work/area.db" --dir "$work/out" --as admin > /dev/null || fail "export again over the same folder"
# Without a staff account, as the system's operator (of no organisation): audited the same way.
"$jc" export --db "$work/area.db" --dir "$work/out-operator" > "$work/export-op.out" || fail "export as the operator"
cut -d, -f1 "$work/out-operator/$refused_code.csv" | grep -qx "$refused_local" && fail "the operator's export should leave out the refused record"
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE operation = 'extract.export' AND user_role = 'operator'")" -eq "$files" ] \
  || fail "the operator's export should audit each extract"
[ "$(stat -c %a "$work/out/truth.csv")" = 600 ] || fail "a rewritten file is not its owner's only"

# The refusal above was slipped into the table by hand, not recorded through the gate: verification
# finds a consent choice no event sealed. It goes again before what follows.
set +e; "$jc" audit verify --db "$work/area.db" > "$work/verify.out"; rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q 'the consent choice [0-9]* has no event sealing it' "$work/verify.out" || fail "a consent slipped in: $rc $(cat "$work/verify.out")"
sqlite3 "$work/area.db" "DELETE FROM consents WHERE person_id = $refused_person AND organisation_id = $refused_org AND recorded_by_user_id IS NULL"
# The audit chain: intact after the work above, broken (naming the event) when altered.
"$jc" audit verify --db "$work/area.db" > "$work/verify.out" || fail "audit verify on an untouched chain: $(cat "$work/verify.out")"
grep -q 'intact: .*(record trail [1-9][0-9]*, access trail [1-9][0-9]*)' "$work/verify.out" || fail "audit verify should count both trails: $(cat "$work/verify.out")"
grep -q 'cannot be detected without one' "$work/verify.out" || fail "audit verify without a checkpoint should say what it cannot see"
# Signed checkpoints: the key made 0600 outside the database, the log held to them, inclusion
# proofs that an independent implementation (Python's hashlib, RFC 9162) accepts.
"$jc" audit checkpoint --db "$work/area.db" > "$work/checkpoint.out" || fail "audit checkpoint: $(cat "$work/checkpoint.out")"
[ "$(stat -c %a "$work/area.audit-key")" = 600 ] || fail "the audit key is not its owner's only"
[ -s "$work/area.audit-key.pub" ] && [ -s "$work/area.checkpoints" ] || fail "audit checkpoint should write the verifier key and the checkpoint file"
grep -q "$(sed -n 1p "$work/area.audit-key.pub" | cut -d+ -f3)" "$work/area.db" && fail "the database holds the audit key"
cp "$work/area.checkpoints" "$work/witness.checkpoints"
"$jc" audit verify --db "$work/area.db" --checkpoint "$work/witness.checkpoints" > "$work/verify.out" || fail "audit verify --checkpoint: $(cat "$work/verify.out")"
grep -q 'extends all 2 checkpoints' "$work/verify.out" || fail "audit verify --checkpoint: $(cat "$work/verify.out")"
access_size=$(sed -n 2p <(awk '/\/access$/{p=1} p' "$work/area.checkpoints"))
for ev in 1 2 $((access_size / 2)) "$access_size"; do
  "$jc" audit prove --db "$work/area.db" --trail access --event "$ev" > "$work/proof-$ev.json" || fail "audit prove event $ev"
  python3 "$(dirname "$0")/../support/verify_inclusion.py" "$work/proof-$ev.json" > "$work/pyproof.out" || fail "Python rejects the proof of access event $ev: $(cat "$work/pyproof.out")"
  "$jc" audit prove --check "$work/proof-$ev.json" --verifier "$work/area.audit-key.pub" | grep -q '^proof valid' || fail "audit prove --check event $ev"
done
"$jc" audit prove --db "$work/area.db" --trail record --event 3 > "$work/proof-r3.json" || fail "audit prove (record trail)"
python3 "$(dirname "$0")/../support/verify_inclusion.py" "$work/proof-r3.json" > /dev/null || fail "Python rejects the proof of record event 3"
sed 's/"occurred_at": "20/"occurred_at": "19/' "$work/proof-$access_size.json" > "$work/proof-forged.json"
set +e; python3 "$(dirname "$0")/../support/verify_inclusion.py" "$work/proof-forged.json" > /dev/null; rc=$?
"$jc" audit prove --check "$work/proof-forged.json" --verifier "$work/area.audit-key.pub" > "$work/forged.out"; rc2=$?; set -e
[ "$rc" -ne 0 ] && [ "$rc2" -eq 1 ] && grep -q 'NOT valid' "$work/forged.out" || fail "an altered proof should not verify ($rc, $rc2)"
# Truncation a chain cannot see: the newest access events cut off; the witness's checkpoint sees it.
cp "$work/area.access-1.db" "$work/access-1.saved"; cp "$work/area.access-2.db" "$work/access-2.saved"
for part in 1 2; do sqlite3 "$work/area.access-$part.db" "DELETE FROM access_events WHERE id > $((access_size - 4))"; done
set +e; "$jc" audit verify --db "$work/area.db" --checkpoint "$work/witness.checkpoints" > "$work/verify.out"; rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q "access trail has $((access_size - 4)) events, but checkpoint 2" "$work/verify.out" || fail "a truncated access trail: $rc $(cat "$work/verify.out")"
cp "$work/access-1.saved" "$work/area.access-1.db"; cp "$work/access-2.saved" "$work/area.access-2.db"
"$jc" audit verify --db "$work/area.db" --checkpoint "$work/witness.checkpoints" > /dev/null || fail "the log restored"
"$jc" audit search --as caldicott --db "$work/area.db" --action create > "$work/audit-search.out"
grep -q 'person_index' "$work/audit-search.out" || fail "audit search"
grep -q '^access,.*,read,' "$work/audit-search.out" && fail "audit search --action create listed reads"
set +e; "$jc" audit search --as sworker --db "$work/area.db" > "$work/audit-refused.out" 2> "$work/audit-refused.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'may not search the audit trail' "$work/audit-refused.err" || fail "audit search by a social worker: $(cat "$work/audit-refused.err")"
"$jc" audit search --as caldicott --db "$work/area.db" --trail access --limit 5 > "$work/audit-access.out"
[ "$(tail -n +2 "$work/audit-access.out" | grep -c '^access,')" = 5 ] || fail "audit search --trail access: $(cat "$work/audit-access.out")"
# The access log's index: made now (the simulated use left fewer events than an append indexes
# by itself), then an entry removed, which would hide a look from "who looked", breaks verification.
"$jc" audit index --db "$work/area.db" > "$work/index.out"
grep -q '^indexed [1-9][0-9]* events of the access trail$' "$work/index.out" || fail "audit index: $(cat "$work/index.out")"
[ "$(sqlite3 "$work/area.access-1.db" "SELECT indexed_through = (SELECT MAX(id) FROM access_events) FROM access_index_state")" = 1 ] || fail "audit index left events past the index"
"$jc" audit verify --db "$work/area.db" > "$work/verify.out" || fail "audit verify after indexing: $(cat "$work/verify.out")"
looked=$(sqlite3 "$work/area.access-1.db" "SELECT key_id || ' ' || event_id FROM access_index WHERE kind = 1 ORDER BY event_id LIMIT 1")
"$jc" audit search --as caldicott --db "$work/area.db" --trail access --person "${looked% *}" > "$work/looked.out"
grep -q "^access,${looked#* }," "$work/looked.out" || fail "audit search by person should find event ${looked#* }: $(cat "$work/looked.out")"
entry=$(sqlite3 -separator , "$work/area.access-1.db" "SELECT segment, kind, key_id, event_id FROM access_index WHERE kind = 1 AND event_id = ${looked#* }")
sqlite3 "$work/area.access-1.db" "DELETE FROM access_index WHERE kind = 1 AND event_id = ${looked#* }"
grep -q "^access,${looked#* }," <("$jc" audit search --as caldicott --db "$work/area.db" --trail access --person "${looked% *}") && fail "the index entry removed still found"
set +e; "$jc" audit verify --db "$work/area.db" > "$work/verify.out"; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "audit verify should fail on a tampered access index"
grep -q "broken at event ${looked#* } of the access trail: the access log's index" "$work/verify.out" || fail "audit verify should name the index: $(cat "$work/verify.out")"
sqlite3 "$work/area.access-1.db" "INSERT INTO access_index (segment, kind, key_id, event_id) VALUES ($entry)"
"$jc" audit verify --db "$work/area.db" > "$work/verify.out" || fail "audit verify with the entry put back: $(cat "$work/verify.out")"
sqlite3 "$work/area.access-1.db" "UPDATE access_events SET purpose = 'curiosity' WHERE id = 3"
set +e; "$jc" audit verify --db "$work/area.db" > "$work/verify.out"; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "audit verify should fail on an altered access trail"
grep -q 'broken at event 3 of the access trail' "$work/verify.out" || fail "audit verify should name access event 3: $(cat "$work/verify.out")"
sqlite3 "$work/area.db" "UPDATE audit_events SET purpose = 'curiosity' WHERE id = 1"
set +e; "$jc" audit verify --db "$work/area.db" > "$work/verify.out"; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "audit verify should fail on an altered chain"
grep -q 'broken at event 1 of the record trail' "$work/verify.out" || fail "audit verify should name event 1: $(cat "$work/verify.out")"
sqlite3 "$work/area.db" "DELETE FROM audit_events; DELETE FROM audit_tree; DELETE FROM audit_tree_state; DELETE FROM break_glass; DELETE FROM seal_breaks; DELETE FROM alerts; DELETE FROM consents"
rm -f "$work/area.checkpoints"
for part in 1 2; do  # a fresh start for what follows: the events and the index of them
  sqlite3 "$work/area.access-$part.db" "DELETE FROM access_events; DELETE FROM access_index; UPDATE access_index_state SET indexed_through = 0"
done

# Section 75 pooled budgets: seeded by generate, balanced, a statement, journals all or nothing.
"$jc" budget check --db "$work/area.db" > "$work/budget.out" || fail "budget check: $(cat "$work/budget.out")"
grep -q 'Better Care Fund *balanced' "$work/budget.out" || fail "budget check output: $(cat "$work/budget.out")"
"$jc" budget statement --db "$work/area.db" --pool "Better Care Fund" --month 2025-09 --format json > "$work/statement.json"
grep -q '"forecast_outturn_pence"' "$work/statement.json" || fail "budget statement json"
# The aligned Continuing Healthcare budget: each partner's column, no risk share.
"$jc" budget statement --db "$work/area.db" --pool "Continuing Healthcare" --month 2025-09 > "$work/aligned.out"
grep -q 'Aligned: each partner' "$work/aligned.out" || fail "aligned statement: $(cat "$work/aligned.out")"
set +e; "$jc" budget risk-share --db "$work/area.db" --pool "Continuing Healthcare" --year-end 2026-03-31 2> "$work/aligned.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'is an aligned budget' "$work/aligned.err" || fail "an aligned budget has no risk share: $(cat "$work/aligned.err")"
# Devolved to localities; practices' notional budgets and the contracts they make.
"$jc" budget localities --db "$work/area.db" --pool "Better Care Fund" --month 2026-03 --format csv > "$work/localities.csv"
[ "$(wc -l < "$work/localities.csv")" -eq 8 ] || fail "seven localities and a header: $(cat "$work/localities.csv")"
"$jc" budget practices --db "$work/area.db" --month 2026-03 --format json > "$work/practices.json"
grep -q '"contracts"' "$work/practices.json" && grep -q '"notional_pence"' "$work/practices.json" || fail "budget practices json"
set +e; "$jc" budget practices --db "$work/area.db" --month 2031-03 2> "$work/practices.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'no notional budgets for the financial year 2030' "$work/practices.err" || fail "practices for a year with none: $(cat "$work/practices.err")"
entries=$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM journal_entries")
printf 'entry,date,pool,account,debit_pence,credit_pence,kind,description\nA,2025-06-01,Better Care Fund,fund,500,,adjustment,one\nA,2025-06-01,Better Care Fund,reserve,,500,adjustment,one\nB,2025-06-02,Better Care Fund,fund,100,,adjustment,two\nB,2025-06-02,Better Care Fund,reserve,,99,adjustment,two\n' > "$work/journal.csv"
set +e; "$jc" budget post --db "$work/area.db" --journal "$work/journal.csv" 2> "$work/journal.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'journal.csv:4: entry B: unbalanced' "$work/journal.err" || fail "an unbalanced journal should be refused naming its line: $(cat "$work/journal.err")"
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM journal_entries")" = "$entries" ] || fail "a refused journal file should post nothing"
printf 'entry,date,pool,account,debit_pence,credit_pence,kind,description\nA,2025-06-01,No Such Pool,fund,500,,adjustment,one\n' > "$work/journal2.csv"
set +e; "$jc" budget post --db "$work/area.db" --journal "$work/journal2.csv" 2> "$work/journal.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'journal2.csv:2: pool: no pool' "$work/journal.err" || fail "an unknown pool should be refused: $(cat "$work/journal.err")"
sed -i 's/,99,adjustment,two/,100,adjustment,two/' "$work/journal.csv"
"$jc" budget post --db "$work/area.db" --journal "$work/journal.csv" | grep -q 'posted 2 journal entries' || fail "budget post"
"$jc" budget risk-share --db "$work/area.db" --pool "Better Care Fund" --year-end 2026-03-31 --method cascade > "$work/risk.out" || fail "risk share: $(cat "$work/risk.out")"
grep -q 'from the reserve' "$work/risk.out" || fail "risk share output: $(cat "$work/risk.out")"
"$jc" budget check --db "$work/area.db" > /dev/null || fail "the ledger should balance after the risk share"

# Staff and role administration: audited; bad input refused with the option named.
"$jc" roles > "$work/roles.out"
grep -q '^commissioner *aggregates$' "$work/roles.out" || fail "roles: $(cat "$work/roles.out")"
printf '[roles]\ndistrict_nurse = ["fly"]\n' > "$work/roles.toml"
set +e; "$jc" roles --file "$work/roles.toml" 2> "$work/roles.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'roles.toml:2' "$work/roles.err" || fail "a bad role table should be refused naming its line: $(cat "$work/roles.err")"
org=$(sqlite3 "$work/area.db" "SELECT o.ods_code FROM organisations o JOIN staff_users s ON s.organisation_id = o.id WHERE s.username = 'dnurse'")
team=$(sqlite3 "$work/area.db" "SELECT team_id FROM staff_users WHERE username = 'dnurse'")
set +e; JOINTCARE_PASSWORD=short "$jc" users add --db "$work/area.db" --username nnurse --name "New Nurse" --role district_nurse \
  --organisation "$org" --team "$team" > /dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "a short password should be refused"
JOINTCARE_PASSWORD=correct-horse-battery "$jc" users add --db "$work/area.db" --username nnurse --name "New Nurse" \
  --role district_nurse --organisation "$org" --team "$team" --by admin | grep -q 'added nnurse' || fail "users add"
set +e; "$jc" users set-role --db "$work/area.db" --username nnurse --role wizard 2> "$work/role.err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q 'unknown role' "$work/role.err" || fail "an unknown role should be refused"
"$jc" users deactivate --db "$work/area.db" --username nnurse --by admin > /dev/null
"$jc" users list --db "$work/area.db" > "$work/users.out"
grep -q 'nnurse .* inactive' "$work/users.out" || fail "users list: $(cat "$work/users.out")"
[ "$(sqlite3 "$work/area.db" "SELECT COUNT(*) FROM audit_events WHERE record_type = 'staff_user'")" = 2 ] || fail "user changes should be audited"
"$jc" audit verify --db "$work/area.db" > /dev/null || fail "audit chain after user administration"

looked=$(sqlite3 "$work/area.db" "SELECT MIN(id) FROM persons")
"$jc" audit search --as caldicott --db "$work/area.db" --person "$looked" > /dev/null  # a look, audited
"$jc" serve --db "$work/area.db" --port 0 > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the server did not start: $(cat "$work/serve.err")"
curl -fsS "http://127.0.0.1:$port/healthz" | grep -q '"ok"' || fail "healthz"
# serve makes the commissioners' reports in the background at start-up; /healthz says when they are.
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$port/healthz" > "$work/health.json"
  grep -q '"reports":"ready"' "$work/health.json" && break
  sleep 0.1
done
grep -q '"reports":"ready"' "$work/health.json" || fail "the reports were not made: $(cat "$work/health.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/area")
[ "$code" = 401 ] || fail "the API should need sign-in, got $code"
# "Who looked at this record": each line's proof is against the checkpoint serve signed at
# start-up, and checks offline, by the command and by the independent verifier.
curl -fsS -H 'Content-Type: application/json' -d '{"username":"caldicott","password":"jointcare-demo"}' \
  "http://127.0.0.1:$port/api/v1/session" > "$work/session.json" || fail "the Caldicott Guardian cannot sign in"
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/session.json")
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/persons/$looked/access-report" > "$work/report.json" \
  || fail "the access report"
python3 - "$work/report.json" "$work/report-proof.json" <<'PY' || fail "the access report: $(head -c 400 "$work/report.json")"
import json, sys
report = json.load(open(sys.argv[1]))
proved = [l for l in report["lines"] if l["proof"] is not None]
assert proved and all(l["proof_holds"] for l in proved), "no proved line"
assert all(l["purpose"] and l["user"] and l["at"] for l in report["lines"])
json.dump(proved[0]["proof"], open(sys.argv[2], "w"))
PY
python3 "$(dirname "$0")/../support/verify_inclusion.py" "$work/report-proof.json" > /dev/null || fail "Python rejects a proof of the access report"
"$jc" audit prove --check "$work/report-proof.json" --verifier "$work/area.audit-key.pub" | grep -q '^proof valid' \
  || fail "audit prove --check rejects a proof of the access report"
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/persons/$looked/access-report?format=html" \
  | grep -q '<h1>Who looked at the record of person' || fail "the access report for print"
kill -TERM "$server_pid"
wait "$server_pid"; rc=$?
server_pid=""
[ "$rc" -eq 0 ] || fail "serve should exit 0 on SIGTERM, got $rc"
grep -q '"event":"server_stopped"' "$work/serve.err" || fail "no server_stopped log"
if grep -Eq 'Ann|Lee|9990000018' "$work/serve.err"; then fail "personal data in the server log"; fi
echo "cli_test: 1 passed, 0 failed"
