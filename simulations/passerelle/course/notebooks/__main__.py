"""``python -m passerelle.course.notebooks [course_dir]``: rewrite the source notebooks."""

import sys
from pathlib import Path

from passerelle.course.notebooks import write

for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "course")):
    print(path)
