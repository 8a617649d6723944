"""Where rendered lesson text may break across lines, and where it must not."""

import re

# An e-mail address, or a dotted name of 14 characters or more ("carole.m.exemple"): at
# 200 % text on a phone it is wider than the screen. It may then break before its "@" and
# after its dots, where a reader sees the parts, never inside "gmail.com" or a word.
_ADDRESS = re.compile(r"(?<![\w.@])([\w+-]+(?:\.[\w+-]+)*)(@[\w-]+(?:\.[\w-]+)+)?(?![\w@])")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def _break_points(word: re.Match) -> str:
    name, domain = word.group(1), word.group(2) or ""
    if not domain and (len(name) < 14 or "." not in name):
        return word.group(0)
    if len(name) >= 14:
        name = name.replace(".", ".<wbr>")
    return f"{name}<wbr>{domain}" if domain else name


def allow_address_breaks(html: str) -> str:
    """Let long e-mail addresses and dotted names wrap at their "@" and dots, nowhere else."""
    parts = _TAG_OR_TEXT.split(html)
    # Odd parts are tags (attribute values are left alone); even parts are text.
    return "".join(
        part
        if i % 2 or ("@" not in part and "." not in part)
        else _ADDRESS.sub(_break_points, part)
        for i, part in enumerate(parts)
    )


# A space before French punctuation, or after "«": a line may break there and leave the sign
# alone at the start of the next line. Not before "![": that is a picture.
_LOOSE_PUNCTUATION = re.compile(r" (?=[:;?»]|!(?!\[))|(?<=«) ")


def keep_french_punctuation_together(text: str) -> str:
    """Bind French punctuation to its word with a non-breaking space, so that « Suivant »
    never breaks across lines and "Étapes faites : 1 sur 3" never puts ": 1 sur 3" alone
    on a line (the interface's French translations are written the same way)."""
    return _LOOSE_PUNCTUATION.sub("\u00a0", text)
