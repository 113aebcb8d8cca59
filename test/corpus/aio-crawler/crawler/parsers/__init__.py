from .html import extract_links, extract_text
from .sitemap import iter_sitemap
