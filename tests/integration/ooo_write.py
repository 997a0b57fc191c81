#!/usr/bin/env python3
"""ooo_write.py SRC DST BLOCK STATUS: writes SRC into DST the way restic
restores a file: create, posix_fallocate the full size, close; then one
block at a time at shuffled offsets, each in its own open/pwrite/close.
After every close but the last, DST's line of the STATUS file must say
"incomplete"; prints what it saw and exits 1 when it did not."""
import os
import random
import sys

src, dst, block, status = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
name = os.path.basename(dst)
data = open(src, "rb").read()
offsets = list(range(0, len(data), block))
random.Random(11).shuffle(offsets)
if offsets[0] == 0 and len(offsets) > 1:  # the first block last-but-not-first
    offsets[0], offsets[1] = offsets[1], offsets[0]


def line():
    with open(status) as f:
        for ln in f:
            if ln.startswith(name + ": "):
                return ln.strip()
    return ""


bad = 0
fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.posix_fallocate(fd, 0, len(data))
os.close(fd)
if os.stat(dst).st_size != len(data):
    print("after fallocate: size %d, not %d" % (os.stat(dst).st_size, len(data)))
    bad = 1
if not line().startswith(name + ": incomplete"):
    print("after fallocate and close: '%s'" % line())
    bad = 1
for i, off in enumerate(offsets):
    fd = os.open(dst, os.O_WRONLY)
    chunk = data[off:off + block]
    if os.pwrite(fd, chunk, off) != len(chunk):
        print("short pwrite at %d" % off)
        bad = 1
    os.close(fd)  # raises OSError when the close fails
    if i < len(offsets) - 1 and not line().startswith(name + ": incomplete"):
        print("after block %d of %d (offset %d): '%s'" % (i + 1, len(offsets), off, line()))
        bad = 1
        break
print("%d blocks of %d bytes written; last status: %s" % (len(offsets), block, line()))
sys.exit(bad)
