"""Reading a lesson file into a Lesson: its front matter, its `##` steps, its questions.

`loader.py` turns one `lesson.md` into a Lesson and the problems it met; `frontmatter.py`
reads the YAML at its top, `headings.py` finds the headings that start steps,
`question_parser.py` reads the questions written in its Markdown (`question_checks.py` says
what is wrong in one), and `refs.py` finds its
pictures, links and raw HTML, with their lines, for the checks and the build.
"""
