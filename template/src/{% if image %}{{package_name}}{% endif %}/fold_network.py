"""A fold's trained network as `explain` sees it, whichever framework trained it: what model.py's
load_fold_network returns and its grad_cam takes."""

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class FoldNetwork(NamedTuple):
    network: Any  # the framework's network, in inference mode
    # a decoded picture (height x width x channels, 0-255) -> a batch of one, ready for the network's features
    prepare: Callable[[np.ndarray], Any]
