"""QR codes drawn on the server as inline SVG (segno): no external service ever sees the address they carry."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup, escape


def payload(url: str) -> str:
    """The text a QR code carries: the absolute address itself, nothing added (phones open it as it is)."""
    return url


def qr_svg(url: str, label: str, size: int = 192) -> Markup:
    """An inline <svg> QR code of `url`, described to screen readers by `label`; `size` pixels wide unless a
    stylesheet says otherwise (the poster's does)."""
    code = segno.make(payload(url), error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, scale=4, border=4, svgclass="qr-code", omitsize=True)
    svg = out.getvalue().decode("ascii")
    # segno writes only its own path data; the label is the one piece of our text, escaped here.
    attributes = f'role="img" aria-label="{escape(label)}" width="{size}" height="{size}"'
    return Markup(svg.replace("<svg ", f"<svg {attributes} ", 1))
