"""``python -m passerelle.course.notebooks [course_dir]``: rewrite the source notebooks."""

import sys
from pathlib import Path

from passerelle.course.notebooks import write


def main(argv: list[str]) -> None:
    """Write the source notebooks under ``argv[1]`` (default ``course``), one path a line."""
    for path in write(Path(argv[1] if len(argv) > 1 else "course")):
        print(path)


if __name__ == "__main__":
    main(sys.argv)
