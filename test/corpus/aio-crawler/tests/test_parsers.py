from crawler.parsers import extract_links, extract_text

HTML = b"""<html><head><title> Hi </title><style>p{}</style></head>
<body><a href="/a#top">A</a><a href="mailto:x@y">m</a><a href="https://other/b">B</a><a href="/a">A2</a>
<script>var x = 1</script><p>Hello <b>world</b></p></body></html>"""


def test_links_are_absolute_and_unique():
    assert extract_links("https://site.test/dir/", HTML) == ["https://site.test/a", "https://other/b"]


def test_text_skips_scripts():
    title, body = extract_text(HTML)
    assert title == "Hi"
    assert "var x" not in body
    assert "Hello world" in body
