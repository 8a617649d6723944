"""Compare two benchmark runs: each figure's change, and the drops that matter.

Usage: .venv/bin/python benchmarks/compare.py OLD.json NEW.json [--markdown]

Reads the JSON files benchmarks/run.py writes. Requests per second drift with the machine's
load, so a page is judged by its ratio to the bare Flask + waitress ceiling measured in the
same run: a drop of more than 15 % in that ratio is flagged (and the exit status is 1).
Memory and page sizes are compared as they are; a rise of more than 15 % is flagged too.
"""

import json
import sys
from pathlib import Path

THRESHOLD = 0.15


def load(path: str) -> dict:
    return json.loads(Path(path).read_text())["figures"]


def change(old: float, new: float) -> float:
    return (new - old) / old if old else float("nan")


def compare(old: dict, new: dict) -> tuple[list[str], int]:
    """Return the lines to print and how many figures got worse past the threshold."""
    lines, flagged = [], 0
    width = max(len(name) for name in old | new)
    header = f"{'figure':<{width}}  {'old':>9}  {'new':>9}  {'change':>7}  {'× ceiling':>17}"
    lines += [header, "-" * len(header)]
    for name in sorted(old | new):
        if name not in old or name not in new:
            lines.append(f"{name:<{width}}  {'only in ' + ('new' if name in new else 'old')}")
            continue
        a, b = old[name], new[name]
        if "rps" in a:
            ratio_change = change(a["ratio"], b["ratio"])
            bad = ratio_change < -THRESHOLD and "ceiling" not in name
            flag = "  DROP" if bad else ""
            lines.append(
                f"{name:<{width}}  {a['rps']:>9.0f}  {b['rps']:>9.0f}  "
                f"{change(a['rps'], b['rps']):>+7.0%}  "
                f"{a['ratio']:.2f} → {b['ratio']:.2f} {ratio_change:>+5.0%}"
                + (f"  p99 {a['p99']:.0f} → {b['p99']:.0f} ms" if "p99" in a else "")
                + flag
            )
        else:
            grow = change(a["value"], b["value"])
            # More memory, bigger pages and a slower start are worse; more learners better.
            worse = -grow if "learners" in name else grow
            bad = worse > THRESHOLD
            lines.append(
                f"{name:<{width}}  {a['value']:>9.2f}  {b['value']:>9.2f}  {grow:>+7.0%}"
                + ("  WORSE" if bad else "")
            )
        flagged += bad
    return lines, flagged


def markdown(old: dict, new: dict) -> list[str]:
    """Return the figures found in both runs as a Markdown table (for RESULTS.md)."""
    lines = [
        "| figure | before | after | before × ceiling | after × ceiling |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name], new[name]
        if "rps" in a:
            p99 = f" (p99 {a['p99']:.0f} → {b['p99']:.0f} ms)" if "p99" in a and "p99" in b else ""
            lines.append(
                f"| {name}{p99} | {a['rps']:.0f}/s | {b['rps']:.0f}/s | {a['ratio']:.2f} | "
                f"{b['ratio']:.2f} |"
            )
        else:
            lines.append(f"| {name} | {a['value']:.1f} | {b['value']:.1f} | | |")
    return lines


def main() -> None:
    arguments = [a for a in sys.argv[1:] if a != "--markdown"]
    if len(arguments) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    if "--markdown" in sys.argv:
        print("\n".join(markdown(load(arguments[0]), load(arguments[1]))))
        return
    lines, flagged = compare(load(arguments[0]), load(arguments[1]))
    print("\n".join(lines))
    print(
        f"\n{flagged} figure(s) worse by more than {THRESHOLD:.0%}"
        + (" (requests/s judged by the ratio to the same run's ceiling)" if flagged else "")
    )
    sys.exit(1 if flagged else 0)


if __name__ == "__main__":
    main()
