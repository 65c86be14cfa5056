"""findings-kit: research findings in YAML -> print-ready facilitation material."""

__version__ = "0.1.0"
