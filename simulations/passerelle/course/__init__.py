"""The nbgrader course: personal data for students, and the instructor's workflow."""
