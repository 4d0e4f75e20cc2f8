"""TPM Coach: practise Technical Product Manager interviews in the terminal.

The package is a domain core (formats, loading, scoring, the interview flow,
storage, reports) that never imports Textual, and `coach.tui`, which presents it.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
