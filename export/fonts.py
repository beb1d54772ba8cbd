"""The bundled CJK fonts (resources/fonts/), registered with reportlab once per process, lazily.

Roles, as the official document fonts they stand in for:
  song — AR PL UMing (subset to GB2312 + symbols): body text, tables, title (仿宋 / 宋体 / 小标宋)
  kai  — AR PL UKai (same subset): level-2 headings (楷体)
  hei  — WenQuanYi Micro Hei (whole): level-1 headings, charts (黑体); the fallback for any
         character the other two lack, so a rare name never prints as a blank box.
"""
from __future__ import annotations

import mmap
import struct
import sys
import threading
from array import array

from models.paths import resource_path

FILES = {"song": "uming-gb2312.ttf", "kai": "ukai-gb2312.ttf", "hei": "wqy-microhei.ttf"}
NAMES = {"song": "ZPT-Song", "kai": "ZPT-Kai", "hei": "ZPT-Hei"}
FALLBACK = "hei"

_lock = threading.Lock()
_fonts: dict[str, object] = {}


def register() -> dict[str, str]:
    """Register the three fonts with reportlab (once per process); role → font name."""
    with _lock:
        if not _fonts:
            from reportlab.pdfbase import pdfmetrics
            for role, file_name in FILES.items():
                font = load_font(NAMES[role], str(resource_path("fonts", file_name)))
                pdfmetrics.registerFont(font)
                _fonts[role] = font
    return dict(NAMES)


def load_font(name: str, path: str):
    """A reportlab TTFont whose character tables are read in bulk (see _face_class)."""
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont
    from reportlab.rl_config import ttfAsciiReadable, unShapedFontGlob
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary
    font = TTFont.__new__(TTFont)
    # what TTFont.__init__ sets (tests/test_export_fonts.py compares the two), with the faster face
    font.fontName = name
    font.face = _face_class()(path)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = ttfAsciiReadable
    font.shapable = not any(fnmatch(name, pattern) for pattern in unShapedFontGlob)
    return font


_FACE_CLASS = None


def _face_class():
    """reportlab's TTFontFace, reading cmap, hmtx and loca with one struct call per table.

    reportlab reads them one number at a time and keeps a list per glyph (glyphToChar): for the
    three bundled fonts that was about 0.1 s, and 53,000 lists that every later garbage
    collection of the export walked through. The tables come out equal to reportlab's own
    (tests/test_export_fonts.py); glyphToChar, which only text shaping reads, is built on first use.
    """
    global _FACE_CLASS
    if _FACE_CLASS is None:
        from reportlab.pdfbase.ttfonts import TTFError, TTFontFace

        class BulkFace(TTFontFace):
            def __init__(self, filename, validate=0, subfontIndex=0):
                # The file mapped, not read: reportlab slices it (tables, glyphs for the embedded
                # subsets), and only the pages it touches are read. Reading all three files
                # cost ≈ 10 ms and 13.5 MB of memory.
                with open(filename, "rb") as handle:
                    self._ttf_data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                self.filename = filename  # what reportlab's readFile sets, which now skips reading
                super().__init__(filename, validate=validate, subfontIndex=subfontIndex)

            def extractInfo(self, charInfo=1):
                TTFontFace.extractInfo(self, 0)  # names, metrics and flags; no character tables
                if charInfo and not _read_character_tables(self, TTFError):
                    TTFontFace.extractInfo(self, charInfo)  # a cmap format the bulk reader leaves to reportlab

            def __getattr__(self, name):
                if name != "glyphToChar" or "charToGlyph" not in self.__dict__:
                    raise AttributeError(name)
                self.glyphToChar = _glyph_to_char(self)
                return self.glyphToChar

        _FACE_CLASS = BulkFace
    return _FACE_CLASS


def _cmap_offset(face) -> int | None:
    """The cmap subtable reportlab's extractInfo picks (the same rules, the same order)."""
    data = face._ttf_data
    cmap = face.table["cmap"]["offset"]
    version, count = struct.unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, cmap + 4 + 8 * index)
        if platform == 3:
            kind, chosen = 1, offset
        elif platform == 1 and encoding == 0 and kind != 1:
            kind, chosen = 2, offset
        elif platform == 1 and encoding == 1:
            kind, chosen = 1, offset
        elif platform == 0 and encoding != 5:
            kind, chosen = 1, offset
    return None if chosen is None else cmap + chosen


def _read_character_tables(face, error) -> bool:
    """charToGlyph, charWidths, defaultWidth, hmetrics and glyphPos as reportlab's extractInfo
    sets them; False for a cmap format other than 4 and 12 (the bundled fonts use those)."""
    data = face._ttf_data
    head = face.table["head"]["offset"]
    index_to_loc_format, glyph_data_format = struct.unpack_from(">HH", data, head + 50)
    if glyph_data_format != 0:
        raise error(f"Unknown glyph data format ({glyph_data_format})")
    start = _cmap_offset(face)
    if start is None:
        return False
    fmt = struct.unpack_from(">H", data, start)[0]
    char_to_glyph: dict[int, int] = {}
    if fmt == 4:
        length = struct.unpack_from(">H", data, start + 2)[0]
        limit = start + length
        segments = struct.unpack_from(">H", data, start + 6)[0] // 2
        ends = struct.unpack_from(f">{segments}H", data, start + 14)
        starts = struct.unpack_from(f">{segments}H", data, start + 16 + 2 * segments)
        deltas = struct.unpack_from(f">{segments}h", data, start + 16 + 4 * segments)
        range_start = start + 16 + 6 * segments
        range_offsets = struct.unpack_from(f">{segments}H", data, range_start)
        for n in range(segments):
            first, last, delta, range_offset = starts[n], ends[n], deltas[n], range_offsets[n]
            if last < first:
                continue
            if range_offset == 0:
                for code in range(first, last + 1):
                    char_to_glyph[code] = (code + delta) & 0xFFFF
                continue
            base = range_start + 2 * n + range_offset
            inside = max(0, min(last - first + 1, (limit - base + 1) // 2))  # broken fonts point past the table
            ids = struct.unpack_from(f">{inside}H", data, base) if inside else ()
            for code in range(first, last + 1):
                index = code - first
                glyph = ids[index] if index < inside else 0
                char_to_glyph[code] = (glyph + delta) & 0xFFFF if glyph else 0
    elif fmt == 12:
        groups = struct.unpack_from(">L", data, start + 12)[0]
        values = struct.unpack_from(f">{3 * groups}L", data, start + 16)
        for n in range(0, 3 * groups, 3):
            first, last, glyph = values[n], values[n + 1], values[n + 2]
            shift = glyph - first
            for code in range(first, last + 1):
                char_to_glyph[code] = code + shift
    else:
        return False

    glyphs = face.numGlyphs
    scale = face._pdfScale
    hhea = face.table["hhea"]["offset"]
    full_metrics = struct.unpack_from(">H", data, hhea + 34)[0]
    hmtx = face.table["hmtx"]["offset"]
    pairs = _big_endian_array("H", data, hmtx, 2 * full_metrics)
    advances = pairs[0::2]
    by_advance = {advance: scale(advance) for advance in set(advances)}  # CJK glyphs share a few widths
    scaled = [by_advance[advance] for advance in advances]
    tail = ()
    if glyphs > full_metrics:
        tail = _big_endian_array("H", data, hmtx + 4 * full_metrics, glyphs - full_metrics)
        scaled += [scaled[-1]] * (glyphs - full_metrics)
    face.hmetrics = _HorizontalMetrics(pairs, tail, scaled[-1])
    face.defaultWidth = scaled[0]
    face.charWidths = {code: scaled[glyph] for code, glyph in char_to_glyph.items() if glyph < glyphs}
    face.charToGlyph = char_to_glyph
    # glyphToChar is the cmap's: before the space / no-break space alignment below
    face._cmap_spaces = {code: char_to_glyph.get(code) for code in (0x20, 0xA0)}

    if "loca" not in face.table:
        raise error("missing location table")
    loca = face.table["loca"]["offset"]
    if index_to_loc_format == 0:
        face.glyphPos = array(_UINT32, (offset << 1 for offset in _big_endian_array("H", data, loca, glyphs + 1)))
    elif index_to_loc_format == 1:
        face.glyphPos = _big_endian_array(_UINT32, data, loca, glyphs + 1)
    else:
        raise error(f"Unknown location table format ({index_to_loc_format})")
    if 0x20 in char_to_glyph:
        char_to_glyph[0xA0] = char_to_glyph[0x20]
        face.charWidths[0xA0] = face.charWidths[0x20]
    elif 0xA0 in char_to_glyph:
        char_to_glyph[0x20] = char_to_glyph[0xA0]
        face.charWidths[0x20] = face.charWidths[0xA0]
    return True


_UINT32 = next(code for code in "IL" if array(code).itemsize == 4)


def _big_endian_array(code: str, data, offset: int, count: int) -> array:
    """``count`` big-endian numbers as a C array: no Python int per entry to make now, to walk
    in garbage collections, or to free when the program ends (≈ 150,000 for the three fonts)."""
    values = array(code)
    values.frombytes(data[offset:offset + count * values.itemsize])
    if sys.byteorder == "little":
        values.byteswap()
    return values


class _HorizontalMetrics:
    """reportlab's hmetrics list, (advance, left side bearing) by glyph, read from the table on
    demand: only the embedded subsets' glyphs are ever looked up, and 58,000 tuples made up
    front set off a full garbage collection (≈ 17 ms) during the export."""

    def __init__(self, pairs, tail, tail_advance):
        self._pairs = pairs
        self._full = len(pairs) // 2
        self._tail = tail
        self._tail_advance = tail_advance  # reportlab repeats the last advance, already scaled

    def __len__(self) -> int:
        return self._full + len(self._tail)

    def __getitem__(self, glyph: int) -> tuple:
        if glyph < 0:
            glyph += len(self)
            if glyph < 0:
                raise IndexError("glyph index out of range")
        if glyph < self._full:
            return self._pairs[2 * glyph], self._pairs[2 * glyph + 1]
        return self._tail_advance, self._tail[glyph - self._full]  # IndexError past the end

    def __iter__(self):
        return (self[glyph] for glyph in range(len(self)))

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


def _glyph_to_char(face) -> dict[int, list[int]]:
    glyph_to_char: dict[int, list[int]] = {}
    spaces = face._cmap_spaces
    for code, glyph in face.charToGlyph.items():
        if code in spaces:
            glyph = spaces[code]
            if glyph is None:
                continue
        glyph_to_char.setdefault(glyph, []).append(code)
    return glyph_to_char


def font_path(role: str) -> str:
    return str(resource_path("fonts", FILES[role]))


def has_glyph(role: str, char: str) -> bool:
    register()
    return ord(char) in _fonts[role].face.charToGlyph


def missing_everywhere(text: str) -> set[str]:
    """Characters none of the bundled fonts can draw (control characters aside)."""
    register()
    return {ch for ch in text if ch >= " " and not any(ord(ch) in f.face.charToGlyph for f in _fonts.values())}


def escape(text: str) -> str:
    """What xml.sax.saxutils.escape does; that module imports urllib.request, http.client, ssl and
    email (≈ 10 ms of every cold export)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, role: str) -> str:
    """Clerk text → reportlab paragraph markup: escaped (nothing is interpreted as markup), and
    each run of characters the role's font lacks set in the fallback font."""
    register()
    if role == FALLBACK:
        return escape(text)
    primary = _fonts[role].face.charToGlyph
    fallback = _fonts[FALLBACK].face.charToGlyph
    out: list[str] = []
    run: list[str] = []
    in_fallback = False
    for ch in text:
        use_fallback = ord(ch) not in primary and ord(ch) in fallback
        if use_fallback != in_fallback and run:
            chunk = escape("".join(run))
            out.append(f'<font face="{NAMES[FALLBACK]}">{chunk}</font>' if in_fallback else chunk)
            run = []
        in_fallback = use_fallback
        run.append(ch)
    if run:
        chunk = escape("".join(run))
        out.append(f'<font face="{NAMES[FALLBACK]}">{chunk}</font>' if in_fallback else chunk)
    return "".join(out)
