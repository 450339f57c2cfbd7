#!/usr/bin/env python
"""Django's command-line utility; the installed `rentan` command does the same."""

from rentan.cli import main

if __name__ == "__main__":
    main()
