#!/usr/bin/env python3
"""Server-side helpers of the selective backup test (test_select.sh),
through the REST API only (never through the mount).

  select_check.py build URL GRAPH
      a graph of several labels: vertex labels person (PRIMARY_KEY),
      software (PRIMARY_KEY), company (CUSTOMIZE_STRING), city (AUTOMATIC:
      no element); edge labels knows (person->person), created
      (person->software), worksAt (person->company); index labels on
      person, software, company and knows; property keys of each
  select_check.py build-parent URL GRAPH
      1.5+ parent and sub edge labels: vertex labels a, b, c; PARENT edge
      label rel with SUB labels r1 (a->b) and r2 (a->c)
  select_check.py listed URL GRAPH DIR VLABELS ELABELS
      the files DIR/vertices.jsonl and DIR/edges.jsonl hold exactly what
      the API lists for those labels (GET .../graph/vertices?label=L, ...;
      labels comma-separated, '-' for none), compared as JSON values; and
      nothing else
  select_check.py schema DIR PK VL EL IL
      the names in DIR/schema.json, per type, are exactly these
      (comma-separated, '-' for none)
  select_check.py manifest DIR KEY VALUE
      manifest.json's KEY (a dotted path, e.g. selection.labels) is the JSON
      value VALUE
  select_check.py graph-schema URL GRAPH DIR
      the graph's schema has the names of DIR/schema.json, per type, and
      nothing else
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from restore_check import Rest  # noqa: E402

TYPES = ("propertykeys", "vertexlabels", "edgelabels", "indexlabels")


def build(api, g):
    pre = api.pre(g)
    for name, dt in (("name", "TEXT"), ("age", "INT"), ("city", "TEXT"), ("lang", "TEXT"), ("price", "DOUBLE"),
                     ("weight", "DOUBLE"), ("since", "INT"), ("size", "INT"), ("population", "INT")):
        api.send("POST", pre + "/schema/propertykeys", {"name": name, "data_type": dt, "cardinality": "SINGLE"})
    vls = [
        {"name": "person", "id_strategy": "PRIMARY_KEY", "primary_keys": ["name"], "nullable_keys": ["age", "city"],
         "properties": ["name", "age", "city"]},
        {"name": "software", "id_strategy": "PRIMARY_KEY", "primary_keys": ["name"], "nullable_keys": ["price"],
         "properties": ["name", "lang", "price"]},
        {"name": "company", "id_strategy": "CUSTOMIZE_STRING", "properties": ["name", "size"],
         "nullable_keys": ["size"]},
        {"name": "town", "id_strategy": "AUTOMATIC", "properties": ["name", "population"]},
    ]
    for vl in vls:
        api.send("POST", pre + "/schema/vertexlabels", vl)
    els = [
        {"name": "knows", "source_label": "person", "target_label": "person", "properties": ["weight", "since"],
         "nullable_keys": ["since"]},
        {"name": "created", "source_label": "person", "target_label": "software", "properties": ["weight"]},
        {"name": "worksAt", "source_label": "person", "target_label": "company", "properties": ["since"]},
    ]
    for el in els:
        api.send("POST", pre + "/schema/edgelabels", el)
    ils = [
        {"name": "personByCity", "base_type": "VERTEX_LABEL", "base_value": "person", "index_type": "SECONDARY",
         "fields": ["city"]},
        {"name": "softwareByLang", "base_type": "VERTEX_LABEL", "base_value": "software", "index_type": "SECONDARY",
         "fields": ["lang"]},
        {"name": "companyBySize", "base_type": "VERTEX_LABEL", "base_value": "company", "index_type": "RANGE",
         "fields": ["size"]},
        {"name": "knowsByWeight", "base_type": "EDGE_LABEL", "base_value": "knows", "index_type": "RANGE",
         "fields": ["weight"]},
    ]
    for il in ils:
        api.send("POST", pre + "/schema/indexlabels", il)
        # the index tasks of an empty graph are quick; a restore waits anyway
    people = [{"label": "person", "properties": {"name": "p%02d" % i, "age": 20 + i, "city": "c%d" % (i % 4)}}
              for i in range(40)]
    soft = [{"label": "software", "properties": {"name": "s%02d" % i, "lang": "java" if i % 2 else "c",
                                                  "price": i * 1.5}} for i in range(12)]
    comp = [{"id": "co%d" % i, "label": "company", "properties": {"name": "company %d" % i, "size": 10 * i}}
            for i in range(5)]
    pids = api.send("POST", pre + "/graph/vertices/batch", people)
    sids = api.send("POST", pre + "/graph/vertices/batch", soft)
    cids = api.send("POST", pre + "/graph/vertices/batch", comp)
    edges = []
    for i in range(40):
        for d in (1, 7, 13):
            edges.append({"label": "knows", "outV": pids[i], "outVLabel": "person", "inV": pids[(i + d) % 40],
                          "inVLabel": "person", "properties": {"weight": (i * d % 10) / 10.0, "since": 2000 + d}})
        edges.append({"label": "created", "outV": pids[i], "outVLabel": "person", "inV": sids[i % 12],
                      "inVLabel": "software", "properties": {"weight": 0.5}})
        edges.append({"label": "worksAt", "outV": pids[i], "outVLabel": "person", "inV": cids[i % 5],
                      "inVLabel": "company", "properties": {"since": 2010 + i % 7}})
    api.send("POST", pre + "/graph/edges/batch", edges)


def build_parent(api, g):
    pre = api.pre(g)
    for name, dt in (("name", "TEXT"), ("since", "INT"), ("note", "TEXT")):
        api.send("POST", pre + "/schema/propertykeys", {"name": name, "data_type": dt, "cardinality": "SINGLE"})
    for vl in ("a", "b", "c"):
        api.send("POST", pre + "/schema/vertexlabels", {"name": vl, "id_strategy": "CUSTOMIZE_STRING",
                                                       "properties": ["name"]})
    # the real server turns SUB labels created into a schema cache nothing
    # has read yet into NORMAL ones (tests/real/README.md): read it first
    api.get(pre + "/schema")
    api.send("POST", pre + "/schema/edgelabels", {"name": "rel", "edgelabel_type": "PARENT"})
    api.send("POST", pre + "/schema/edgelabels", {"name": "r1", "edgelabel_type": "SUB", "parent_label": "rel",
                                                 "source_label": "a", "target_label": "b", "properties": ["since"]})
    api.send("POST", pre + "/schema/edgelabels", {"name": "r2", "edgelabel_type": "SUB", "parent_label": "rel",
                                                 "source_label": "a", "target_label": "c", "properties": ["note"]})
    vs = [{"id": f"{lb}{i}", "label": lb, "properties": {"name": f"{lb} {i}"}} for lb, n in (("a", 10), ("b", 5), ("c", 5))
          for i in range(n)]
    api.send("POST", pre + "/graph/vertices/batch", vs)
    es = []
    for i in range(10):
        es.append({"label": "r1", "outV": f"a{i}", "outVLabel": "a", "inV": f"b{i % 5}", "inVLabel": "b",
                   "properties": {"since": 2000 + i}})
        es.append({"label": "r2", "outV": f"a{i}", "outVLabel": "a", "inV": f"c{i % 5}", "inVLabel": "c",
                   "properties": {"note": f"n{i}"}})
    api.send("POST", pre + "/graph/edges/batch", es)


def lines(path):
    with open(path, encoding="utf-8") as f:
        return sorted(json.dumps(json.loads(ln), sort_keys=True) for ln in f if ln.strip())


def names(s):
    return [] if s == "-" else s.split(",")


def listed(api, g, d, vlabels, elabels):
    bad = 0
    for kind, labels in (("vertices", names(vlabels)), ("edges", names(elabels))):
        want = []
        for lb in labels:
            q = "?label=" + urllib.parse.quote(lb) + "&limit=100000"
            want.extend(json.loads(api.get(f"{api.pre(g)}/graph/{kind}{q}"))[kind])
        want = sorted(json.dumps(e, sort_keys=True) for e in want)
        have = lines(os.path.join(d, kind + ".jsonl"))
        if want != have:
            print(f"{kind}.jsonl: {len(have)} elements, the API lists {len(want)} of {labels}")
            print("  only in the file:", [x[:160] for x in sorted(set(have) - set(want))][:3])
            print("  only in the API:", [x[:160] for x in sorted(set(want) - set(have))][:3])
            bad = 1
        if not want:
            print(f"{kind}: nothing listed for {labels}: the test would prove nothing")
            bad = bad or (len(labels) > 0)
    return bad


def schema_names(d):
    with open(os.path.join(d, "schema.json"), encoding="utf-8") as f:
        s = json.load(f)
    return {t: sorted(e["name"] for e in s.get(t, [])) for t in TYPES}


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "build":
        build(Rest(a[0]), a[1])
        return 0
    if cmd == "build-parent":
        build_parent(Rest(a[0]), a[1])
        return 0
    if cmd == "listed":
        return listed(Rest(a[0]), a[1], a[2], a[3], a[4])
    if cmd == "schema":
        have = schema_names(a[0])
        want = {t: sorted(names(v)) for t, v in zip(TYPES, a[1:5])}
        if have != want:
            print("schema.json holds", have, "expected", want)
            return 1
        return 0
    if cmd == "manifest":
        with open(os.path.join(a[0], "manifest.json"), encoding="utf-8") as f:
            v = json.load(f)
        for k in a[1].split("."):
            v = v[k]
        if v != json.loads(a[2]):
            print(f"manifest.json {a[1]} is {json.dumps(v)}, expected {a[2]}")
            return 1
        return 0
    if cmd == "graph-schema":
        api = Rest(a[0])
        have = {t: sorted(e["name"] for e in json.loads(api.get(f"{api.pre(a[1])}/schema/{t}"))[t]) for t in TYPES}
        want = schema_names(a[2])
        if have != want:
            print("the graph's schema is", have, "the set's", want)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
