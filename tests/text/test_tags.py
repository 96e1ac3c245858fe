import pytest

from madang.text import is_valid_tag, normalize_tag


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("안양", "안양"),
        ("Anyang", "anyang"),
        ("ANYANG", "anyang"),
        ("ａｎｙａｎｇ", "anyang"),
        ("Straße", "strasse"),
        ("1위", "1위"),
    ],
)
def test_normalize_tag(name: str, key: str) -> None:
    assert normalize_tag(name) == key
    assert normalize_tag(key) == key


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("안양", True),
        ("1위", True),
        ("Anyang_City", True),
        ("서울·경기", True),
        ("_", False),
        ("2010", False),
        ("", False),
        ("#안양", False),
        ("안양 시청", False),
        ("서울·", False),
        ("안양!", False),
    ],
)
def test_is_valid_tag(name: str, valid: bool) -> None:
    assert is_valid_tag(name) is valid
