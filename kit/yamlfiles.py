"""The kit's own YAML files (label tables, each product's words, the page's
words), read with libyaml's parser where PyYAML has it: ten times faster
than the pure-Python one, about a tenth of a second of every process that
builds. Packs, which are not the kit's own, go through `pack.yaml_loader`."""

from __future__ import annotations

from pathlib import Path

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # both build plain data only


def read(path: Path) -> object:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=LOADER)  # noqa: S506 - a safe loader
