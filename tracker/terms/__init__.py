"""The deadline-phrase language: Russian phrases → kinds and windows over a period.

Pure: no I/O beyond reading the packaged lexicon, no clock.
"""

from tracker.terms.expand import expand
from tracker.terms.model import Expansion, Kind, Period, Window

__all__ = ["Expansion", "Kind", "Period", "Window", "expand"]
