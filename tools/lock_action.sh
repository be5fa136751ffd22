#!/usr/bin/env bash
# Writes requirements/build.txt and requirements/action.txt: what the GitHub Action installs,
# every file by its hash, for every Python psstrat supports (3.11 on) and every platform.
# Run after changing pyproject.toml's dependencies or [build-system], and to take upgrades
# (add --upgrade); tests/test_action.py fails until the locks agree with pyproject.toml.
# Needs uv (pip install uv); reads PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=(uv pip compile --universal --python-version 3.11 --generate-hashes --quiet
  --custom-compile-command "tools/lock_action.sh")
"${lock[@]}" "$@" requirements/build.in -o requirements/build.txt
"${lock[@]}" "$@" pyproject.toml -o requirements/action.txt
