"""`python -m kneecheck` runs the command line."""

from .cli import main

main()
