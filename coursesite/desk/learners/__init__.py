"""A learner as the desk sees them: found, followed up, their card and their account.

`lookup.py` finds the learner a helper's page is about, `followup.py` says how far each
learner got and who is stuck, `help_now.py` finds who needs help now for the desk,
`cards.py` prints a learner's sign-in card or stops a lost one, and `learner_account.py`
changes their name, username or language. A learner's own page is `desk/views.py`, at the
desk's top.
"""
