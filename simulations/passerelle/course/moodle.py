"""What Moodle's assignment module reads and writes, as the instructor's files carry it.

Checked against Moodle's public source (moodle/moodle, ``mod/assign``):

- "Download all submissions" names each participant's entry
  ``<Full name>_<participant id>_assignsubmission_<plugin>`` (a folder since Moodle 4.1; with a
  trailing ``_`` before; flat files ``..._assignsubmission_file_<file name>`` when "download
  submissions in folders" is off). The participant id is the assignment's unique id for the user
  (``assign::get_uniqueid_for_user``), not the Moodle user id.
- "Upload multiple feedback files in a zip" (``mod/assign/feedback/file/importziplib.php``,
  ``is_valid_filename_for_import``) splits each path part on ``_`` (at most 5 pieces) and keeps
  the first part whose second piece is the numeric participant id of a participant and whose third
  and fourth pieces name a plugin (``assignfeedback`` / ``file``); the fifth piece is the file name.
- The offline grading worksheet importer (``mod/assign/feedback/offline/importgradeslib.php``,
  ``assignfeedback_offline_grade_importer::init``) finds its columns by their translated headers:
  ``get_string('recordid', 'assign')``, ``get_string('grade')`` and
  ``get_string('lastmodifiedgrade', 'assign')``, all three required; the identifier is
  ``get_string('hiddenuser', 'assign')`` followed by the participant id, and the last-modified
  date is read with PHP's ``strtotime``. Headers are in the language of the instructor's Moodle
  session; English strings from ``mod/assign/lang/en/assign.php``, French from Moodle's French
  language pack (AMOS, ``assign.php`` and ``moodle.php``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

SUBMISSION_PART = re.compile(
    r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<rest>.*))?$")


@dataclass(frozen=True)
class MoodleEntry:
    """One file of a "Download all submissions" archive, located by its path."""

    full_name: str
    participant: int
    file_name: str


def parse_submission_path(path: str) -> MoodleEntry | None:
    """Read participant and file name from a path of Moodle's submissions archive.

    Returns ``None`` for a path that no Moodle participant entry names.

    Examples
    --------
    >>> parse_submission_path("Marie Dubois_1234567_assignsubmission_file/tp01.ipynb")
    MoodleEntry(full_name='Marie Dubois', participant=1234567, file_name='tp01.ipynb')
    >>> parse_submission_path("Marie Dubois_1234567_assignsubmission_file_tp01.ipynb").file_name
    'tp01.ipynb'
    >>> parse_submission_path("notes.txt") is None
    True
    """
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    for index, part in enumerate(parts):
        found = SUBMISSION_PART.match(part)
        if found is None or found["plugin"] != "file":
            continue
        rest = [found["rest"]] if found["rest"] else []
        file_name = "/".join(rest + parts[index + 1:])
        if file_name:
            return MoodleEntry(found["name"], int(found["participant"]), file_name)
    return None


def feedback_file_name(full_name: str, participant: int, file_name: str) -> str:
    """Name of a feedback file that Moodle's feedback ZIP importer gives to ``participant``.

    Underscores in the name would shift the pieces Moodle splits on: they become spaces.

    Examples
    --------
    >>> feedback_file_name("Jean_Luc Petit", 42, "tp01.html")
    'Jean Luc Petit_42_assignfeedback_file_tp01.html'
    """
    return f"{full_name.replace('_', ' ')}_{participant}_assignfeedback_file_{file_name}"


@dataclass(frozen=True)
class WorksheetHeaders:
    """Column headers of the offline grading worksheet in one Moodle language."""

    identifier: str
    full_name: str
    grade: str
    maximum_grade: str
    last_modified_grade: str
    participant_prefix: str

    def identifier_of(self, participant: int) -> str:
        """The worksheet's identifier cell of a participant (what the importer strips).

        Examples
        --------
        >>> WORKSHEET_HEADERS["en"].identifier_of(1234567)
        'Participant 1234567'
        """
        return f"{self.participant_prefix}{participant}"


WORKSHEET_HEADERS = {
    "en": WorksheetHeaders(identifier="Identifier", full_name="Full name", grade="Grade",
                           maximum_grade="Maximum grade",
                           last_modified_grade="Last modified (grade)",
                           participant_prefix="Participant "),
    "fr": WorksheetHeaders(identifier="Identifiant", full_name="Nom complet", grade="Note",
                           maximum_grade="Note maximale",
                           last_modified_grade="Dernière modification (note)",
                           participant_prefix="Participant"),
}


def worksheet_date(moment: datetime) -> str:
    """A date PHP's ``strtotime`` reads unambiguously in every locale (ISO 8601, with offset).

    Examples
    --------
    >>> from datetime import timezone
    >>> worksheet_date(datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc))
    '2026-12-01T09:30:00+00:00'
    """
    return moment.isoformat(timespec="seconds")
