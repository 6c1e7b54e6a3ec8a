"""A report for a physiotherapist or doctor, as Markdown or one HTML page.

Pure: one JSON-ready dict in, one string out. No files, no clock, no network,
standard library only, so the same data always gives the same report.

The HTML page is self-contained (inline CSS and SVG, no scripts, no links out)
so it can be emailed or printed and opened anywhere. Every string from the data
is escaped, because notes and shoe names are typed by the user. Meaning never
rests on colour alone: levels, verdicts and chart series are all named in words.
"""

from .html import to_html
from .markdown import to_markdown

__all__ = ["to_html", "to_markdown"]
