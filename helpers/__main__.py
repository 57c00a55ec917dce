"""Command line of the course: `python -m helpers run [--profile NAME] [--output DIR] [NOTEBOOK …]`."""

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
    args = parser.parse_args(argv)

    try:
        from helpers.runner import NotebookFailed, run_course
    except ModuleNotFoundError as error:
        print(f"error: the course runner needs {error.name}: pip install -e \".[lab]\"", file=sys.stderr)
        return 1

    try:
        run_course(get_profile(args.profile), args.notebooks, args.output)
    except (NotebookFailed, ValueError, FileNotFoundError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
