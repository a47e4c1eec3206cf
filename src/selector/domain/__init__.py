"""The pure core: round model, counting rules, cuts and tie policies. No I/O, no printing."""
