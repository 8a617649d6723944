"""People, as staff manage them: helpers' and staff's accounts (`accounts.py`), a workshop's
list of learners imported (`imports.py`), and a learner found for a privacy request, given a
copy of what is kept or erased (`learners.py`).
"""
