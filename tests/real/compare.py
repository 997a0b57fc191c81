#!/usr/bin/env python3
"""compare.py - compares two backup sets (schema.json, vertices.jsonl,
edges.jsonl) that should hold the same graph, one of them taken from a
real HugeGraph server after a restore.

usage: compare.py [--memory-backtick-bug] A B

Equal means: the same schema elements (by type and name) with the same
definitions, and the same vertices and edges (by id) with the same values.
What a real server changes on its own, and nothing else, is normalised:

  * the order of the elements in the files (the memory backend lists them in
    hash-table order);
  * the order of the members of "properties" (the server writes them in its
    own order) and, in the schema, of the name lists "properties",
    "nullable_keys", "index_labels" and of PARENT "links" (sets there);
  * the values of SET-cardinality property keys (a Java set: its own order);
  * a PARENT edge label: the real server lists only id, name, type and
    links (frequency, properties, ... are not kept for it).

--memory-backtick-bug: the real memory backend (text serializer) reads an
edge whose source vertex id ends in a backtick back with another id and
outV (it splits the stored id at the backtick-escaped '>').  Such edges of
A must be absent from B under their id and present under the mangled one;
they are counted and reported, not failed.
"""
import json
import sys

SET_LISTS = ("properties", "nullable_keys", "index_labels", "links")


def load_schema(d):
    s = json.load(open(f"{d}/schema.json", encoding="utf-8"))
    out = {}
    for t, items in s.items():
        for e in items:
            e = dict(e)
            for k in SET_LISTS:
                if isinstance(e.get(k), list):
                    e[k] = sorted(json.dumps(x, sort_keys=True) for x in e[k])
            if e.get("edgelabel_type") == "PARENT":
                e = {k: e[k] for k in ("id", "name", "edgelabel_type", "links") if k in e}
            out[(t, e["name"])] = e
    return out, s


def set_keys(schema):
    return {e["name"] for e in schema.get("propertykeys", []) if e.get("cardinality") == "SET"}


def load_elems(path, sets):
    out = {}
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        props = e.get("properties", {})
        for k in list(props):
            if k in sets and isinstance(props[k], list):
                props[k] = sorted(json.dumps(x) for x in props[k])
        out[json.dumps(e["id"])] = e
    return out


def main():
    args = sys.argv[1:]
    bug = False
    if args and args[0] == "--memory-backtick-bug":
        bug, args = True, args[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    a_dir, b_dir = args
    bad = 0
    sa, raw_a = load_schema(a_dir)
    sb, _ = load_schema(b_dir)
    for k in sorted(set(sa) | set(sb)):
        if sa.get(k) != sb.get(k):
            bad += 1
            print(f"schema {k[0]} '{k[1]}':\n  A {json.dumps(sa.get(k))[:400]}\n  B {json.dumps(sb.get(k))[:400]}")
    sets = set_keys(raw_a)
    for f in ("vertices.jsonl", "edges.jsonl"):
        a = load_elems(f"{a_dir}/{f}", sets)
        b = load_elems(f"{b_dir}/{f}", sets)
        missing = [k for k in a if k not in b]
        extra = [k for k in b if k not in a]
        if bug and f == "edges.jsonl":
            mangled = [k for k in missing if a[k]["outV"].endswith("`") if isinstance(a[k]["outV"], str)]
            if len(mangled) == len(extra) and set(missing) == set(mangled):
                print(f"{f}: {len(mangled)} edges whose source vertex id ends in a backtick "
                      "came back with a mangled id (the real memory backend's bug)")
                missing, extra = [], []
        differ = [k for k in a if k in b and a[k] != b[k]]
        for what, keys in (("only in A", missing), ("only in B", extra), ("differ", differ)):
            if keys:
                bad += 1
                print(f"{f}: {len(keys)} {what}, e.g.")
                for k in keys[:3]:
                    print(f"  A {json.dumps(a.get(k), ensure_ascii=False)[:300]}")
                    print(f"  B {json.dumps(b.get(k), ensure_ascii=False)[:300]}")
        print(f"{f}: {len(a)} in A, {len(b)} in B")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
