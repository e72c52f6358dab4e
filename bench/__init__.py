"""`make bench`: the speed figures of issue 11, measured side by side (bench/run.py)."""
