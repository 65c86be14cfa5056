"""The page's and the API's fields -> a build's products, --set values and
Options, with each problem filed under the field it concerns.

The fields and their checks are made from the option schema
(`kit.options`) and the product registry (`kit.products`): the page's
form, the API's form parameters (with their descriptions) and the checks
here never list an option or a product themselves.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import File, Form, Request, UploadFile

from .. import options as schema
from ..errors import KitError
from ..labels import labels
from ..options import Options
from ..paths import DEFAULT_PACK_ID
from ..products import all_products, default_ids, ids

OPEN_TEXT = ("other_values",)  # the page's free lines of key=value


@dataclass
class Problems:
    """Field name -> message; empty when the form is good."""

    fields: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message) -> None:
        self.fields.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields)


@dataclass
class Asked:
    """What a form asks for, read and checked."""

    products: list[str]
    options: Options
    problems: Problems


def parse_values(items: list[str], problems: Problems, words: dict) -> list[tuple[str, str]]:
    """key=value items (the page's lines, the API's `set`), checked as --set is."""
    values = []
    for item in items:
        if not item.strip():
            continue
        try:
            values.append(schema.parse_set(item))
        except schema.ValueShapeError:
            problems.add("values", words["other_value_bad"].format(item=item.strip()))
        except schema.ValueTooLong as exc:
            problems.add("values", _too_long(exc, words))
        except KitError as exc:
            problems.add("values", exc.detail)
    return values


def _too_long(exc: schema.ValueTooLong, words: dict) -> str:
    return words["value_too_long"].format(key=exc.key, n=exc.length, max=schema.VALUE_CHARS)


def named_values(form: dict, problems: Problems, words: dict) -> list[tuple[str, str]]:
    """The page's own field per --set key (school, team, ...), checked as --set is."""
    values = []
    for known in schema.VALUES:
        value = (form.get(known.key) or "").strip() if known.on_page else ""
        if not value:
            continue
        try:
            schema.check_value(known.key, value)
            values.append((known.key, value))
        except schema.ValueTooLong as exc:
            problems.add("values", _too_long(exc, words))
        except KitError as exc:
            problems.add("values", exc.detail)
    return values


def products_from(names: list[str], problems: Problems, words: dict) -> list[str]:
    known, wanted = ids(), []
    for name in names:
        for product_id in name.split(","):
            product_id = product_id.strip()
            if not product_id:
                continue
            if product_id not in known:
                problems.add("products", f"unknown product {product_id!r}; products: {', '.join(known)}")
            elif product_id not in wanted:
                wanted.append(product_id)
    if not wanted and "products" not in problems.fields:
        problems.add("products", words["no_products"])
    return [p for p in known if p in wanted]  # the registry's order, as the command line builds


def options_from(form: dict, values: list[tuple[str, str]], problems: Problems, words: dict) -> Options:
    """The Options of a form's strings (every option of the schema the page or API takes)."""

    def problem(option, exc):
        if exc.choices:
            problems.add("options", f"{option.name.replace('_', ' ')}: {form.get(option.name)!r}; "
                                    f"{words['unknown_choice']} ({', '.join(exc.choices)})")
        else:
            problems.add("options", exc.detail)

    return Options(**schema.from_form(form, problem), values=tuple(values))


def read(form: dict, words: dict, *, page: bool) -> Asked:
    """A request's products, values and options: the page's fields or the API's."""
    problems = Problems()
    if page:
        values = named_values(form, problems, words)
        values += parse_values((form.get("other_values") or "").splitlines(), problems, words)
        wanted = products_from(form.get("products") or [], problems, words)
    else:
        values = parse_values(form.get("set") or [], problems, words)
        wanted = products_from([form.get("products") or ",".join(default_ids())], problems, words)
    return Asked(wanted, options_from(form, values, problems, words), problems)


# -- what FastAPI reads: form parameters made from the schema ----------------


def _option_parameter(option: schema.Option) -> inspect.Parameter:
    described = option.help
    if option.kind == "choice":
        described += f"; one of: {', '.join(option.offered())}"
    if option.range:
        described += f"; from {option.range[0]:g} to {option.range[1]:g}"
    return _form(option.name, str, "", described)


def _form(name: str, kind, default, description: str = "", upload: bool = False) -> inspect.Parameter:
    marker = File(description=description) if upload else Form(description=description)
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, marker])


def parameters(*, page: bool) -> list[inspect.Parameter]:
    """The form parameters of the page's /build or of /api/build."""
    params = [
        _form("pack", str, "", f"id of a shipped pack (default: {DEFAULT_PACK_ID})"),
        _form("pack_file", UploadFile | None, None, "a .zip of a pack's YAML files, or a .xlsx", upload=True),
    ]
    if page:
        params.append(_form("products", list[str] | None, None))
        params += [_form(v.key, str, "") for v in schema.VALUES if v.on_page]
        params += [_form(name, str, "") for name in OPEN_TEXT]
    else:
        params.append(_form("products", str, "", f"comma-separated product ids (default: {','.join(default_ids())})"))
    params += [_option_parameter(o) for o in schema.OPTIONS if o.label or (o.api and not page)]
    if not page:
        keys = ", ".join(v.key for v in schema.VALUES)
        params.append(_form("set", list[str] | None, None,
                            f"key=value, repeatable: {keys}, ... (at most {schema.VALUE_CHARS} characters)"))
    return params


def takes_form(handler, *, page: bool):
    """`handler` (`(request, **form)` for the page, `(**form)` for the API)
    with the form parameters FastAPI is to read, checks and docs included."""
    first = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    handler.__signature__ = inspect.Signature([*(first if page else []), *parameters(page=page)])
    return handler


# -- what the page shows ------------------------------------------------------


def page_context(language: str, words: dict) -> dict:
    """The page's products (ids and names), its --set fields and its option fields."""
    names = labels(language)
    return {
        "products": [(p.id, p.name(language)) for p in all_products()],
        "value_fields": [(v.key, names[v.key]) for v in schema.VALUES if v.on_page],
        "option_fields": [_field(o, words) for o in schema.page_fields()],
    }


def _field(option: schema.Option, words: dict) -> dict:
    """One option as the page draws it: a select, a checkbox or a text box."""
    choices = [(value, _choice_name(option, value, words)) for value in option.offered()]
    if option.empty:
        choices.insert(0, ("", words[option.empty]))
    widget = "check" if option.kind == "flag" or option.ticked is not None else "select" if choices else "text"
    return {
        "name": option.name,
        "label": words[option.label],
        "hint": words[option.hint] if option.hint else None,
        "widget": widget,
        "choices": choices,
    }


def _choice_name(option: schema.Option, value: str, words: dict) -> str:
    if option.choice_words:
        return words[f"{option.choice_words}{value}"]
    return option.display(value) if option.display else value
