"""Pseudonyms keyed per recipient: the same child reads the same to one recipient only.

A pseudonym is HMAC-SHA256 of the child (their CPR number, or the case when no number is
known) under the recipient's own key, so two recipients cannot join their extracts on it and
nobody without the key can test a guessed CPR number against it. It is written in letters
only: no run of digits in it can be taken for a CPR number.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from string import ascii_lowercase
from typing import Final

__all__ = ["MIN_KEY_BYTES", "pseudonymiser"]

MIN_KEY_BYTES: Final = 32
_LENGTH: Final = 24  # 26**24 ≈ 2**112: no two children collide in any extract


def pseudonymiser(key: bytes) -> Callable[[str], str]:
    """The pseudonym function of one recipient's key.

    Raises:
        ValueError: the key is shorter than 32 bytes.

    """
    if len(key) < MIN_KEY_BYTES:
        msg = f"a recipient's key has at least {MIN_KEY_BYTES} bytes"
        raise ValueError(msg)

    def pseudonym(child: str) -> str:
        digest = hmac.new(key, child.encode(), hashlib.sha256).digest()
        return "".join(ascii_lowercase[b % 26] for b in digest[:_LENGTH])

    return pseudonym
