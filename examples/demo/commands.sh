#!/bin/sh
# The demo round (rounds/demo.toml), counted by hand in tests/test_examples.py.
# Paths are relative to the repository root.
set -e
selector init rounds/demo.toml
selector tally rec examples/demo/rec.csv --present 13 --issued 13
selector cut rec
selector tally vote examples/demo/vote.csv --present 12 --issued 12
selector cut vote
selector show vote
