"""``python -m benchmarks`` runs every benchmark (see benchmarks/run.py)."""

from benchmarks.run import main

raise SystemExit(main())
