#!/usr/bin/env python3
"""Rebuilds assets/fonts/NotoSansSC-subset.otf, the font embedded in wasteroute's maps.

Source: Noto Sans CJK SC Regular (SIL Open Font License 1.1, see OFL.txt), as shipped by
Debian's `fonts-noto-cjk` package. Kept: Basic Latin, Latin-1, Latin Extended-A, general and
CJK punctuation, arrows and symbols the maps use, and all 6,763 hanzi of GB 2312 (the common
simplified Chinese characters: every park and town name of the Cixi demo is among them).
Names with characters outside it fall back to the site id on the maps (never to boxes).

Usage (needs `pip install fonttools` and `apt-get install fonts-noto-cjk`):
    python3 assets/fonts/make-subset.py
"""
import os
from fontTools import subset

SRC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NotoSansSC-subset.otf")

chars = set()
ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2200, 0x22FF),
          (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
for a, b in ranges:
    chars.update(range(a, b + 1))
# GB 2312: rows 0xB0..0xF7 hold the 6,763 hanzi (level 1: 0xB0..0xD7, level 2: 0xD8..0xF7).
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(ord(bytes([hi, lo]).decode("gb2312")))
        except UnicodeDecodeError:
            pass

opts = subset.Options()
opts.font_number = 2  # the SC face of the collection
opts.layout_features = ["kern", "liga"]
opts.name_IDs = ["*"]
opts.notdef_outline = True
opts.hinting = False
opts.desubroutinize = False
font = subset.load_font(SRC, opts)
s = subset.Subsetter(opts)
s.populate(unicodes=sorted(chars))
s.subset(font)
subset.save_font(font, OUT, opts)
print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes, {len(chars)} code points requested")
