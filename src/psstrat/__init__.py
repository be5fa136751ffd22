"""psstrat: a professional standards strategy kept as YAML in git."""

__version__ = "0.1.0"
