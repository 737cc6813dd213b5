"""python3 -m dcsim_analysis SUBCOMMAND ...: a thin dispatcher to the subcommands' main(argv).

    sweep DIR    table and plots of a dcsim sweep or plan directory (dcsim_analysis.sweep)
"""
import importlib
import sys

SUBCOMMANDS = {
    "sweep": "dcsim_analysis.sweep",
}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in SUBCOMMANDS:
        print("usage: python3 -m dcsim_analysis {" + ",".join(SUBCOMMANDS) + "} ...", file=sys.stderr)
        return 2
    return importlib.import_module(SUBCOMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
