"""Renderers for check results (text, JSON, CSV, HTML) and the run that feeds them.

Each format renders a chunk of ``(source, Report)`` results to text (in a worker
process, when ``--jobs`` > 1) and the parent writes the chunks in order, closing with
the summary from the merged :class:`Tally`. See :mod:`certpreflight.reports.run`.
"""

from certpreflight.reports.run import FORMATS, CheckOptions, check_chunk, run_chunks, writer_for
from certpreflight.reports.tally import Tally

__all__ = ["FORMATS", "CheckOptions", "Tally", "check_chunk", "run_chunks", "writer_for"]
