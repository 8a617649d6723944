"""`python -m coursesite.cli`: the same as the `coursesite` command."""

from coursesite.cli import main

main()
