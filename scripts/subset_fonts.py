"""Rebuild resources/fonts/ from the Debian font packages (a developer tool, not run by the app).

    apt-get install fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai
    .venv/bin/pip install fonttools
    .venv/bin/python scripts/subset_fonts.py

Why: the Arphic TTCs are 21 MB and 17 MB (four faces each, plus embedded bitmaps). The report
needs one face, outlines only. UMing and UKai are cut down to the GB2312 characters plus every
non-ideograph the font has (punctuation, symbols, Latin); any other character is drawn with
WenQuanYi Micro Hei, which is shipped whole (face 0, hinting dropped) and covers GBK.
The Arphic Public License §2a asks for a notice in each modified file: it is written into the
name table (Description and Version strings). This script is the "freely available" source of
the modification (§2b).
"""
from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts"
SYSTEM = Path("/usr/share/fonts/truetype")
DOCS = Path("/usr/share/doc")
DROP = ["EBDT", "EBLC", "BDF ", "FFTM", "VORG", "vhea", "vmtx", "GPOS", "GSUB", "GDEF"]


def gb2312_characters() -> set[int]:
    chars = set(range(0x20, 0x7F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def is_ideograph(code: int) -> bool:
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


def build(source: Path, target: Path, keep_all: bool, notice: str) -> None:
    font = TTCollection(str(source)).fonts[0]
    cmap = font.getBestCmap()
    if keep_all:
        unicodes = set(cmap)
    else:
        unicodes = {code for code in cmap if not is_ideograph(code)} | (gb2312_characters() & set(cmap))
    options = subset.Options()
    options.hinting = False
    options.drop_tables += DROP
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID == 10:
            names.removeNames(nameID=10)
            break
    names.setName(notice, 10, 3, 1, 0x409)
    names.setName(notice, 10, 1, 0, 0)
    font.save(str(target))
    print(f"{target.name}: {target.stat().st_size / 1e6:.1f} MB, {len(unicodes)} characters")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    subset_notice = (f"Modified {today} by the ZiPingTong project (scripts/subset_fonts.py): face 0 of the "
                     "TTC only; characters limited to GB2312 plus all non-ideographs; hinting, bitmaps "
                     "and layout tables removed. Outlines unchanged.")
    whole_notice = (f"Modified {today} by the ZiPingTong project (scripts/subset_fonts.py): face 0 of the "
                    "TTC only; hinting and layout tables removed. Outlines unchanged.")
    build(SYSTEM / "wqy" / "wqy-microhei.ttc", OUT / "wqy-microhei.ttf", True, whole_notice)
    build(SYSTEM / "arphic" / "uming.ttc", OUT / "uming-gb2312.ttf", False, subset_notice)
    build(SYSTEM / "arphic" / "ukai.ttc", OUT / "ukai-gb2312.ttf", False, subset_notice)
    shutil.copyfile(DOCS / "fonts-wqy-microhei" / "copyright", OUT / "LICENSE-wqy-microhei.txt")
    shutil.copyfile(DOCS / "fonts-arphic-uming" / "copyright", OUT / "LICENSE-arphic-uming.txt")
    shutil.copyfile(DOCS / "fonts-arphic-ukai" / "copyright", OUT / "LICENSE-arphic-ukai.txt")
    shutil.copyfile(Path("/usr/share/common-licenses/Apache-2.0"), OUT / "LICENSE-Apache-2.0.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
