"""`make audit`'s runner: audit/run.py and the modules it imports (its docstring
says which does what)."""
