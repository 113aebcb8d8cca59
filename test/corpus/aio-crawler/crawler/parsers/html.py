from urllib.parse import urldefrag, urljoin

from selectolax.parser import HTMLParser


def extract_links(base_url: str, html: bytes) -> list[str]:
    tree = HTMLParser(html)
    out: list[str] = []
    seen: set[str] = set()
    for node in tree.css("a[href]"):
        href = node.attributes.get("href") or ""
        if href.startswith(("mailto:", "javascript:", "tel:")):
            continue
        url, _ = urldefrag(urljoin(base_url, href))
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def extract_text(html: bytes) -> tuple[str, str]:
    tree = HTMLParser(html)
    for tag in tree.css("script, style, noscript"):
        tag.decompose()
    title = tree.css_first("title")
    body = tree.body.text(separator=" ", strip=True) if tree.body else ""
    return (title.text(strip=True) if title else ""), body
