"""``python -m cybercoop_cli``: the same as the ``cybercoop`` command."""

from cybercoop_cli.cli.app import main

main()
