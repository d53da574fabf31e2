#!/usr/bin/env python3
"""Two extracts of a million records a side for issue 3's speed benchmark (bench/linkage_million.sh).

Reads the GP records of a generated area (one per person) and writes them as extract A, and the same
people again as extract B with errors of the kind other organisations make (NHS number missing for
30%, a typo in the given or family name for 5% each, day and month swapped for 2%, no address or
postcode for 5%), in shuffled order; plus the profile both use and the truth (record id → person).
Deterministic (seed 7). Usage: two_extracts.py AREA.db OUTDIR
"""
import csv
import os
import random
import sqlite3
import sys

area, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(7)
rows = sqlite3.connect(area).execute(
    "SELECT r.id, COALESCE(r.nhs_number, ''), r.given_name, r.family_name, COALESCE(r.birth_date, ''), r.sex, r.address, "
    "r.postcode FROM local_records r JOIN organisations o ON o.id = r.organisation_id WHERE o.kind = 'gp_practice' ORDER BY r.id"
).fetchall()
header = ["id", "nhs_number", "given_name", "family_name", "birth_date", "sex", "address", "postcode"]


def typo(s):
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))
    return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + s[i + 1:]


with open(os.path.join(out, "A.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for r in rows:
        w.writerow(["a%d" % r[0]] + list(r[1:]))
b = []
for rid, nhs, given, family, dob, sex, address, postcode in rows:
    if rng.random() < 0.30:
        nhs = ""
    if rng.random() < 0.05:
        given = typo(given)
    if rng.random() < 0.05:
        family = typo(family)
    if dob and rng.random() < 0.02 and int(dob[8:10]) <= 12:
        dob = dob[:5] + dob[8:10] + "-" + dob[5:7]
    if rng.random() < 0.05:
        address, postcode = "", ""
    b.append(["b%d" % rid, nhs, given, family, dob, sex, address, postcode])
rng.shuffle(b)
with open(os.path.join(out, "B.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(b)
with open(os.path.join(out, "truth.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "person", "side"])
    for r in rows:
        w.writerow(["a%d" % r[0], r[0], "left"])
        w.writerow(["b%d" % r[0], r[0], "right"])
with open(os.path.join(out, "profile.toml"), "w") as f:
    f.write('id = "id"\n[fields]\nnhs_number = "nhs_number"\ngiven_name = "given_name"\nfamily_name = "family_name"\n'
            'birth_date = "birth_date"\nbirth_date_format = "%Y-%m-%d"\nsex = "sex"\naddress = "address"\npostcode = "postcode"\n')
print("two_extracts: %d records a side in %s" % (len(rows), out))
