"""Prints each installed distribution whose version differs from a lock file's pin."""

import re
import sys
from importlib.metadata import distributions


def main(lock: str) -> None:
    pinned = {}
    for line in open(lock, encoding="utf-8"):
        found = re.match(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", line)
        if found:
            pinned[re.sub(r"[-_.]+", "-", found[1]).lower()] = found[2]
    differ = 0
    for dist in sorted(distributions(), key=lambda d: d.metadata["Name"].lower()):
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if name in pinned and pinned[name] != dist.version:
            print(f"  {name}: locked {pinned[name]}, newest {dist.version}")
            differ += 1
    print(f"  {differ} of {len(pinned)} locked packages differ" if differ else "  none: the lock is the newest")


if __name__ == "__main__":
    main(sys.argv[1])
