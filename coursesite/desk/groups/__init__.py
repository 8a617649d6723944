"""Groups of learners (a workshop, a partner organisation's group), under /helper/groups.

`groups.py` says who is in a group and how far they got lesson by lesson (no HTTP),
`group_pages.py` holds the group pages (a path for everyone, slips and cards on one sheet),
and `imports.py` makes a group's learners from a CSV file, the flow `/staff/import` shares.
"""
