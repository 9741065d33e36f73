"""moonbase: open planning system for a jointly operated lunar research station."""

__version__ = "0.1.0"
