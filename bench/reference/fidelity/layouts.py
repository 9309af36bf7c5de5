"""Print, as JSON, what SMAClite (checked out outside this repository) builds for each of its maps:
the sizes EPyMARL's `get_env_info` reports (agents, actions, observation and state widths), every
unit's type and starting position in SMAClite's numbering, and each terrain preset cell by cell.
`test/fixtures/smaclite-reference.json` is this output; the port's tests check against it.

    PYTHONPATH=bench/reference/fidelity/stubs:$SMACLITE /usr/bin/python3 bench/reference/fidelity/layouts.py \
        --commit 0d6abbe > test/fixtures/smaclite-reference.json
"""
import argparse
import contextlib
import json
import os
import sys

with contextlib.redirect_stdout(sys.stderr):  # SMAClite prints which RVO2 it uses
    from smaclite.env import SMACliteEnv
    from smaclite.env.maps.map import MAP_PRESET_DIR, MapInfo
    from smaclite.env.terrain.terrain import TerrainPreset, TerrainType


def unit_row(u):
    return [u.type.stats.name, round(float(u.pos[0]), 5), round(float(u.pos[1]), 5)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commit", default="", help="the SMAClite commit checked out, recorded in the output")
    args = ap.parse_args()
    maps = {}
    for file in sorted(os.listdir(MAP_PRESET_DIR)):
        if not file.endswith(".json") or file.startswith("example"):
            continue
        info = MapInfo.from_file(os.path.join(MAP_PRESET_DIR, file))
        with contextlib.redirect_stdout(sys.stderr):
            env = SMACliteEnv(map_info=info, seed=0)
            env.reset(seed=0)
        maps[info.name] = {
            "file": file,
            "n_agents": env.n_agents,
            "n_actions": env.n_actions,
            "obs_shape": env.obs_size,
            "state_shape": env.state_size,
            "attack_point": list(info.attack_point),
            "ally_has_shields": info.ally_has_shields,
            "enemy_has_shields": info.enemy_has_shields,
            "unit_type_ids": {t.stats.name: i for t, i in (info.unit_type_ids or {}).items()},
            "terrain": next(p.name.lower() for p in TerrainPreset if p.value == info.terrain),
            "allies": [unit_row(u) for u in env.agents.values()],
            "enemies": [unit_row(u) for u in env.enemies.values()],
        }
    # the presets the maps use, rows from the bottom (y = 0) up, "_" walkable, as SMAClite indexes terrain[y][x]
    used = {m["terrain"] for m in maps.values()}
    terrains = {p.name.lower(): ["".join("_" if c == TerrainType.NORMAL else "X" for c in row) for row in p.value]
                for p in TerrainPreset if p.name.lower() in used}
    json.dump({"source": "uoe-agents/smaclite", "commit": args.commit, "maps": maps, "terrains": terrains}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
