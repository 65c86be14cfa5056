#!/usr/bin/env python3
"""Build the facilitation kit: `python generate.py --help` for the options."""

from kit.entry import run

if __name__ == "__main__":
    run()
