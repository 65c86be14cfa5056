#!/usr/bin/env python3
"""Build the facilitation kit: `python generate.py --help` for the options."""

import sys

from kit.cli import main

if __name__ == "__main__":
    sys.exit(main())
