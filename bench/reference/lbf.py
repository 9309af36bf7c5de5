"""Level-Based Foraging for `qmix_lbf.py`: a line-by-line port of src/envs/lbf.ts (lbforaging v3 rules,
`8x8-2p-2f-coop` by default). Only the randomness differs: numpy's seeded Generator instead of the
toolkit's Rng. `python3 bench/reference/lbf.py` runs hand-made mechanics checks and a random policy
(mean return ~0.004, any reward in ~0.9% of episodes).
"""
import numpy as np

NONE, NORTH, SOUTH, WEST, EAST, LOAD = 0, 1, 2, 3, 4, 5
MOVES = {NORTH: (-1, 0), SOUTH: (1, 0), WEST: (0, -1), EAST: (0, 1)}
N_ACTIONS = 6


class Player:
    __slots__ = ("row", "col", "level")

    def __init__(self, row, col, level):
        self.row, self.col, self.level = row, col, level


class LbfEnv:
    def __init__(self, size=8, players=2, max_food=2, sight=8, force_coop=True, max_player_level=2,
                 episode_limit=50, seed=0):
        self.s, self.n, self.max_food, self.d = size, players, max_food, sight
        self.force_coop, self.max_player_level, self.episode_limit = force_coop, max_player_level, episode_limit
        self.field = np.zeros(size * size, dtype=np.int64)
        self.players = []
        self.food_spawned = 0
        self.t = 0
        self.running = False
        self.rng = np.random.default_rng(seed)
        self.obs_dim = 3 * (max_food + players)
        self.state_dim = self.obs_dim * players

    # --- helpers ---------------------------------------------------------
    def food(self, row, col):
        s = self.s
        return int(self.field[row * s + col]) if 0 <= row < s and 0 <= col < s else 0

    def player_at(self, row, col):
        return any(p.row == row and p.col == col for p in self.players)

    def crowded(self, row, col):
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                if self.food(row + dr, col + dc) > 0:
                    return True
        return any(self.food(row + d, col) > 0 or self.food(row, col + d) > 0 for d in (-2, 2))

    def _int(self, n):  # uniform integer in [0, n)
        return int(self.rng.integers(n))

    # --- episode -----------------------------------------------------------
    def reset(self):
        s = self.s
        self.field[:] = 0
        self.players = []
        for _ in range(self.n):
            for _attempt in range(1000):
                row, col = self._int(s), self._int(s)
                if self.player_at(row, col):
                    continue
                self.players.append(Player(row, col, 1 + self._int(self.max_player_level)))
                break
        levels = sorted(p.level for p in self.players)
        max_level = sum(levels[:3])
        min_level = max_level if self.force_coop else 1
        spawned = 0
        attempt = 0
        while spawned < self.max_food and attempt < 1000:
            attempt += 1
            row = 1 + self._int(s - 2)
            col = 1 + self._int(s - 2)
            if self.crowded(row, col) or self.player_at(row, col):
                continue
            self.field[row * s + col] = min_level if min_level == max_level else min_level + self._int(max_level - min_level + 1)
            spawned += 1
        self.food_spawned = int(self.field.sum())
        self.t = 0
        self.running = True

    def adjacent_food(self, p):
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            if self.food(p.row + dr, p.col + dc) > 0:
                return (p.row + dr, p.col + dc)
        return None

    def valid(self, p, a):
        if a == NONE:
            return True
        if a == LOAD:
            return self.adjacent_food(p) is not None
        dr, dc = MOVES[a]
        r, c = p.row + dr, p.col + dc
        return 0 <= r < self.s and 0 <= c < self.s and self.food(r, c) == 0

    def step(self, actions):
        """Returns (team_reward, terminated(cleared), truncated)."""
        assert self.running
        self.t += 1
        acts = [int(a) if self.valid(self.players[i], int(a)) else NONE for i, a in enumerate(actions)]
        # move: a player moves unless another player ends up targeting the same cell
        targets = []
        for p, a in zip(self.players, acts):
            mv = MOVES.get(a)
            targets.append((p.row + mv[0], p.col + mv[1]) if mv else (p.row, p.col))
        claims = {}
        for t in targets:
            claims[t] = claims.get(t, 0) + 1
        for p, t in zip(self.players, targets):
            if claims[t] == 1:
                p.row, p.col = t
        # load
        reward = 0.0
        loading = [acts[i] == LOAD for i in range(self.n)]
        for i, p in enumerate(self.players):
            if not loading[i]:
                continue
            at = self.adjacent_food(p)
            if at is None:
                loading[i] = False
                continue
            fr, fc = at
            level = self.food(fr, fc)
            group = [j for j, q in enumerate(self.players)
                     if loading[j] and abs(q.row - fr) + abs(q.col - fc) == 1]
            for j in group:
                loading[j] = False
            group_level = sum(self.players[j].level for j in group)
            if group_level < level:
                continue
            for j in group:
                reward += (self.players[j].level * level) / (group_level * self.food_spawned)
            self.field[fr * self.s + fc] = 0
        cleared = not self.field.any()
        truncated = (not cleared) and self.t >= self.episode_limit
        if cleared or truncated:
            self.running = False
        return reward, cleared, truncated

    def get_obs(self):
        s, d, mf = self.s, self.d, self.max_food
        out = np.empty((self.n, self.obs_dim), dtype=np.float32)
        for i, me in enumerate(self.players):
            o = out[i]
            o[0::3] = -1
            o[1::3] = -1
            o[2::3] = 0
            r0, c0 = max(me.row - d, 0), max(me.col - d, 0)
            k = 0
            for r in range(r0, min(me.row + d + 1, s)):
                for c in range(c0, min(me.col + d + 1, s)):
                    f = self.food(r, c)
                    if f > 0 and k < mf:
                        o[3 * k:3 * k + 3] = (r - r0, c - c0, f)
                        k += 1
            seen = []
            for q in [me] + [p for p in self.players if p is not me]:
                y, x = q.row - r0, q.col - c0
                if min(y, x) >= 0 and max(y, x) <= 2 * d:
                    seen.append((y, x, q.level))
            for j, yxl in enumerate(seen):
                o[3 * (mf + j):3 * (mf + j) + 3] = yxl
        return out

    def get_state(self, obs=None):
        return (self.get_obs() if obs is None else obs).reshape(-1).copy()


def self_check(episodes=2000, seed=123):
    env = LbfEnv(seed=seed)
    rng = np.random.default_rng(seed + 1)
    rets, steps = [], 0
    for _ in range(episodes):
        env.reset()
        ret = 0.0
        while True:
            r, term, trunc = env.step(rng.integers(N_ACTIONS, size=env.n))
            ret += r
            steps += 1
            if term or trunc:
                break
        rets.append(ret)
    rets = np.array(rets)
    return rets.mean(), (rets > 0).mean(), steps


if __name__ == "__main__":
    import time
    # hand-made mechanics checks
    env = LbfEnv(seed=0)
    env.reset()
    env.field[:] = 0
    env.players = [Player(2, 2, 1), Player(2, 4, 2)]
    env.field[2 * 8 + 3] = 3
    env.food_spawned = 3
    env.field[5 * 8 + 5] = 3
    env.food_spawned = 6
    env.t = 0
    env.running = True
    r, term, trunc = env.step([LOAD, LOAD])
    assert abs(r - 0.5) < 1e-12 and not term, (r, term)
    env.players = [Player(4, 5, 1), Player(6, 5, 2)]
    r, term, trunc = env.step([SOUTH, NORTH])  # both target (5,5) which is food -> invalid -> NONE
    assert r == 0 and (env.players[0].row, env.players[1].row) == (4, 6)
    r, term, trunc = env.step([LOAD, NONE])  # level 1 < 3: fails
    assert r == 0 and not term
    r, term, trunc = env.step([LOAD, LOAD])
    assert abs(r - 0.5) < 1e-12 and term
    env2 = LbfEnv(seed=1)
    env2.reset()
    env2.field[:] = 0
    env2.field[0] = 0
    env2.players = [Player(3, 3, 1), Player(3, 5, 1)]
    env2.field[7 * 8 + 7] = 2
    env2.food_spawned = 2
    env2.running = True
    env2.step([EAST, WEST])  # both target (3,4): neither moves
    assert (env2.players[0].col, env2.players[1].col) == (3, 5)
    env2.step([EAST, NONE])
    assert env2.players[0].col == 4
    env2.step([EAST, WEST])  # swap: targets distinct -> both move
    assert (env2.players[0].col, env2.players[1].col) == (5, 4)
    print("mechanics checks ok")
    t0 = time.time()
    mean, frac, steps = self_check()
    dt = time.time() - t0
    print(f"random policy over 2000 episodes: mean return {mean:.5f}, fraction with any reward {frac*100:.2f}%, "
          f"{steps} steps, {steps/dt:.0f} env steps/s (env only)")
