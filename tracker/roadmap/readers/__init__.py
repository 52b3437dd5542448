"""One reader per format, each turning a file into a :class:`~tracker.roadmap.grid.SourceDocument`.

``docx``, ``xlsx``, ``pdf``, ``html``, ``csv`` and ``text``. They only read: which table is the
plan, its header, sections and rows are found later, on the grid, the same way for all.
"""
