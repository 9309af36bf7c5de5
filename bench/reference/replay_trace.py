"""Replay episodes recorded from the toolkit's LbfEnv in the port `lbf.py` and compare every step.

Reads JSON from stdin: {"size", "players", "food", "coop", "episodes": [{"layout": {"players": [{row, col,
level}], "food": [{row, col, level}]}, "steps": [{"obs", "actions", "reward", "terminated", "truncated"}],
"finalObs"}]}. Prints one JSON line: {"episodes", "steps", "mismatches", "first"} (first: where the
first mismatch is, or null). Used by test/envs/lbf-reference-port.test.ts.
"""
import json
import sys

import numpy as np

from lbf import LbfEnv, Player


def replay(spec):
    env = LbfEnv(size=spec["size"], players=spec["players"], max_food=spec["food"], sight=spec["size"],
                 force_coop=spec["coop"])
    steps, mismatches, first = 0, 0, None
    for k, ep in enumerate(spec["episodes"]):
        env.reset()
        env.field[:] = 0
        env.players = [Player(p["row"], p["col"], p["level"]) for p in ep["layout"]["players"]]
        for f in ep["layout"]["food"]:
            env.field[f["row"] * env.s + f["col"]] = f["level"]
        env.food_spawned, env.t, env.running = int(env.field.sum()), 0, True
        problem = None
        for i, st in enumerate(ep["steps"]):
            if not np.array_equal(env.get_obs(), np.array(st["obs"], dtype=np.float32)):
                problem = f"episode {k} step {i}: observation"
                break
            reward, terminated, truncated = env.step(st["actions"])
            steps += 1
            if abs(reward - st["reward"]) > 1e-9 or terminated != st["terminated"] or truncated != st["truncated"]:
                problem = f"episode {k} step {i}: reward/end ({reward}, {terminated}, {truncated})"
                break
        else:
            if not np.array_equal(env.get_obs(), np.array(ep["finalObs"], dtype=np.float32)):
                problem = f"episode {k}: final observation"
        if problem:
            mismatches += 1
            first = first or problem
    return {"episodes": len(spec["episodes"]), "steps": steps, "mismatches": mismatches, "first": first}


if __name__ == "__main__":
    print(json.dumps(replay(json.load(sys.stdin))))
