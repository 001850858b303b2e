"""A small made-up text competition in Kaggle's layout (Disaster Tweets' columns: id, keyword, location, text,
target), shaped by config.yaml, with the texts real data brings: empty, missing, very long, emoji, other
scripts, URLs, @mentions and HTML entities. Classes, or for the metrics that score values (rmse, rmsle, mae,
mcrmse) a number per text that its words tell, as CommonLit's readability; with several target columns
(columns.target: [a, b, c]) a number in each (Feedback Prize's scores), or for a metric of labels a 0/1 label in each
(Jigsaw's kinds of toxicity), which the words tell each its own way."""

from pathlib import Path

import numpy as np
import pandas as pd
from known_answers import hostile_ids

VALUE_METRICS = {"rmse", "rmsle", "mae", "mcrmse"}
FILLER = "the a of to and in is it for on with this that was at by from you my we they just".split()
ODD_TEXTS = [
    "",
    None,
    "🔥🔥🔥 😱 🚒",
    "東京で大きな地震がありました",
    "حريق كبير في المدينة",
    "see https://t.co/AbC123 and www.example.com &amp; @someone &lt;3",
    " ".join(["very long text"] * 1500),
]


def class_words(n_classes: int) -> list[list[str]]:
    """Words that point at each class; the rest of a text is filler."""
    stems = ["fire flood storm quake wreck", "party song movie happy lunch", "market price stock trade bank"]
    return [f"{stems[c % 3]} c{c}word c{c}term".split() for c in range(n_classes)]


def make_texts(classes: np.ndarray, n_classes: int, rng: np.random.Generator) -> list[str]:
    words = class_words(n_classes)
    texts = []
    for c in classes:
        n = rng.integers(4, 20)
        mixed = [rng.choice(words[c]) if rng.random() < 0.3 else rng.choice(FILLER) for _ in range(n)]
        texts.append(" ".join(mixed))
    return texts


def write_competition(
    folder: Path,
    config: dict,
    rows: int = 240,
    labels=(0, 1),
    seed: int = 0,
    shuffle_labels: bool = False,
    odd_texts: bool = True,
    text_column: str = "text",
    train_only: tuple = (),
) -> Path:
    """Write train.csv, test.csv, sample_submission.csv and solution.csv (the test rows' answers); `labels`
    name the classes (2 or more, ints or text). For a metric that scores values, the target is a number near
    1, 2 or 3, which one the text's words (and the keyword) say; `labels` is then unused.

    shuffle_labels permutes the target, so no text predicts it; odd_texts puts ODD_TEXTS into both files;
    text_column names the texts' column; train_only names number columns that only train.csv holds (CommonLit's
    standard_error), which no model may use.
    """
    rng = np.random.default_rng(seed)
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    targets = [target] if isinstance(target, str) else list(target)
    values = config["metric"] in VALUE_METRICS
    n = 3 if values or len(targets) > 1 else len(labels)  # three kinds of words tell several columns
    ids = hostile_ids(rows + rows // 2, rng, text=n > 2)
    # The test rows lean to the first class (half of them), unlike the training rows' even shares.
    test_shares = np.r_[0.5, np.full(n - 1, 0.5 / (n - 1))]
    frames = []
    for frame_ids, shares in ((ids[:rows], None), (ids[rows:], test_shares)):
        count = len(frame_ids)
        classes = rng.choice(n, size=count, p=shares)
        other = rng.choice(["kw0", "kw1", "misc"], count)
        keyword = np.where(rng.random(count) < 0.6, [f"kw{c}" for c in classes], other)  # hints at the class
        frame = pd.DataFrame(
            {
                id_col: frame_ids,
                "keyword": np.where(rng.random(count) < 0.1, None, keyword),  # an extra categorical column
                "location": [f"town {i}" for i in frame_ids],  # free text, unique per row: not used
                text_column: make_texts(classes, n, rng),
            }
        )
        if odd_texts:
            frame.loc[frame.index[: len(ODD_TEXTS)], text_column] = ODD_TEXTS
        if config["columns"]["group"]:
            frame[config["columns"]["group"]] = rng.integers(0, max(count // 8, 4), size=count)
        frame["_class"] = classes
        frames.append(frame)
    train, test = frames
    answers = []  # per frame: each target column's answers
    for f in frames:
        classes = f.pop("_class").to_numpy()
        if values:  # 1, 2 or 3 by the text's class (shifted by one per further column), blurred by about 0.25
            noise = [rng.normal(0, 0.25, len(f)).clip(-0.8, 0.8) for _ in targets]
            answers.append({name: np.round(1 + (classes + j) % 3 + noise[j], 3) for j, name in enumerate(targets)})
        elif len(targets) > 1:  # 0/1 labels: column j is on for one class of the three, shifted by one per column
            answers.append({name: ((classes + j) % 3 == 0).astype(int) for j, name in enumerate(targets)})
        else:
            answers.append({target: np.asarray(labels, dtype=object)[classes]})
    train = train.assign(**answers[0])
    for column in train_only:
        train[column] = rng.random(len(train))
    solution = pd.DataFrame({id_col: test[id_col], **answers[1]})
    if shuffle_labels:
        for name in targets:
            train[name] = rng.permutation(train[name].to_numpy())
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    sample_ids = np.sort(test[id_col].to_numpy())  # not test.csv's row order
    if values or len(targets) > 1:
        blank = 0.0 if values else 0.5 if config["metric"] in ("logloss", "auc") else 0  # a value, probability or label
        sample = pd.DataFrame({id_col: sample_ids, **{name: blank for name in targets}})
    elif config["metric"] in ("logloss", "auc") and n > 2:  # a probability per class
        sample = pd.DataFrame({id_col: sample_ids, **{str(label): 1 / n for label in labels}})
    else:
        default = labels[0] if config["metric"] not in ("logloss", "auc") else 0.5
        sample = pd.DataFrame({id_col: sample_ids, target: default})
    sample.to_csv(folder / "sample_submission.csv", index=False)
    solution.to_csv(folder / "solution.csv", index=False)  # the test rows' true answers, which Kaggle keeps
    return folder


def write_tiny_preset(folder: Path) -> Path:
    """A randomly initialised DistilBERT of a test's size (2 layers, 32 wide, the synthetic words as its
    vocabulary), saved as a keras-hub preset folder: the transformer path without downloading anything."""
    import keras_hub

    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({*FILLER, *sum(class_words(3), [])})]
    tokenizer = keras_hub.models.DistilBertTokenizer(vocabulary=vocabulary)
    preprocessor = keras_hub.models.DistilBertTextClassifierPreprocessor(tokenizer, sequence_length=32)
    backbone = keras_hub.models.DistilBertBackbone(
        vocabulary_size=len(vocabulary),
        num_layers=2,
        num_heads=2,
        hidden_dim=32,
        intermediate_dim=64,
        max_sequence_length=64,
    )
    classifier = keras_hub.models.DistilBertTextClassifier(backbone, num_classes=2, preprocessor=preprocessor)
    classifier.save_to_preset(str(folder))
    return Path(folder)


def write_tiny_encoder(folder: Path) -> Path:
    """A randomly initialised two-layer BERT of a test's size with mean pooling, saved as a sentence-transformers
    folder (what all-MiniLM-L6-v2 ships): the encoder path without downloading anything. Its vocabulary is the
    letters and digits, so that every text, however new its words, becomes tokens of its own."""
    import string

    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast, set_seed

    characters = string.ascii_lowercase + string.digits + string.punctuation
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *characters, *(f"##{c}" for c in characters)]
    bert = Path(folder) / "bert"
    bert.mkdir(parents=True, exist_ok=True)
    (bert / "vocab.txt").write_text("\n".join(vocabulary) + "\n")
    ids = {token: i for i, token in enumerate(vocabulary)}  # transformers 5 takes `vocab`, 4 `vocab_file`
    BertTokenizerFast(vocab=ids, vocab_file=str(bert / "vocab.txt")).save_pretrained(bert)
    set_seed(0)
    shape = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}
    BertModel(BertConfig(vocab_size=len(vocabulary), max_position_embeddings=512, **shape)).save_pretrained(bert)
    words = models.Transformer(str(bert), max_seq_length=512)
    encoder = SentenceTransformer(modules=[words, models.Pooling(shape["hidden_size"])], device="cpu")
    encoder.save(str(Path(folder) / "encoder"))
    return Path(folder) / "encoder"
