#!/usr/bin/python3
"""Scenario mutation fuzzer: mutates the shipped scenarios and runs `dcsim validate` / `dcsim run`
on each, classifying what happens (docs/reliability.md).

Mutations: deleted and duplicated keys, type swaps, huge / negative / NaN / inf / tiny numbers,
wrong and unknown units, unicode and control characters, truncation, byte flips, aliases (also
cyclic), deep nesting, long values and many keys, and --set / --until / --seed mutations.

Outcome classes:
  ok            exit 0
  input_error   exit 2 with a located message (file:line[:col], --set, -o or an option name)
and failures (each one a bug; the run exits 1 when there is any):
  unlocated     exit 2 without a location        exit1     exit 1 (runtime error)
  signal        killed by a signal (a crash)     timeout   no answer within --timeout
  other         any other exit code              verbose   more than 64 kB on stderr

Short fixed-seed run (the test suite runs it):   tests/fuzz/scenario_fuzz.py --cases 300 --seed 1
Long run (10^6 cases, fork server, ~1 h a core): tests/fuzz/scenario_fuzz.py --cases 1000000 --fast \
    --seed 7 --jobs 2 --save-failures /tmp/fuzz-failures
Uses Debian's /usr/bin/python3 and python3-yaml only.
"""

import argparse
import collections
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import time

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
SEED_FILES = sorted((REPO / "scenarios").glob("*.yaml"))
BASE = """name: x
horizon: 1 h
sites:
  - name: a
    pools: [{name: p, servers: 1, service: {model: fixed, time: 1 s}}]
workloads:
  - {name: w, pool: a/p, arrivals: {model: poisson, rate: 1 /s}}
"""
FAILURES = ("unlocated", "exit1", "signal", "timeout", "other", "verbose")
# "error: FILE:12:7: ...", "error: --set: ...", "error: -o OUT: ..." or CLI11's "--until: ..." and
# "Could not convert: --seed = x".
LOCATED = re.compile(r"^(error: (--set|--seed: |--until: |-o |.+?:\d+(:\d+)?: )|--[\w-]+: |Could not convert: --)", re.M)

NUMBERS = ["0", "-1", "-0", "1e308", "-1e308", "1.8e308", "1e400", "1e-320", "4.9e-324", ".nan", "nan",
           ".inf", "-.inf", "inf", "NaN", "9" * 40, "0x1F", "1_000_000", "1e6", "99999999999999999999",
           "2147483648", "-2147483649", "18446744073709551616", "0." + "0" * 400 + "1", "1e-9", "3.5",
           "1000000", "100000000", "2.5", "+7", "007", "1e", "1..2", "", "~", "true", "null"]
UNITS = ["s", "ms", "us", "ns", "min", "h", "d", "W", "kW", "MW", "J", "kWh", "B", "GB", "GiB", "TB", "B/s",
         "GB/s", "Gbps", "/s", "/h", "/d", "%", "FLOP", "TFLOP/s", "degC", "g/kWh", "kg", "L", "USD",
         "USD/MWh", "parsecs", "W/s", "s/s", "1/s", "/", "°C", "µs", "Ω", "", "  ", "e3 W"]
STRINGS = ["", " ", "a" * 5000, "é", "日本語", "\u202e", "\u0000", "\x7f", "💥", "a/b", "../..", "*x", "&x",
           "!!binary", "- a", "{", "[", "'", '"', "\\", "%TAG", "---", "...", "a: b", "NaN", "\ufeff",
           "/dev/zero", "/dev/stdin", "/proc/self/mem", "/", ".", "/nonexistent/file.csv"]
SET_PATHS = ["name", "horizon", "seed", "start", "record.step", "record.requests", "sites[0].name",
             "sites[0].pools[0].servers", "sites[0].pools[0].gpus_per_server", "sites[0].pools[0].serving",
             "workloads[0].arrivals.rate", "workloads[0].arrivals.model", "workloads[0].pool", "sites[99].x",
             "sites[99999999999999999999].name", "sites[-1].name", "sites[].name", "sites[0", "a..b", ".",
             "sites.a.pools.p.servers", "workloads.w.arrivals", "catalog.gpus.h100-sxm.tdp", "x" * 3000,
             "sites[0].pools[0].llm.max_batch", "workloads[0].class.model", "é.ü", "sites[0][0]"]


def absolutize_paths(text, base_dir):
    """Trace paths are relative to the scenario: make them absolute, the mutant lives elsewhere."""
    def fix(m):
        p = m.group(2)
        if p.startswith("/") or p.startswith(("'", '"')):
            return m.group(0)
        return m.group(1) + str((base_dir / p).resolve())
    return re.sub(r"^(\s*path:\s*)(\S+)", fix, text, flags=re.M)


def seeds():
    out = [("base", BASE)]
    for f in SEED_FILES:
        out.append((f.stem, absolutize_paths(f.read_text(), f.parent)))
    return out


# ---- tree mutations ------------------------------------------------------------------------

def nodes(tree, path=()):
    """Every (container, key) pair of the tree, for picking a place to mutate."""
    out = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            out.append((tree, k))
            out.extend(nodes(v))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out.append((tree, i))
            out.extend(nodes(v))
    return out


def scalar_paths(tree, prefix=""):
    """Dotted --set paths of the tree's leaves (list elements by index)."""
    out = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            p = f"{prefix}.{k}" if prefix else str(k)
            out.extend(scalar_paths(v, p) if isinstance(v, (dict, list)) else [p])
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out.extend(scalar_paths(v, f"{prefix}[{i}]"))
    return out


def random_value(rng):
    r = rng.random()
    if r < 0.35:
        return rng.choice(NUMBERS) + ("" if rng.random() < 0.3 else " " + rng.choice(UNITS))
    if r < 0.55:
        return rng.choice(STRINGS)
    if r < 0.65:
        return [rng.choice(NUMBERS)] * rng.randint(0, 3)
    if r < 0.75:
        return {rng.choice(["model", "x", "rate", "name"]): rng.choice(NUMBERS)}
    if r < 0.8:
        return None
    if r < 0.85:
        return rng.choice([True, False])
    return rng.randint(-10**20, 10**20) if rng.random() < 0.5 else rng.uniform(-1e300, 1e300)


def mutate_tree(tree, rng):
    places = nodes(tree)
    if not places:
        return random_value(rng)
    container, key = rng.choice(places)
    op = rng.randrange(8)
    if op == 0:  # delete
        del container[key]
    elif op == 1:  # replace with a random value
        container[key] = random_value(rng)
    elif op == 2 and isinstance(container, list):  # duplicate a list element (names collide)
        container.insert(key, json.loads(json.dumps(container[key], default=str)))
    elif op == 3 and isinstance(container, dict):  # unknown or misspelt key
        name = str(key)
        container[rng.choice([name + "s", name[:-1], name.upper(), "x" * rng.randint(1, 300), "ü" + name])] = \
            random_value(rng)
    elif op == 4:  # number in the value changed
        v = container[key]
        if isinstance(v, str):
            container[key] = re.sub(r"[0-9][0-9._e+-]*", lambda m: rng.choice(NUMBERS), v, count=1)
        else:
            container[key] = random_value(rng)
    elif op == 5:  # unit changed
        v = container[key]
        if isinstance(v, str) and " " in v:
            container[key] = v.split(" ", 1)[0] + " " + rng.choice(UNITS)
        else:
            container[key] = random_value(rng)
    elif op == 6:  # wrapped in a list or a mapping
        container[key] = [container[key]] if rng.random() < 0.5 else {"model": container[key]}
    else:  # many keys or a long list
        n = rng.choice([10, 1000, 20000])
        container[key] = {f"k{i}": i for i in range(n)} if rng.random() < 0.5 else list(range(n))
    return tree


# ---- text mutations ------------------------------------------------------------------------

def mutate_text(text, rng):
    op = rng.randrange(9)
    b = text.encode("utf-8", "surrogatepass")
    if op == 0 and b:  # truncation
        return b[: rng.randrange(len(b))].decode("utf-8", "replace")
    if op == 1 and b:  # byte flips
        ba = bytearray(b)
        for _ in range(rng.randint(1, 8)):
            ba[rng.randrange(len(ba))] = rng.randrange(256)
        return ba.decode("utf-8", "replace") if rng.random() < 0.5 else ba.decode("latin-1")
    lines = text.splitlines()
    if op == 2 and lines:  # duplicated line (duplicate key)
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif op == 3 and lines:  # indentation changed
        i = rng.randrange(len(lines))
        lines[i] = " " * rng.randint(0, 9) + lines[i].lstrip()
    elif op == 4:  # aliases: an anchor and references, sometimes cyclic
        i = rng.randrange(len(lines) + 1)
        lines.insert(i, rng.choice(["x: &a [*a]", "y: &b {k: *b}", "a: &a [1, 2]\nb: [*a, *a, *a]",
                                    "l0: &l0 [x, x]\nl1: &l1 [*l0, *l0]\nl2: &l2 [*l1, *l1]\nl3: [*l2, *l2]",
                                    "sites: *nope", "<<: *a", "name: &n x\nhorizon: *n"]))
    elif op == 5:  # deep nesting
        depth = rng.choice([100, 5000, 100000])
        lines.append("deep: " + "[" * depth + "]" * depth if rng.random() < 0.5 else "deep: " + "{a: " * depth + "1" + "}" * depth)
    elif op == 6:  # unicode and control characters inside a line
        if lines:
            i = rng.randrange(len(lines))
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(STRINGS[3:12] + ["\t", "\r", "\x00", "\x1b[31m"]) + lines[i][j:]
    elif op == 7:  # a long value
        if lines:
            i = rng.randrange(len(lines))
            lines[i] = lines[i] + "x" * rng.choice([1000, 100000])
    else:  # YAML directives and documents
        lines.insert(0, rng.choice(["%YAML 1.1", "%YAML 9.9", "---", "--- !!map", "!!str"]))
        if rng.random() < 0.3:
            lines.append("---\nname: second")
    return "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")


# ---- command-line mutations ----------------------------------------------------------------

def mutate_args(tree, rng):
    args = []
    paths = scalar_paths(tree) if isinstance(tree, (dict, list)) else []
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths) if paths and rng.random() < 0.6 else rng.choice(SET_PATHS)
        value = random_value(rng)
        value = value if isinstance(value, str) else yaml.safe_dump(value, default_flow_style=True).strip()
        if rng.random() < 0.1:
            value = rng.choice(["&a [*a]", "&a {x: *a}", "[" * 3000, "{a: 1", "*x", "!!python/object:os.system"])
        args += ["--set", f"{path}={value}" if rng.random() < 0.95 else path]
    if rng.random() < 0.2:
        args += ["--until", rng.choice(NUMBERS) + rng.choice(["s", " h", "", " parsecs", "d"])]
    if rng.random() < 0.1:
        args += ["--seed", rng.choice(["-1", "0", "18446744073709551615", "18446744073709551616", "x", "1e3"])]
    return args


def make_case(seed_cases, rng):
    """(scenario text, extra arguments, description) of one mutated input."""
    name, text = rng.choice(seed_cases)
    kind = rng.random()
    extra = []
    if kind < 0.45:
        try:
            tree = yaml.safe_load(text)
            for _ in range(rng.randint(1, 3)):
                tree = mutate_tree(tree, rng)
            text = yaml.safe_dump(tree, allow_unicode=rng.random() < 0.5, sort_keys=False,
                                  default_flow_style=rng.random() < 0.2)
        except (yaml.YAMLError, RecursionError, ValueError, TypeError):
            text = mutate_text(text, rng)
        what = "tree"
    elif kind < 0.8:
        for _ in range(rng.randint(1, 3)):
            text = mutate_text(text, rng)
        what = "text"
    else:
        extra = mutate_args(yaml.safe_load(text), rng)
        what = "args"
    return text, extra, f"{name}/{what}"


def classify(kind, value, stderr):
    if kind == "timeout":
        return "timeout"
    if kind == "signal":
        return "signal"
    if len(stderr) > 65536:
        return "verbose"
    if value == 0:
        return "ok"
    if value == 2:
        return "input_error" if LOCATED.search(stderr) else "unlocated"
    if value == 1:
        return "exit1"
    return "other"


class Runner:
    """Runs one dcsim command line: a process each (default), or through the fork server."""

    def __init__(self, dcsim, fast, scratch):
        self.dcsim = dcsim
        self.server = None
        if fast:
            exe = pathlib.Path(dcsim).parent / "tests" / "dcsim_fuzz_exec"
            self.server = subprocess.Popen([str(exe), scratch], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def __call__(self, args, timeout):
        if self.server is None:
            args = [a.replace("\0", "") for a in args]  # a command line cannot hold NUL
            try:
                p = subprocess.run([self.dcsim, *args], capture_output=True, timeout=timeout,
                                   stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return "timeout", 0, ""
            err = p.stderr.decode("utf-8", "replace")
            return ("signal", -p.returncode, err) if p.returncode < 0 else ("exit", p.returncode, err)
        out = self.server.stdin
        out.write(f"{timeout} {len(args)}\n".encode())
        for a in args:
            data = a.encode("utf-8", "surrogateescape")
            out.write(f"{len(data)}\n".encode() + data)
        out.flush()
        kind, value, n = self.server.stdout.readline().split()
        err = self.server.stdout.read(int(n)).decode("utf-8", "replace")
        return kind.decode(), int(value), err


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dcsim", default=os.environ.get("DCSIM_BIN", str(REPO / "build" / "dcsim")))
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per case before it counts as a hang")
    ap.add_argument("--run-share", type=float, default=0.15, help="share of cases run (--until 1 s), not validated")
    ap.add_argument("--fast", action="store_true", help="use the fork server build/tests/dcsim_fuzz_exec")
    ap.add_argument("--save-failures", help="directory to keep the input and stderr of each failure")
    ap.add_argument("--progress", type=int, default=0, help="print the counts every N cases")
    opts = ap.parse_args()

    rng = random.Random(opts.seed)
    seed_cases = seeds()
    counts = collections.Counter()
    per_class = collections.defaultdict(collections.Counter)
    failures = []
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="dcsim-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
        run = Runner(opts.dcsim, opts.fast, tmp)
        scenario = pathlib.Path(tmp) / "case.yaml"
        for i in range(opts.cases):
            text, extra, what = make_case(seed_cases, rng)
            scenario.write_bytes(text.encode("utf-8", "surrogatepass"))
            if rng.random() < opts.run_share:
                out = pathlib.Path(tmp) / "out.h5"
                args = ["run", str(scenario), "-q", "-o", str(out), "--until", "1 s", *extra]
            else:
                args = ["validate", str(scenario), *extra]
            kind, value, err = run(args, opts.timeout)
            cls = classify(kind, value, err)
            counts[cls] += 1
            per_class[what.split("/")[1]][cls] += 1
            if cls in FAILURES:
                failures.append((i, what, cls, value, err[:300]))
                if opts.save_failures:
                    d = pathlib.Path(opts.save_failures)
                    d.mkdir(parents=True, exist_ok=True)
                    (d / f"case{i}.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
                    (d / f"case{i}.txt").write_text(json.dumps({"args": args[2:] if args[0] == "validate" else args,
                                                                "class": cls, "value": value, "stderr": err}))
            for f in pathlib.Path(tmp).glob("out.h5*"):
                f.unlink()
            if opts.progress and (i + 1) % opts.progress == 0:
                print(f"{i + 1} cases, {time.time() - start:.0f} s: {dict(counts)}", file=sys.stderr, flush=True)
    elapsed = time.time() - start
    print(f"{opts.cases} cases (seed {opts.seed}) in {elapsed:.1f} s: " +
          ", ".join(f"{k} {counts[k]}" for k in sorted(counts)))
    for what, c in sorted(per_class.items()):
        print(f"  {what:5s} " + ", ".join(f"{k} {c[k]}" for k in sorted(c)))
    for i, what, cls, value, err in failures[:20]:
        print(f"FAIL case {i} ({what}): {cls} {value}\n    {err.strip()[:300]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
