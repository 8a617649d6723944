"""Staff reports under /staff/reports: the period's numbers for funders and lesson authors
(`reports.py`, `question_reports.py`, pure functions with no HTTP; `periods.py`, the days they
cover) and the page and CSV files that show them (`report_pages.py`).
"""
