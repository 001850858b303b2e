"""Pictures of a run, written next to cv.json: learning curves per fold."""

from pathlib import Path


def plot_learning_curve(history: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on Kaggle or in CI
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history["loss"], label="loss (training)")
    ax.plot(history["val_loss"], label="val_loss (early-stopping slice)")
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
