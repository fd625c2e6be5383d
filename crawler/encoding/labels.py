"""WHATWG Encoding Standard label table, mapped to Python codec names.

The WHATWG "gbk" encoding *is* the gb18030 decoder, and the "big5" encoding is Big5 with
the HKSCS extensions, so every GB label decodes with ``gb18030`` and every Big5 label with
``big5hkscs``.  Python's own ``gb2312`` and ``big5`` codecs are wrong for the web and are
never returned.  Labels of the WHATWG "replacement" encoding (hz-gb-2312, iso-2022-cn, ...)
and unknown labels map to ``None``.
"""
from __future__ import annotations

# WHATWG encoding name -> Python codec
_ENCODINGS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "utf-8": ("utf-8", ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8",
                        "x-unicode20utf8")),
    "ibm866": ("cp866", ("866", "cp866", "csibm866", "ibm866")),
    "iso-8859-2": ("iso8859-2", ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592",
                                 "iso_8859-2", "iso_8859-2:1987", "l2", "latin2")),
    "iso-8859-3": ("iso8859-3", ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593",
                                 "iso_8859-3", "iso_8859-3:1988", "l3", "latin3")),
    "iso-8859-4": ("iso8859-4", ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594",
                                 "iso_8859-4", "iso_8859-4:1988", "l4", "latin4")),
    "iso-8859-5": ("iso8859-5", ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144",
                                 "iso8859-5", "iso88595", "iso_8859-5", "iso_8859-5:1988")),
    "iso-8859-6": ("iso8859-6", ("arabic", "asmo-708", "csiso88596e", "csiso88596i",
                                 "csisolatinarabic", "ecma-114", "iso-8859-6", "iso-8859-6-e",
                                 "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596", "iso_8859-6",
                                 "iso_8859-6:1987")),
    "iso-8859-7": ("iso8859-7", ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8",
                                 "iso-8859-7", "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7",
                                 "iso_8859-7:1987", "sun_eu_greek")),
    "iso-8859-8": ("iso8859-8", ("csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8",
                                 "iso-8859-8-e", "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8",
                                 "iso_8859-8:1988", "visual", "csiso88598i", "iso-8859-8-i",
                                 "logical")),
    "iso-8859-10": ("iso8859-10", ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10",
                                   "iso885910", "l6", "latin6")),
    "iso-8859-13": ("iso8859-13", ("iso-8859-13", "iso8859-13", "iso885913")),
    "iso-8859-14": ("iso8859-14", ("iso-8859-14", "iso8859-14", "iso885914")),
    "iso-8859-15": ("iso8859-15", ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915",
                                   "iso_8859-15", "l9")),
    "iso-8859-16": ("iso8859-16", ("iso-8859-16",)),
    "koi8-r": ("koi8-r", ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r")),
    "koi8-u": ("koi8-u", ("koi8-ru", "koi8-u")),
    "macintosh": ("mac-roman", ("csmacintosh", "mac", "macintosh", "x-mac-roman")),
    "windows-874": ("cp874", ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620",
                              "windows-874")),
    "windows-1250": ("cp1250", ("cp1250", "windows-1250", "x-cp1250")),
    "windows-1251": ("cp1251", ("cp1251", "windows-1251", "x-cp1251")),
    "windows-1252": ("cp1252", ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1",
                                "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591",
                                "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii",
                                "windows-1252", "x-cp1252")),
    "windows-1253": ("cp1253", ("cp1253", "windows-1253", "x-cp1253")),
    "windows-1254": ("cp1254", ("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9",
                                "iso88599", "iso_8859-9", "iso_8859-9:1989", "l5", "latin5",
                                "windows-1254", "x-cp1254")),
    "windows-1255": ("cp1255", ("cp1255", "windows-1255", "x-cp1255")),
    "windows-1256": ("cp1256", ("cp1256", "windows-1256", "x-cp1256")),
    "windows-1257": ("cp1257", ("cp1257", "windows-1257", "x-cp1257")),
    "windows-1258": ("cp1258", ("cp1258", "windows-1258", "x-cp1258")),
    "x-mac-cyrillic": ("mac-cyrillic", ("x-mac-cyrillic", "x-mac-ukrainian")),
    "gbk": ("gb18030", ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312",
                        "gb_2312-80", "gbk", "iso-ir-58", "x-gbk")),
    "gb18030": ("gb18030", ("gb18030",)),
    "big5": ("big5hkscs", ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5")),
    "euc-jp": ("euc_jp", ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp")),
    "iso-2022-jp": ("iso2022_jp", ("csiso2022jp", "iso-2022-jp")),
    "shift_jis": ("cp932", ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis",
                            "windows-31j", "x-sjis")),
    "euc-kr": ("cp949", ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean",
                         "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601",
                         "windows-949")),
    "replacement": (None, ("csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext",
                           "iso-2022-kr", "replacement")),
    "utf-16be": ("utf-16-be", ("unicodefffe", "utf-16be")),
    "utf-16le": ("utf-16-le", ("csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff",
                               "utf-16", "utf-16le")),
    "x-user-defined": ("cp1252", ("x-user-defined",)),
}

LABELS: dict[str, str | None] = {}
for _name, (_codec, _labels) in _ENCODINGS.items():
    for _label in _labels:
        LABELS[_label] = _codec

# Non-WHATWG spellings seen in the wild on Chinese sites (server configs, CMS templates).
_EXTRA = {
    "gb-2312": "gb18030", "gb_18030": "gb18030", "gb-18030": "gb18030", "cp936": "gb18030",
    "ms936": "gb18030", "windows-936": "gb18030", "euc-cn": "gb18030", "euccn": "gb18030",
    "x-euc-cn": "gb18030", "gb2312-80": "gb18030", "gbk2312": "gb18030", "gb231": "gb18030",
    "big5hkscs": "big5hkscs", "big5_hkscs": "big5hkscs", "cp950": "big5hkscs",
    "ms950": "big5hkscs", "x-big5": "big5hkscs", "big-5": "big5hkscs", "big5-tw": "big5hkscs",
    "utf_8": "utf-8", "utf-8n": "utf-8", "utf-8-sig": "utf-8", "uft-8": "utf-8", "utf8mb4": "utf-8",
    "x-utf-8": "utf-8", "unicode-utf-8": "utf-8",
}
for _label, _codec in _EXTRA.items():
    LABELS.setdefault(_label, _codec)

_STRIP = "\t\n\x0c\r '\"\\;"


def normalize_label(label: str | None) -> str | None:
    """Map an encoding label (HTTP charset, meta charset) to a Python codec name.

    ``gb2312``/``gbk``/``x-gbk``/``chinese``/``csgb2312``/... -> ``gb18030``;
    ``big5``/``big5-hkscs``/``cn-big5``/``x-x-big5``/... -> ``big5hkscs``; unknown -> ``None``.
    """
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("latin-1")
    key = label.strip(_STRIP).lower()
    if not key:
        return None
    codec = LABELS.get(key)
    if codec is None and key not in LABELS:
        # tolerate ``charset=utf-8,gbk`` and similar lists: first usable one wins
        for part in key.replace(",", " ").split():
            if part != key and LABELS.get(part):
                return LABELS[part]
    return codec
