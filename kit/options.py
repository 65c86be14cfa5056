"""The build options, declared once: every other place is made from `OPTIONS`.

From the one list below come
- the `Options` a build gets (a frozen dataclass, a field per option, plus
  `values` and `products`);
- the command line's flags (`add_arguments`, in kit/cli.py) and their checks
  (`from_args`);
- the web page's fields (`page_fields`, drawn by kit/web/templates/index.html.j2)
  and the API's form parameters with their descriptions (kit/web/forms.py),
  both checked by `from_form`;
- the checks of `--set KEY=VALUE` (`parse_set`, `check_value`), the same on
  the command line, the page and the API; `VALUES` names the keys that have a
  field of their own on the page.

How to add an option: append one `Option(...)` to `OPTIONS` (name, kind,
default, help; choices or range; `label` to show it on the page), then read
`ctx.options.<name>` where it changes what is printed. Nothing else: the
flag, the page's field, the API parameter, the checks and the build's
fingerprint follow. A `--set` key with a field of its own on the page (or a
format to check) is one `Value(...)` in `VALUES`.

Kinds: "choice" (one of `choices`), "number" (a float within `range`),
"flag" (on or off), "text" (free text, or None; `convert` checks it and
turns it into the value, raising KitError).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import KitError
from .imposition import (BACK_STYLES, CARD_PAPERS, CARD_SIZES, DUPLEX_MODES, POSTER_PAPERS, paper_name,
                         parse_card_size, parse_offset)
from .model import VALUE_CHARS

ON = ("on", "true", "yes", "1")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "de": "Deutsch", "fr": "Français"}
OFF = ("", "0", "off", "false", "no")


class OptionError(KitError):
    """A bad option value; `choices` are offered when it is a choice."""

    def __init__(self, message: str, choices: tuple[str, ...] = ()):
        super().__init__(message)
        self.choices = choices


@dataclass(frozen=True)
class Option:
    name: str  # the Options field, the page's form field and the API's parameter
    kind: str  # "choice", "number", "flag" or "text"
    default: object
    help: str  # --help, and the API's description
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()  # a choice's values; a text's suggestions on the page
    range: tuple[float, float] | None = None  # a number's limits, inclusive
    unit: str = ""  # a number's unit, in messages
    convert: Callable[[str], object] | None = None  # a text: check it and give its value
    metavar: str | None = None
    cli: bool = True  # a command-line flag --<name with dashes>
    api: bool = True  # a form parameter of /api/build
    label: str | None = None  # web/words.yaml key of its label: on the page when given
    hint: str | None = None  # web/words.yaml key of a hint under its field
    choice_words: str | None = None  # web/words.yaml prefix naming each choice ("duplex_" -> duplex_long)
    empty: str | None = None  # web/words.yaml key of the page's "not set" choice of a text option
    ticked: object = None  # a number shown as a checkbox on the page: the value when ticked
    display: Callable[[str], str] | None = None  # a choice as the page names it ('a4' -> 'A4')

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def offered(self) -> tuple[str, ...]:
        return tuple(self.choices() if callable(self.choices) else self.choices)

    def parse(self, raw, subject: str | None = None):
        """The value of this option from a form's string (or argparse's value);
        OptionError names `subject` (default: the flag) when it is bad."""
        subject = subject or self.flag
        if self.kind == "flag":
            return raw if isinstance(raw, bool) else str(raw or "").strip().lower() in ON
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return self.default
        if self.kind == "choice":
            value = str(raw).strip().lower()
            if value not in self.offered():
                raise OptionError(f"{subject}: {value!r}; choose one of: {', '.join(self.offered())}", self.offered())
            return value
        if self.kind == "number":
            return self._number(raw, subject)
        value = str(raw).strip()
        return self.convert(value) if self.convert else value

    def _number(self, raw, subject: str) -> float:
        text = str(raw).strip().lower()
        if self.ticked is not None and text in ON:
            return float(self.ticked)
        if text in OFF:
            return float(self.default)
        low, high = self.range or (float("-inf"), float("inf"))
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise OptionError(f"{subject} must be between {low:g} and {high:g}{' ' + self.unit if self.unit else ''}")
        return value


def _card_size(text: str) -> str:
    parse_card_size(text)
    return text


def _language(text: str) -> str:
    """A language CLDR knows. Whether its words exist is the build's question:
    a pack in Ukrainian brings its own labels, so `--lang uk` is right for it
    and wrong for a pack without them (refused then, naming labels.yaml)."""
    from babel import Locale, UnknownLocaleError

    from .labels import available, base_language

    if base_language(text) in available():
        return text
    try:
        Locale.parse(text.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise OptionError(f"no labels for language {text!r}: it is not a language code; available: "
                          f"{', '.join(available())} (a pack may bring its own: labels.yaml)") from None
    return text


def _languages() -> tuple[str, ...]:
    from .labels import available

    return tuple(available())


def _pdf_variant(text: str) -> str:
    from . import render  # noqa: F401 - WeasyPrint loaded the kit's way (shipped fonts only), and only when asked
    from weasyprint.pdf import VARIANTS

    if text not in VARIANTS:
        raise OptionError(f"unknown PDF variant {text!r}; variants: {', '.join(sorted(VARIANTS))}")
    return text


START = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.hH]\s*([0-5]\d)\s*$")  # 13:30, 13.30, 13h30


def check_start(value: str) -> None:
    """`--set start=`: a time of day."""
    if not START.match(value):
        raise KitError(f"--set start={value.strip()[:20]!r} is not a time of day; write it as 13:30")


def _sets(text: str) -> int:
    from .sets import check

    try:
        count = int(text)
    except ValueError:
        raise OptionError(f"--sets takes a whole number of groups, not {text[:20]!r}") from None
    return check(count)


OPTIONS: tuple[Option, ...] = (
    Option("paper", "choice", "a4", "sheet for the cards, answer key, worksheet and guide (default: a4)",
           choices=CARD_PAPERS, label="paper", display=paper_name),
    Option("poster_paper", "choice", None,
           "sheet for the poster (default: a3, or tabloid with --paper letter) and for the poster series "
           "(default: one recommendation per --paper sheet); the sorting mat is one A3 sheet (Tabloid with "
           "--paper letter) when this is a3, tabloid or not given, else parts of --paper taped together",
           choices=POSTER_PAPERS, label="poster_paper", empty="poster_paper_default", display=paper_name),
    Option("card_size", "text", None,
           f"card size for the card products: {', '.join(CARD_SIZES)} or WxH in mm "
           "(default: dialogue 95x130 for dialogue cards, poker 63x88 for sort cards)",
           choices=tuple(CARD_SIZES), convert=_card_size, metavar="SIZE", label="card_size", empty="card_size_default"),
    Option("bleed", "number", 0.0,
           "bleed around each card in mm: 0 for an office printer (default), 3 for a print shop",
           range=(0.0, 10.0), unit="mm", metavar="MM", label="bleed", hint="bleed_hint", ticked=3.0),
    Option("duplex", "choice", "long",
           "how backs are printed: flip on the long edge (default) or short edge, none (no backs), "
           "fold (front and back side by side, for printers without duplex)",
           choices=DUPLEX_MODES, label="duplex", choice_words="duplex_"),
    Option("back_offset", "text", (0.0, 0.0),
           "shift of the back side in mm, as measured with --only alignment (e.g. 1.5,-0.5)",
           convert=parse_offset, metavar="X,Y", label="back_offset", hint="back_offset_hint"),
    Option("low_ink", "flag", False, "white card faces, outlines and dark text only", label="low_ink"),
    Option("backs", "choice", "light",
           "card backs: light (white, a coloured frame inside the cut, little ink; default) or solid "
           "(a full flood of colour, with 2 mm of extra background against a shifted back)",
           choices=BACK_STYLES, label="backs", choice_words="backs_"),
    Option("pdf_variant", "text", None, "a WeasyPrint PDF variant, e.g. pdf/a-3b or pdf/ua-1",
           convert=_pdf_variant, metavar="NAME", api=False),
    Option("lang", "text", None, "language of the printed labels (default: the pack's language)",
           choices=_languages, convert=_language, metavar="CODE", label="label_lang", empty="label_lang_pack",
           display=lambda code: LANGUAGE_NAMES.get(code, code)),
    Option("sets", "text", 1,
           "groups: N complete sets of sort and dialogue cards, each card marked with its set's letter and symbol; "
           "header cards, sorting mats and results sheets once per set (default: 1, unmarked)",
           convert=_sets, metavar="N", label="groups", hint="groups_hint"),
)
BY_NAME = {option.name: option for option in OPTIONS}


def _option_field(option: Option):
    return option.name, object, field(default=option.default)


# What a build gets: a field per option, then the --set values and the products.
Options = dataclasses.make_dataclass(
    "Options",
    [_option_field(o) for o in OPTIONS]
    + [
        ("values", tuple, field(default=())),  # --set key=value, printed where it helps
        ("products", tuple, field(default=())),  # what this build makes (the guide follows it); () = the defaults
    ],
    frozen=True,
)
Options.__module__ = __name__  # pickled to the build's worker processes by this name
Options.__doc__ = "The build options: one field per entry of kit.options.OPTIONS, the --set values, the products."


@dataclass(frozen=True)
class Value:
    """A --set key the kit knows: named in --help and the API's description,
    its format checked where `check` is given, and with `on_page` a field of
    its own on the web page, labelled with the labels tables' word for `key`
    (layouts/labels/*.yaml must then have it)."""

    key: str
    help: str
    check: Callable[[str], None] | None = None  # raises KitError for a bad value
    on_page: bool = True


VALUES: tuple[Value, ...] = (
    Value("school", "the school's name"),
    Value("team", "the team's name"),
    Value("date", "the day of the session, best as YYYY-MM-DD (printed as the language writes dates)"),
    Value("facilitator", "who leads the session"),
    Value("start", "the session's start time, e.g. 13:30: the guide gives each step its clock time",
          check=lambda value: check_start(value)),
)


class ValueShapeError(KitError):
    """A --set item that is not key=value."""


class ValueTooLong(KitError):
    """A --set value longer than VALUE_CHARS."""

    def __init__(self, key: str, length: int):
        super().__init__(f"--set {key}= is {length:,} characters; at most {VALUE_CHARS} fit where it is printed")
        self.key, self.length = key, length


def check_value(key: str, value: str) -> None:
    """Refuses a --set value that cannot be printed where it goes."""
    if len(value) > VALUE_CHARS:
        raise ValueTooLong(key, len(value))
    for known in VALUES:
        if known.key == key and known.check and value:
            known.check(value)


def parse_set(item: str) -> tuple[str, str]:
    """'school=De Linde' -> ('school', 'De Linde'), checked."""
    key, sep, value = item.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key.isidentifier():
        raise ValueShapeError(f"--set takes key=value (e.g. school=De Linde), not {item.strip()[:60]!r}")
    check_value(key, value)
    return key, value


# -- the command line ------------------------------------------------------


def add_arguments(parser) -> None:
    """A flag per option (argparse), its help and choices from the schema."""
    for option in OPTIONS:
        if not option.cli:
            continue
        if option.kind == "flag":
            parser.add_argument(option.flag, action="store_true", help=option.help)
            continue
        kwargs = {"help": option.help, "metavar": option.metavar}
        if option.kind == "choice":
            kwargs = {"help": option.help, "choices": option.offered()}
        if option.kind == "number":
            kwargs["type"] = float
        parser.add_argument(option.flag, dest=option.name, default=None, **kwargs)
    keys = ", ".join(v.key for v in VALUES)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="values",
                        help=f"a value printed where it helps: {keys} (repeatable; at most {VALUE_CHARS} characters)")


def from_args(args, products: tuple[str, ...] = ()) -> Options:
    """The Options of parsed command-line arguments; KitError for a bad value."""
    chosen = {o.name: o.parse(getattr(args, o.name, None)) for o in OPTIONS if o.cli}
    return Options(**chosen, values=tuple(parse_set(item) for item in args.values), products=products)


# -- the page and the API ---------------------------------------------------


def page_fields() -> list[Option]:
    """The options the page shows, in schema order."""
    return [o for o in OPTIONS if o.label]


def from_form(form: dict, on_problem: Callable[[Option, OptionError], None]) -> dict:
    """Option name -> value of a form's strings (missing: the default);
    a bad value is passed to `on_problem` and its default used instead."""
    chosen = {}
    for option in OPTIONS:
        if not (option.api or option.label):
            continue
        try:
            chosen[option.name] = option.parse(form.get(option.name), option.name.replace("_", " "))
        except OptionError as exc:
            on_problem(option, exc)
        except KitError as exc:
            on_problem(option, OptionError(exc.detail))
    return chosen
