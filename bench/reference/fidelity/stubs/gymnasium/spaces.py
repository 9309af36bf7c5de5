"""gymnasium.spaces stand-in: Discrete, Box (with `contains`, so the originals' own observation
checks still run) and Tuple."""
import numpy as np


class Discrete:
    def __init__(self, n, seed=None, start=0):
        self.n, self.start, self.shape = int(n), int(start), ()

    def contains(self, x):
        return self.start <= int(x) < self.start + self.n


class Box:
    def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
        if shape is None:
            shape = np.shape(low) if np.ndim(low) else np.shape(high)
        self.shape = tuple(int(s) for s in shape)
        self.dtype = np.dtype(dtype)
        self.low = np.broadcast_to(np.asarray(low, dtype=self.dtype), self.shape)
        self.high = np.broadcast_to(np.asarray(high, dtype=self.dtype), self.shape)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all(x >= self.low)) and bool(np.all(x <= self.high))


class Tuple:
    def __init__(self, spaces, seed=None):
        self.spaces = tuple(spaces)

    def __getitem__(self, i):
        return self.spaces[i]

    def __len__(self):
        return len(self.spaces)
