import pytest

from crm.utils import chunked, normalize_email, slugify


@pytest.mark.parametrize(
    "raw,slug",
    [("Hello World", "hello-world"), ("  Ünïcödé  ", "unicode"), ("a--b  c", "a-b-c"), ("", "")],
)
def test_slugify(raw, slug):
    assert slugify(raw) == slug


def test_chunked():
    assert list(chunked(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunked([], 3)) == []


def test_normalize_email_keeps_local_part_case():
    assert normalize_email(" Bob.Smith@EXAMPLE.org ") == "Bob.Smith@example.org"
