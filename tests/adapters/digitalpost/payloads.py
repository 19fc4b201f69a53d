"""Hostile XML for the hardening tests: an XXE probe and an entity bomb."""

from __future__ import annotations

__all__ = ["BOMB", "XXE", "XXE_UTF16"]

XXE = (
    b'<?xml version="1.0"?>\n'
    b'<!DOCTYPE kombi_request [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b"<kombi_request><KombiValgKode>&xxe;</KombiValgKode>"
    b"<Result>true</Result><TransmissionId>&xxe;</TransmissionId></kombi_request>"
)

BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<kombi_response><Result>true</Result><TransmissionId>&lol9;</TransmissionId>"
    b"</kombi_response>"
)

# The same probe in UTF-16: a byte search for "<!DOCTYPE" does not see it.
XXE_UTF16 = (
    XXE.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
    .decode("ascii")
    .encode("utf-16")
)
