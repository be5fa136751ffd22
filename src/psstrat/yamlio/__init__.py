"""Everything that touches ruamel.yaml: bytes on disk to plain values with positions, and the
one layout files are written in.

- parser.py: libyaml's events (ruamel.yaml.clib's C parser) and the YAML 1.2 core schema.
- composing.py: events to plain dicts, lists and scalars, with positions; anchors, aliases
  and tags refused.
- reading.py: safe reading (regular files, at most 1 MiB, UTF-8, nothing hidden).
- layout.py: the canonical layout, for `psstrat fmt`, new files and `psstrat new`'s additions.
- canonical.py: the fast check that a file is already in that layout.

The rest of psstrat imports from here, not from the modules.
"""

from psstrat.yamlio.canonical import already_canonical
from psstrat.yamlio.composing import (
    Document,
    Positions,
    UnsafeText,
    YamlPath,
    YamlProblem,
)
from psstrat.yamlio.layout import (
    CannotAppend,
    ListPlace,
    Shape,
    append_item,
    canonical_yaml,
    document_text,
    item_text,
)
from psstrat.yamlio.parser import BACKEND
from psstrat.yamlio.reading import (
    MAX_BYTES,
    describe,
    parse_yaml,
    read_bytes,
    read_yaml,
    too_large,
)

__all__ = [
    "BACKEND",
    "MAX_BYTES",
    "CannotAppend",
    "Document",
    "ListPlace",
    "Positions",
    "Shape",
    "UnsafeText",
    "YamlPath",
    "YamlProblem",
    "already_canonical",
    "append_item",
    "canonical_yaml",
    "describe",
    "document_text",
    "item_text",
    "parse_yaml",
    "read_bytes",
    "read_yaml",
    "too_large",
]
