#!/usr/bin/env python3
"""The Python end of the MAST environment bridge (src/envs/bridge/python-env.ts starts it).

Wraps any object with the pymarl/EPyMARL/SMAC MultiAgentEnv methods -- reset(), step(actions),
get_obs(), get_state(), get_avail_actions(), get_env_info(), close() -- and serves it over
stdin/stdout. Standard library only; numpy is used when present (faster array conversion).

Framing (both ways): a 4-byte little-endian length, then a payload. A payload is a 4-byte
little-endian length of a UTF-8 JSON header, the header, then an optional binary tail.
Requests from Node carry only a header: {"op": "init", "target", "kwargs"}, {"op": "reset", "seed"},
{"op": "step", "actions"}, {"op": "close"}. Answers to reset/step carry the header
{"reward", "terminated", "truncated", "info", "obs": [len per agent], "state": len, "avail": [len per
agent]} and the tail: observations as little-endian float32 (agents concatenated), the state as
float32, the masks as one byte per action. Any failure answers {"error": {"kind", "method", "type",
"message", "traceback"}}.

Seeding (reset with a seed): env.seed(seed) when the env has a seed method taking an argument, then
env.reset(); else env.reset(seed=seed) when reset takes a `seed` keyword; else env.reset() unseeded
(the hello answer says so). Time limits: info["episode_limit"] true means truncated, not terminated.
The protocol owns the process's real stdout; anything the environment prints goes to stderr.
SIGINT is ignored: the toolkit handles Ctrl-C and closes the environment itself.
"""
import importlib
import importlib.util
import inspect
import json
import math
import os
import signal
import struct
import sys
import traceback
from array import array

try:  # numpy is optional
    import numpy as _np
except Exception:  # pragma: no cover - absent numpy is the point
    _np = None

_LITTLE = sys.byteorder == "little"


def _open_protocol_stream():
    """Keep the real stdout for frames; route print() and fd 1 writes to stderr."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def _read_exact(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _read_message(stream):
    head = _read_exact(stream, 4)
    if head is None:
        return None
    (length,) = struct.unpack("<I", head)
    payload = _read_exact(stream, length)
    if payload is None:
        return None
    (hlen,) = struct.unpack("<I", payload[:4])
    return json.loads(payload[4:4 + hlen].decode("utf-8"))


def _write_message(out, header, tail=b""):
    h = json.dumps(header, allow_nan=False).encode("utf-8")
    payload = struct.pack("<I", len(h)) + h + tail
    out.write(struct.pack("<I", len(payload)) + payload)


def _float32_bytes(values):
    """One vector as little-endian float32 bytes, and its length. numpy arrays convert in numpy;
    lists through array('f'), faster than numpy for short lists."""
    if _np is not None and isinstance(values, _np.ndarray):
        a = values.astype("<f4", copy=False).ravel()
        return a.tobytes(), int(a.size)
    try:
        a = array("f", values)
    except TypeError:  # nested lists, or numpy scalars without numpy arrays around them
        a = array("f", [float(x) for x in _flatten(values)])
    if not _LITTLE:
        a.byteswap()
    return a.tobytes(), len(a)


def _flatten(values):
    for x in values:
        if isinstance(x, (list, tuple)):
            for y in _flatten(x):
                yield y
        else:
            yield x


def _load_target(target):
    """`pkg.module:Class` or `path/file.py:Class` -> the class (or factory)."""
    module_part, _, name = target.rpartition(":")
    if not module_part or not name:
        raise ValueError("target %r is not MODULE:NAME or FILE.py:NAME" % target)
    sys.path.insert(0, os.getcwd())
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        path = os.path.abspath(module_part)
        if not os.path.exists(path):
            raise FileNotFoundError("%s does not exist (relative paths resolve against the working directory)" % path)
        sys.path.insert(0, os.path.dirname(path))
        spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_part)
    obj = module
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _accepts(fn, keyword):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return keyword in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _takes_argument(fn):
    try:
        params = [p for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return False
    return len(params) > 0


class Bridge(object):
    """One environment object and the bookkeeping the protocol needs."""

    def __init__(self, env):
        self.env = env
        self.where = "get_env_info"
        info = env.get_env_info()
        self.info = {
            "nAgents": _plain(info.get("n_agents")),
            "nActions": _plain(info.get("n_actions")),
            "obsShape": _plain(_size(info.get("obs_shape"))),
            "stateShape": _plain(_size(info.get("state_shape"))),
            "episodeLimit": _plain(info.get("episode_limit")),
            "reportsWins": bool(info.get("reports_wins", hasattr(env, "battles_won"))),
        }
        seed_fn = getattr(env, "seed", None)
        if callable(seed_fn) and _takes_argument(seed_fn):
            self.seeding = "seed"
        elif _accepts(env.reset, "seed"):
            self.seeding = "reset"
        else:
            self.seeding = "none"

    def reset(self, seed):
        if self.seeding == "seed":
            self.env.seed(seed)
            self.env.reset()
        elif self.seeding == "reset":
            self.env.reset(seed=seed)
        else:
            self.env.reset()
        return {"reward": 0.0, "terminated": False, "truncated": False, "info": {}}

    def step(self, actions):
        out = self.env.step(list(actions))
        if isinstance(out, tuple) and len(out) == 5:  # gym-style: obs, reward, terminated, truncated, info
            _, reward, terminated, truncated, info = out
        else:
            reward, terminated, info = out
            truncated = False
        info = dict(info or {})
        if hasattr(reward, "tolist"):
            reward = reward.tolist()
        if isinstance(reward, (list, tuple)):  # per-agent rewards: the team reward is their sum
            reward = sum(float(r) for r in _flatten(reward))
        if isinstance(terminated, (list, tuple)):
            terminated = all(bool(t) for t in terminated)
        if isinstance(truncated, (list, tuple)):
            truncated = all(bool(t) for t in truncated)
        truncated = bool(truncated) or bool(info.get("episode_limit", False))
        terminated = bool(terminated) and not truncated
        plain = {}
        for k, v in info.items():
            v = _plain(v)
            if isinstance(v, bool) or (isinstance(v, (int, float)) and math.isfinite(v)):
                plain[str(k)] = v
        if "battle_won" in plain:
            plain["won"] = bool(plain["battle_won"])
        reward = float(reward)
        # JSON has no NaN: a non-finite reward goes as null, which the Node side reports as such.
        return {"reward": reward if math.isfinite(reward) else None, "terminated": terminated, "truncated": truncated, "info": plain}

    def observe(self, header):
        """Append the current observations, state and masks to an answer."""
        self.where = "get_obs"
        parts = []
        lens = []
        for o in self.env.get_obs():
            b, n = _float32_bytes(o)
            parts.append(b)
            lens.append(n)
        self.where = "get_state"
        b, n = _float32_bytes(self.env.get_state())
        parts.append(b)
        self.where = "get_avail_actions"
        alens = []
        for m in self.env.get_avail_actions():
            flat = list(_flatten(m.tolist() if hasattr(m, "tolist") else m))
            parts.append(bytes(1 if x else 0 for x in flat))
            alens.append(len(flat))
        header.update({"obs": lens, "state": n, "avail": alens})
        return b"".join(parts)


def _plain(v):
    """A numpy scalar as the Python number it holds (JSON cannot write numpy types)."""
    return v.item() if _np is not None and isinstance(v, _np.generic) else v


def _size(shape):
    if isinstance(shape, (list, tuple)):
        n = 1
        for s in shape:
            n *= int(s)
        return n
    return shape


def _error(kind, method, exc):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return {"error": {"kind": kind, "method": method, "type": type(exc).__name__, "message": str(exc), "traceback": "".join(lines)[-4000:]}}


def main():
    # Ctrl-C reaches the whole process group; the toolkit stops at an episode boundary and closes us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = _open_protocol_stream()
    stdin = sys.stdin.buffer
    bridge = None
    while True:
        msg = _read_message(stdin)
        if msg is None or msg.get("op") == "close":
            if bridge is not None and hasattr(bridge.env, "close"):
                try:
                    bridge.env.close()
                except Exception:
                    traceback.print_exc()
            if msg is not None:
                _write_message(out, {"closed": True})
            return 0
        op = msg.get("op")
        if op == "init":
            try:
                cls = _load_target(msg["target"])
            except BaseException as exc:  # noqa: B902 - SystemExit from an import is a failure too
                _write_message(out, _error("import", "import", exc))
                continue
            try:
                env = cls(**msg.get("kwargs", {}))
            except BaseException as exc:
                _write_message(out, _error("construct", "__init__", exc))
                continue
            try:
                bridge = Bridge(env)
            except BaseException as exc:
                _write_message(out, _error("method", "get_env_info", exc))
                continue
            _write_message(out, {"info": bridge.info, "seeding": bridge.seeding, "numpy": _np is not None, "python": sys.version.split()[0]})
        elif op in ("reset", "step") and bridge is not None:
            bridge.where = op
            try:
                header = bridge.reset(int(msg["seed"])) if op == "reset" else bridge.step(msg["actions"])
                tail = bridge.observe(header)
            except BaseException as exc:
                _write_message(out, _error("method", bridge.where, exc))
                continue
            _write_message(out, header, tail)
        else:
            _write_message(out, {"error": {"kind": "protocol", "method": str(op), "type": "ValueError", "message": "unknown op %r" % op, "traceback": ""}})


if __name__ == "__main__":
    sys.exit(main())
