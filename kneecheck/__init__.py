"""kneecheck: a knee-pain self-check for runners. Not a diagnosis."""

__version__ = "0.2.0"
__all__ = ["__version__"]
