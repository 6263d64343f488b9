#!/usr/bin/env python3
"""fbtext.py: read the text on an emulator's screen.

    python3 tests/emu/fbtext.py SCREEN.ppm [--font build/gen/font.c]

- A framebuffer screendump (QEMU monitor `screendump FILE.ppm`, binary PPM):
  every 8x16 cell from the top left is matched exactly against the glyphs
  of the kernel's own font table (build/gen/font.c, made by tools/psf2c.py):
  a pixel is lit when it is not black; a cell whose lit pixels are no glyph
  reads as '?'. So a test checks text, not pixels.
- VGA text mode (SeaBIOS boots): the monitor's `xp /2000hx 0xb8000` dump of
  the 80x25 text buffer, character in the low byte of each cell.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FONT_C = os.path.join(ROOT, "build", "gen", "font.c")


def load_font(path=FONT_C):
    """(width, height, {tuple of row bytes: char}) from the generated C table."""
    with open(path) as f:
        src = f.read()
    m = re.search(r"font_console = \{ (\d+), (\d+), (\d+), (\d+), \{", src)
    if not m:
        raise SystemExit(f"fbtext: {path} is not a tools/psf2c.py font table")
    width, height, first, last = map(int, m.groups())
    rows = re.findall(r"\{ ((?:0x[0-9a-f]{2}, )*0x[0-9a-f]{2}) \}", src[m.end():])
    if len(rows) != last - first + 1:
        raise SystemExit(f"fbtext: {path}: {len(rows)} glyphs, expected {last - first + 1}")
    shapes = {}
    for i, r in enumerate(rows):
        shapes.setdefault(tuple(int(b, 16) for b in r.split(", ")[:height]), chr(first + i))
    return width, height, shapes


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
        if not m:
            raise SystemExit(f"fbtext: {path}: bad PPM header")
        fields.append(m.group(2))
        pos = m.end()
    if fields[0] != b"P6" or fields[3] != b"255":
        raise SystemExit(f"fbtext: {path}: not a P6 PPM with maxval 255 ({fields})")
    w, h = int(fields[1]), int(fields[2])
    pix = data[pos + 1: pos + 1 + w * h * 3]
    if len(pix) != w * h * 3:
        raise SystemExit(f"fbtext: {path}: {len(pix)} pixel bytes, expected {w * h * 3}")
    return w, h, pix


def screen_lines(ppm_path, font_path=FONT_C):
    """The screen as lines of text (trailing blanks removed)."""
    fw, fh, shapes = load_font(font_path)
    w, h, pix = read_ppm(ppm_path)
    stride = w * 3
    lines = []
    for row in range(h // fh):
        out = []
        for col in range(w // fw):
            bits = []
            for y in range(fh):
                off = (row * fh + y) * stride + col * fw * 3
                seg = pix[off: off + fw * 3]
                b = 0
                for x in range(fw):
                    if seg[3 * x] | seg[3 * x + 1] | seg[3 * x + 2]:
                        b |= 0x80 >> x
                bits.append(b)
            out.append(shapes.get(tuple(bits), "?"))
        lines.append("".join(out).rstrip())
    return lines


def vga_lines(xp_output, cols=80, rows=25):
    """The VGA text screen from the monitor's `xp /2000hx 0xb8000` output."""
    cells = []
    for line in xp_output.splitlines():
        m = re.match(r"\s*[0-9a-f]+:\s+((?:0x[0-9a-f]{4}\s*)+)$", line.strip())
        if m:
            cells += [int(v, 16) for v in m.group(1).split()]
    if len(cells) < cols * rows:
        raise ValueError(f"fbtext: the xp dump has {len(cells)} cells, expected {cols * rows}")
    chars = "".join(chr(c & 0xff) if 0x20 <= (c & 0xff) < 0x7f else " " for c in cells)
    return [chars[r * cols:(r + 1) * cols].rstrip() for r in range(rows)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ppm")
    ap.add_argument("--font", default=FONT_C)
    a = ap.parse_args()
    for line in screen_lines(a.ppm, a.font):
        print(line)


if __name__ == "__main__":
    sys.exit(main())
