"""A report as a list of blocks, written twice: as Markdown (figures as PNG files beside it) and
as one self-contained HTML page (figures embedded as base64 PNG, no external resource).

Blocks: `Heading`, `Bullets`, `Para` (inline **bold**, `code` and [links](url)), `Table`, `Figure`, `Code`
(a preformatted block, folded in HTML when `fold` is set) and `Note` (a highlighted paragraph).
The page's small script marks each figure once it has loaded (`data-loaded="1"` on the <img>,
and `data-figures="loaded/total"` on <body>), which the browser test reads.
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Note:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)   # right-align these columns


@dataclass
class Figure:
    name: str
    title: str
    caption: str
    png: bytes
    file: str                    # PNG file name beside report.md


@dataclass
class Code:
    text: str
    summary: str = ""
    fold: bool = False


def _md_cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(blocks: list) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += ["- " + item for item in b.items] + [""]
        elif isinstance(b, Note):
            out += ["> " + b.text, ""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_md_cell(h) for h in b.header) + " |")
            out.append("|" + "".join("---:|" if i < len(b.numeric) and b.numeric[i] else "---|"
                                     for i in range(len(b.header))))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Figure):
            out += [f"### {b.title}", "", f"![{b.name}]({b.file})", "", b.caption, ""]
        elif isinstance(b, Code):
            if b.summary:
                out += [b.summary, ""]
            out += ["```", b.text.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


_INLINE = [(re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
           (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
           (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>')]


def inline_html(text: str) -> str:
    s = html.escape(str(text), quote=False)
    for pattern, repl in _INLINE:
        s = pattern.sub(repl, s)
    return s


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2329;background:#fff;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:1.2rem 2rem 4rem}
nav{position:sticky;top:0;background:#f4f6f8;border-bottom:1px solid #d8dde2;padding:.45rem 2rem;font-size:.85rem;z-index:1}
nav a{margin-right:1rem;color:#0b5cad;text-decoration:none}
h1{font-size:1.6rem;margin:.6rem 0 1rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d8dde2;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.86rem}
th,td{border:1px solid #d8dde2;padding:.25rem .55rem;vertical-align:top}th{background:#f4f6f8;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0 2rem}figure img{max-width:100%;height:auto;border:1px solid #e3e6ea}
figcaption{font-size:.85rem;color:#4a545e;margin-top:.3rem}
.note{background:#fff6e0;border-left:4px solid #e0a100;padding:.5rem .9rem;margin:.8rem 0}
pre{background:#f4f6f8;padding:.7rem;overflow-x:auto;font-size:.8rem}code{font-size:.88em}
details summary{cursor:pointer;color:#0b5cad}
"""

_SCRIPT = """
window.addEventListener("load", function () {
  var imgs = document.querySelectorAll("figure img"), n = 0;
  imgs.forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) { img.setAttribute("data-loaded", "1"); n++; }
  });
  document.body.setAttribute("data-figures", n + "/" + imgs.length);
});
"""


def page(title: str, blocks: list) -> str:
    """One self-contained HTML page."""
    body: list[str] = []
    nav = []
    for b in blocks:
        if isinstance(b, Heading):
            anchor = _anchor(b.text)
            if b.level == 2:
                nav.append(f'<a href="#{anchor}">{html.escape(b.text)}</a>')
            body.append(f'<h{b.level} id="{anchor}">{inline_html(b.text)}</h{b.level}>')
        elif isinstance(b, Para):
            body.append(f"<p>{inline_html(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Note):
            body.append(f'<p class="note">{inline_html(b.text)}</p>')
        elif isinstance(b, Table):
            rows = ["<tr>" + "".join(f"<th>{inline_html(h)}</th>" for h in b.header) + "</tr>"]
            for row in b.rows:
                cells = []
                for i, c in enumerate(row):
                    cls = ' class="num"' if i < len(b.numeric) and b.numeric[i] else ""
                    cells.append(f"<td{cls}>{inline_html(c)}</td>")
                rows.append("<tr>" + "".join(cells) + "</tr>")
            body.append("<table>" + "".join(rows) + "</table>")
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode("ascii")
            body.append(f'<figure id="fig-{b.name}"><h3>{html.escape(b.title)}</h3>'
                        f'<img alt="{html.escape(b.name)}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{inline_html(b.caption)}</figcaption></figure>")
        elif isinstance(b, Code):
            pre = f"<pre>{html.escape(b.text)}</pre>"
            if b.fold:
                body.append(f"<details><summary>{inline_html(b.summary or 'show')}</summary>{pre}</details>")
            else:
                if b.summary:
                    body.append(f"<p>{inline_html(b.summary)}</p>")
                body.append(pre)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n<body>"
            f"<nav>{''.join(nav)}</nav><main>\n" + "\n".join(body) +
            f"\n</main><script>{_SCRIPT}</script></body></html>\n")
