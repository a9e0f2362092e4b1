"""Writes of study groups, by sub-domain (setup, recruitment, teams, sessions,
deliverables, outcomes): keyword-only functions named `<entity>_<action>` that check the
rule, lock what they count, write, notify, and raise `studygroups.errors.StudyError`."""
