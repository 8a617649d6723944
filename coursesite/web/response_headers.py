"""Looking at and adding to a response's headers, for the hooks every answer goes through.

Werkzeug's `"X" in response.headers` raises and catches an exception when the header is
missing, and `response.vary.add()` parses the whole Vary header into a set, then writes it
back: three or four times on every page. These do the same with a look at the strings.
"""


def has_header(response, lowercase_name: str) -> bool:
    """Tell whether the response has this header."""
    return any(name.lower() == lowercase_name for name, _ in response.headers)


def vary_on(response, name: str) -> None:
    """Add `name` to the response's Vary header, unless it is there already."""
    present = response.headers.get("Vary")
    if not present:
        response.headers["Vary"] = name
    elif name.lower() not in (part.strip().lower() for part in present.split(",")):
        response.headers["Vary"] = f"{present}, {name}"
