"""Jinja2 environment for the layouts: every value from a pack is escaped."""

from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup

from . import design
from .labels import followed_by, own_direction, preceded_by
from .paths import layout_roots
from .typeset import unbroken


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja's own cache: a folder of the
    user's alone, keyed by each template's source), so that a build and each
    of its workers do not compile the layouts anew; none where it cannot be made."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


class _Layouts(jinja2.BaseLoader):
    """Templates from the layout roots (the kit's own first), looked up anew
    each time so that a product found later (a plugin) is found too."""

    def get_source(self, environment, template):
        for root in layout_roots():
            try:
                return jinja2.FileSystemLoader(str(root)).get_source(environment, template)
            except jinja2.TemplateNotFound:
                continue
        raise jinja2.TemplateNotFound(template)


def layout_url(name: str) -> str:
    """A layout file ('poster/style.css') as the URL of the first root holding it."""
    for root in layout_roots():
        if (root / name).is_file():
            return (root / name).as_uri()
    return name  # relative to the base URL: the fetcher refuses what is not there


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_Layouts(),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,  # pack text prints as text, never as markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mm"] = lambda value: f"{value:.3f}mm"
    env.filters["pt"] = lambda value: f"{value:.2f}pt"
    env.globals["layout_url"] = layout_url
    env.filters["unbroken"] = unbroken  # addresses, dates, codes: never hyphenated
    env.filters["followed_by"] = followed_by  # a label and its colon, in one direction
    env.filters["preceded_by"] = preceded_by
    env.globals["own_dir"] = lambda label: Markup(own_direction(str(label)))  # a fixed attribute or nothing
    env.globals["design_css"] = design.stylesheet()
    return env


def render_template(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
