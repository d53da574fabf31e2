#!/usr/bin/env bash
# Benchmark (issue 3): link 1,000,000 × 1,000,000 records (two extracts, one-to-one) on 2 cores in
# ≤ 60 s with peak memory ≤ 4 GiB, and report precision and recall against the truth.
# Usage: bench/linkage_million.sh [workdir]   (needs build/release; makes the area once, ~2 min)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jc="$top/build/release/bin/jointcare"
work=${1:-/tmp/jointcare-linkage-million}
mkdir -p "$work"
if [ ! -f "$work/area.db" ]; then
  "$jc" generate --db "$work/area.db" --population 1000000 --no-simulate > "$work/generate.log"
fi
[ -f "$work/B.csv" ] || python3 "$top/bench/two_extracts.py" "$work/area.db" "$work"
/usr/bin/time -v "$jc" link --left "$work/A.csv" --left-profile "$work/profile.toml" --right "$work/B.csv" \
  --right-profile "$work/profile.toml" --out "$work/links.csv" 2> "$work/link.err" > "$work/link.out" || { cat "$work/link.err"; exit 1; }
grep -E '^(Blocking|Linked)' "$work/link.err" "$work/link.out" | sed 's/^[^:]*://' || true
grep -E 'Elapsed|Maximum resident' "$work/link.err" | sed 's/^\s*/linkage_million: /'
"$jc" link-evaluate --links "$work/links.csv" --truth "$work/truth.csv" --truth-id id --truth-cluster person --truth-side side
