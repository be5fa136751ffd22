"""Each command's domain code, in a module named as the command is run.

`psstrat X` is parsed in `psstrat/cli/X.py`, computed here in `psstrat/commands/X.py` (which
returns values and raises PsstratError; it never prints or exits) and presented by
`psstrat/output/X.py` (or `psstrat/report/` for the paper). See docs/architecture.md.
"""
