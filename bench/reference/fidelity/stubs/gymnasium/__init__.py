"""A minimal stand-in for the `gymnasium` package, enough to import and run lbforaging and SMAClite
in the fidelity harness without installing gymnasium (PyPI is not reachable here). Written from
gymnasium's documented API: `Env` (with `reset(seed=...)` seeding `np_random`), `register` (records
ids only), and the `spaces` the originals construct. Nothing here is used by the toolkit itself.
"""
import numpy as np

from . import spaces  # noqa: F401
from .utils import seeding

registry = {}


def register(id, entry_point=None, **kwargs):
    """Record an id; the harness builds environments directly, never through `make`."""
    registry[id] = (entry_point, kwargs)


class Env:
    """gymnasium.Env: `reset(seed=s)` reseeds `np_random` from `s` (PCG64 over SeedSequence(s))."""

    _np_random = None

    @property
    def np_random(self):
        if self._np_random is None:
            self._np_random, _ = seeding.np_random()
        return self._np_random

    @np_random.setter
    def np_random(self, value):
        self._np_random = value

    @property
    def unwrapped(self):
        return self

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            self._np_random, _ = seeding.np_random(seed)
