"""``python -m certpreflight`` runs the command-line interface."""

from certpreflight.cli import main

raise SystemExit(main())
