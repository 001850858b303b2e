"""Keras networks that remember instead of learning: the Memoriser put in place of every network a test fits."""

from types import SimpleNamespace

import numpy as np
from memoriser import Memoriser


def memorising_keras(monkeypatch) -> Memoriser:
    """Every Keras network fit in this test remembers the batches it is given instead of learning (training
    batches three times over, so that rows a dropped last batch left out are seen, and the early-stopping rows);
    its predict answers what the memory recalls, shaped as the network's outputs."""
    import keras

    memory = Memoriser()

    def fit(network, x=None, y=None, validation_data=None, **options):
        seen = list(batches(x, y, passes=3))
        if validation_data is not None:
            seen += list(batches(*validation_data) if isinstance(validation_data, tuple) else batches(validation_data))
        for inputs, targets in seen:
            memory.remember(inputs, targets)
        if network.optimizer is not None and not network.optimizer.built:  # saved as a trained network would be
            network.optimizer.build(network.trainable_variables)
        return SimpleNamespace(history={"loss": [0.0], "val_loss": [0.0]})

    def predict(network, x, batch_size=None, **options):
        inputs = [batch for batch, _ in batches(x)]
        if isinstance(inputs[0], dict):
            joined = {name: np.concatenate([batch[name] for batch in inputs]) for name in inputs[0]}
        else:
            joined = np.concatenate(inputs)
        return memory.outputs(joined, network.output_shape[-1]).astype("float32")

    monkeypatch.setattr(keras.Model, "fit", fit)
    monkeypatch.setattr(keras.Model, "predict", predict)
    return memory


def batches(x, y=None, passes: int = 1):
    """(inputs, targets) batches of a Keras PyDataset, a tf.data dataset or plain arrays, as NumPy."""
    import keras

    if isinstance(x, keras.utils.PyDataset):
        for _ in range(passes):
            for index in range(len(x)):
                yield x[index]
            x.on_epoch_end()
    elif hasattr(x, "as_numpy_iterator"):  # tf.data
        for _ in range(passes):
            for batch in x.as_numpy_iterator():
                yield batch if isinstance(batch, tuple) else (batch, None)
    else:
        yield x, y
