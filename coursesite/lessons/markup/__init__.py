"""Lesson Markdown into safe HTML, and into plain text.

`markdown.py` is the one `render_markdown` (markdown-it-py renders, bleach sanitises);
`markdown_passes.py` rewrites tokens between the two (callouts, table cell labels),
`typography.py` says where lines may break, `sanitize.py` holds the HTML allowlist, and
`markdown_text.py` and `plaintext.py` give the plain words of a fragment for search,
read-aloud and titles.
"""
