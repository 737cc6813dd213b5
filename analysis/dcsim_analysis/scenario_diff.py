"""Differences between the resolved scenarios of runs, as key paths a user can pass to --set.

`flatten(data)` turns a scenario dict into {key path: value}, with list elements of named blocks
(sites, pools, workloads, tiers, regions) addressed by name the way --set accepts them
(`sites.us-east.pools.image.servers`) and other list elements by index (`points[2]`).
`differences(a, b)` lists (path, value in a, value in b) for every path whose value differs,
is only in a (b = None) or only in b. `text_diff(a_text, b_text)` is the unified diff of the
two texts.
"""
from __future__ import annotations

import difflib
from typing import Any

_MISSING = object()


def _named(items: list) -> bool:
    names = [i.get("name") for i in items if isinstance(i, dict)]
    return len(names) == len(items) and all(isinstance(n, str) and n for n in names) and \
        len(set(names)) == len(names)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        if not data and prefix:
            out[prefix] = {}
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list):
        if not data:
            out[prefix] = []
        elif _named(data):
            for item in data:
                rest = {k: v for k, v in item.items() if k != "name"}
                out.update(flatten(rest, f"{prefix}.{item['name']}"))
                if not rest:
                    out[f"{prefix}.{item['name']}"] = {}
        else:
            for i, item in enumerate(data):
                out.update(flatten(item, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out


def differences(a: dict, b: dict) -> list[tuple[str, Any, Any]]:
    fa, fb = flatten(a), flatten(b)
    out = []
    for path in list(fa) + [p for p in fb if p not in fa]:
        va, vb = fa.get(path, _MISSING), fb.get(path, _MISSING)
        if va is _MISSING or vb is _MISSING or str(va) != str(vb):
            out.append((path, None if va is _MISSING else va, None if vb is _MISSING else vb))
    return out


def text_diff(a_text: str, b_text: str, a_name: str = "a", b_name: str = "b") -> str:
    return "".join(difflib.unified_diff((a_text or "").splitlines(keepends=True),
                                        (b_text or "").splitlines(keepends=True),
                                        fromfile=a_name, tofile=b_name, n=2))
