"""``python -m airguard.cli``: the command line, as the ``airguard`` script runs it."""

from airguard.cli.main import main

main()
