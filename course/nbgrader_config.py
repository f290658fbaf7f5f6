"""nbgrader configuration of the Passerelle course (ULB chair, unconditional access to care).

Read by nbgrader's command line when run from this folder and by ``passerelle course ...``,
which loads it through nbgrader's Python API. Paths are relative to this folder.
"""

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "passerelle-ulb"
# Files that never travel from source to release or from submissions to the autograded copy.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.db",
    "gradebook*",
]
# A submission bigger than this (kB) is not copied: notebooks of the course stay below 1 MB.
c.CourseDirectory.max_file_size = 5000

# Per-cell time limit during autograde (seconds). Assumption: the slowest honest cell of the
# course (a 24-month run of the Brussels baseline on the course's small population) takes a few
# seconds on a 2-core laptop; 60 s leaves a margin of ten and stops an infinite loop. The cell is
# then interrupted, scores 0 and the rest of the notebook is graded.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# French stubs in the released notebooks.
c.ClearSolutions.code_stub = {"python": "# VOTRE CODE ICI\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VOTRE RÉPONSE ICI"
