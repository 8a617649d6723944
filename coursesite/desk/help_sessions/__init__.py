"""The "after the session" form, from what the helper typed to the slip the learner takes home.

`help_session_form.py` reads the form (and the group's path form, the same without the
learner), `help_session_checks.py` checks each part of it, `help_session_save.py` saves it in
one transaction, `session_kinds.py` names how the help was given (at the lab, at home, by
phone), and `slips.py` prints the path as a checklist with a QR code to continue. The paths
themselves are `desk/paths.py`, at the desk's top.
"""
