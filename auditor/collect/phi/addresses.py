"""Street addresses, US and international, and US military (APO/FPO/DPO) addresses.

Four shapes, each a linear pattern:

- number first, street type last (``391 Johnson Burg Apt. 636``, ``7 Pearson Court``): the
  USPS street suffixes (Publication 28, appendix C1) and the British and Australian ones; where
  the suffix is also an everyday word (``Way``, ``Park``, ``View``), the US address parser
  ``usaddress`` must read the text as a street address;
- street type first (``rue de la Paix``, ``Calle de Juan 12``, ``Via Roma 4``, ``ul. Kwiatowa
  12/3``, ``Rua André Sampaio, 44``, ``Jl. Astana Anyar No. 8``);
- street type fused to the name (``Hauptstraße 5``, ``Jansenstraat 12``, ``Otermankatu``,
  ``Storgatan 3``), or after it as a word (``Ady Endre utca 139``, ``Atatürk Caddesi``);
- military: ``PSC 1234, Box 5678``, ``Unit 3909 Box 2668``, ``APO AE 09012``, ``USNS Comfort``;
  and British and Canadian postcodes.

A street without a house number counts when its type leaves no doubt (``Oderwaldstr.``,
``rue Victoire Perrier``); with an everyday type word only in context (``ship to``, an
``address`` key).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import usaddress  # type: ignore[import-untyped]

_UP = "A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ"  # noqa: RUF001
_LOW = "a-zß-öø-ÿĀ-ɏḀ-ỿ"  # noqa: RUF001
_CAP = rf"[{_UP}][{_LOW}'’]+(?:-[{_UP}]?[{_LOW}]+)?"  # noqa: RUF001
_ANYWORD = rf"[{_UP}{_LOW}][{_LOW}'’]*"  # noqa: RUF001

# USPS Publication 28, appendix C1 (common suffixes and abbreviations), and British/Australian
# street types. Everyday words are in WEAK_TYPES.
US_TYPES = [
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Av",
    "Road",
    "Rd",
    "Boulevard",
    "Blvd",
    "Drive",
    "Dr",
    "Lane",
    "Ln",
    "Court",
    "Ct",
    "Place",
    "Pl",
    "Terrace",
    "Ter",
    "Circle",
    "Cir",
    "Parkway",
    "Pkwy",
    "Highway",
    "Hwy",
    "Expressway",
    "Expy",
    "Freeway",
    "Fwy",
    "Turnpike",
    "Tpke",
    "Square",
    "Sq",
    "Trail",
    "Trl",
    "Plaza",
    "Plz",
    "Pike",
    "Alley",
    "Aly",
    "Annex",
    "Anx",
    "Arcade",
    "Arc",
    "Bayou",
    "Byu",
    "Beach",
    "Bch",
    "Bluff",
    "Blf",
    "Bluffs",
    "Blfs",
    "Bottom",
    "Btm",
    "Branch",
    "Br",
    "Bridge",
    "Brg",
    "Brook",
    "Brk",
    "Brooks",
    "Brks",
    "Burg",
    "Bg",
    "Burgs",
    "Bgs",
    "Bypass",
    "Byp",
    "Camp",
    "Cp",
    "Canyon",
    "Cyn",
    "Cape",
    "Cpe",
    "Causeway",
    "Cswy",
    "Center",
    "Ctr",
    "Centers",
    "Ctrs",
    "Circles",
    "Cirs",
    "Cliff",
    "Clf",
    "Cliffs",
    "Clfs",
    "Club",
    "Clb",
    "Common",
    "Cmn",
    "Commons",
    "Cmns",
    "Corner",
    "Cor",
    "Corners",
    "Cors",
    "Courts",
    "Cts",
    "Cove",
    "Cv",
    "Coves",
    "Cvs",
    "Creek",
    "Crk",
    "Crescent",
    "Cres",
    "Crest",
    "Crst",
    "Crossing",
    "Xing",
    "Crossroad",
    "Xrd",
    "Curve",
    "Curv",
    "Dale",
    "Dl",
    "Dam",
    "Dm",
    "Divide",
    "Dv",
    "Drives",
    "Drs",
    "Estate",
    "Est",
    "Estates",
    "Ests",
    "Extension",
    "Ext",
    "Extensions",
    "Exts",
    "Falls",
    "Fls",
    "Ferry",
    "Fry",
    "Fields",
    "Flds",
    "Flat",
    "Flt",
    "Flats",
    "Flts",
    "Ford",
    "Frd",
    "Fords",
    "Frds",
    "Forest",
    "Frst",
    "Forge",
    "Frg",
    "Forges",
    "Frgs",
    "Fork",
    "Frk",
    "Forks",
    "Frks",
    "Fort",
    "Ft",
    "Gardens",
    "Gdns",
    "Gateway",
    "Gtwy",
    "Glen",
    "Gln",
    "Glens",
    "Glns",
    "Greens",
    "Grns",
    "Grove",
    "Grv",
    "Groves",
    "Grvs",
    "Harbor",
    "Hbr",
    "Harbors",
    "Hbrs",
    "Haven",
    "Hvn",
    "Heights",
    "Hts",
    "Hills",
    "Hls",
    "Hollow",
    "Holw",
    "Inlet",
    "Inlt",
    "Island",
    "Is",
    "Islands",
    "Iss",
    "Isle",
    "Junction",
    "Jct",
    "Junctions",
    "Jcts",
    "Knoll",
    "Knl",
    "Knolls",
    "Knls",
    "Lakes",
    "Lks",
    "Landing",
    "Lndg",
    "Light",
    "Lgt",
    "Lights",
    "Lgts",
    "Loaf",
    "Lf",
    "Lock",
    "Lck",
    "Locks",
    "Lcks",
    "Lodge",
    "Ldg",
    "Manor",
    "Mnr",
    "Manors",
    "Mnrs",
    "Meadow",
    "Mdw",
    "Meadows",
    "Mdws",
    "Mews",
    "Mill",
    "Ml",
    "Mills",
    "Mls",
    "Mission",
    "Msn",
    "Motorway",
    "Mtwy",
    "Mount",
    "Mt",
    "Mountain",
    "Mtn",
    "Mountains",
    "Mtns",
    "Neck",
    "Nck",
    "Orchard",
    "Orch",
    "Oval",
    "Overpass",
    "Opas",
    "Parks",
    "Parkways",
    "Passage",
    "Psge",
    "Pine",
    "Pne",
    "Pines",
    "Pnes",
    "Plain",
    "Pln",
    "Plains",
    "Plns",
    "Points",
    "Pts",
    "Port",
    "Prt",
    "Ports",
    "Prts",
    "Prairie",
    "Pr",
    "Radial",
    "Radl",
    "Ramp",
    "Ranch",
    "Rnch",
    "Rapid",
    "Rpd",
    "Rapids",
    "Rpds",
    "Ridge",
    "Rdg",
    "Ridges",
    "Rdgs",
    "River",
    "Riv",
    "Roads",
    "Rds",
    "Route",
    "Rte",
    "Row",
    "Rue",
    "Shoal",
    "Shl",
    "Shoals",
    "Shls",
    "Shore",
    "Shr",
    "Shores",
    "Shrs",
    "Skyway",
    "Skwy",
    "Spring",
    "Spg",
    "Springs",
    "Spgs",
    "Spur",
    "Spurs",
    "Squares",
    "Sqs",
    "Station",
    "Sta",
    "Stravenue",
    "Stra",
    "Stream",
    "Strm",
    "Streets",
    "Sts",
    "Summit",
    "Smt",
    "Terr",
    "Throughway",
    "Trwy",
    "Trace",
    "Trce",
    "Track",
    "Trak",
    "Trafficway",
    "Trfy",
    "Tunnel",
    "Tunl",
    "Underpass",
    "Upas",
    "Union",
    "Un",
    "Unions",
    "Uns",
    "Valley",
    "Vly",
    "Valleys",
    "Vlys",
    "Viaduct",
    "Via",
    "Vista",
    "Vis",
    "Villages",
    "Vlgs",
    "Village",
    "Vlg",
    "Ville",
    "Vl",
    "Walks",
    "Wall",
    "Ways",
    "Wells",
    "Wls",
    "Close",
    "Cl",
    "Gardens",
    "Gr",
    "Rise",
    "Parade",
    "Pde",
    "Esplanade",
    "Esp",
    "Grange",
    "Chase",
    "Wynd",
    "Quay",
    "Wharf",
    "Hill",
    "Hl",
    "Green",
    "Grn",
    "Park",
    "Pk",
    "Way",
    "Wy",
    "Walk",
    "Key",
    "Ky",
    "Keys",
    "Kys",
    "Lake",
    "Lk",
    "Point",
    "Pt",
    "Run",
    "Pass",
    "View",
    "Vw",
    "Views",
    "Vws",
    "Well",
    "Loop",
    "Path",
    "Field",
    "Fld",
    "Heath",
    "End",
    "Gate",
    "Yard",
    "Garth",
    "Croft",
    "Drove",
    "Row",
    "Hollow",
    "Circus",
    "Embankment",
]
WEAK_TYPES = frozenset(
    [
        "Center",
        "Ctr",
        "Club",
        "Common",
        "Commons",
        "Station",
        "Union",
        "Key",
        "Keys",
        "Point",
        "Pt",
        "Run",
        "Pass",
        "View",
        "Views",
        "Well",
        "Loop",
        "Path",
        "Field",
        "Park",
        "Pk",
        "Way",
        "Walk",
        "Lake",
        "Light",
        "Lights",
        "Lock",
        "Locks",
        "Port",
        "Ports",
        "Track",
        "Spring",
        "Springs",
        "Mount",
        "Mission",
        "Ramp",
        "Plain",
        "Forge",
        "Camp",
        "Cape",
        "Ford",
        "Fork",
        "Glen",
        "Green",
        "Hill",
        "Gate",
        "Yard",
        "End",
        "Heath",
        "Chase",
        "Wall",
        "Mill",
        "Mills",
        "Village",
        "Pine",
        "Pines",
        "Mountain",
        "Manor",
        "Dale",
        "Dam",
        "Crest",
        "Branch",
        "Bridge",
        "Bottom",
        "Divide",
        "Neck",
        "Oval",
        "Lodge",
        "Loaf",
        "Radial",
        "Rapid",
        "Rapids",
        "Grange",
        "River",
        "Spur",
        "Spurs",
        "Summit",
        "Trace",
        "Estate",
        "Estates",
        "Flat",
        "Flats",
        "Haven",
        "Island",
        "Isle",
        "Meadow",
        "Ridge",
        "Shore",
        "Shores",
        "Stream",
        "Vista",
        "Ville",
        "Extension",
        "Ext",
        "Cove",
        "Creek",
        "Curve",
        "Falls",
        "Ferry",
        "Fields",
        "Forest",
        "Fort",
        "Ft",
        "Harbor",
        "Hollow",
        "Inlet",
        "Junction",
        "Landing",
        "Orchard",
        "Prairie",
        "Ranch",
        "Valley",
        "Brook",
        "Brooks",
        "Burg",
        "Burgs",
        "Manors",
        "Croft",
        "Drove",
        "Garth",
        "Circus",
        "Embankment",
        "Wynd",
        "Quay",
        "Wharf",
        "Row",
        "Rise",
        "Close",
        "Cl",
        "Parade",
        "Esplanade",
        "St",
        "Dr",
        "Pl",
        "Ter",
        "Cir",
        "Sq",
        "Ave",
        "Av",
    ]
)
_US_TYPE_RE = "|".join(sorted(set(US_TYPES), key=lambda s: (-len(s), s)))
UNIT = r"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Rm|Room|Bldg|#)\.? ?#?[\dA-Z]{1,5}\b)?"
_DIR = r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.? )?"

NUMBER_FIRST = re.compile(
    rf"\d(?<![\w.\-/:]\d)\d{{0,5}}[A-Za-z]?(?:[-/]\d{{1,4}}[A-Za-z]?)?,? {_DIR}"
    rf"(?:(?:{_CAP}|\d{{1,3}}(?:st|nd|rd|th)|of|the|de|la) ){{1,4}}"
    rf"(?P<type>{_US_TYPE_RE})\b\.?{UNIT}"
)

PREFIX_TYPES_STRONG = (
    "rue|Rue|avenue|boulevard|Boulevard|bd|Bd|allée|Allée|impasse|Impasse|chemin|Chemin|quai|"
    "Quai|chaussée|Chaussée|Calle|calle|C/|Avenida|avenida|Avda\\.?|Paseo|paseo|Ronda|ronda|"
    "Camino|Carretera|Travesía|Callejón|Glorieta|Pasaje|Rambla|Carrer|Vía|Vial|Viale|viale|"
    "Piazza|piazza|Piazzale|Corso|corso|Vicolo|vicolo|Contrada|contrada|Borgo|borgo|Strada|"
    "strada|Canale|Rotonda|Galleria|Stretto|Vico|Lungomare|Rua|rua|Travessa|travessa|Praça|praça|"
    "Alameda|alameda|Estrada|Rodovia|Ladeira|Beco|Viela|ulica|Ulica|ul\\.|aleja|Aleja|al\\.|"
    "plac|Plac|pl\\.|os\\.|osiedle|Osiedle|Strada|Str\\.|Bulevardul|Calea|Aleea|Piața|Șoseaua|"
    "Splaiul|Jl\\.|Jalan|Gg\\.|Gang|Phố|phố|Đường|đường|Ngõ|ngõ|Cesta|cesta|Trg|trg|Ulice|náměstí|"
    "Náměstí|Lungo|Largo|largo|Avenue|Cours|cours|Chemin|Sentier|Passage|Place|place|Via|via|"
    "Plaza|plaza"
)
WEAK_PREFIX = frozenset(
    [
        "Place",
        "place",
        "Via",
        "via",
        "Plaza",
        "plaza",
        "Passage",
        "Cours",
        "cours",
        "Largo",
        "largo",
        "Avenue",
    ]
)
PREFIX_FIRST = re.compile(
    rf"(?P<type>{PREFIX_TYPES_STRONG}) "
    rf"(?>(?:(?:de|del|de la|de los|de las|des|du|la|le|les|da|do|dos|das|di|della|delle|dei|"
    rf"degli|d'|l'|San|Santa|Sant'|St|Ste)\.? ){{0,3}})"
    rf"(?P<name>{_CAP}(?: (?!(?:No|Nr|Nº)\.? ?\d)(?:{_CAP}|de|la|da|do|del|di|e|y)){{0,4}})"
    rf"(?P<num>,? (?:No\.? |n[°º] ?|nº ?|Nr\.? |s/n)?\d{{1,5}}[A-Za-z]?(?:[-/]\d{{1,4}}[A-Za-z]?)?)?"
)

FUSED_STRONG = (
    "straße|strasse|str\\.|gasse|allee|platz|straat|gracht|steeg|kade|singel|dreef|"
    "gatan|vägen|gränd|torget|veien|gata|gade|vej|stræde|vænget|katu|kuja|polku|bulevardi|"
    "ulica|utca|körút|sétány|sokak|sokağı|caddesi|bulvarı"  # noqa: RUF001
)
FUSED_WEAK = "weg|ring|damm|ufer|steig|pfad|markt|laan|plein|baan|hof|dijk|tie|tori|rinne|vei|stien|bakken|gate|allé|väg|út|tér|sor|köz|park|ská|cká|ní|ova|ová|ovo|ina"
_FUSED_NUM = re.compile(r",? \d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?\.?(?![\w])")
SUFFIX_WORD = re.compile(
    rf"(?P<name>[{_UP}](?<![\w.\-/][{_UP}])[{_LOW}'’]+(?:-[{_UP}]?[{_LOW}]+)?(?: {_ANYWORD}){{0,2}}) "  # noqa: RUF001
    r"(?P<type>utca|út|tér|körút|Sokak|Sk\.|Sokağı|Caddesi|Cad\.|Cd\.|Bulvarı|Blv\.|Mahallesi|"  # noqa: RUF001
    r"Mah\.|Marg|Nagar|Path|Salai|Chowk|Gali|Lane)"
    r"(?P<num>,? (?:No:? ?)?\d{1,5}[A-Za-z]?\.?)?(?![\w])"
)
MILITARY = re.compile(
    r"(?:(?:PSC|CMR|Unit) \d{1,5},? Box \d{1,5}"
    r"|(?:APO|FPO|DPO) (?:AA|AE|AP)(?: \d{5})?"
    r"|(?:USNS|USNV|USS|USCGC) [A-Z][a-z]+(?: [A-Z][a-z]+)?)(?![\w])"
)
POSTCODE = re.compile(
    r"[A-Z](?<![\w\-][A-Z])(?:[A-Z]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}|(?<=[ABCEGHJ-NPRSTVXY])\d[A-Z] \d[A-Z]\d)(?![\w\-])"
)


@lru_cache(maxsize=2048)
def _usaddress_says_street(text: str) -> bool:
    """The US address parser reads ``text`` as a house number, a street name and a type."""
    try:
        tagged, kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return False
    return (
        kind == "Street Address"
        and "AddressNumber" in tagged
        and "StreetName" in tagged
        and "StreetNamePostType" in tagged
    )


Found = tuple[int, int, float, str]  # start, end, confidence (without context), method


def find(text: str) -> Iterator[Found]:
    """Street-address-like spans of ``text``; confidence 0 means "only in context"."""
    for m in NUMBER_FIRST.finditer(text):
        kind = m.group("type")
        if kind in WEAK_TYPES:
            ok = _usaddress_says_street(m.group(0))
            yield m.start(), m.end(), 0.8 if ok else 0.0, "usaddress" if ok else "number-street"
        else:
            yield m.start(), m.end(), 0.85, "number-street"
    for pos in _literal_hits(text, _PREFIX_WORDS):
        pm = PREFIX_FIRST.match(text, pos)
        if pm is None or not _free_before(text, pos):
            continue
        m = pm
        kind = m.group("type")
        weak = kind in WEAK_PREFIX
        numbered = m.group("num") is not None
        if weak and not numbered:
            yield m.start(), m.end(), 0.0, "type-street"
        else:
            yield m.start(), m.end(), 0.85 if numbered else 0.78, "type-street"
    for m in _FUSED_HINT.finditer(text):
        end = m.end()
        start = m.start()
        while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "-"):
            start -= 1
        if start == m.start() or m.start() - start < 2 or not text[start].isupper():
            continue
        if start > 0 and (text[start - 1].isdigit() or text[start - 1] in "._/\\"):
            continue
        num = _FUSED_NUM.match(text, end)
        strong = m.group(0) in _FUSED_STRONG_SET
        conf = 0.85 if num is not None else (0.75 if strong else 0.0)
        yield start, num.end() if num is not None else end, conf, "street-type"
    for m in _suffix_words(text):
        numbered = m.group("num") is not None
        yield m.start(), m.end(), 0.8 if numbered else 0.0, "street-type"
    for pos in _literal_hits(text, _MILITARY_WORDS):
        mm = MILITARY.match(text, pos)
        if (
            mm is not None
            and _free_before(text, pos)
            and (mm.end() == len(text) or not text[mm.end()].isalnum())
        ):
            yield mm.start(), mm.end(), 0.85, "military"
    for m in POSTCODE.finditer(text):
        yield m.start(), m.end(), 0.72, "postcode"


_PREFIX_WORDS = tuple(
    sorted({w.replace("\\", "") for w in PREFIX_TYPES_STRONG.split("|")} - {"Avda.?"} | {"Avda"})
)
_MILITARY_WORDS = (
    "PSC ",
    "CMR ",
    "Unit ",
    "APO ",
    "FPO ",
    "DPO ",
    "USNS ",
    "USNV ",
    "USS ",
    "USCGC ",
)
_SUFFIX_LITERALS = (" utca", " út", " tér", " körút", " Sokak", " Sk.", " Sokağı", " Caddesi",  # noqa: RUF001
                    " Cad.", " Cd.", " Bulvarı", " Blv.", " Mahallesi", " Mah.", " Marg", " Nagar",  # noqa: RUF001
                    " Path", " Salai", " Chowk", " Gali", " Lane")  # fmt: skip


def _literal_hits(text: str, words: tuple[str, ...]) -> list[int]:
    """Sorted start offsets of every occurrence of ``words`` (fast: str.find)."""
    hits: set[int] = set()
    for word in words:
        i = text.find(word)
        while i >= 0:
            hits.add(i)
            i = text.find(word, i + 1)
    return sorted(hits)


def _suffix_words(text: str) -> Iterator[re.Match[str]]:
    """Matches of SUFFIX_WORD, run only a little before each street-type word found."""
    last_end = -1
    for pos in _literal_hits(text, _SUFFIX_LITERALS):
        line_start = max(text.rfind("\n", 0, pos) + 1, pos - 120, last_end)
        for m in SUFFIX_WORD.finditer(text, line_start, min(len(text), pos + 40)):
            if m.start() >= last_end:
                last_end = m.end()
                yield m


def _free_before(text: str, pos: int) -> bool:
    return pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] in "._-/")


_FUSED_STRONG_SET = frozenset(FUSED_STRONG.replace("\\", "").split("|"))
_FUSED_HINT = re.compile(rf"(?:{FUSED_STRONG}|{FUSED_WEAK})(?![{_LOW}{_UP}\d])")


__all__ = ["find"]
