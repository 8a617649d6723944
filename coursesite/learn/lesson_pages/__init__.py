"""The lesson pages and search: the catalogue, topics, a lesson, its steps, end page, print
view and search results (`pages.py`), what the pages kept whole need (`kept_pages.py`), a
page's links (`lesson_links.py`), the end page's and take-home sheet's extras
(`lesson_aids.py`), the full-text index behind /<lang>/search (`search.py`) and the
words typed made into its queries (`search_words.py`).
"""
