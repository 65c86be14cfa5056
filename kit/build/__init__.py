"""Building a kit: which products, in parallel, skipping what has not changed.

- `results`: `Task` (what to render), `Result` and `Status` (what came of it);
- `records`: fingerprints of each product's inputs and the records kept next to its PDF;
- `signals`: how Ctrl-C and SIGTERM stop the main process and the workers cleanly;
- `worker`: one task built, laid out, audited and written (in a worker process);
- `pool`: the tasks across worker processes, stopped cleanly on an interrupt;
- `deck`: a large deck as one task per part, its parts joined in order;
- `lock`: one build at a time per output folder; leftovers of a stopped build removed;
- `orchestrate`: `build_kit` and `select`, the guide rendered again when another product failed.
"""

from .orchestrate import build_kit, select
from .results import Result, Status, Task

__all__ = ["Result", "Status", "Task", "build_kit", "select"]
