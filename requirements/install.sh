#!/usr/bin/env bash
# Installs psstrat as the GitHub Action does (action.yml), with the Python given as $PYTHON
# (default: python): first what builds it, then its dependencies, each file checked against
# its hash in requirements/build.txt and requirements/action.txt, then psstrat itself from
# this checkout with no build isolation, so nothing unpinned is fetched. .ci/run installs the
# same way from an archive of the repository, as GitHub hands an action its files.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python}"
pip=("$python" -m pip install --disable-pip-version-check --quiet --no-deps)
"${pip[@]}" --require-hashes --only-binary ":all:" -r "$here/requirements/build.txt"
"${pip[@]}" --require-hashes --no-build-isolation -r "$here/requirements/action.txt"
"${pip[@]}" --no-build-isolation "$here"
"$python" -m pip check --disable-pip-version-check >/dev/null  # every dependency at a version psstrat takes
