#!/usr/bin/env python3
"""Server-side helpers for the OLAP test, through the REST API only (never
through the mount).

  olap_check.py build URL GRAPH [uuid]
      schema with OLAP keys rank (DOUBLE, OLAP_COMMON) and comm (INT,
      OLAP_RANGE) besides name; vertices of PRIMARY_KEY, CUSTOMIZE_NUMBER,
      CUSTOMIZE_STRING and AUTOMATIC labels and edges between persons; OLAP
      values written the way HugeGraph takes them (label-less batches, one
      key an element).  With "uuid": one CUSTOMIZE_UUID vertex with a rank.
  olap_check.py schema-other URL GRAPH
      the same schema created in another order (other label ids), no data
  olap_check.py read-mode URL GRAPH [MODE]
      prints the graph's read mode (after setting it to MODE when given)
  olap_check.py values URL GRAPH
      reads every vertex in read mode ALL (and puts the mode back), prints
      "label name key=value ..." of each vertex's OLAP values, sorted
  olap_check.py plain-olap URL GRAPH
      prints how many OLAP values a paged list in the current mode shows
  olap_check.py file-values FILE
      the same lines as `values` for a vertices.jsonl
"""
import json
import sys
import time

from restore_check import Rest, post_batches

OLAP = ("rank", "comm")

SCHEMA = {
    "propertykeys": [
        {"name": "name", "data_type": "TEXT", "cardinality": "SINGLE"},
        {"name": "rank", "data_type": "DOUBLE", "cardinality": "SINGLE", "write_type": "OLAP_COMMON"},
        {"name": "comm", "data_type": "INT", "cardinality": "SINGLE", "write_type": "OLAP_RANGE"},
    ],
    "vertexlabels": [
        {"name": "person", "id_strategy": "PRIMARY_KEY", "properties": ["name"], "primary_keys": ["name"]},
        {"name": "num", "id_strategy": "CUSTOMIZE_NUMBER", "properties": ["name"]},
        {"name": "str", "id_strategy": "CUSTOMIZE_STRING", "properties": ["name"]},
        {"name": "auto", "id_strategy": "AUTOMATIC", "properties": ["name"]},
    ],
    "edgelabels": [
        {"name": "knows", "source_label": "person", "target_label": "person", "properties": ["name"]},
    ],
}


def wait_task(api, g, task):
    """An OLAP key's table is made by a create_olap task: values written
    before it ends are refused (400 Unsupported table)."""
    for _ in range(600):
        if not task:
            return
        st = json.loads(api.get("%s/tasks/%d" % (api.pre(g), task))).get("task_status")
        if st == "success":
            return
        if st in ("failed", "cancelled"):
            raise SystemExit("task %d of graph %s: %s" % (task, g, st))
        time.sleep(0.1)
    raise SystemExit("task %d of graph %s did not end" % (task, g))


def post_schema(api, g, vl_order):
    pre = api.pre(g) + "/schema/"
    for pk in SCHEMA["propertykeys"]:
        wait_task(api, g, api.send("POST", pre + "propertykeys", pk).get("task_id", 0))
    for vl in vl_order:
        api.send("POST", pre + "vertexlabels", vl)
    for el in SCHEMA["edgelabels"]:
        api.send("POST", pre + "edgelabels", el)


def build(api, g, with_uuid):
    post_schema(api, g, SCHEMA["vertexlabels"])
    persons = [{"label": "person", "properties": {"name": n}}
               for n in ["marko", "ma:rko", "x!y", "quote\"back\\slash", "日本語"] + ["p%03d" % i for i in range(300)]]
    # enough numeric ids that whole 64 KiB blocks of vertices.jsonl hold no PRIMARY_KEY vertex
    nums = [{"label": "num", "id": 1000 + i, "properties": {"name": "n%d" % i}} for i in range(2400)]
    nums.append({"label": "num", "id": 9007199254740993, "properties": {"name": "big"}})
    strs = [{"label": "str", "id": "s%d\u00e9\"" % i, "properties": {"name": "s%d" % i}} for i in range(20)]
    autos = [{"label": "auto", "properties": {"name": "a%d" % i}} for i in range(5)]
    vs = persons + nums + strs + autos
    ids = post_batches(api, g, "vertices", vs)
    post_batches(api, g, "edges", [{"label": "knows", "outV": ids[i], "outVLabel": "person", "inV": ids[i + 1],
                                    "inVLabel": "person", "properties": {"name": "e%d" % i}} for i in range(40)])
    # OLAP values: rank for most vertices, comm for some, neither for a few
    rank = [{"id": vid, "properties": {"rank": i / 8.0 + 0.5}} for i, vid in enumerate(ids) if i % 7 != 3]
    comm = [{"id": vid, "properties": {"comm": i * 3 - 50}} for i, vid in enumerate(ids) if i % 2 == 0]
    post_batches(api, g, "vertices", rank)
    post_batches(api, g, "vertices", comm)
    if with_uuid:
        pre = api.pre(g) + "/schema/"
        api.send("POST", pre + "vertexlabels", {"name": "uu", "id_strategy": "CUSTOMIZE_UUID", "properties": ["name"]})
        u = "835e1153-9281-4957-8691-cf79258e90eb"
        post_batches(api, g, "vertices", [{"label": "uu", "id": u, "properties": {"name": "u"}}])
        post_batches(api, g, "vertices", [{"id": u, "properties": {"rank": 4.5}}])


def read_mode(api, g, mode=None):
    if mode:
        api.send("PUT", api.pre(g) + "/graph_read_mode", mode)
    return json.loads(api.get(api.pre(g) + "/graph_read_mode"))["graph_read_mode"]


def value_lines(vertices):
    out = []
    for v in vertices:
        p = v["properties"]
        vals = " ".join("%s=%s" % (k, json.dumps(p[k])) for k in OLAP if k in p)
        out.append("%s %s %s" % (v["label"], json.dumps(p.get("name"), ensure_ascii=False), vals))
    return sorted(out)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "file-values":
        with open(args[0], encoding="utf-8") as f:
            print("\n".join(value_lines(json.loads(line) for line in f if line.strip())))
        return 0
    api = Rest(args[0])
    g = args[1]
    if cmd == "build":
        build(api, g, len(args) > 2 and args[2] == "uuid")
    elif cmd == "schema-other":
        post_schema(api, g, list(reversed(SCHEMA["vertexlabels"])))
    elif cmd == "read-mode":
        print(read_mode(api, g, args[2] if len(args) > 2 else None))
    elif cmd == "values":
        before = read_mode(api, g)
        read_mode(api, g, "ALL")
        try:
            print("\n".join(value_lines(api.paged(g, "vertices"))))
        finally:
            read_mode(api, g, before)
    elif cmd == "plain-olap":
        print(sum(k in v["properties"] for v in api.paged(g, "vertices") for k in OLAP))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
