"""The record's audit: `verify` (loops over the stage handlers' own re-checks), and the spot
checks — a reproducible sample of papers, a hand count compared, double entry."""
