"""Long unbroken text for the layout tests: a 300-character token and a 149-character URL.

Each text field gets its own token and URL (made from the field's name), so a test can tell
which field's text was printed whole. Tokens are base32 (A–Z, 2–7): no character a line may
break at. A field shorter than 300 characters gets as much of its token as it holds.
"""

import base64
import hashlib

TOKEN_LENGTH = 300
URL_LENGTH = 149
URL_HEAD = "https://www.ntl.edu.tw/"


def token(name, length=TOKEN_LENGTH):
    text, n = "", 0
    while len(text) < length:
        text += base64.b32encode(hashlib.sha256(f"{name}/{n}".encode()).digest()).decode().rstrip("=")
        n += 1
    return text[:length]


def url(name):
    """A URL of 149 characters whose path is one unbroken segment after the host."""
    return URL_HEAD + token(f"{name} url", URL_LENGTH - len(URL_HEAD)).lower()


class LongTexts:
    """Hands out long texts by field name and remembers what each document must print whole."""

    def __init__(self):
        self.expected = {}  # field name: the pieces printed whole

    def text(self, name):
        """A text field's value: the token, a space, the URL."""
        self.expected[name] = (token(name), url(name))
        return f"{token(name)} {url(name)}"

    def char(self, name, max_length):
        """A field of at most `max_length` characters: its token, cut to fit."""
        value = token(name, min(max_length, TOKEN_LENGTH))
        self.expected[name] = (value,)
        return value

    def pieces(self, *names):
        """Every piece of the named fields (all of them when none is named), by a name that
        says which: {"title": token, "situation": token, "situation (URL)": URL, …}."""
        return {
            name + (" (URL)" if n else ""): piece
            for name in (names or self.expected)
            for n, piece in enumerate(self.expected[name])
        }
