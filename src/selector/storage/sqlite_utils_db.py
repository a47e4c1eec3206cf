"""Import sqlite-utils without pandas and numpy.

sqlite-utils imports pandas and numpy at import time when they are installed (hundreds of
milliseconds on a clerk's Anaconda machine) only to map their types, which selector never
stores. They are hidden while sqlite-utils loads; anything importing them later is unaffected.
Only schema migrations import this (storage.schema.migrations).
"""

import sys

_hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # type: ignore[assignment]  # import raises ImportError
try:
    import sqlite_utils.db  # noqa: E402,F401
finally:
    for _name in _hidden:
        if sys.modules.get(_name, False) is None:
            del sys.modules[_name]
