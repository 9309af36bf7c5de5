"""Load a toolkit run's state into the PyTorch reference (`qmix_lbf.py --init-from`).

Reads a `checkpoint.mast` (the toolkit's tensor file: magic "MASTTF02", a uint32 LE header length, the
header's CRC-32 (absent in version 1, "MASTTF01"), a JSON header, then 8-byte-aligned little-endian
arrays; `src/util/tensor-file.ts`) and maps our
parameters onto torch's:

- linear weights are stored `[in, out]` (torch: `[out, in]`);
- GRU matrices are `[in, 3H]` with gate blocks (z, r, n) (torch: `[3H, in]`, blocks (r, z, n));
- the mixer's layers `hyperW1.0/1`, `hyperB1`, `hyperWf.0/1`, `value.0/1` are EPyMARL's `hyper_w_1.0/2`,
  `hyper_b_1`, `hyper_w_final.0/2`, `V.0/2`.

The parts to load are chosen: `nets` (online and target networks), `adam` (moments and step count),
`stats` (running reward statistics) and `buffer` (the replay episodes), so a run can be continued in
the reference from exactly the state our trainer had, or from its weights alone.
"""
import json
import struct
import zlib

import numpy as np

PARTS = ("nets", "adam", "stats", "buffer")
_DTYPES = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8, "uint32": np.uint32}


def read_tensor_file(path):
    """(meta, {name: ndarray of its shape}) from a toolkit tensor file; checks magic, length and CRC-32."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] not in (b"MASTTF01", b"MASTTF02"):
        raise ValueError(f"{path} is not a MAST tensor file (bad magic bytes)")
    (hlen,) = struct.unpack_from("<I", raw, 8)
    start = 16 if raw[:8] == b"MASTTF02" else 12
    header_bytes = raw[start:start + hlen]
    if start == 16 and zlib.crc32(header_bytes) != struct.unpack_from("<I", raw, 12)[0]:
        raise ValueError(f"{path} is corrupt (header CRC-32 mismatch)")
    header = json.loads(header_bytes.decode("utf-8"))
    payload = raw[start + hlen:]
    if len(payload) != header["payloadBytes"]:
        raise ValueError(f"{path} is truncated: payload {len(payload)} bytes, header says {header['payloadBytes']}")
    if zlib.crc32(payload) != header["payloadCrc32"]:
        raise ValueError(f"{path} is corrupt (CRC-32 mismatch)")
    arrays = {}
    for name, e in header["arrays"].items():
        a = np.frombuffer(payload, dtype=_DTYPES[e["dtype"]], count=e["length"], offset=e["offset"])
        arrays[name] = a.reshape(e["shape"]).copy()
    return header["meta"], arrays


def _zrn_to_rzn(w, axis):
    z, r, n = np.split(w, 3, axis=axis)
    return np.concatenate([r, z, n], axis=axis)


_T = lambda w: w.T  # noqa: E731
_ID = lambda w: w  # noqa: E731
AGENT_MAP = {  # ours -> (torch name, transform)
    "fc1.weight": ("fc1.weight", _T),
    "fc1.bias": ("fc1.bias", _ID),
    "gru.weightIh": ("rnn.weight_ih_l0", lambda w: _zrn_to_rzn(w, 1).T),
    "gru.weightHh": ("rnn.weight_hh_l0", lambda w: _zrn_to_rzn(w, 1).T),
    "gru.biasIh": ("rnn.bias_ih_l0", lambda w: _zrn_to_rzn(w, 0)),
    "gru.biasHh": ("rnn.bias_hh_l0", lambda w: _zrn_to_rzn(w, 0)),
    "fc2.weight": ("fc2.weight", _T),
    "fc2.bias": ("fc2.bias", _ID),
}
_MIXER_LAYERS = {"hyperW1.0": "hyper_w_1.0", "hyperW1.1": "hyper_w_1.2", "hyperB1": "hyper_b_1",
                 "hyperWf.0": "hyper_w_final.0", "hyperWf.1": "hyper_w_final.2", "value.0": "V.0", "value.1": "V.2"}
MIXER_MAP = {}
for _ours, _theirs in _MIXER_LAYERS.items():
    MIXER_MAP[f"{_ours}.weight"] = (f"{_theirs}.weight", _T)
    MIXER_MAP[f"{_ours}.bias"] = (f"{_theirs}.bias", _ID)


def _torch_tensors(arrays, prefix, mapping, module, suffix=""):
    """{torch parameter name: tensor} from our arrays `prefix/name[suffix]`, shapes checked against `module`."""
    import torch as th
    sd = module.state_dict()
    if set(sd) != {t for t, _ in mapping.values()}:
        raise ValueError(f"the reference's {prefix} parameters do not match the checkpoint's")
    out = {}
    for ours, (theirs, f) in mapping.items():
        key = f"{prefix}/{ours}{suffix}"
        if key not in arrays:
            raise ValueError(f"checkpoint has no '{key}' (only dense QMIX runs can be loaded)")
        a = arrays[key]
        w = f(a.reshape(sd[theirs].shape[::-1]) if a.ndim == 1 and sd[theirs].ndim == 2 else a)
        if tuple(w.shape) != tuple(sd[theirs].shape):
            raise ValueError(f"'{key}' has shape {w.shape} in torch layout, the reference needs {tuple(sd[theirs].shape)}")
        out[theirs] = th.from_numpy(np.ascontiguousarray(w, dtype=np.float32))
    return out


def load_into(learner, buffer, path, parts):
    """Load `parts` (a subset of PARTS) of the run state in `path` into the reference's learner and buffer.
    Returns the checkpoint's metadata (config, counters), so the caller can check the settings agree."""
    import torch as th
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown --init-parts {sorted(unknown)}; choose from {PARTS}")
    meta, arrays = read_tensor_file(path)
    cfg = meta["config"]
    if cfg["alg"] != "qmix" or cfg["sparsity"]["mode"] != "dense":
        raise ValueError(f"{path}: only dense QMIX runs can be loaded (got {cfg['alg']}, {cfg['sparsity']['mode']})")
    nets = {"agent": (learner.agent, AGENT_MAP), "mixer": (learner.mixer, MIXER_MAP),
            "targetAgent": (learner.target_agent, AGENT_MAP), "targetMixer": (learner.target_mixer, MIXER_MAP)}
    if "nets" in parts:
        for prefix, (module, mapping) in nets.items():
            module.load_state_dict(_torch_tensors(arrays, prefix, mapping, module))
    if "adam" in parts:
        # our moments are stored flat per parameter, in our layout: same transforms as the weights
        state = {}
        for prefix in ("agent", "mixer"):
            module, mapping = nets[prefix]
            m = _torch_tensors(arrays, f"optimizer/{prefix}", mapping, module, "/m")
            v = _torch_tensors(arrays, f"optimizer/{prefix}", mapping, module, "/v")
            for name, p in module.named_parameters():
                state[p] = {"step": th.tensor(float(meta["optimizerStep"])), "exp_avg": m[name], "exp_avg_sq": v[name]}
        learner.optimiser.state.update(state)
    if "stats" in parts:
        s = meta["rewardStats"]
        learner.rew_ms.mean = th.tensor([s["mean"]], dtype=th.float32)
        learner.rew_ms.var = th.tensor([s["variance"]], dtype=th.float32)
        learner.rew_ms.count = float(s["count"])
    if "buffer" in parts:
        load_buffer(buffer, meta["buffer"]["main"], arrays)
    return meta


def load_buffer(buffer, bmeta, arrays):
    """Our FIFO (`replay.*` arrays, episodes concatenated; `next` the slot written next) into the
    reference's fixed-size arrays, keeping each episode's slot so the FIFO order carries over."""
    n, o = buffer.obs.shape[2], buffer.obs.shape[3]
    s = buffer.state.shape[2]
    count = len(bmeta["lengths"])
    if count > buffer.size:
        raise ValueError(f"checkpoint buffer holds {count} episodes, the reference's --buffer-size is {buffer.size}")
    off = {"obs": 0, "state": 0, "actions": 0, "reward": 0, "terminated": 0}
    for slot, L in enumerate(bmeta["lengths"]):
        take = lambda k, size: arrays[f"replay.{k}"][off[k]:off[k] + size]  # noqa: E731
        obs, state = take("obs", (L + 1) * n * o), take("state", (L + 1) * s)
        actions, reward, term = take("actions", L * n), take("reward", L), take("terminated", L)
        for k, size in (("obs", obs.size), ("state", state.size), ("actions", actions.size), ("reward", L), ("terminated", L)):
            off[k] += size
        for k in ("obs", "state", "actions", "reward", "terminated", "filled"):
            getattr(buffer, k)[slot] = 0
        buffer.obs[slot, :L + 1] = obs.reshape(L + 1, n, o)
        buffer.state[slot, :L + 1] = state.reshape(L + 1, s)
        buffer.actions[slot, :L] = actions.reshape(L, n)
        buffer.reward[slot, :L, 0] = reward
        buffer.terminated[slot, :L, 0] = term
        buffer.filled[slot, :L + 1, 0] = 1.0
    buffer.n_in = count
    buffer.index = bmeta["next"] % buffer.size
