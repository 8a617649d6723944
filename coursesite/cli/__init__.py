"""The `coursesite` command: serve, init, lessons, accounts, privacy requests, backups.

The outermost layer, like the views: may import every package.
"""

from coursesite.cli import accounts, backup, lessons, privacy
from coursesite.cli.core import init_command, main, serve_command

for command in (
    init_command,
    serve_command,
    *accounts.COMMANDS,
    *backup.COMMANDS,
    *lessons.COMMANDS,
    *privacy.COMMANDS,
):
    main.add_command(command)

__all__ = ["main"]
