"""unspun: find garbled synonym substitutions (tortured phrases) in prose and restore the intended wording."""

__version__ = "0.1.0"
