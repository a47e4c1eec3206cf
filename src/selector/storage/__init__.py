"""The SQLite database (sqlite-utils): schema migrations, state and the event log."""

import sys

# sqlite-utils imports pandas and numpy at import time when they are installed (hundreds
# of milliseconds on a clerk's Anaconda machine) only to map their types, which selector
# never stores. Hide them while sqlite-utils loads; anything importing them later is unaffected.
_hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # type: ignore[assignment]  # import raises ImportError
try:
    import sqlite_utils.db  # noqa: E402,F401
finally:
    for _name in _hidden:
        if sys.modules.get(_name, False) is None:
            del sys.modules[_name]
