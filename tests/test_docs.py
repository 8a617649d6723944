"""The README documents every setting and every command (a test fails when one is missing)."""

import re
from pathlib import Path

from coursesite.cli import main as coursesite_command
from coursesite.config import ENVIRONMENT

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_environment_setting_is_in_the_readme():
    missing = [f"COURSESITE_{name}" for name in ENVIRONMENT if f"COURSESITE_{name}" not in README]
    assert missing == []
    assert "DATABASE_URL" in README and "COURSESITE_INSTANCE" in README


def test_every_command_is_in_the_readme():
    commands = []
    for name, command in coursesite_command.commands.items():
        sub = getattr(command, "commands", None)
        commands += [f"{name} {child}" for child in sub] if sub else [name]
    documented = set(re.findall(r"^\| `([a-z-]+(?: [a-z-]+)?)", README, re.M))
    missing = [
        c
        for c in commands
        if not any(d == c or d.startswith(c + " ") or d.split(" ")[0] == c for d in documented)
    ]
    assert missing == [], f"document these commands in README.md: {missing}"


def test_the_two_commands_come_first():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[1] for line in first_block.strip().splitlines()] == ["run", "test"]
