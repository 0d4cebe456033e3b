"""Where the PDFs' fonts are looked for — apart from `pdf`, so that knowing it does not
import fpdf2 and fontTools (~0.3 s) into every process that never makes a PDF."""

from __future__ import annotations

from pathlib import Path

# Where Debian (and most Linux systems) put these fonts; the settings may put a folder first.
FONT_DIRS: tuple[Path, ...] = tuple(
    Path(d)
    for d in (
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu",
        "/usr/local/share/fonts",
        "/usr/share/fonts/truetype/noto",
        "/usr/share/fonts/opentype/noto",
        "/usr/share/fonts/noto",
    )
)
