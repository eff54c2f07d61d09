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

#: A house number, then one to four words, then a street type: the digit pass of the scanner
#: (auditor/collect/phi/passes.py) tries it after a character that is not a letter, digit, dot,
#: dash, slash, underscore or colon.
NUMBER_FIRST_SHAPE = (
    rf"(?<!:)(?P<addr>\d{{1,6}}+[A-Za-z]?(?:[-/]\d{{1,4}}+[A-Za-z]?)?,? {_DIR}"
    rf"(?:(?:{_CAP}|\d{{1,3}}(?:st|nd|rd|th)|of|the|de|la) ){{1,4}}"
    rf"(?P<stype>{_US_TYPE_RE})\b\.?{UNIT})"
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
#: Texts the US address parser did not read as a street address (a text it did read as one is
#: never remembered).
_not_streets: set[str] = set()


def _usaddress_says_street(text: str) -> bool:
    """The US address parser reads ``text`` as a house number, a street name and a type."""
    if text in _not_streets:
        return False
    try:
        tagged, kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        tagged, kind = {}, ""
    street = (
        kind == "Street Address"
        and "AddressNumber" in tagged
        and "StreetName" in tagged
        and "StreetNamePostType" in tagged
    )
    if not street and len(_not_streets) < 10_000:
        _not_streets.add(text)
    return street


Found = tuple[int, int, float, str]  # start, end, confidence (without context), method


def load_model() -> None:
    """Load the US address parser's model now (it loads on first use otherwise)."""
    _usaddress_says_street("1 Main Way")


def number_first(text: str, start: int, end: int, kind: str) -> Found:
    """A match of :data:`NUMBER_FIRST_SHAPE`: where the street type is also an everyday word,
    the US address parser must read it as a street address, else it counts only in context."""
    if kind in WEAK_TYPES:
        ok = _usaddress_says_street(text[start:end])
        return start, end, 0.8 if ok else 0.0, "usaddress" if ok else "number-street"
    return start, end, 0.85, "number-street"


def prefix_first(text: str, pos: int) -> Found | None:
    """A street whose type word starts at ``pos`` (``rue de la Paix``, ``Calle de Juan 12``)."""
    m = PREFIX_FIRST.match(text, pos)
    if m is None:
        return None
    numbered = m.group("num") is not None
    if m.group("type") in WEAK_PREFIX and not numbered:
        return m.start(), m.end(), 0.0, "type-street"
    return m.start(), m.end(), 0.85 if numbered else 0.78, "type-street"


def military(text: str, pos: int) -> Found | None:
    """A military address starting at ``pos`` (``PSC 1234, Box 5678``, ``APO AE 09012``)."""
    m = MILITARY.match(text, pos)
    if m is None or (m.end() < len(text) and text[m.end()].isalnum()):
        return None
    return m.start(), m.end(), 0.85, "military"


def suffix_words(text: str, positions: list[int]) -> Iterator[Found]:
    """Streets named before their type word (``Ady Endre utca 139``): ``positions`` are the
    sorted offsets of the spaces before type words; the pattern runs only a little before each."""
    last_end = -1
    for pos in positions:
        line_start = max(text.rfind("\n", 0, pos) + 1, pos - 120, last_end)
        for m in SUFFIX_WORD.finditer(text, line_start, min(len(text), pos + 40)):
            if m.start() >= last_end:
                last_end = m.end()
                yield m.start(), m.end(), 0.8 if m.group("num") is not None else 0.0, "street-type"


def fused(text: str, start: int, end: int) -> Found | None:
    """A capitalised word ending in a street type (``Hauptstraße``, ``Storgatan``) from the
    capital pass, with the house number after it if there is one."""
    word = text[start:end]
    suffix = _longest_fused_suffix(word)
    if suffix is None or len(word) - len(suffix) < 2 or not word[0].isupper():
        return None
    num = _FUSED_NUM.match(text, end)
    strong = suffix in _FUSED_STRONG_SET
    conf = 0.85 if num is not None else (0.75 if strong else 0.0)
    return start, num.end() if num is not None else end, conf, "street-type"


def _longest_fused_suffix(word: str) -> str | None:
    for size in _FUSED_SIZES:
        if len(word) > size and word[-size:] in _FUSED_ALL:
            return word[-size:]
    return None


# ---------------------------------------------------------------- addresses by context

#: Last words of keys whose value is a postal address (``shipping_address``, ``addressLine1``,
#: ``street``, ``ship_to``), and words before ``address`` that make it something else.
_ADDRESS_KEY_WORDS = frozenset(["address", "addr", "street", "streetaddress"])
_NOT_POSTAL = frozenset((
    "ip", "mac", "email", "e", "mail", "remote", "local", "server", "host", "bind", "listen",
    "proxy", "wallet", "contract", "memory", "base", "web", "url", "uri", "return", "reply",
    "sender", "peer", "client", "gateway", "network", "net", "socket", "public", "private",
    "ipv4", "ipv6", "hw", "ether", "bluetooth", "node", "pod", "service",
))  # fmt: skip
_KEY_SPLIT = re.compile(r"[._\-]+|(?<=[a-z0-9])(?=[A-Z])")
_address_keys: dict[str, bool] = {}


def address_key(key: str) -> bool:
    """True for a key whose value is a postal address: ``address``, ``home_address``,
    ``patient.shippingAddress``, ``addressLine1``, ``street``, ``ship_to`` (not ``ip_address``,
    ``mac_address``, ``email_address``)."""
    hit = _address_keys.get(key)
    if hit is None:
        words = [w.lower() for w in _KEY_SPLIT.split(key) if w]
        if words and words[-1] in ("line1", "line2", "line3", "1", "2"):
            words = words[:-1]  # addressLine1, address_line_2, street_2
            if words and words[-1] == "line":
                words = words[:-1]
        last = words[-1] if words else ""
        before = words[-2] if len(words) > 1 else ""
        hit = (last == "to" and before == "ship") or (
            last in _ADDRESS_KEY_WORDS and before not in _NOT_POSTAL
        )
        if len(_address_keys) < 10_000:
            _address_keys[key] = hit
    return hit


_IPISH = re.compile(
    r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}"
    r"|[0-9a-fA-F]{2}(?:[:\-][0-9a-fA-F]{2}){5}"
)
_LETTER_WORD = re.compile(rf"[{_UP}][{_LOW}'’.]")  # noqa: RUF001


def judge_value(value: str) -> float | None:
    """Confidence that the whole value under an address key is a postal address: words with a
    capital letter, perhaps numbers; not an IP or MAC address, a URL, an email or a host name."""
    text = value.strip()
    if len(text) < 3 or len(text) > 200 or "@" in text or "://" in text or "\n" in text:
        return None
    if _IPISH.fullmatch(text) or (" " not in text and "." in text.strip(".")):
        return None  # an IP or MAC address, a host name
    if _LETTER_WORD.search(text) is None:
        return None
    return 0.9


#: After an address context word: a run of address words (capitalised words, numbers, house
#: number marks, street particles) up to the end of the clause. Atomic tokens, bounded: linear.
_PARTICLE_WORDS = (
    r"de|del|de la|la|las|los|le|les|des|du|da|do|dos|das|di|della|van|von|der|den|ter|ten|y|e|"
    r"am|an|im|auf|zum|zur|na|nad|pod|u|ul\.|al\.|pl\.|os\.|gasse|straße|strasse|rue|via|calle|"
    r"carrera|avenida|rua|ulica|utca|út|tér|sokak|caddesi|no\.?|nr\.?|n[°º]|bis|sur|norte|este|"
    r"oeste|apt\.?|suite|unit|flat|floor|fl\.?|piso|dpto\.?|depto\.?|int\.?|interior|box|bus"
)
_TOKEN = rf"(?>(?i:{_PARTICLE_WORDS})(?!\w)|[{_UP}][{_LOW}'’.\-{_UP}]*+|\d[\w/\-]*+|#\s?\d[\w/\-]*+|[#№])"  # noqa: RUF001
_RUN = re.compile(rf"{_TOKEN}(?:(?:,? |, ?| ?[#/] ?){_TOKEN}){{0,11}}")
#: Context words of other values, where a run of address words ends.
_OTHER_CONTEXT = re.compile(
    r"(?i)(?<!\w)(?:dob|d\.o\.b|ssn|mrn|npi|dea|phone|tel|fax|mobile|cell|email|e-mail|card|"
    r"patient|member|born|birth|date of birth|sms|callback|contact)(?!\w)"
)
_LEAD_IN = re.compile(r"[a-z]*+(?: (?:changed|updated|set) to)?(?:\s?[:=]\s?|\s)[\"']?")


def after_context(text: str, pos: int, end: int) -> Found | None:
    """A run of address words right after a context word ending at ``pos`` (``ship to ...``,
    ``home address: ...``, ``patient moved to ...``): capitalised words, with a number or at
    least two of them."""
    lead = _LEAD_IN.match(text, pos, end)
    if lead is None:
        return None
    m = _RUN.match(text, lead.end(), end)
    if m is None:
        return None
    value = m.group(0)
    other = _OTHER_CONTEXT.search(value)
    if other is not None:
        value = value[: other.start()]  # "..., DOB March 3, 1950": the next value's context word
    value = value.rstrip(",. ")
    caps = len(_LETTER_WORD.findall(value))
    if caps == 0 or (caps < 2 and not any(c.isdigit() for c in value)):
        return None
    return m.start(), m.start() + len(value), 0.9, "context-street"


#: Street-type words that start a street (lowercase: the scanner finds them in lowercased text,
#: then :func:`prefix_first` reads the original), with the spellings that count.
PREFIX_WORDS = tuple(
    sorted({w.replace("\\", "") for w in PREFIX_TYPES_STRONG.split("|")} - {"Avda.?"} | {"Avda"})
)
MILITARY_WORDS = (
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
#: Type words written after the street's name, each after a space.
SUFFIX_TYPE_WORDS = ("utca", "út", "tér", "körút", "Sokak", "Sk.", "Sokağı", "Caddesi",  # noqa: RUF001
                     "Cad.", "Cd.", "Bulvarı", "Blv.", "Mahallesi", "Mah.", "Marg", "Nagar",  # noqa: RUF001
                     "Path", "Salai", "Chowk", "Gali", "Lane")  # fmt: skip

_FUSED_STRONG_SET = frozenset(FUSED_STRONG.replace("\\", "").split("|"))
_FUSED_ALL = _FUSED_STRONG_SET | frozenset(FUSED_WEAK.split("|"))
_FUSED_SIZES = sorted({len(w) for w in _FUSED_ALL}, reverse=True)


def _fused_lookbehinds() -> str:
    by_size: dict[int, list[str]] = {}
    for word in sorted(_FUSED_ALL - {"str."}):
        by_size.setdefault(len(word), []).append(re.escape(word))
    return "|".join(f"(?<={'|'.join(words)})" for _, words in sorted(by_size.items()))


#: Capital-led shapes, branches of the scanner's capital pass (auditor/collect/phi/passes.py)
#: after its first letter: a word ending in a street type (group ``fused``: the shortest run of
#: hyphenated parts whose last part ends in one, ``Karolina`` in ``Karolina-Stey-Ring``,
#: ``Haupt-straße``; fixed-width lookbehinds, parts possessive: linear), or a British or
#: Canadian postcode (group ``post``).
CAPITAL_LEAD = rf"[{_UP}](?<![\w\-][{_UP}])"
FUSED_SHAPE = rf"(?<![./\\].)(?P<fused>[^\W\d_]*+(?:-[^\W\d_]++)*?(?:(?<=str)\.|{_fused_lookbehinds()}))(?!\d)"
POSTCODE_SHAPE = (
    r"(?<=[A-Z])(?P<post>[A-Z]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}"
    r"|(?<=[ABCEGHJ-NPRSTVXY])\d[A-Z] \d[A-Z]\d)(?![\w\-])"
)
#: Words ending in a street type on their own (inside a run of capitalised words the capital
#: pass read as a possible name).
FUSED_WORDS = re.compile(CAPITAL_LEAD + FUSED_SHAPE)


__all__ = [
    "CAPITAL_LEAD",
    "FUSED_SHAPE",
    "FUSED_WORDS",
    "MILITARY_WORDS",
    "NUMBER_FIRST_SHAPE",
    "POSTCODE_SHAPE",
    "PREFIX_WORDS",
    "SUFFIX_TYPE_WORDS",
    "address_key",
    "after_context",
    "fused",
    "judge_value",
    "load_model",
    "military",
    "number_first",
    "prefix_first",
    "suffix_words",
]
