"""The instructor's round trip on a Moodle ZIP of synthetic participants: collect, autograde,
feedback ZIP and worksheet CSV as Moodle's importers read them (see workflow_batch)."""

from __future__ import annotations

import csv
import zipfile

import pytest
from matplotlib.image import imread
from workflow_batch import ASSIGNMENT, ORDINARY, Batch, shared_batch

from passerelle.course.incidents import export_folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    return shared_batch(tmp_path_factory)


def _worksheet(batch: Batch) -> list[dict[str, str]]:
    path = export_folder(batch.course, ASSIGNMENT) / f"notes-moodle-{ASSIGNMENT}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_worksheet_has_the_columns_moodle_requires_and_one_row_a_participant(batch):
    rows = _worksheet(batch)
    assert {"Identifier", "Grade", "Last modified (grade)"} <= set(rows[0])
    assert [r["Identifier"] for r in rows] == [
        f"Participant {p.participant}" for p in sorted(batch.participants,
                                                       key=lambda p: p.participant)]
    assert len(rows) >= ORDINARY + 10


def test_ordinary_students_get_exactly_their_automatic_points(batch):
    grades = {r["Identifier"]: r["Grade"] for r in _worksheet(batch)}
    ordinary = batch.participants[:ORDINARY]
    for person in ordinary:
        assert float(grades[f"Participant {person.participant}"]) == person.due, person.case
    assert len({p.due for p in ordinary}) >= 3


def test_feedback_zip_names_every_participant_as_moodles_importer_splits_them(batch):
    path = export_folder(batch.course, ASSIGNMENT) / f"retours-{ASSIGNMENT}.zip"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pages = [archive.read(n).decode("utf-8") for n in names]
    # importziplib.php: explode('_', $part, 5); [1] participant, [2] type, [3] plugin.
    found = {}
    for name in names:
        pieces = name.split("_", 4)
        assert pieces[2:4] == ["assignfeedback", "file"], name
        assert pieces[4].endswith(".html")
        found[int(pieces[1])] = pieces[0]
    assert found == {p.participant: p.name.replace("_", " ") for p in batch.participants}
    for page in pages:
        for secret in ("BEGIN HIDDEN TESTS", "_graine", "_vrai", "BEGIN SOLUTION"):
            assert secret not in page


def test_summary_and_histogram_for_the_instructor(batch):
    out = export_folder(batch.course, ASSIGNMENT)
    with (out / f"questions-{ASSIGNMENT}.csv").open(encoding="utf-8") as handle:
        questions = {row["question"]: row for row in csv.DictReader(handle)}
    assert set(questions) == {"q1-test", "q2-test", "q3-reponse"}
    assert 0 < float(questions["q1-test"]["part_note_maximale"]) < 1
    image = imread(out / f"histogramme-{ASSIGNMENT}.png")
    assert image.std() > 0.05
