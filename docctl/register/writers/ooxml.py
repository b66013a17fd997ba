"""What the Word and Excel writers share: the status colours, and a reproducible Office package.

An Office file is a zip whose members carry the time they were written; ``fixed_package`` rewrites
it with fixed member timestamps and the register's own moment as the created and modified dates,
so that equal registers give equal bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from docctl.register.model import Register

#: Cell fill of each status (and of a scheduled pending revision), RGB hex.
FILLS = {
    "effective": "D9F2E0",
    "draft": "E8EAED",
    "review": "FFF1C2",
    "approved": "D8E8FF",
    "scheduled": "E6E0FF",
    "superseded": "FFE1D6",
    "obsolete": "F8D7DA",
}


def moment_of(register: Register) -> dt.datetime:
    """The date an Office file records as created and modified: the stamp, else the commit's date."""
    moment = register.generated or register.committed or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_package(data: bytes, moment: dt.datetime) -> bytes:
    """The same package with fixed member timestamps and core dates: equal input, equal bytes."""
    import zipfile

    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return buffer.getvalue()
