"""Everything that touches ruamel.yaml: bytes on disk to plain values with positions, and the
one layout files are written in.

- parser.py: libyaml's events (ruamel.yaml.clib's C parser) and the YAML 1.2 core schema.
- composing.py: events to plain dicts, lists and scalars, with positions; anchors, aliases
  and tags refused.
- reading.py: safe reading (regular files, at most 1 MiB, UTF-8, nothing hidden).
- layout.py: the canonical layout, for `psstrat fmt`, new files and `psstrat new`'s additions.
- editing.py: small exact edits as text (set a key, add or remove an item), for `psstrat
  record`, `set` and `remove`; and keeping a file's line endings and BOM through any edit.
- canonical.py: the fast check that a file is already in that layout.
- comments.py: every comment of a text and what it is about, so fmt can prove it kept them.

The rest of psstrat imports from here, not from the modules.
"""

from psstrat.yamlio.canonical import already_canonical
from psstrat.yamlio.comments import Anchor, Comment, comments, moved, unkept, where
from psstrat.yamlio.composing import (
    Document,
    Positions,
    UnsafeText,
    YamlPath,
    YamlProblem,
)
from psstrat.yamlio.editing import (
    CannotEdit,
    Change,
    as_lf,
    edit_bytes,
    like_before,
)
from psstrat.yamlio.layout import (
    CannotAppend,
    CannotLayOut,
    ListPlace,
    Shape,
    append_item,
    canonical_yaml,
    document_text,
    item_text,
    quick_text,
)
from psstrat.yamlio.parser import BACKEND
from psstrat.yamlio.reading import (
    MAX_BYTES,
    decode,
    describe,
    parse_yaml,
    read_bytes,
    read_yaml,
    too_large,
)

__all__ = [
    "BACKEND",
    "MAX_BYTES",
    "Anchor",
    "CannotAppend",
    "CannotEdit",
    "CannotLayOut",
    "Change",
    "Comment",
    "Document",
    "ListPlace",
    "Positions",
    "Shape",
    "UnsafeText",
    "YamlPath",
    "YamlProblem",
    "already_canonical",
    "append_item",
    "as_lf",
    "canonical_yaml",
    "comments",
    "decode",
    "describe",
    "document_text",
    "edit_bytes",
    "item_text",
    "like_before",
    "moved",
    "parse_yaml",
    "quick_text",
    "read_bytes",
    "read_yaml",
    "too_large",
    "unkept",
    "where",
]
