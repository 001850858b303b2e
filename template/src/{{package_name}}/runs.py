"""`runs`: every complete run in outputs/runs/, one line each, best out-of-fold score first, beside Kaggle's
scores of its submissions (ledger.py); `runs --refresh` asks Kaggle for the scores still pending, `runs --plot`
draws CV against the public leaderboard, and `runs prune --keep N` frees the disk that old runs' fold models
take while keeping their records (cv.json, oof.csv, submission.csv)."""

import json
import logging
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .ledger import ledger
from .outputs import OutputsError, publishing, read_manifest, run_folders, runs_dir, write_manifest

log = logging.getLogger(__name__)
# Each run's latest submission: its public and private scores (empty while pending or never submitted).
QUERY = """
SELECT runs.*, s.ref, s.status, s.public, s.private FROM runs LEFT JOIN submissions s ON s.ref = (
    SELECT ref FROM submissions WHERE run = runs.run ORDER BY submitted DESC, rowid DESC LIMIT 1
)
"""


def run_table(output_dir: Path) -> pd.DataFrame:
    """One row per run: its id, when, the submitted model and its out-of-fold score, every model's, its latest
    submission's public and private scores, what changed in config.yaml since the run before, the git commit
    it ran from (+ when the tree held changes not committed); best score first within each metric."""
    with ledger(output_dir) as connection:
        records = [dict(row) for row in connection.execute(QUERY)]
    if not records:
        raise OutputsError(f"{runs_dir(output_dir)} holds no complete run: run `train` first")
    rows = []
    for record in records:
        changed, gains = json.loads(record["changed"]), json.loads(record["seed_gain"] or "{}")
        rows.append(
            {
                "run": record["run"],
                "metric": record["metric"],
                "cv": record["cv"],
                "submitted": record["submitted_model"],
                **{f"cv_{name}": score for name, score in json.loads(record["scores"]).items()},
                "public": record["public"],
                "private": record["private"],
                "kaggle": record["status"],
                "changed": ", ".join(f"{key}={after}" for key, (_, after) in changed.items()) or None,
                "seed_gain": ", ".join(f"{name} {gain:+.5f}" for name, gain in gains.items()) or None,
                "commit": (record["git_commit"] or "")[:8] + ("+" if record["dirty"] else "") or None,
                "models": models_state(runs_dir(output_dir) / record["run"]),
                "higher_is_better": bool(record["higher_is_better"]),
            }
        )
    table = pd.DataFrame(rows)
    table["order"] = table["cv"].where(table["higher_is_better"], -table["cv"])
    return table.sort_values(["metric", "order"], ascending=[True, False]).drop(columns=["order", "higher_is_better"])


def models_state(run_dir: Path) -> str:
    """kept, pruned (`runs prune`), or deleted: the ledger keeps a run's record after its folder is gone."""
    if not run_dir.is_dir():
        return "deleted"
    return "pruned" if read_manifest(run_dir).get("pruned") else "kept"


def show_runs(output_dir: Path) -> pd.DataFrame:
    table = run_table(output_dir)
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.max_colwidth", 60):
        print(table.to_string(index=False, na_rep="-", float_format="{:.5f}".format))
    return table


def plot_cv_against_leaderboard(output_dir: Path) -> Path:
    """cv_vs_leaderboard.png: one dot per scored run, out-of-fold score against public score, with their
    correlation in the title: runs whose CV tracks the leaderboard are the ones to trust."""
    from .report import pyplot

    table = run_table(output_dir).dropna(subset=["public"])
    if table.empty:
        raise OutputsError("no run has a public score yet: `submit --wait`, or `runs --refresh` once Kaggle scored")
    correlation = np.corrcoef(table["cv"], table["public"])[0, 1] if len(table) > 2 else float("nan")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(table["cv"], table["public"])
    for _, row in table.iterrows():
        ax.annotate(row["run"], (row["cv"], row["public"]), fontsize=7, alpha=0.7)
    title = f"r = {correlation:.3f}" if np.isfinite(correlation) else "r: needs three scored runs"
    ax.set(xlabel=f"CV ({table['metric'].iloc[0]}, out of fold)", ylabel="public leaderboard", title=title)
    fig.tight_layout()
    path = Path(output_dir) / "cv_vs_leaderboard.png"
    fig.savefig(path)
    plt.close(fig)
    log.info("wrote %s (%d scored runs, %s)", path, len(table), title)
    return path


def prune(output_dir: Path, keep: int) -> list[str]:
    """Delete the fold models of all but the `keep` newest runs. Each pruned run's run.json says so first, so
    `predict` refuses it in one line rather than finding models missing; its other files stay."""
    if keep < 0:
        raise OutputsError(f"runs prune --keep {keep}: keep 0 or more runs' models")
    pruned = []
    with publishing(output_dir):  # not while predict or explain reads a run
        runs = run_folders(output_dir, complete=True)
        for run_dir in runs[: max(len(runs) - keep, 0)]:
            manifest = read_manifest(run_dir)
            if manifest.get("pruned"):
                continue
            files = {name: digest for name, digest in manifest["files"].items() if not name.startswith("models/")}
            write_manifest(run_dir, manifest | {"files": files, "pruned": time.strftime("%Y-%m-%d %H:%M:%S")})
            shutil.rmtree(run_dir / "models", ignore_errors=True)
            pruned.append(run_dir.name)
    log.info("pruned the fold models of %d runs%s", len(pruned), f": {', '.join(pruned)}" if pruned else "")
    return pruned
