"""`python -m cli`: the `regwatch` command."""

from cli import main

main()
