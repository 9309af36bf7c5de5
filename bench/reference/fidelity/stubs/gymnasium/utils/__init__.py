"""gymnasium.utils stand-in: only `seeding`."""
from . import seeding  # noqa: F401
