"""selector: count competitive cadre selections (公推公选) exactly and leave a record."""

__version__ = "0.1.0"
