"""Help requests: a learner asks on a step, a helper takes it, answers it, marks it handled.

`help_requests.py` keeps the requests and what each side reads of them (no HTTP), and
`help_request_pages.py` holds their pages: `/help/…` from a step, and handling them.
"""
