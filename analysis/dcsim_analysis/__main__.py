"""`python3 -m dcsim_analysis COMMAND ...` (with analysis/ on PYTHONPATH): a thin dispatcher.

Each command is a module of this package with `main(argv, prog) -> exit code`; adding one is one
line in COMMANDS.
"""
import importlib
import sys

COMMANDS = {
    "report": ("report", "HTML and Markdown report of one run: report RUN.h5 -o DIR"),
    "compare": ("compare", "several runs side by side: compare A.h5 B.h5 ... -o DIR"),
    "studies": ("studies", "run the shipped studies and write docs/studies/<name>.md: studies [NAME ...]"),
    "sweep": ("sweep", "table and plots of a dcsim sweep or plan directory: sweep DIR"),
}


def usage() -> str:
    lines = ["usage: python3 -m dcsim_analysis COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<8} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"dcsim_analysis: error: unknown command '{name}' (expected one of "
              f"{', '.join(COMMANDS)})", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(f"dcsim_analysis.{COMMANDS[name][0]}")
    except ModuleNotFoundError as e:
        if e.name != f"dcsim_analysis.{COMMANDS[name][0]}":
            raise
        print(f"dcsim_analysis: error: command '{name}' is not available in this checkout", file=sys.stderr)
        return 2
    return module.main(rest, prog=f"dcsim_analysis {name}")


if __name__ == "__main__":
    sys.exit(main())
