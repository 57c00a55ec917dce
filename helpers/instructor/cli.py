"""Command line of the course.

    python -m helpers run [--profile NAME] [--output DIR] [--check] [NOTEBOOK …]
    python -m helpers reference [--profile NAME] --tolerance T --basis TEXT
    python -m helpers publish OWNER/NAME [--branch B]

A user's mistake (an unknown profile or notebook, an output folder that cannot be written, a
missing extra or reference) ends in one line that says what to fix, and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.config import PROFILES, get_profile, project_root
from helpers.instructor.regression import RegressionFailed, check_results, load_reference, write_reference


def main(argv: list[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process's arguments); return the exit status."""
    args = _parser().parse_args(argv)
    mistakes: tuple[type[Exception], ...] = (ValueError, OSError, RegressionFailed)  # each message says what to do
    try:
        if args.command == "publish":
            return _publish(args.repository, args.branch)
        profile = get_profile(args.profile)
        if args.command == "reference":
            print(f"Reference results written to {write_reference(profile, args.tolerance, args.basis)}")
            return 0
        try:
            from helpers.instructor.runner import NotebookFailed, run_course
        except ModuleNotFoundError as error:
            package = (error.name or "nbclient").split(".")[0]
            raise ValueError(f"the course runner needs {package}, from the `lab` extra: pip install -e \".[lab]\"") from None
        mistakes += (NotebookFailed,)
        if args.check:
            load_reference(profile)  # before a long run: fail now if there is none
        run_course(profile, args.notebooks, args.output)
        if args.check:
            print("\n" + check_results(profile))
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again; a training resumes from its last finished epoch",
              file=sys.stderr)
        return 130
    except mistakes as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
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
    publish = commands.add_parser("publish", help="point the install line, Colab badges and links at a copy of the course")
    publish.add_argument("repository", help="OWNER/NAME of the copy on GitHub")
    publish.add_argument("--branch", default="main", help="its branch (default: main)")
    return parser


def _publish(repository: str, branch: str) -> int:
    from helpers.instructor.publish import publish

    root = project_root()
    if root is None:
        raise ValueError("publish rewrites a checkout of the course: install it with `pip install -e .` from the checkout")
    changed = publish(root, repository, branch)
    print("\n".join(changed) if changed else f"Nothing to change: the course already points at {repository}, branch {branch}.")
    return 0
