"""Play episodes of an ORIGINAL environment (lbforaging or SMAClite, checked out outside this repository)
under one of the harness's policies and print one JSON object: the per-episode returns, lengths and
wins. The port side of the same comparison is `run-port.mjs`; `fidelity.mjs` runs both and compares.

    PYTHONPATH=bench/reference/fidelity/stubs:$LBF:$SMACLITE /usr/bin/python3 run_original.py \
        --task lbf/8x8-2p-2f-coop --policy forager --episodes 250 [--seed0 0] [--limit 50] [--digest]

Tasks use the toolkit's ids (`lbf/[Ks-]SxS-Pp-Ff[-coop]`, `smaclite/<map>`) and are built with the
originals' registration arguments (lbforaging v3: levels 1..2, sight K or S, 50 steps; SMAClite:
its map files, the numpy RVO2). SMAClite has no episode limit of its own: `--limit` (the port's, as
EPyMARL's time limit would) cuts an episode, which then counts as not won.
Policies see only what an agent may do (SMAClite: available actions; lbforaging: its valid actions,
plus positions for `forager`):
  random         uniform over the actions EPyMARL reports available (LBF: all six)
  random-valid   LBF: uniform over lbforaging's valid actions
  forager        LBF: LOAD if valid, else a valid move towards the nearest food (rows first), else NONE
  focus-fire     SMAClite: the lowest-index available attack, else east, else stop, else no-op
  random-attack  SMAClite: a uniform available attack, else a uniform available move, else stop / no-op
An episode in which the original raises is recorded as `crashed` (with the error) and left out of
the comparison. `--digest` adds, per episode, a SHA-256 of every step's observations, rewards and done flags, for the
determinism check (run twice, compare).
"""
import argparse
import contextlib
import hashlib
import json
import re
import sys

import numpy as np

NONE, NORTH, SOUTH, WEST, EAST, LOAD = 0, 1, 2, 3, 4, 5


# --- lbforaging -------------------------------------------------------------------------------------
def make_lbf(task):
    m = re.fullmatch(r"lbf/(?:(\d+)s-)?(\d+)x(\d+)-(\d+)p-(\d+)f(-coop)?", task)
    if not m:
        raise SystemExit(f"not an LBF id: {task}")
    from lbforaging.foraging import ForagingEnv

    sight, size, _, players, food, coop = m.groups()
    size = int(size)
    # the keyword arguments of lbforaging's v3 registration (lbforaging/__init__.py)
    return ForagingEnv(players=int(players), min_player_level=1, max_player_level=2, field_size=(size, size),
                       min_food_level=1, max_food_level=None, max_num_food=int(food),
                       sight=int(sight) if sight else size, max_episode_steps=50, force_coop=coop is not None,
                       grid_observation=False, penalty=0.0)


def lbf_policy(name, env, rng):
    acts = []
    for p in env.players:
        valid = [a.value for a in env._valid_actions[p]]
        if name == "random":
            acts.append(int(rng.integers(6)))
        elif name == "random-valid":
            acts.append(int(valid[int(rng.integers(len(valid)))]))
        elif name == "forager":
            acts.append(forage(p.position, env.field, valid))
        else:
            raise SystemExit(f"unknown LBF policy {name}")
    return acts


def forage(pos, field, valid):
    """LOAD if valid; else towards the nearest food (Manhattan; ties row-major): rows first, then columns."""
    if LOAD in valid:
        return LOAD
    rows, cols = np.nonzero(field)
    if len(rows) == 0:
        return NONE
    d = np.abs(rows - pos[0]) + np.abs(cols - pos[1])
    k = int(np.argmin(d))  # first minimum in row-major order
    fr, fc = int(rows[k]), int(cols[k])
    wanted = []
    if fr < pos[0]:
        wanted.append(NORTH)
    if fr > pos[0]:
        wanted.append(SOUTH)
    if fc < pos[1]:
        wanted.append(WEST)
    if fc > pos[1]:
        wanted.append(EAST)
    for a in wanted:
        if a in valid:
            return a
    return NONE


def run_lbf(args, rng):
    env = make_lbf(args.task)
    out = []
    for e in range(args.episodes):
        obs, _ = env.reset(seed=args.seed0 + e)
        h = hashlib.sha256() if args.digest else None
        ret, t, done = 0.0, 0, False
        while not done:
            obs, rewards, done, _trunc, _info = env.step(lbf_policy(args.policy, env, rng))
            ret += float(sum(rewards))  # EPyMARL sums the agents' rewards
            t += 1
            if h is not None:
                h.update(np.asarray(obs, dtype=np.float32).tobytes() + np.asarray(rewards, dtype=np.float64).tobytes() + bytes([done]))
        out.append({"return": ret, "length": t, "won": None, **({"digest": h.hexdigest()} if h else {})})
    return out


# --- SMAClite -----------------------------------------------------------------------------------------
SMACLITE_FILES = {"MMM": "mmm", "MMM2": "mmm2"}


def make_smaclite(task):
    import os

    from smaclite.env import SMACliteEnv
    from smaclite.env.maps.map import MAP_PRESET_DIR, MapInfo

    name = task[len("smaclite/"):]
    path = os.path.join(MAP_PRESET_DIR, SMACLITE_FILES.get(name, name) + ".json")
    if not os.path.exists(path):
        raise SystemExit(f"SMAClite has no map {name}")
    return SMACliteEnv(map_info=MapInfo.from_file(path), seed=0, use_cpp_rvo2=False)


def smaclite_policy(name, avail, rng):
    acts = []
    for a in avail:
        ok = [i for i, v in enumerate(a) if v]
        attacks = [i for i in ok if i >= 6]
        moves = [i for i in ok if 2 <= i <= 5]
        if name == "random":
            acts.append(int(ok[int(rng.integers(len(ok)))]))
        elif name == "focus-fire":
            acts.append(attacks[0] if attacks else 4 if a[4] else 1 if a[1] else 0)
        elif name == "random-attack":
            pool = attacks or moves
            acts.append(int(pool[int(rng.integers(len(pool)))]) if pool else 1 if a[1] else 0)
        else:
            raise SystemExit(f"unknown SMAClite policy {name}")
    return acts


def run_smaclite(args, rng):
    env = make_smaclite(args.task)
    if not args.limit:
        raise SystemExit("SMAClite needs --limit (the port's episode limit)")
    out = []
    for e in range(args.episodes):
        obs, info = env.reset(seed=args.seed0 + e)
        h = hashlib.sha256() if args.digest else None
        ret, t, done = 0.0, 0, False
        try:
            while not done and t < args.limit:
                obs, reward, done, _trunc, info = env.step(smaclite_policy(args.policy, env.get_avail_actions(), rng))
                ret += float(reward)
                t += 1
                if h is not None:
                    h.update(np.concatenate(obs).astype(np.float32).tobytes() + np.float64(reward).tobytes() + bytes([done]))
        except Exception as err:  # SMAClite's own bugs (e.g. its beam targeter with nobody in reach): count, go on
            out.append({"return": ret, "length": t, "won": None, "crashed": f"{type(err).__name__}: {err}"})
            continue
        won = bool(done and info.get("battle_won", False))
        out.append({"return": ret, "length": t, "won": won, **({"digest": h.hexdigest()} if h else {})})
    return out


class _RecordingShuffle:
    """Stands in for SMAClite's numpy Generator: shuffles with it and records, per tick, every unit's
    state at that moment (after targets, preferred and ORCA velocities; before anyone moves) and the
    acting order, by unit id."""

    def __init__(self, gen, ticks):
        self.gen = gen
        self.ticks = ticks

    def shuffle(self, units):
        rec = {"ids": [u.id for u in units]}
        for key, get in (("x", lambda u: u.pos[0]), ("y", lambda u: u.pos[1]), ("hp", lambda u: u.hp),
                         ("shield", lambda u: u.shield), ("cooldown", lambda u: u.cooldown),
                         ("pvx", lambda u: u.pref_velocity[0]), ("pvy", lambda u: u.pref_velocity[1]),
                         ("vx", lambda u: u.next_velocity[0]), ("vy", lambda u: u.next_velocity[1])):
            rec[key] = [float(get(u)) for u in units]
        self.gen.shuffle(units)
        rec["order"] = [u.id for u in units]
        self.ticks.append(rec)

    def __getattr__(self, name):
        return getattr(self.gen, name)


def run_trace(args, rng):
    """One episode (seed --seed0) with every tick recorded: the actions of each step, its reward and end,
    and per tick the units' state and acting order (see _RecordingShuffle)."""
    env = make_smaclite(args.task)
    obs, info = env.reset(seed=args.seed0)
    ticks, steps = [], []
    env._np_random = _RecordingShuffle(env._np_random, ticks)
    done, t = False, 0
    while not done and t < args.limit:
        avail = env.get_avail_actions()
        actions = smaclite_policy(args.policy, avail, rng)
        first = len(ticks)
        obs, reward, done, _trunc, info = env.step(actions)
        steps.append({"actions": actions, "avail": [[int(v) for v in a] for a in avail], "reward": float(reward), "done": bool(done), "won": bool(info.get("battle_won", False)),
                      "firstTick": first})
        t += 1
    return {"steps": steps, "ticks": ticks}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True)
    ap.add_argument("--policy", required=True)
    ap.add_argument("--episodes", type=int, default=250)
    ap.add_argument("--seed0", type=int, default=0, help="episode e is reset with seed seed0 + e")
    ap.add_argument("--policy-seed", type=int, default=12345, help="seed of the random policies' numpy Generator")
    ap.add_argument("--limit", type=int, default=0, help="SMAClite: cut episodes at this many steps")
    ap.add_argument("--digest", action="store_true")
    ap.add_argument("--trace", action="store_true", help="SMAClite: one episode (seed --seed0), every tick recorded")
    args = ap.parse_args()
    rng = np.random.default_rng(args.policy_seed)
    if args.trace:
        with contextlib.redirect_stdout(sys.stderr):
            trace = run_trace(args, rng)
        json.dump({"side": "original", "task": args.task, "policy": args.policy, "seed": args.seed0, "trace": trace}, sys.stdout)
        sys.stdout.write("\n")
        return
    run = run_lbf if args.task.startswith("lbf/") else run_smaclite
    with contextlib.redirect_stdout(sys.stderr):  # SMAClite prints which RVO2 it uses
        episodes = run(args, rng)
    json.dump({"side": "original", "task": args.task, "policy": args.policy, "seed0": args.seed0, "limit": args.limit,
               "policy_seed": args.policy_seed, "episodes": episodes}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
