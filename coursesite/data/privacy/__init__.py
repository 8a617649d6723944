"""A learner's data under Quebec's Law 25: exported on request, erased, counted anonymously.

`personal_export.py` gathers everything kept about a person for their right of access,
`erasure.py` erases a learner and keeps only anonymous counts, `anonymous_models.py` holds
the tables of those counts (what the reports still see of erased learners), and
`inactivity.py` finds learners without a trace for a long time and erases them (`purge`).
"""
