"""The CLI answers at all: version and help."""

from selector import __version__


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"selector {__version__}"


def test_help_lists_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for name in ("init", "check", "rounds", "status", "tally", "show", "cut", "export"):
        assert name in result.stdout
