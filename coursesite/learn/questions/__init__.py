"""Questions and answers: the answers a person gives to a lesson's questions, kept like
progress and checked on a plain form (`answers.py`), and the form under a question at
/questions/… (`answer_pages.py`).
"""
