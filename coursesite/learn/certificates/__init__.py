"""Certificates of completion: earned, printed, checked by anyone at /verify/<code> and
withdrawn by staff (`certificates.py`), and their pages (`certificate_pages.py`).
"""
