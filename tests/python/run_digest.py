"""Digest of a run's results: one SHA-256 per dataset (dtype, shape, bytes and attributes), per
group's attributes and for the /summary totals; the root attributes that differ between two
runs of the same scenario (wall time, start date, paths, the resolved scenario text, version)
are left out. Two runs give equal digests iff their series, request table, events and summary
are equal bit for bit.

    python3 tests/python/run_digest.py RUN.h5            prints the digest (tests/golden/*.digest)
    python3 tests/python/run_digest.py A.h5 B.h5         lists what differs (exit 1 if anything)
"""

import hashlib
import sys

import h5py
import numpy as np

VOLATILE_ROOT_ATTRS = {"started_utc", "wall_seconds", "scenario", "scenario_path", "dcsim_version"}


def _attr_text(attrs, skip=()):
    items = []
    for k in sorted(attrs.keys()):
        if k in skip:
            continue
        v = attrs[k]
        if isinstance(v, np.ndarray):
            v = v.tolist()
        items.append(f"{k}={v!r}")
    return "\n".join(items)


def _dataset_bytes(d):
    a = d[()]
    if isinstance(a, np.ndarray) and a.dtype.hasobject:
        return repr(a.tolist()).encode()
    if isinstance(a, np.ndarray):
        return a.tobytes()
    return repr(a).encode()


def digest(path, also_skip=()):
    """{name: sha256 hex} over every dataset and group of the file; `also_skip`: root attributes
    left out besides the volatile ones (the round trip of a resolved scenario leaves out
    `overrides`: the original run has them, the rerun of its resolved text has none)."""
    out = {}
    with h5py.File(path, "r") as f:
        skip = VOLATILE_ROOT_ATTRS | set(also_skip)
        out["/ (attributes)"] = hashlib.sha256(_attr_text(f.attrs, skip).encode()).hexdigest()

        def visit(name, obj):
            h = hashlib.sha256()
            if isinstance(obj, h5py.Dataset):
                h.update(f"{obj.dtype!r} {obj.shape}\n".encode())
                h.update(_dataset_bytes(obj))
                h.update(_attr_text(obj.attrs, {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"}).encode())
            else:
                h.update(_attr_text(obj.attrs).encode())
            out["/" + name] = h.hexdigest()

        f.visititems(visit)
    return out


def format_digest(d):
    return "".join(f"{k} {v}\n" for k, v in sorted(d.items()))


def parse_digest(text):
    return dict(line.rsplit(" ", 1) for line in text.splitlines() if line.strip())


def differences(a, b):
    """Names whose digests differ, or that are in one only."""
    names = sorted(set(a) | set(b))
    return [n for n in names if a.get(n) != b.get(n)]


if __name__ == "__main__":
    if len(sys.argv) == 2:
        sys.stdout.write(format_digest(digest(sys.argv[1])))
    elif len(sys.argv) == 3:
        diff = differences(digest(sys.argv[1]), digest(sys.argv[2]))
        for n in diff:
            print("differs:", n)
        print(f"{len(diff)} difference(s)")
        sys.exit(1 if diff else 0)
    else:
        sys.exit(__doc__)
