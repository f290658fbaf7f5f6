"""The project site's generated pages: everything a page says about the code is read from
the code at build time (parameters, CLI, calibration, replications, datasheets, the course's
student notebooks), so the site cannot drift from the model.

``pages.generated(language, ...)`` returns the generated pages of one language as
``{path: text or bytes}``; the MkDocs hook ``docs/hooks/generated.py`` adds them to the
build. Nothing here imports MkDocs.
"""
