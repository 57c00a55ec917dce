"""The instructor's tools: running the course headless, and checking it against references.

- `cli`: the command line, `python -m helpers run …` and `python -m helpers reference …`;
- `runner`, `progress`: execute the notebooks in order, headless, showing their progress
  (they need the `lab` extra);
- `run_log`: what each notebook of a run cost (time, memory) and where it ran;
- `regression`: the check of a profile's results against its reference, and recording one.

No notebook imports these, and no module the notebooks import imports them.
"""
