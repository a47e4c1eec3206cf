from selector.cli import run

run()
