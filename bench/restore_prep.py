#!/usr/bin/env python3
"""restore_prep.py - prepares the raw restore baseline of the benchmark.

    restore_prep.py [--batch N] [--legacy] BACKUP_DIR PREP_DIR

Reads a backup set (schema.json, vertices.jsonl, edges.jsonl as the mount
writes them) and writes into PREP_DIR what bench/raw_restore.sh posts into an
empty graph in RESTORING mode, with the transformations a correct restore
needs (the same the mount applies, API doc sections 3, 4.3, 6.3 and 10):

  schema/NNNN.json   one schema element a file, in the order they must be
                     created: property keys, vertex labels, edge labels (a
                     SUB label after its PARENT), index labels, each type by
                     ascending id; the id kept (RESTORING), "check_exist" and
                     "task_id" dropped, "check_exist":false appended, "links"
                     dropped from PARENT labels, and with --legacy (a target
                     before 1.5) "edgelabel_type", "parent_label" and
                     "links" dropped;
  batches/vNNNNNN.json, batches/eNNNNNN.json
                     JSON arrays of N (default 500) records: the lines of the
                     backup byte for byte, except that vertices of
                     PRIMARY_KEY labels lose their "id" member (the server
                     computes it) and BLOB property values that are base64
                     strings starting with "0x" become "0x" + the hex of
                     their bytes (the server reads any "0x" string as hex);
                     edges are posted as they are (in RESTORING the target's
                     label ids are the backup's, so PRIMARY_KEY endpoint ids
                     need no rewrite);
  schema.cfg, data.cfg
                     curl config files (one block per request, separated by
                     "next"), with the placeholder @GRAPH_URL@ for the
                     target graph's base URL;
  counts             "VERTICES EDGES SCHEMA_ELEMENTS".

Nothing here is timed by the benchmark (its time is reported as prep time).
"""
import argparse
import base64
import json
import os
import re
import sys

SCHEMA_TYPES = ("propertykeys", "vertexlabels", "edgelabels", "indexlabels")
SCHEMA_PATHS = {t: "/schema/" + t for t in SCHEMA_TYPES}

# The server's compact vertex JSON starts {"id":<id>,"label":"<label>",...
VERTEX_HEAD = re.compile(rb'\{"id":("(?:[^"\\]|\\.)*"|-?[0-9]+),"label":"((?:[^"\\]|\\.)*)"')
PROPS = b',"properties":{'


def die(msg):
    sys.stderr.write("restore_prep: %s\n" % msg)
    sys.exit(1)


def ordered_schema(schema, legacy):
    """(type, element) pairs in creation order, each ready to post."""
    out = []
    for t in SCHEMA_TYPES:
        elems = sorted(schema.get(t, []), key=lambda e: e.get("id", 0))
        if t == "edgelabels":
            # a SUB label after its PARENT, whatever the ids say
            done, pending, ordered = set(), list(elems), []
            while pending:
                progress = False
                for e in list(pending):
                    parent = e.get("parent_label")
                    if e.get("edgelabel_type") != "SUB" or parent in done or \
                            parent not in {x["name"] for x in pending}:
                        ordered.append(e)
                        done.add(e["name"])
                        pending.remove(e)
                        progress = True
                if not progress:
                    die("edge labels with a parent cycle")
            elems = ordered
        for e in elems:
            e = dict(e)
            e.pop("check_exist", None)
            e.pop("task_id", None)
            kind = e.get("edgelabel_type")
            if t == "edgelabels" and legacy:
                if kind in ("PARENT", "SUB"):
                    die("edge label '%s' is a %s label; servers before 1.5 have none" % (e["name"], kind))
                for k in ("edgelabel_type", "parent_label", "links"):
                    e.pop(k, None)
            elif t == "edgelabels" and kind == "PARENT":
                e.pop("links", None)
            if "id" not in e:
                die("%s '%s' has no id, which RESTORING needs" % (t, e.get("name")))
            e["check_exist"] = False
            out.append((t, e))
    return out


def blob_hex(value, where):
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        die("%s: BLOB value %r is not base64" % (where, value[:40]))
    return "0x" + raw.hex()


def fix_blobs(line, blob_keys, decoder, where):
    """The line with its BLOB values starting with 0x rewritten as hex."""
    start = line.find(PROPS)
    if start < 0:
        die("%s: no properties member" % where)
    s = line.decode("utf-8")
    pos = len(line[:start + len(PROPS)].decode("utf-8"))  # after the '{'
    parts, last = [], 0
    ws = " \t\r\n"
    while True:
        while s[pos] in ws:
            pos += 1
        if s[pos] == "}":
            break
        if s[pos] == ",":
            pos += 1
            continue
        key, pos = json.decoder.scanstring(s, pos + 1)
        while s[pos] in ws + ":":
            pos += 1
        value, end = decoder.raw_decode(s, pos)
        if key in blob_keys:
            new = None
            if isinstance(value, str) and value.startswith("0x"):
                new = json.dumps(blob_hex(value, where))
            elif isinstance(value, list) and any(isinstance(v, str) and v.startswith("0x") for v in value):
                new = json.dumps([blob_hex(v, where) if isinstance(v, str) and v.startswith("0x") else v
                                  for v in value], separators=(",", ":"))
            if new is not None:
                parts.append(s[last:pos])
                parts.append(new)
                last = end
        pos = end
    if not parts:
        return line
    parts.append(s[last:])
    return "".join(parts).encode("utf-8")


def post(cfg, index, path, body, output):
    """One curl config block: POST the file body to path; the answer
    goes to output, the status code to stdout."""
    if index > 0:
        cfg.write("next\n")
    cfg.write('url = "@GRAPH_URL@%s"\n' % path)
    cfg.write('data-binary = "@%s"\n' % body)
    cfg.write('header = "Content-Type: application/json"\n')
    cfg.write('output = "%s"\n' % output)
    cfg.write('write-out = "%{http_code}\\n"\n')


class Batches:
    """Writes records into JSON-array files of n records and the config."""

    def __init__(self, prep, cfg, n):
        self.prep, self.cfg, self.n = prep, cfg, n
        self.files = 0
        self.blocks = 0
        self.buf = []

    def add(self, record, prefix, path):
        self.buf.append(record)
        if len(self.buf) == self.n:
            self.flush(prefix, path)

    def flush(self, prefix, path):
        if not self.buf:
            return
        name = os.path.join(self.prep, "batches", "%s%06d.json" % (prefix, self.files))
        with open(name, "wb") as f:
            f.write(b"[" + b",".join(self.buf) + b"]")
        post(self.cfg, self.blocks, path, name, "/dev/null")
        self.blocks += 1
        self.files += 1
        self.buf = []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=500, help="records per batch (default 500)")
    ap.add_argument("--legacy", action="store_true", help="target server before 1.5")
    ap.add_argument("backup")
    ap.add_argument("prep")
    a = ap.parse_args()
    prep = os.path.abspath(a.prep)
    os.makedirs(os.path.join(prep, "schema"), exist_ok=True)
    os.makedirs(os.path.join(prep, "batches"), exist_ok=True)

    with open(os.path.join(a.backup, "schema.json"), "rb") as f:
        schema = json.loads(f.read())
    pk_labels = {v["name"] for v in schema.get("vertexlabels", []) if v.get("id_strategy") == "PRIMARY_KEY"}
    blob_keys = {p["name"] for p in schema.get("propertykeys", []) if p.get("data_type") == "BLOB"}

    elements = ordered_schema(schema, a.legacy)
    with open(os.path.join(prep, "schema.cfg"), "w") as cfg:
        for i, (t, e) in enumerate(elements):
            name = os.path.join(prep, "schema", "%04d.json" % i)
            with open(name, "wb") as f:
                f.write(json.dumps(e, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
            post(cfg, i, SCHEMA_PATHS[t], name, name + ".out")

    decoder = json.JSONDecoder()
    labels = {}
    counts = [0, 0]
    with open(os.path.join(prep, "data.cfg"), "w") as cfg:
        out = Batches(prep, cfg, a.batch)
        with open(os.path.join(a.backup, "vertices.jsonl"), "rb") as f:
            for no, line in enumerate(f, 1):
                line = line.rstrip(b"\r\n")
                if not line:
                    continue
                m = VERTEX_HEAD.match(line)
                if m is None:
                    die("vertices.jsonl line %d does not start with an id and a label" % no)
                raw = m.group(2)
                label = labels.get(raw)
                if label is None:
                    label = labels[raw] = json.loads(b'"' + raw + b'"')
                if blob_keys and b'"0x' in line:
                    line = fix_blobs(line, blob_keys, decoder, "vertices.jsonl line %d" % no)
                if label in pk_labels:
                    line = b"{" + line[m.end(1) + 1:]
                out.add(line, "v", "/graph/vertices/batch")
                counts[0] += 1
        out.flush("v", "/graph/vertices/batch")
        out.files = 0
        path = "/graph/edges/batch?check_vertex=false"
        with open(os.path.join(a.backup, "edges.jsonl"), "rb") as f:
            for no, line in enumerate(f, 1):
                line = line.rstrip(b"\r\n")
                if not line:
                    continue
                if blob_keys and b'"0x' in line:
                    line = fix_blobs(line, blob_keys, decoder, "edges.jsonl line %d" % no)
                out.add(line, "e", path)
                counts[1] += 1
        out.flush("e", path)
    with open(os.path.join(prep, "counts"), "w") as f:
        f.write("%d %d %d\n" % (counts[0], counts[1], len(elements)))


if __name__ == "__main__":
    main()
