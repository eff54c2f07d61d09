"""Person names: a gazetteer of real given names and surnames, capitalisation, structure, context.

In plain text a name is a run of two to five capitalised words (particles such as ``van der``,
``de la``, ``bin`` and initials may sit between them; ``Last, First`` counts too) whose words the
gazetteer knows: a given name then a surname is strong evidence; two known names in any order
(``Nguyen Van An``, ``Jakab Zoltán``) are good evidence; one known given name before an unknown
capitalised word is weak evidence that a title (``Dr.``, ``Mrs``, ``Herr``), a context word
(``patient``) or a key (``"guarantor": ...``) makes enough. Words that are also common English or
log words (``Will``, ``Page``, ``Kafka``, ``Portal``) count only beside a name that is not.

Under a key that holds a person's name (``patient_name``, ``first_name``, ``last_name``,
``guarantor``...) one to five words of any script are a name; under a key that only may
(``name``, ``user``, ``contact``) the value must look like one by the rules above.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.collect.phi.gazetteer import COMMON, GIVEN, SURNAME, flags

# Upper-case letters of the Latin scripts (ASCII, Latin-1, Latin Extended-A/B, Vietnamese).
_UP = "A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ"  # noqa: RUF001
_LOW = "a-zß-öø-ÿĀ-ɏḀ-ỿ"  # noqa: RUF001
_WORD = rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)?"  # noqa: RUF001
_PARTICLE = (
    r"(?:van|von|der|den|de|del|della|delle|dei|di|da|das|do|dos|du|des|la|le|lo|ter|ten|te|"
    r"bin|binti|bint|ibn|al|el|zu|af|av|y|e|i|mac|ap)"
)
_WORD_REST = rf"(?:['’][{_UP}])?[{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)?\.?"  # noqa: RUF001
#: A run of capitalised words, initials and particles. It starts with an upper-case letter not
#: after a word character (so the engine skips ahead fast); atomic groups keep it linear.
_RUN_REST = (
    rf"(?>{_WORD_REST}(?>,? (?>(?:{_PARTICLE} ){{0,3}})(?>[{_UP}]\.|{_WORD}\.?)){{1,4}})"
    r"(?![\w@/\\]|\.\w|-\w)"
)
CANDIDATE = re.compile(rf"[{_UP}](?<![\w.@/\\\-][{_UP}]){_RUN_REST}")
#: The same run after its first letter, as a branch of the scanner's capital pass
#: (auditor/collect/phi/passes.py), whose lead already refuses a word character or ``-`` before.
RUN_SHAPE = rf"(?<![.@/\\].)(?P<name>{_RUN_REST})"

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "herr",
        "frau",
        "mme",
        "mlle",
        "mademoiselle",
        "madame",
        "monsieur",
        "sr",
        "sra",
        "srta",
        "sig",
        "dott",
        "ing",
        "mag",
        "don",
        "dona",
        "doña",
        "pan",
        "pani",
        "st",
    ]
)
SUFFIXES = frozenset(
    ["jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "rn", "np", "pa", "dvm", "esq"]
)
PARTICLES = frozenset(_PARTICLE.strip("(?:)").split("|"))
COMPANY_WORDS = frozenset(
    [
        "inc",
        "llc",
        "ltd",
        "plc",
        "gmbh",
        "ag",
        "co",
        "corp",
        "corporation",
        "group",
        "sons",
        "partners",
        "company",
        "limited",
        "sa",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "kg",
        "ohg",
        "kft",
        "zrt",
        "ltda",
        "sas",
        "sarl",
        "holdings",
        "associates",
        "foundation",
        "bank",
        "clinic",
        "hospital",
        "pharmacy",
        "labs",
        "university",
        "school",
        "street",
    ]
)
#: Capitalised words of log lines that are neither given names nor surnames, whatever a name
#: list may hold.
LOG_WORDS = frozenset(
    [
        "info",
        "debug",
        "warn",
        "warning",
        "error",
        "fatal",
        "trace",
        "notice",
        "critical",
        "alert",
        "started",
        "starting",
        "stopped",
        "completed",
        "failed",
        "success",
        "successful",
        "request",
        "response",
        "duration",
        "billed",
        "memory",
        "size",
        "used",
        "max",
        "init",
        "version",
        "report",
        "start",
        "end",
        "health",
        "check",
        "passed",
        "ready",
        "status",
        "pod",
        "node",
        "service",
        "server",
        "client",
        "connection",
        "reset",
        "timeout",
        "retry",
        "retries",
        "queue",
        "worker",
        "job",
        "scheduled",
        "application",
        "consumer",
        "producer",
        "kafka",
        "redis",
        "postgres",
        "mysql",
        "mongo",
        "nginx",
        "apache",
        "tomcat",
        "spring",
        "boot",
        "docker",
        "kubernetes",
        "lambda",
        "amazon",
        "google",
        "microsoft",
        "azure",
        "chrome",
        "safari",
        "firefox",
        "mozilla",
        "webkit",
        "gecko",
        "linux",
        "windows",
        "macintosh",
        "android",
        "iphone",
        "ipad",
        "ubuntu",
        "debian",
        "portal",
        "login",
        "logout",
        "patient",
        "patients",
        "record",
        "records",
        "chart",
        "member",
        "members",
        "user",
        "users",
        "account",
        "admin",
        "system",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "new",
        "old",
        "test",
        "true",
        "false",
        "none",
        "null",
        "ok",
        "get",
        "post",
        "put",
        "delete",
        "patch",
        "head",
        "options",
        "http",
        "https",
        "api",
        "id",
        "the",
        "and",
        "for",
        "with",
        "from",
    ]
)

#: Keys whose value is a person's name whatever it looks like.
_PERSON_KEY = re.compile(
    r"(?:^|[._\-])(?:patient|member|guarantor|guardian|insured|subscriber|beneficiary|"
    r"emergency[._\-]?contact|next[._\-]?of[._\-]?kin|kin|spouse|mother|father|parent|caregiver)"
    r"(?:[._\-]?(?:full[._\-]?)?name)?$"
    r"|(?:first|last|given|family|sur|middle|maiden|full|legal|display|preferred|patient|"
    r"member|customer|contact|person|guarantor|guardian|insured|subscriber|beneficiary|"
    r"cardholder|holder|owner|account[._\-]?holder|recipient)[._\-]?name$"
    r"|(?:^|[._\-])(?:surname|forename|firstname|lastname|givenname|familyname|fullname)$",
    re.IGNORECASE,
)
#: Keys whose value may be a person's name: judged like text, with the key as context.
_MAYBE_KEY = re.compile(
    r"(?:^|[._\-])(?:name|user|username|contact|caller|recipient|to|from|owner|customer|"
    r"person|provider|physician|doctor|nurse|author|signer|first[._\-]?last)$",
    re.IGNORECASE,
)


def person_key(key: str) -> bool:
    """True for keys whose value is a person's name: ``patient_name``, ``lastName``."""
    return bool(_PERSON_KEY.search(_camel(key)))


def maybe_person_key(key: str) -> bool:
    """True for keys whose value may be a person's name (``name``, ``patient.name``)."""
    k = _camel(key)
    return bool(_MAYBE_KEY.search(k)) or person_key(k)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _camel(key: str) -> str:
    return _CAMEL.sub("_", key)


def _tokens(text: str) -> list[str]:
    return [t.strip(",.") for t in text.split() if t.strip(",.")]


def score(words: list[str], reversed_order: bool = False) -> float:
    """How much a run of capitalised words looks like a person's name (0 to 0.85).

    ``words`` are the words left once titles, suffixes, particles and initials are removed.
    """
    if len(words) < 2:
        return 0.0
    if any(w.lower() in LOG_WORDS for w in words):
        return 0.0
    marks = [flags(w) for w in words]
    first, last = (marks[-1], marks[0]) if reversed_order else (marks[0], marks[-1])
    known = [m for m in marks if m & (GIVEN | SURNAME)]
    plain = [m for m in known if not m & COMMON]
    if first & GIVEN and last & SURNAME and (plain or len(known) >= 3):
        return 0.85 if not (first & COMMON or last & COMMON) else 0.8
    if len(known) >= 2 and plain:
        return 0.78
    if first & GIVEN and not first & COMMON:
        return 0.6  # a known given name before unknown capitalised words
    if last & SURNAME and not last & COMMON and len(words) == 2:
        return 0.5
    if known:
        return 0.4
    return 0.0


#: Runs judged not to be names (``Mozilla``, ``Health Check``, ``Billed Duration`` repeat in
#: logs); a run judged a name is never remembered.
_not_names: set[str] = set()


def find_in_text(
    text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[tuple[int, int, float, bool, str]]:
    """``(start, end, score, titled, normalized)`` of each name-like run in ``text``."""
    end_at = len(text) if endpos is None else endpos
    return judge_runs(text, [m.span() for m in CANDIDATE.finditer(text, pos, end_at)])


def judge_runs(
    text: str, spans: list[tuple[int, int]]
) -> Iterator[tuple[int, int, float, bool, str]]:
    """``(start, end, score, titled, normalized)`` of the runs of capitalised words at ``spans``
    of ``text`` that look like names."""
    rejected = _not_names
    for start, end in spans:
        raw = text[start:end]
        if raw in rejected:
            continue
        judged = _judge_run(raw)
        if judged is None:
            if len(rejected) < 50_000:
                rejected.add(raw)
            continue
        if "," in raw and text[end : end + 6].startswith((" and ", " & ", " und ", " y ", " et ")):
            continue  # "Johnson, Brown and Davis": a firm's name
        yield start, end, judged[0], judged[1], judged[2]


def _judge_run(raw: str) -> tuple[float, bool, str] | None:
    """``(score, titled, normalized)`` of a run of capitalised words, or None."""
    tokens = _tokens(raw)
    titled = False
    while tokens and tokens[0].lower().rstrip(".") in HONORIFICS:
        titled = True
        tokens.pop(0)
    while tokens and tokens[-1].lower().rstrip(".") in SUFFIXES:
        tokens.pop()
    if any(t.lower() in COMPANY_WORDS for t in tokens):
        return None
    reversed_order = "," in raw
    words = [t for t in tokens if t.lower() not in PARTICLES and not _initial(t)]
    if reversed_order and len(words) > 2:
        return None  # a list of capitalised words, not "Last, First"
    s = score(words, reversed_order)
    if s <= 0.0 and not (titled and words):
        return None
    return s, titled, _normalized(words, reversed_order)


def _initial(token: str) -> bool:
    return len(token) <= 2 and token[:1].isupper() and (len(token) == 1 or token[1] == ".")


def _normalized(words: list[str], reversed_order: bool) -> str:
    ordered = words[1:] + words[:1] if reversed_order else words
    return " ".join(w.lower() for w in ordered)


_VALUE_WORD = re.compile(r"[^\W\d_][^\W\d_'’.\-]*")  # noqa: RUF001


#: Values under a key that may hold a name judged not to be one (``Health Check``).
_not_name_values: set[str] = set()


def judge_value(value: str, certain: bool) -> tuple[float, str] | None:
    """A whole value under a name key: ``certain`` for keys that always hold a person's name."""
    if not certain and value in _not_name_values:
        return None
    judged = _judge_value(value, certain)
    if judged is None and not certain and len(_not_name_values) < 50_000:
        _not_name_values.add(value)
    return judged


def _judge_value(value: str, certain: bool) -> tuple[float, str] | None:
    text = value.strip()
    if not text or len(text) > 80 or any(ch.isdigit() or ch in "@/\\=:{}[]<>|" for ch in text):
        return None
    words = _VALUE_WORD.findall(text)
    if not words or len(words) > 5:
        return None
    kept = [w for w in words if not _initial(w) and w.lower().rstrip(".") not in HONORIFICS]
    if "," in text and len(kept) == 2:
        kept = kept[1:] + kept[:1]  # "Last, First"
    normalized = " ".join(w.lower() for w in kept or words)
    if certain:
        return 0.9, normalized
    if any(ch.isspace() for ch in text) and len(words) >= 2:
        caps = [w for w in words if w[:1].isupper()]
        plain = [w for w in words if w.lower() not in PARTICLES]
        s = score([w for w in plain if w[:1].isupper()] if len(caps) >= 2 else plain)
        if s >= 0.6:
            return min(0.9, s + 0.1), normalized
    return None


__all__ = [
    "CANDIDATE",
    "RUN_SHAPE",
    "find_in_text",
    "judge_runs",
    "judge_value",
    "maybe_person_key",
    "person_key",
    "score",
]
