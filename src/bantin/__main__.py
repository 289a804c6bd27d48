"""`python -m bantin ...` is the same as the `bantin` command."""

from bantin.cli import main

main()
