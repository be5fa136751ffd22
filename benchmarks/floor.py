"""The floor under `psstrat validate`: read every YAML file under DIR/data and run libyaml's
parser over it (ruamel.yaml.clib, the parser psstrat uses), keeping nothing.

    python benchmarks/floor.py DIR

No YAML-reading checker can do less than this; benchmarks/run.py times it as a fresh process
beside `psstrat validate` and reports the ratio.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from _ruamel_yaml import CParser


def main() -> None:
    files = 0
    for folder, _, names in os.walk(Path(sys.argv[1]) / "data"):
        for name in sorted(names):
            if name.endswith(".yaml"):
                parser = CParser((Path(folder) / name).read_text(encoding="utf-8"))
                for _ in iter(parser.get_event, None):
                    pass
                files += 1
    print(f"{files} files parsed")


if __name__ == "__main__":
    main()
