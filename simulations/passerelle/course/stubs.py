"""What the release puts in place of a solution, in French: nbgrader's
``ClearSolutions.code_stub`` and ``ClearSolutions.text_stub`` (the course's
``nbgrader_config.py`` sets them from here)."""

CODE_STUB = "# VOTRE CODE ICI\nraise NotImplementedError()"
TEXT_STUB = "VOTRE RÉPONSE ICI"
