"""Zip files whose bytes depend only on their parts: every entry dated alike (the document's
moment, SOURCE_DATE_EPOCH when set), deflated, mode 644, in the order given."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime


def stamped_zip(parts, moment: datetime) -> bytes:
    """A zip of `parts` (a dict or iterable of name -> bytes, in order), every entry dated
    `moment` (not before 1980, zip's epoch), deflated, mode 644: what `reproducible_zip` makes
    of a zip of them. A part may also be an iterable of byte chunks, written as they come
    (deflate's output does not depend on how its input is cut: the same bytes)."""
    stamp = max((moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second),
                (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items() if isinstance(parts, dict) else parts:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            if isinstance(data, (bytes, bytearray)):
                dst.writestr(entry, data)
            else:
                with dst.open(entry, "w") as part:
                    for chunk in data:
                        part.write(chunk)
    return out.getvalue()
