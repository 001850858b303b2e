"""A stand-in for MNIST that ships inside scikit-learn: its 1,797 8x8 digits, upscaled to 28x28 and varied by
small random rotations, shifts and scalings, as many as asked for. Nothing is downloaded."""

import numpy as np


def digit_images(count: int, seed: int = 0, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (count, size, size), labels 0..9): every original digit once before any repeats."""
    from scipy import ndimage
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    order = np.resize(rng.permutation(len(digits.images)), count)
    images = np.empty((count, size, size), dtype="uint8")
    for k, i in enumerate(order):
        image = ndimage.zoom(digits.images[i] / 16 * 255, 20 / 8, order=1)  # a 20 px digit, as MNIST's are
        image = ndimage.rotate(image, rng.uniform(-15, 15), reshape=False, order=1)
        image = ndimage.zoom(image, rng.uniform(0.85, 1.15), order=1)
        canvas = np.zeros((size + 8, size + 8))
        top, left = (np.array(canvas.shape) - image.shape) // 2 + rng.integers(-3, 4, 2)
        canvas[top : top + image.shape[0], left : left + image.shape[1]] = image
        images[k] = np.clip(canvas[4 : 4 + size, 4 : 4 + size], 0, 255)
    return images, digits.target[order]
