"""kagglekit: a Kaggle competition starter-kit generator over a copier template."""

__version__ = "0.1.0"
