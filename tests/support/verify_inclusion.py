#!/usr/bin/env python3
"""An inclusion proof of `jointcare audit prove`, checked independently of JointCare's code.

The event's canonical entry is rebuilt from its fields (each "<byte length>:<bytes>;", ids in
decimal or "-", operation and reason when either is set, detail after them when set, then the
previous event's hash); its SHA-256 (the event's chain hash) is the log's entry, hashed as an
RFC 9162 leaf (SHA-256 of 0x00 || entry), and walked up its
audit path with the verification algorithm of RFC 9162 section 2.1.3.2 to the root that the
checkpoint note carries (its third line, base64). Exit 0 when the proof holds; 1 otherwise.
"""
import base64
import hashlib
import json
import sys


def entry(e):
    def put(v):
        b = v.encode("utf-8")
        return str(len(b)).encode() + b":" + b + b";"

    def opt(v):
        return "-" if v is None else str(v)

    out = b"".join(put(x) for x in [str(e["id"]), e["occurred_at"], opt(e["user_id"]), e["user_role"],
                                    opt(e["organisation_id"]), opt(e["person_id"]), e["action"],
                                    e["record_type"], e["record_id"], e["purpose"], e["outcome"]])
    if e["operation"] or e["reason"] or e["detail"]:
        out += put(e["operation"]) + put(e["reason"])
    if e["detail"]:
        out += put(e["detail"])
    return out + put(e["previous_hash"])


def verify(index, size, leaf, path, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def main():
    proof = json.load(open(sys.argv[1]))
    e = proof["event"]
    raw = entry(e)
    if raw.hex() != proof["entry_hex"]:
        print("the entry rebuilt from the event's fields differs from the proof's")
        return 1
    lines = proof["checkpoint"].split("\n")
    size, root = int(lines[1]), base64.b64decode(lines[2])
    leaf = hashlib.sha256(b"\x00" + hashlib.sha256(raw).digest()).digest()
    path = [bytes.fromhex(h) for h in proof["path"]]
    if size != proof["tree_size"] or not verify(e["id"] - 1, size, leaf, path, root):
        print("proof does not verify")
        return 1
    print("verified: event %d in a tree of %d" % (e["id"], size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
