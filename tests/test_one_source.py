"""Facts written once and read everywhere stay in step with what still spells them out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from psstrat.commands.overdue import OverdueRow
from psstrat.kinds import KINDS
from psstrat.model.common import models_in, multi_line_fields
from psstrat.output.overdue import as_csv, as_json
from psstrat.rules import control_character


def test_the_overdue_csv_has_the_json_keys_in_order() -> None:
    day = dt.date(2004, 12, 31)
    row = OverdueRow("S1.1.M1", "Code", "S1", "S1.1", "Lead", day, None, day, 1, "overdue")
    header = next(csv.reader(io.StringIO(as_csv([row]))))
    assert header == list(json.loads(as_json([row]))[0])


def test_the_control_character_rule_documents_the_multi_line_fields() -> None:
    """The rule's documentation (`--explain`) names the fields the models make MultiLine."""
    doc = control_character.__doc__ or ""
    listed = re.search(r"in the multi-line texts \(([^)]*)\)", doc)
    assert listed is not None
    assert set(re.findall(r"`(\w+)`", listed[1])) == control_character.MULTI_LINE


def test_a_multi_line_field_name_is_multi_line_in_every_model() -> None:
    """The rule goes by the field's name: a field of that name that is not MultiLine text
    would let newlines in without saying so."""
    for kind in KINDS:
        for model in models_in(kind.model):
            named = control_character.MULTI_LINE & set(model.model_fields)
            assert named <= multi_line_fields(model), f"{model.__name__}: mark them MultiLine"
