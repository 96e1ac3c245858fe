"""Control characters never pass normalize(); xml_safe() leaves only what XML 1.0 carries;
spreadsheet cells that would run as formulas are defused."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from hypothesis import example, given
from hypothesis import strategies as st

from madang.text import normalize
from madang.text.normalizing import xml_safe
from madang.text.spreadsheets import csv_writer, defuse

C0 = {chr(c) for c in range(32)} - {"\t", "\n"}


@given(st.text())
def test_normalize_keeps_no_control_character_but_tab_and_line_feed(text: str) -> None:
    assert not C0 & set(normalize(text))


def test_normalize_keeps_tabs_line_breaks_and_hangul() -> None:
    assert normalize("가\x01나\t다\r\n라\x0c\x1b\x7f") == "가나\t다\n라"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(sorted(C0) + ["\ufffe", "\uffff"])))
@example("\r\n")
def test_xml_safe_text_always_parses(text: str) -> None:
    element = ET.Element("description")
    element.text = xml_safe(text)
    # A parser reads every line end as LF (XML 1.0, 2.11: CR LF and a lone CR alike).
    read_back = element.text.replace("\r\n", "\n").replace("\r", "\n")
    assert ET.fromstring(ET.tostring(element)).text in (None, read_back)


def test_formula_cells_are_written_as_text_and_numbers_as_numbers() -> None:
    out = io.StringIO()
    csv_writer(out).writerows([["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "안양", -5, 3.5, ""]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", "안양", "-5", "3.5", ""]
    assert defuse(-5) == -5
