#!/usr/bin/env python3
"""Extract the TensorFlow C library and C API headers from a tensorflow-cpu wheel.

Used by deploy/local/tfjs-native.sh. Usage: tf-wheel-extract.py WHEEL DEST

Writes DEST/lib/{libtensorflow_cc.so.2,libtensorflow_framework.so.2}, DEST/include/<the C API
headers tfjs-node's binding compiles against> and DEST/manifest.tsv (path, size, sha256).
Every extracted file is checked against the wheel's own RECORD, so a truncated or tampered
member fails here rather than as a crash inside node later. Only python3's standard library is
used: python3 is already required by node-gyp, while `unzip` may be missing on a fresh machine.
"""

import base64
import csv
import hashlib
import io
import os
import sys
import zipfile

LIBS = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
INCLUDE_ROOT = "tensorflow/include/"
# The binding includes tensorflow/c/{c_api,eager/c_api,tf_*}.h and ctstring*.h; since TF 2.11
# those pull in tensorflow/tsl/{c,platform/ctstring*}. The whole C API tree is <1 MB, so take it
# all instead of guessing the exact closure; the other 140 MB of C++ headers are not needed.
INCLUDE_PREFIXES = (
    "tensorflow/include/tensorflow/c/",
    "tensorflow/include/tensorflow/tsl/c/",
    "tensorflow/include/tensorflow/core/platform/ctstring",
    "tensorflow/include/tensorflow/tsl/platform/ctstring",
)
REQUIRED_HEADERS = ("tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h")
CHUNK = 1 << 20


def die(msg):
    print(f"tf-wheel-extract: {msg}", file=sys.stderr)
    sys.exit(1)


def read_record(zf):
    names = [n for n in zf.namelist() if n.endswith(".dist-info/RECORD")]
    if len(names) != 1:
        die(f"expected one *.dist-info/RECORD in the wheel, found {len(names)}")
    with zf.open(names[0]) as raw:
        rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))
        return {row[0]: row[1] for row in rows if len(row) >= 2 and row[1]}


def record_digest(entry):
    algo, _, b64 = entry.partition("=")
    if algo != "sha256":
        die(f"unsupported RECORD hash {algo!r}")
    return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()


def extract(zf, record, member, target):
    if member not in record:
        die(f"{member} is not listed in the wheel's RECORD")
    want = record_digest(record[member])
    os.makedirs(os.path.dirname(target), exist_ok=True)
    h = hashlib.sha256()
    size = 0
    with zf.open(member) as src, open(target, "wb") as dst:
        while True:
            buf = src.read(CHUNK)
            if not buf:
                break
            h.update(buf)
            dst.write(buf)
            size += len(buf)
    if h.hexdigest() != want:
        die(f"{member}: sha256 {h.hexdigest()} does not match RECORD {want}")
    return size, want


def main():
    if len(sys.argv) != 3:
        die("usage: tf-wheel-extract.py WHEEL DEST")
    wheel, dest = sys.argv[1], sys.argv[2]
    manifest = []
    with zipfile.ZipFile(wheel) as zf:
        record = read_record(zf)
        names = set(zf.namelist())
        for member in LIBS:
            if member not in names:
                die(f"{member} is missing from {os.path.basename(wheel)}")
            rel = "lib/" + os.path.basename(member)
            size, digest = extract(zf, record, member, os.path.join(dest, rel))
            os.chmod(os.path.join(dest, rel), 0o755)
            manifest.append((rel, size, digest))
        for member in sorted(names):
            if member.endswith("/") or not member.startswith(INCLUDE_PREFIXES):
                continue
            rel = "include/" + member[len(INCLUDE_ROOT):]
            size, digest = extract(zf, record, member, os.path.join(dest, rel))
            manifest.append((rel, size, digest))
    for header in REQUIRED_HEADERS:
        if not os.path.isfile(os.path.join(dest, "include", header)):
            die(f"header {header} not found in the wheel")
    with open(os.path.join(dest, "manifest.tsv"), "w", encoding="utf-8") as out:
        for rel, size, digest in manifest:
            out.write(f"{rel}\t{size}\t{digest}\n")
    total = sum(size for _, size, _ in manifest)
    print(f"extracted {len(manifest)} files ({total / 1e6:.0f} MB), all matching the wheel's RECORD")


if __name__ == "__main__":
    main()
