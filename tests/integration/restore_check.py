#!/usr/bin/env python3
"""Server-side helpers for the restore tests, through the REST API only
(never through the mount), with urllib.

  restore_check.py counts URL GRAPH     (HGFS_AUTH=user:password if needed)
      prints "VERTICES EDGES" counted with the paged vertex and edge lists
  restore_check.py mode URL GRAPH MODE
      PUT the graph mode directly
  restore_check.py build URL GRAPH a|b|c|blob
      builds one of the MERGING test graphs in NONE mode (a and b share
      'person' and 'knows' but create their schema in different orders, so
      the label and property-key ids differ; c defines 'person' differently),
      or a graph of BLOB values whose base64 form begins with "0x"
  restore_check.py check-merge URL TARGET DIR...
      every vertex and edge of the backups in DIR... is in TARGET, compared
      by label and property values (edges by their endpoints' values), ids
      kept for AUTOMATIC and customized labels and rebuilt from TARGET's
      label ids for PRIMARY_KEY labels; nothing else is in TARGET
  restore_check.py same-manifest A/manifest.json B/manifest.json
      the counts and files (size, sha256) of two manifests agree
  restore_check.py status-line STATUSFILE PATH
      prints the line of restore.status for PATH (exit 1 if none)
  restore_check.py variables-set URL GRAPH
      sets 13 graph variables of every kind the server keeps
  restore_check.py variables URL GRAPH
      prints GET .../variables as the server answers
  restore_check.py variables-same URL GRAPH OTHER
      the two graphs' variables are equal, values and their JSON types
  restore_check.py ttl-build URL GRAPH
      labels a (ttl from its property born), b (ttl from the write), c (no
      ttl) and edge label e (b to b, ttl from the write)
  restore_check.py labels URL GRAPH
      "name ttl ttl_start_time" of every vertex and edge label, by name
"""
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from expected import Api  # noqa: E402


class Rest(Api):
    def __init__(self, url):
        # HGFS_AUTH=user:password for a server with authentication
        user, _, password = os.environ.get("HGFS_AUTH", "").partition(":")
        super().__init__(url, user or None, password, "DEFAULT")
        self._pre = {}

    def pre(self, graph):
        if graph not in self._pre:
            self._pre[graph] = self.graph_prefix(graph)
        return self._pre[graph]

    def send(self, method, path, body):
        data = json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                return json.loads(r.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{method} {path}: {e.code} {e.read().decode('utf-8', 'replace')}")

    def paged(self, graph, kind):
        """Every element of kind (vertices|edges) through the paged list
        (the real memory backend cannot page: 400 "Original iterator is
        not Metadatable"; then one unpaged list of up to 800000)."""
        out = []
        page = ""
        base = f"{self.pre(graph)}/graph/{kind}?limit=100000&page="
        while True:
            try:
                s = json.loads(self.get(base + urllib.parse.quote(page, safe="")))
            except urllib.error.HTTPError as e:
                if page or e.code != 400 or b"not Metadatable" not in e.read():
                    raise
                return json.loads(self.get(f"{self.pre(graph)}/graph/{kind}?limit=800000"))[kind]
            out.extend(s[kind])
            page = s.get("page")
            if not page:
                return out


# ---- the MERGING graphs --------------------------------------------------

PERSON_NAMES_EXTRA = ["ma:rko", "x!y", "with`tick", "a>b", "日本語", "emoji \U0001F600", "quote\"back\\slash"]


def person_name(i):
    if i < len(PERSON_NAMES_EXTRA):
        return PERSON_NAMES_EXTRA[i]
    return f"person-{i}"


def person_props(i):
    p = {"name": person_name(i)}
    if i % 7:
        p["age"] = 18 + i % 60
    if i % 3 == 0:
        p["aliases"] = [f"p{i}", f"alias {i}", f"p{i}"]
    return p


def date(i):
    return f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1000:03d}"


SCHEMA_A = {
    "propertykeys": [
        {"name": "name", "data_type": "TEXT"},
        {"name": "age", "data_type": "INT"},
        {"name": "lang", "data_type": "TEXT"},
        {"name": "weight", "data_type": "DOUBLE"},
        {"name": "since", "data_type": "DATE"},
        {"name": "title", "data_type": "TEXT"},
        {"name": "aliases", "data_type": "TEXT", "cardinality": "LIST"},
    ],
    "vertexlabels": [
        {"name": "person", "id_strategy": "PRIMARY_KEY", "primary_keys": ["name"],
         "properties": ["name", "age", "aliases"], "nullable_keys": ["age", "aliases"]},
        {"name": "software", "id_strategy": "AUTOMATIC", "properties": ["name", "lang"]},
        {"name": "tag", "id_strategy": "CUSTOMIZE_NUMBER", "properties": ["title"]},
        {"name": "doc", "id_strategy": "CUSTOMIZE_UUID", "properties": ["title", "since"]},
    ],
    "edgelabels": [
        {"name": "knows", "source_label": "person", "target_label": "person",
         "properties": ["weight", "since"], "nullable_keys": ["since"]},
        {"name": "created", "source_label": "person", "target_label": "software", "frequency": "MULTIPLE",
         "sort_keys": ["since"], "properties": ["since", "weight"]},
        {"name": "tagged", "source_label": "software", "target_label": "tag", "properties": []},
        {"name": "describes", "source_label": "doc", "target_label": "person", "properties": ["weight"]},
    ],
    "indexlabels": [
        {"name": "person_by_age", "base_type": "VERTEX_LABEL", "base_value": "person",
         "index_type": "RANGE", "fields": ["age"]},
    ],
}

SCHEMA_B = {
    "propertykeys": [
        {"name": "cname", "data_type": "TEXT"},
        {"name": "population", "data_type": "LONG"},
        {"name": "since", "data_type": "DATE"},
        {"name": "weight", "data_type": "DOUBLE"},
        {"name": "badge_name", "data_type": "TEXT"},
        {"name": "aliases", "data_type": "TEXT", "cardinality": "LIST"},
        {"name": "age", "data_type": "INT"},
        {"name": "name", "data_type": "TEXT"},
    ],
    "vertexlabels": [
        {"name": "city", "id_strategy": "PRIMARY_KEY", "primary_keys": ["cname"],
         "properties": ["cname", "population"]},
        {"name": "event", "id_strategy": "AUTOMATIC", "properties": ["name", "since"]},
        {"name": "person", "id_strategy": "PRIMARY_KEY", "primary_keys": ["name"],
         "properties": ["aliases", "name", "age"], "nullable_keys": ["aliases", "age"]},
        {"name": "badge", "id_strategy": "CUSTOMIZE_STRING", "properties": ["badge_name"]},
    ],
    "edgelabels": [
        {"name": "lives_in", "source_label": "person", "target_label": "city", "properties": ["since"]},
        {"name": "attends", "source_label": "person", "target_label": "event", "properties": []},
        {"name": "knows", "source_label": "person", "target_label": "person",
         "properties": ["since", "weight"], "nullable_keys": ["since"]},
        {"name": "earned", "source_label": "person", "target_label": "badge", "properties": ["since"],
         "nullable_keys": ["since"]},
    ],
    "indexlabels": [
        {"name": "city_by_population", "base_type": "VERTEX_LABEL", "base_value": "city",
         "index_type": "RANGE", "fields": ["population"]},
        {"name": "person_by_age", "base_type": "VERTEX_LABEL", "base_value": "person",
         "index_type": "RANGE", "fields": ["age"]},
    ],
}

# the same name as in a and b, different properties: a MERGING conflict
SCHEMA_C = {
    "propertykeys": [
        {"name": "name", "data_type": "TEXT"},
        {"name": "email", "data_type": "TEXT"},
    ],
    "vertexlabels": [
        {"name": "person", "id_strategy": "PRIMARY_KEY", "primary_keys": ["name"],
         "properties": ["name", "email"]},
    ],
    "edgelabels": [],
    "indexlabels": [],
}


# BLOB values whose base64 form (the one the server prints) begins with "0x":
# sent back as they are printed, the server reads them as hex
SCHEMA_BLOB = {
    "propertykeys": [
        {"name": "name", "data_type": "TEXT"},
        {"name": "data", "data_type": "BLOB"},
    ],
    "vertexlabels": [
        {"name": "thing", "id_strategy": "CUSTOMIZE_STRING", "properties": ["name", "data"], "nullable_keys": ["data"]},
        {"name": "keyed", "id_strategy": "PRIMARY_KEY", "primary_keys": ["data"], "properties": ["data"]},
    ],
    "edgelabels": [
        {"name": "holds", "source_label": "thing", "target_label": "keyed", "properties": ["data"],
         "nullable_keys": ["data"]},
    ],
    "indexlabels": [],
}
BLOBS_B64 = ["0xT1", "0xABCDEF", "0x00", "0x+/", "0XYZ", "AAAA", "+/+/", "", "0xxx"]


def blob_ints(b64):
    return [b if b < 128 else b - 256 for b in base64.b64decode(b64)]


def post_schema(api, g, schema):
    pre = api.pre(g)
    for t in ("propertykeys", "vertexlabels", "edgelabels", "indexlabels"):
        for el in schema[t]:
            api.send("POST", f"{pre}/schema/{t}", el)


def post_batches(api, g, kind, items):
    ids = []
    q = "?check_vertex=false" if kind == "edges" else ""  # UUID endpoints are not found with true
    for i in range(0, len(items), 400):
        ids.extend(api.send("POST", f"{api.pre(g)}/graph/{kind}/batch{q}", items[i:i + 400]))
    return ids


def edge(label, ol, o, il, i, props):
    return {"label": label, "outV": o, "outVLabel": ol, "inV": i, "inVLabel": il, "properties": props}


def build(api, g, which):
    if which == "blob":
        post_schema(api, g, SCHEMA_BLOB)
        things = [{"id": f"thing-{n}", "label": "thing", "properties": {"name": f"t{n}", "data": blob_ints(b)}}
                  for n, b in enumerate(BLOBS_B64)]
        things.append({"id": "hex", "label": "thing", "properties": {"name": "hex", "data": "0xd314f5"}})
        post_batches(api, g, "vertices", things)
        keyed = post_batches(api, g, "vertices", [{"label": "keyed", "properties": {"data": blob_ints(b)}}
                                                  for b in BLOBS_B64 if b])
        post_batches(api, g, "edges", [edge("holds", "thing", t["id"], "keyed", k, {"data": blob_ints("0xT1")})
                                       for t, k in zip(things, keyed)])
        got = json.loads(api.get(f"{api.pre(g)}/graph/vertices/%22thing-0%22"))["properties"]["data"]
        assert got == "0xT1", got
        return
    if which == "c":
        post_schema(api, g, SCHEMA_C)
        post_batches(api, g, "vertices", [{"label": "person", "properties": {"name": f"c-{i}", "email": f"c{i}@x"}}
                                          for i in range(10)])
        return
    if which == "a":
        post_schema(api, g, SCHEMA_A)
        pidx = list(range(0, 300))
        persons = post_batches(api, g, "vertices", [{"label": "person", "properties": person_props(i)} for i in pidx])
        pid = dict(zip(pidx, persons))
        soft = post_batches(api, g, "vertices", [{"label": "software", "properties": {"name": f"soft-{j}",
                                                  "lang": ["java", "c", "rust"][j % 3]}} for j in range(100)])
        tag_ids = [1000 + k if k % 2 else 2**60 + k for k in range(50)] + [-(2**63) + 5, 2**63 - 7]
        tags = post_batches(api, g, "vertices", [{"id": t, "label": "tag", "properties": {"title": f"tag-{n}"}}
                                                 for n, t in enumerate(tag_ids)])
        assert tags == tag_ids, tags
        doc_ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"doc-{k}")) for k in range(50)]
        post_batches(api, g, "vertices", [{"id": d, "label": "doc", "properties": {"title": f"doc-{k}",
                                           "since": date(k)}} for k, d in enumerate(doc_ids)])
        edges = []
        seen = set()
        for i in pidx:
            for t in ((i * 7 + 1) % 300, (i * 13 + 5) % 300):
                if t != i and (i, t) not in seen:
                    seen.add((i, t))
                    props = {"weight": i / 10 + t / 1000}
                    if i % 4:
                        props["since"] = date(i + t)
                    edges.append(edge("knows", "person", pid[i], "person", pid[t], props))
        for i in pidx:
            edges.append(edge("created", "person", pid[i], "software", soft[i % 100], {"since": date(i), "weight": 0.5}))
            if i % 5 == 0:  # a second edge between the same vertices, another sort value
                edges.append(edge("created", "person", pid[i], "software", soft[i % 100], {"since": date(i + 1), "weight": 1.5}))
        for j in range(100):
            edges.append(edge("tagged", "software", soft[j], "tag", tags[j % len(tags)], {}))
        for k, d in enumerate(doc_ids):
            edges.append(edge("describes", "doc", d, "person", pid[k * 3], {"weight": k * 0.25}))
        post_batches(api, g, "edges", edges)
        return
    assert which == "b"
    post_schema(api, g, SCHEMA_B)
    cities = post_batches(api, g, "vertices", [{"label": "city", "properties": {"cname": f"city-{k}",
                                                "population": 2**60 + k * 1000003}} for k in range(50)])
    pidx = list(range(200, 400))  # 200..299 are in a too, with the same properties
    persons = post_batches(api, g, "vertices", [{"label": "person", "properties": person_props(i)} for i in pidx])
    pid = dict(zip(pidx, persons))
    events = post_batches(api, g, "vertices", [{"label": "event", "properties": {"name": f"event-{k}",
                                                "since": date(k * 11)}} for k in range(100)])
    # customized string ids that look like PRIMARY_KEY ids: never rewritten
    badge_ids = [f"1:badge-{k}" if k % 2 else f"badge:{k}" for k in range(50)]
    post_batches(api, g, "vertices", [{"id": b, "label": "badge", "properties": {"badge_name": f"badge {k}"}}
                                      for k, b in enumerate(badge_ids)])
    edges = []
    for i in pidx:
        edges.append(edge("lives_in", "person", pid[i], "city", cities[i % 50], {"since": date(i)}))
        edges.append(edge("attends", "person", pid[i], "event", events[i % 100], {}))
        if i % 2:
            edges.append(edge("earned", "person", pid[i], "badge", badge_ids[i % 50], {"since": date(i * 3)}))
        else:
            edges.append(edge("earned", "person", pid[i], "badge", badge_ids[i % 50], {}))
        if i >= 300:  # from b-only persons to persons a has too
            edges.append(edge("knows", "person", pid[i], "person", pid[i - 100], {"weight": i / 3}))
    post_batches(api, g, "edges", edges)


# ---- checks --------------------------------------------------------------

def vkey(v):
    return (v["label"], json.dumps(v["properties"], sort_keys=True, ensure_ascii=False))


def idkey(i):
    return json.dumps(i)


def read_backup(d):
    schema = json.load(open(os.path.join(d, "schema.json"), encoding="utf-8"))
    vertices = [json.loads(line) for line in open(os.path.join(d, "vertices.jsonl"), encoding="utf-8")]
    edges = [json.loads(line) for line in open(os.path.join(d, "edges.jsonl"), encoding="utf-8")]
    return schema, vertices, edges


def edge_keys(vertices, edges, errors, where):
    byid = {(v["label"], idkey(v["id"])): vkey(v) for v in vertices}
    out = []
    for e in edges:
        o = byid.get((e["outVLabel"], idkey(e["outV"])))
        i = byid.get((e["inVLabel"], idkey(e["inV"])))
        if o is None or i is None:
            errors.append(f"{where}: edge {e['id']} has an endpoint that is not a vertex: {e['outV']!r} -> {e['inV']!r}")
            continue
        out.append((e["label"], o, i, json.dumps(e["properties"], sort_keys=True, ensure_ascii=False)))
    return out


def check_merge(api, target, dirs):
    errors = []
    tv = api.paged(target, "vertices")
    te = api.paged(target, "edges")
    tvl = json.loads(api.get(f"{api.pre(target)}/schema/vertexlabels"))["vertexlabels"]
    tlabel = {vl["name"]: vl for vl in tvl}
    tbykey = {}
    for v in tv:
        k = vkey(v)
        if k in tbykey:
            errors.append(f"target: two vertices with the same label and properties: {k}")
        tbykey[k] = v
    want_v = set()
    want_e = set()
    nsrc_v = nsrc_e = 0
    for d in dirs:
        schema, vs, es = read_backup(d)
        nsrc_v += len(vs)
        nsrc_e += len(es)
        strategy = {vl["name"]: vl["id_strategy"] for vl in schema["vertexlabels"]}
        for v in vs:
            k = vkey(v)
            want_v.add(k)
            t = tbykey.get(k)
            if t is None:
                errors.append(f"{d}: vertex {v['id']!r} ({v['label']}) is missing from the target")
                continue
            if strategy[v["label"]] == "PRIMARY_KEY":
                sid = v["id"]
                exp = str(tlabel[v["label"]]["id"]) + sid[sid.index(":"):]
                if t["id"] != exp:
                    errors.append(f"{d}: PK vertex {sid!r} has id {t['id']!r} in the target, expected {exp!r}")
            elif idkey(t["id"]) != idkey(v["id"]):
                errors.append(f"{d}: {strategy[v['label']]} vertex {v['id']!r} has id {t['id']!r} in the target")
        for k in edge_keys(vs, es, errors, d):
            want_e.add(k)
    have_e = edge_keys(tv, te, errors, "target")
    have_e_set = set(have_e)
    if len(have_e_set) != len(have_e):
        errors.append(f"target: {len(have_e) - len(have_e_set)} duplicate edges (same label, endpoints, properties)")
    for k in sorted(want_e - have_e_set)[:10]:
        errors.append(f"edge missing from the target: {k}")
    for k in sorted(have_e_set - want_e)[:10]:
        errors.append(f"edge in the target that no backup has: {k}")
    if len(tv) != len(want_v):
        errors.append(f"target has {len(tv)} vertices, the backups {len(want_v)} distinct ones")
    if len(te) != len(want_e):
        errors.append(f"target has {len(te)} edges, the backups {len(want_e)} distinct ones")
    for e in errors[:40]:
        print(e, file=sys.stderr)
    print(f"backups: {nsrc_v} vertices ({len(want_v)} distinct), {nsrc_e} edges; "
          f"target: {len(tv)} vertices, {len(te)} edges; {len(errors)} problems")
    return 1 if errors else 0


def same_manifest(a, b):
    ma = json.load(open(a))
    mb = json.load(open(b))
    bad = 0
    for k in ("counts", "files", "format", "format_version"):
        if ma.get(k) != mb.get(k):
            print(f"{k}: {ma.get(k)!r} != {mb.get(k)!r}", file=sys.stderr)
            bad = 1
    return bad


VARIABLES = ['"hello"', '"tab\\t quote\\" back\\\\ \\u00e9\\u4e2d /"', '42', '-7', '2147483648',
             '12345678901234567', '3.5', '1e2', '-0.0', '4.9E-324', 'true', 'false', '""']


def variables_same(api, a, b):
    va = json.loads(api.get(api.pre(a) + "/variables"))
    vb = json.loads(api.get(api.pre(b) + "/variables"))
    if va != vb or any(type(va[k]) != type(vb[k]) or repr(va[k]) != repr(vb[k]) for k in va):
        print("variables of %s and %s differ:\n%s\n%s" % (a, b, va, vb), file=sys.stderr)
        return 1
    return 0


def ttl_build(api, graph):
    pre = api.pre(graph) + "/schema/"
    api.send("POST", pre + "propertykeys", {"name": "name", "data_type": "TEXT", "cardinality": "SINGLE"})
    api.send("POST", pre + "propertykeys", {"name": "born", "data_type": "DATE", "cardinality": "SINGLE"})
    api.send("POST", pre + "vertexlabels", {"name": "a", "id_strategy": "CUSTOMIZE_STRING",
                                           "properties": ["name", "born"], "nullable_keys": ["name"],
                                           "ttl": 86400000, "ttl_start_time": "born"})
    api.send("POST", pre + "vertexlabels", {"name": "b", "id_strategy": "CUSTOMIZE_STRING", "properties": ["name"],
                                           "nullable_keys": ["name"], "ttl": 3600000})
    api.send("POST", pre + "vertexlabels", {"name": "c", "id_strategy": "CUSTOMIZE_STRING", "properties": ["name"],
                                           "nullable_keys": ["name"]})
    # the real server wants an edge label's ttl below its endpoint labels'
    api.send("POST", pre + "edgelabels", {"name": "e", "source_label": "b", "target_label": "b", "ttl": 1800000})


def labels(api, graph):
    pre = api.pre(graph) + "/schema/"
    for kind in ("vertexlabels", "edgelabels"):
        for lb in sorted(json.loads(api.get(pre + kind))[kind], key=lambda lb: lb["name"]):
            print(lb["name"], lb.get("ttl", 0), lb.get("ttl_start_time", "-"))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "counts":
        api = Rest(args[0])
        print(len(api.paged(args[1], "vertices")), len(api.paged(args[1], "edges")))
        return 0
    if cmd == "mode":
        api = Rest(args[0])
        api.send("PUT", f"{api.pre(args[1])}/mode", args[2])
        return 0
    if cmd == "build":
        api = Rest(args[0])
        build(api, args[1], args[2])
        return 0
    if cmd == "check-merge":
        return check_merge(Rest(args[0]), args[1], args[2:])
    if cmd == "same-manifest":
        return same_manifest(args[0], args[1])
    if cmd == "status-line":
        for line in open(args[0], encoding="utf-8"):
            if line.startswith(args[1] + ": "):
                print(line.rstrip("\n"))
                return 0
        return 1
    if cmd == "variables-set":
        api = Rest(args[0])
        for i, v in enumerate(VARIABLES):
            api.send("PUT", api.pre(args[1]) + "/variables/v%02d" % i, {"data": json.loads(v)})
        return 0
    if cmd == "variables":
        api = Rest(args[0])
        print(api.get(api.pre(args[1]) + "/variables"))
        return 0
    if cmd == "variables-same":
        return variables_same(Rest(args[0]), args[1], args[2])
    if cmd == "ttl-build":
        ttl_build(Rest(args[0]), args[1])
        return 0
    if cmd == "labels":
        labels(Rest(args[0]), args[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
