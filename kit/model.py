"""The content model: what a pack may hold, validated by pydantic.

Every model forbids unknown fields, so a typo in a pack is an error with a
line number rather than text that silently never prints. Cross-references
(duplicate ids, a statement naming an unknown category) are checked here too;
they raise `PathError` so the loader can point at the offending item's line.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

# Limits that bound the work of a build: every list entry counts as an item
# (statements, guide steps, authors, links, a case's questions, ...), and
# every text field is capped at what its printed place can hold.
MAX_ITEMS = 1200  # a team day uses a few hundred
# Per section, what its product can print in well under a minute on 2 cores
# (a dialogue card costs about three sort cards); the poster holds far fewer
# recommendations than this and says so.
SECTION_LIMITS = {"statements": 1100, "dialogue": 400, "recommendations": 100, "categories": 50,
                  "definitions": 200, "cases": 200, "guide": 100}
MAX_TEXT_CHARS = 300_000  # all text of a pack: about 100 pages of answer key
MAX_URL_LENGTH = 300
WORD_CHARS = 40  # a question word on a header card
LINE_CHARS = 200  # a title, label or name: one or two lines
TEXT_CHARS = 2000  # the text of a card or a paragraph: half a page (a card that cannot hold it says so)
LONG_CHARS = 4000  # a description, a case or a guide step: most of a page
VALUE_CHARS = 80  # a --set value or batch cell (school, team, ...): printed on one line of a card


def _capped(limit: int):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limit)]


Text = _capped(TEXT_CHARS)
Word = _capped(WORD_CHARS)
Line = _capped(LINE_CHARS)
LongText = _capped(LONG_CHARS)
Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$"),
    Field(description="Stable id: lower-case letters, digits and dashes."),
]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(f"not an http(s) URL: {value!r}")
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(
            f"URL is {len(value)} characters; at most {MAX_URL_LENGTH} stay scannable as a printed QR code"
        )
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


def _text_length(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, BaseModel):
        return sum(_text_length(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, (list, tuple)):
        return sum(_text_length(item) for item in value)
    return 0


class PathError(ValueError):
    """A validation error that knows which item (path inside the pack) it is about."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path


class Source(str, Enum):
    report = "report"
    summary = "summary"
    adapted = "adapted"  # the report's idea in the kit's words: not a quotation of the researchers
    kit = "kit"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    source: Source = Field(
        description=(
            "report: a finding of the researchers, in their words; summary: a public summary of the same study; "
            "adapted: worded for this kit, after the report (the idea comes from the report, the wording from the kit); "
            "kit: written for this kit."
        )
    )
    source_note: Text | None = Field(None, description="Where exactly it comes from.")


class Contact(Strict):
    """A researcher to contact about the findings."""

    name: Line
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    affiliation: Line | None = None


class Link(Strict):
    """A further address, printed as text under the citation."""

    label: Line
    url: HttpUrl


class Citation(Strict):
    """How the source is cited: in full on posters and keys, short on cards."""

    text: LongText = Field(description="The full reference, as it should be printed.")
    short: Line = Field(description="A short form for card footers, e.g. 'De Smet et al. (2020)'.")
    reference: Line | None = Field(None, description="Publisher's reference number.")


class Definition(Sourced):
    """A term the team needs, e.g. who counts as an external professional."""

    id: Id
    term: Line
    question: Word | None = Field(None, description="The question word, e.g. WIE.")
    text: Text


class Category(Sourced):
    """A sort category: a header card, a section of the answer key and of the worksheet."""

    id: Id
    label: Line
    question: Word = Field(description="The question word printed on the header card, e.g. HOE.")
    definition: Text
    prompt: Text | None = Field(None, description="Reflection question, e.g. 'Welke randvoorwaarden herken je?'.")
    prompt_context: Text | None = Field(None, description="Framing under the prompt, e.g. 'Denk aan ...'.")
    intro: Text | None = Field(None, description="Sentence that introduces the statements.")
    colour: Colour | None = Field(None, description="Override the category colour (#rrggbb).")


class Statement(Sourced):
    """One sort card: a statement that belongs under one category."""

    id: Id
    category: Id
    text: Text
    group: Line | None = Field(None, description="Optional sub-label, e.g. a dimension within the category.")


class Recommendation(Sourced):
    """One recommendation, printed whole on the poster."""

    id: Id
    title: Line | None = None
    text: Text


class DialogueKind(str, Enum):
    scenario = "scenario"
    recommendation = "recommendation"
    reflection = "reflection"
    case = "case"
    question = "question"


class DialogueCard(Sourced):
    """One numbered dialogue card: a prompt and a question for the team."""

    id: Id
    kind: DialogueKind
    title: Line | None = None
    text: Text | None = Field(None, description="The prompt: a scenario, a finding, a case.")
    question: Text | None = Field(None, description="The question for the team.")
    question_source: Source | None = Field(
        None, description="Where the question comes from, when not from the same source as the text."
    )
    refers_to: Id | None = Field(None, description="Id of a recommendation, category or case this card is about.")

    @model_validator(mode="after")
    def _has_words(self):
        if not (self.text or self.question):
            raise ValueError("a dialogue card needs a text or a question")
        return self


class Case(Sourced):
    """A practice example or other case for discussion."""

    id: Id
    title: Line
    text: LongText
    organisation: Line | None = None
    questions: list[Text] = Field(default_factory=list)


class GuideStep(Strict):
    """One step of the session in the facilitator guide."""

    title: Line
    minutes: Annotated[int, Field(ge=0, le=600)]
    text: LongText


# Sections that may live in a file of their own next to pack.yaml.
SECTION_FILES = ("definitions", "categories", "statements", "recommendations", "dialogue", "cases", "guide")
# The sections whose items have an id (unique across all of them).
ID_SECTIONS = ("definitions", "categories", "statements", "recommendations", "dialogue", "cases")


class Pack(Strict):
    """A content pack: pack.yaml, with sections inline or in files of their own."""

    id: Id
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")]
    title: Line
    subtitle: Line | None = None
    description: LongText | None = Field(None, description="A paragraph on what the findings are about.")
    description_source: Source = Source.report
    citation: Citation
    authors: list[Line] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    report_url: HttpUrl = Field(description="The page every QR code points to.")
    links: list[Link] = Field(default_factory=list, description="Further links printed as text under the citation.")
    definitions: list[Definition] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    dialogue: list[DialogueCard] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)
    guide: list[GuideStep] = Field(
        default_factory=list, description="Steps of the session for the facilitator guide; the labels give a default."
    )

    @model_validator(mode="after")
    def _references(self):
        sections = ID_SECTIONS
        lists = sections + ("authors", "contacts", "links", "guide")
        total = sum(len(getattr(self, s)) for s in lists) + sum(len(case.questions) for case in self.cases)
        if total > MAX_ITEMS:
            raise ValueError(
                f"the pack holds {total} items (every list entry counts: statements, guide steps, authors, links, "
                f"questions, ...); at most {MAX_ITEMS} are allowed"
            )
        for section, limit in SECTION_LIMITS.items():
            if len(getattr(self, section)) > limit:
                raise PathError((section,), f"{len(getattr(self, section)):,} {section}; at most {limit:,} are allowed")
        chars = _text_length(self)
        if chars > MAX_TEXT_CHARS:
            raise ValueError(
                f"the pack holds {chars:,} characters of text; at most {MAX_TEXT_CHARS:,} are allowed "
                "(about 100 printed pages)"
            )
        seen: dict[str, tuple] = {}
        for section in sections:
            for index, item in enumerate(getattr(self, section)):
                if item.id in seen:
                    other = seen[item.id]
                    raise PathError(
                        (section, index, "id"),
                        f"duplicate id {item.id!r} (first used in {other[0]}[{other[1]}])",
                    )
                seen[item.id] = (section, index)
        categories = {c.id for c in self.categories}
        for index, statement in enumerate(self.statements):
            if statement.category not in categories:
                known = ", ".join(sorted(categories)) or "none defined"
                raise PathError(
                    ("statements", index, "category"),
                    f"statement {statement.id!r} names unknown category {statement.category!r} (known: {known})",
                )
        for index, card in enumerate(self.dialogue):
            if card.refers_to and card.refers_to not in seen:
                raise PathError(
                    ("dialogue", index, "refers_to"),
                    f"dialogue card {card.id!r} refers to unknown id {card.refers_to!r}",
                )
        return self

    def statements_of(self, category_id: str) -> list[Statement]:
        return [s for s in self.statements if s.category == category_id]

    def find(self, item_id: str) -> tuple[str, int, Strict] | None:
        """(section, index, item) of the item with this id; None when no item has it."""
        for section in ID_SECTIONS:
            for index, entry in enumerate(getattr(self, section)):
                if entry.id == item_id:
                    return section, index, entry
        return None

    def dialogue_text(self, card: DialogueCard) -> str | None:
        """A dialogue card's prompt: its own text, or, for a `case` card that
        refers to a case and has no text of its own, the case's text."""
        if card.text or card.kind != DialogueKind.case or not card.refers_to:
            return card.text
        case = next((c for c in self.cases if c.id == card.refers_to), None)
        return case.text if case else None

    def item(self, item_id: str):
        found = self.find(item_id)
        return found[2] if found else None
