"""Command line of the course.

    python -m helpers run [--profile NAME] [--output DIR] [--check] [NOTEBOOK …]
    python -m helpers reference [--profile NAME] --tolerance T --basis TEXT
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.config import PROFILES, get_profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description="Sequence models for text, in Keras 3.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute the course's notebooks in order, headless")
    run.add_argument("notebooks", nargs="*", help="numbers or names of notebooks to run (default: all)")
    run.add_argument("--profile", choices=list(PROFILES), help="run profile (default: $COURSE_PROFILE, else quick)")
    run.add_argument("--output", type=Path, help="folder for the executed notebooks (default: data/runs/PROFILE)")
    run.add_argument("--check", action="store_true",
                     help="then compare the results with data/reference/PROFILE.json; fail if they left it")
    reference = commands.add_parser("reference", help="record the profile's current results as its reference")
    reference.add_argument("--profile", choices=list(PROFILES), help="run profile (default: $COURSE_PROFILE, else quick)")
    reference.add_argument("--tolerance", type=float, required=True, help="allowed difference of test accuracies")
    reference.add_argument("--basis", required=True, help="what the tolerance was derived from (measured spread)")
    args = parser.parse_args(argv)

    try:
        from helpers.runner import NotebookFailed, run_course
    except ModuleNotFoundError as error:
        print(f"error: the course runner needs {error.name}: pip install -e \".[lab]\"", file=sys.stderr)
        return 1
    from helpers.regression import RegressionFailed, check_results, load_reference, write_reference

    profile = get_profile(args.profile)
    try:
        if args.command == "reference":
            print(f"Reference results written to {write_reference(profile.name, args.tolerance, args.basis)}")
            return 0
        if args.check:
            load_reference(profile.name)  # before a long run: fail now if there is none
        run_course(profile, args.notebooks, args.output)
        if args.check:
            print("\n" + check_results(profile.name))
    except (NotebookFailed, RegressionFailed, ValueError, OSError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
