"""Screenshots: their highlight boxes, their light WebP copies, the slice a phone shows first.

`highlights.py` reads `{highlight="x,y,w,h"}` and draws the boxes, `images.py` makes and
caches the WebP copies at a few widths, and `picture_slices.py` says where a phone's slice
of a screenshot is cut, at each text size.
"""
