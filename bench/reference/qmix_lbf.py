"""A compact PyTorch QMIX on Level-Based Foraging, the reference our learner is compared with.

Written to EPyMARL's design (q_learner, rnn_agent, QMixer, episode runner and buffer) with its LBF
settings, on `lbf.py`, a port of the toolkit's `lbf/8x8-2p-2f-coop`: an independent implementation
of the same training run, to tell a learner's bugs from a task's difficulty (docs/envs.md). Single
process, one thread (OpenBLAS pinned too, see below); with OpenBLAS behind torch (docs/benchmarks.md)
about 2,000 env steps/s, measured before that pinning, when OpenBLAS used both cores.

  /usr/bin/python3 bench/reference/qmix_lbf.py --timeout terminal --seed 1 --log runs/ref-lbf-s1.jsonl

`--init-from RUN/checkpoint.mast --init-parts nets,adam,stats,buffer` continues one of our runs in the
reference from the state our trainer saved (`mast_checkpoint.py`), to tell whether a run's outcome
belongs to its state or to the code that continues it.
"""
import argparse
import copy
import json
import os
import time

# One thread really: torch.set_num_threads(1) below does not reach OpenBLAS's own pool, which uses
# every core unless told before it loads (numpy and torch load it); set these to compare at other counts.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import torch as th  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from lbf import LbfEnv, N_ACTIONS  # noqa: E402

th.set_num_threads(1)


# ----------------------------------------------------------------------------- agent (rnn_agent.py)
class RNNAgent(nn.Module):
    """pymarl's RNNAgent: fc1 -> ReLU -> GRU -> fc2, shared by all agents. An nn.GRU of one layer has
    the GRUCell's parameters and maths; it steps one time step when acting and unrolls a batch when
    training."""

    def __init__(self, input_shape, hidden_dim, n_actions):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.fc1 = nn.Linear(input_shape, hidden_dim)
        self.rnn = nn.GRU(hidden_dim, hidden_dim, batch_first=True)
        self.fc2 = nn.Linear(hidden_dim, n_actions)

    def forward(self, inputs, h):
        """One step: inputs [n, in], h [n, H] -> q [n, A], h' [n, H]."""
        x = F.relu(self.fc1(inputs)).unsqueeze(1)  # [n, 1, H]
        out, h_next = self.rnn(x, h.unsqueeze(0))
        return self.fc2(out.squeeze(1)), h_next.squeeze(0)

    def unroll(self, inputs):
        """inputs [B, T, n, in] -> q [B, T, n, A], from a zero hidden state."""
        B, T, n, _ = inputs.shape
        x = F.relu(self.fc1(inputs)).permute(0, 2, 1, 3).reshape(B * n, T, self.hidden_dim)
        hs, _ = self.rnn(x)  # [B·n, T, H]
        return self.fc2(hs.reshape(B, n, T, self.hidden_dim).permute(0, 2, 1, 3))


class QMixer(nn.Module):
    def __init__(self, n_agents, state_dim, embed_dim=32, hypernet_embed=64):
        super().__init__()
        self.n_agents, self.state_dim, self.embed_dim = n_agents, state_dim, embed_dim
        self.hyper_w_1 = nn.Sequential(nn.Linear(state_dim, hypernet_embed), nn.ReLU(),
                                       nn.Linear(hypernet_embed, embed_dim * n_agents))
        self.hyper_w_final = nn.Sequential(nn.Linear(state_dim, hypernet_embed), nn.ReLU(),
                                           nn.Linear(hypernet_embed, embed_dim))
        self.hyper_b_1 = nn.Linear(state_dim, embed_dim)
        self.V = nn.Sequential(nn.Linear(state_dim, embed_dim), nn.ReLU(), nn.Linear(embed_dim, 1))

    def forward(self, agent_qs, states):
        bs = agent_qs.size(0)
        states = states.reshape(-1, self.state_dim)
        agent_qs = agent_qs.reshape(-1, 1, self.n_agents)
        w1 = th.abs(self.hyper_w_1(states)).view(-1, self.n_agents, self.embed_dim)
        b1 = self.hyper_b_1(states).view(-1, 1, self.embed_dim)
        hidden = F.elu(th.bmm(agent_qs, w1) + b1)
        w_final = th.abs(self.hyper_w_final(states)).view(-1, self.embed_dim, 1)
        v = self.V(states).view(-1, 1, 1)
        return (th.bmm(hidden, w_final) + v).view(bs, -1, 1)


# ----------------------------------------------------------------------------- running mean/std (standarize_stream.py)
class RunningMeanStd:
    def __init__(self, epsilon=1e-4, shape=(1,)):
        self.mean = th.zeros(shape)
        self.var = th.ones(shape)
        self.count = epsilon

    def update(self, arr):
        arr = arr.reshape(-1, arr.size(-1))
        batch_mean = th.mean(arr, dim=0)
        batch_var = th.var(arr, dim=0)  # unbiased, as in EPyMARL
        batch_count = arr.shape[0]
        delta = batch_mean - self.mean
        tot = self.count + batch_count
        new_mean = self.mean + delta * batch_count / tot
        m2 = self.var * self.count + batch_var * batch_count + delta.square() * self.count * batch_count / tot
        self.mean, self.var, self.count = new_mean, m2 / tot, tot


# ----------------------------------------------------------------------------- replay (episode_buffer.py)
class ReplayBuffer:
    def __init__(self, size, max_seq, n, obs_dim, state_dim):
        self.size, self.max_seq = size, max_seq
        self.obs = np.zeros((size, max_seq, n, obs_dim), np.float32)
        self.state = np.zeros((size, max_seq, state_dim), np.float32)
        self.actions = np.zeros((size, max_seq, n), np.int64)
        self.reward = np.zeros((size, max_seq, 1), np.float32)
        self.terminated = np.zeros((size, max_seq, 1), np.float32)
        self.filled = np.zeros((size, max_seq, 1), np.float32)
        self.index = 0
        self.n_in = 0

    def insert(self, ep):
        i = self.index
        for k in ("obs", "state", "actions", "reward", "terminated", "filled"):
            getattr(self, k)[i] = ep[k]
        self.index = (i + 1) % self.size
        self.n_in = max(self.n_in, i + 1)

    def sample(self, batch_size, rng):
        if self.n_in == batch_size:
            ids = np.arange(batch_size)
        else:
            ids = rng.choice(self.n_in, batch_size, replace=False)
        filled = self.filled[ids]
        max_t = int(filled.sum(1).max())  # max_t_filled(): truncate to the longest stored episode (+1)
        return {k: th.from_numpy(getattr(self, k)[ids, :max_t]) for k in
                ("obs", "state", "actions", "reward", "terminated", "filled")}


# ----------------------------------------------------------------------------- learner (q_learner.py)
class QLearner:
    def __init__(self, args, n, obs_dim, state_dim):
        self.args, self.n = args, n
        self.agent = RNNAgent(obs_dim + n, 64, N_ACTIONS)
        self.mixer = QMixer(n, state_dim, 32, 64)
        self.params = list(self.agent.parameters()) + list(self.mixer.parameters())
        self.target_agent = copy.deepcopy(self.agent)
        self.target_mixer = copy.deepcopy(self.mixer)
        self.optimiser = th.optim.Adam(self.params, lr=args.lr, eps=args.adam_eps)
        self.rew_ms = RunningMeanStd(shape=(1,))
        self.last_target_update_episode = 0
        self.eye = th.eye(n)

    def build_inputs(self, obs):  # obs [B, T, n, d] -> + agent id one-hot
        B, T, n, _ = obs.shape
        return th.cat([obs, self.eye.expand(B, T, n, n)], dim=-1)

    def train(self, batch, episode_num):
        a = self.args
        rewards = batch["reward"][:, :-1]
        actions = batch["actions"][:, :-1]
        terminated = batch["terminated"][:, :-1]
        mask = batch["filled"][:, :-1].clone()
        mask[:, 1:] = mask[:, 1:] * (1 - terminated[:, :-1])

        if a.standardise_rewards:
            self.rew_ms.update(rewards)  # note: over every entry of the truncated batch, padding included
            rewards = (rewards - self.rew_ms.mean) / th.sqrt(self.rew_ms.var)

        inputs = self.build_inputs(batch["obs"])
        mac_out = self.agent.unroll(inputs)  # [B, T+1, n, A]
        chosen = th.gather(mac_out[:, :-1], dim=3, index=actions.unsqueeze(3)).squeeze(3)
        with th.no_grad():
            target_mac_out = self.target_agent.unroll(inputs)[:, 1:]
            # all actions are available in LBF (EPyMARL's gym wrapper), so no avail-action masking is needed
            cur_max = mac_out.detach()[:, 1:].max(dim=3, keepdim=True)[1]  # double Q
            target_max = th.gather(target_mac_out, 3, cur_max).squeeze(3)
            target_q_tot = self.target_mixer(target_max, batch["state"][:, 1:])
        q_tot = self.mixer(chosen, batch["state"][:, :-1])
        targets = rewards + a.gamma * (1 - terminated) * target_q_tot
        td = q_tot - targets.detach()
        masked_td = td * mask
        loss = (masked_td ** 2).sum() / mask.sum()
        self.optimiser.zero_grad()
        loss.backward()
        grad_norm = th.nn.utils.clip_grad_norm_(self.params, a.grad_norm_clip)
        self.optimiser.step()
        if (episode_num - self.last_target_update_episode) / a.target_update_interval >= 1.0:
            self.target_agent.load_state_dict(self.agent.state_dict())
            self.target_mixer.load_state_dict(self.mixer.state_dict())
            self.last_target_update_episode = episode_num
        ms = mask.sum().item()
        return {"loss": loss.item(), "q_tot": (q_tot.detach() * mask).sum().item() / ms,
                "target": (targets * mask).sum().item() / ms, "grad_norm": float(grad_norm)}


# ----------------------------------------------------------------------------- runner (episode_runner.py)
def epsilon_at(t_env, args):
    delta = (args.eps_start - args.eps_finish) / args.eps_anneal
    return max(args.eps_finish, args.eps_start - delta * t_env)


def run_episode(env, agent, eye, args, t_env, rng, test_mode):
    n, L = env.n, env.episode_limit
    ep = {"obs": np.zeros((L + 1, n, env.obs_dim), np.float32), "state": np.zeros((L + 1, env.state_dim), np.float32),
          "actions": np.zeros((L + 1, n), np.int64), "reward": np.zeros((L + 1, 1), np.float32),
          "terminated": np.zeros((L + 1, 1), np.float32), "filled": np.zeros((L + 1, 1), np.float32)}
    env.reset()
    h = th.zeros(n, agent.hidden_dim)
    eps = 0.0 if test_mode else epsilon_at(t_env, args)  # runner's t_env is only advanced after the episode
    ret, t = 0.0, 0
    while True:
        obs = env.get_obs()
        ep["obs"][t], ep["state"][t], ep["filled"][t] = obs, obs.reshape(-1), 1.0
        with th.no_grad():
            q, h = agent(th.cat([th.from_numpy(obs), eye], dim=1), h)
        greedy = q.argmax(dim=1).numpy()
        pick_random = rng.random(n) < eps
        acts = np.where(pick_random, rng.integers(N_ACTIONS, size=n), greedy)
        r, cleared, truncated = env.step(acts)
        ret += r
        ep["actions"][t], ep["reward"][t] = acts, r
        if args.timeout == "terminal":
            term = cleared or truncated   # EPyMARL 1.x gym wrapper: the time limit is reported as done
        else:
            term = cleared                # truncation: bootstrap from the next state
        ep["terminated"][t] = float(term)
        t += 1
        if cleared or truncated:
            break
    obs = env.get_obs()  # last_data: stored and marked filled, as EPyMARL's runner does
    ep["obs"][t], ep["state"][t], ep["filled"][t] = obs, obs.reshape(-1), 1.0
    return ep, ret, t


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", choices=["terminal", "bootstrap"], required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--t-max", type=int, default=2_000_000)
    p.add_argument("--max-wall", type=float, default=4500.0)
    p.add_argument("--log-interval", type=int, default=50_000)
    p.add_argument("--test-episodes", type=int, default=32)
    p.add_argument("--log", type=str, required=True)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--buffer-size", type=int, default=5000)
    p.add_argument("--target-update-interval", type=int, default=200)
    p.add_argument("--grad-norm-clip", type=float, default=10.0)
    p.add_argument("--eps-start", type=float, default=1.0)
    p.add_argument("--eps-finish", type=float, default=0.05)
    p.add_argument("--eps-anneal", type=int, default=200_000)
    p.add_argument("--adam-eps", type=float, default=1e-8)
    p.add_argument("--no-standardise-rewards", dest="standardise_rewards", action="store_false")
    p.add_argument("--init-from", type=str, default=None,
                   help="a toolkit run's checkpoint.mast (dense QMIX) to continue from: its step counters, and --init-parts")
    p.add_argument("--init-parts", type=str, default="nets",
                   help="what to load with --init-from: nets (online and target), adam, stats (reward), buffer; comma-separated")
    args = p.parse_args()

    th.manual_seed(args.seed)
    env = LbfEnv(seed=args.seed)
    test_env = LbfEnv(seed=args.seed + 10_000)
    rng = np.random.default_rng(args.seed + 20_000)
    learner = QLearner(args, env.n, env.obs_dim, env.state_dim)
    buffer = ReplayBuffer(args.buffer_size, env.episode_limit + 1, env.n, env.obs_dim, env.state_dim)
    eye = th.eye(env.n)

    t_env, episode, start = 0, 0, time.time()
    if args.init_from:
        from mast_checkpoint import load_into
        parts = [x for x in args.init_parts.split(",") if x]
        meta = load_into(learner, buffer, args.init_from, parts)
        cfg, counters = meta["config"], meta["counters"]
        theirs = {"gamma": args.gamma, "batchSize": args.batch_size, "bufferSize": args.buffer_size,
                  "targetUpdateInterval": args.target_update_interval, "lr": args.lr, "adam eps": args.adam_eps,
                  "terminalOnTimeLimit": args.timeout == "terminal"}
        ours = {**{k: cfg[k] for k in ("gamma", "batchSize", "bufferSize", "targetUpdateInterval")},
                "lr": cfg["optimizer"]["lr"], "adam eps": cfg["optimizer"]["eps"],
                "terminalOnTimeLimit": cfg.get("terminalOnTimeLimit", False)}
        for k in ours:
            if ours[k] != theirs[k]:
                print(f"note: the checkpoint's {k} is {ours[k]}, this run's is {theirs[k]}", flush=True)
        t_env, episode = counters["tEnv"], counters["episodes"]
        learner.last_target_update_episode = counters["lastTargetUpdateEpisode"]
        print(f"continuing {args.init_from} at t_env {t_env}, episode {episode}, with its {', '.join(parts)}", flush=True)
    next_log = (t_env // args.log_interval + 1) * args.log_interval
    t_start = t_env
    win_returns, win_stats = [], []
    os.makedirs(os.path.dirname(args.log) or ".", exist_ok=True)
    logf = open(args.log, "w")
    print(json.dumps(vars(args)), flush=True)
    while t_env < args.t_max:
        ep, ret, T = run_episode(env, learner.agent, eye, args, t_env, rng, test_mode=False)
        buffer.insert(ep)
        if buffer.n_in >= args.batch_size:
            win_stats.append(learner.train(buffer.sample(args.batch_size, rng), episode))
        t_env += T
        episode += 1
        win_returns.append(ret)
        wall = time.time() - start
        if t_env >= next_log or t_env >= args.t_max or wall > args.max_wall:
            tests = [run_episode(test_env, learner.agent, eye, args, t_env, rng, test_mode=True)[1]
                     for _ in range(args.test_episodes)]
            rec = {"t_env": t_env, "wall_s": round(time.time() - start, 1), "episodes": episode,
                   "epsilon": round(epsilon_at(t_env, args), 4),
                   "train_return": float(np.mean(win_returns)), "n_train_eps": len(win_returns),
                   "test_return": float(np.mean(tests)),
                   "test_solved_frac": float(np.mean(np.array(tests) > 0.999)),
                   "q_tot": float(np.mean([s["q_tot"] for s in win_stats])) if win_stats else None,
                   "target": float(np.mean([s["target"] for s in win_stats])) if win_stats else None,
                   "loss": float(np.mean([s["loss"] for s in win_stats])) if win_stats else None,
                   "grad_norm": float(np.mean([s["grad_norm"] for s in win_stats])) if win_stats else None,
                   "rew_mean": float(learner.rew_ms.mean), "rew_std": float(th.sqrt(learner.rew_ms.var)),
                   "steps_per_s": round((t_env - t_start) / (time.time() - start), 1)}
            logf.write(json.dumps(rec) + "\n")
            logf.flush()
            print(json.dumps(rec), flush=True)
            win_returns, win_stats = [], []
            while next_log <= t_env:
                next_log += args.log_interval
            if wall > args.max_wall:
                print("stopping: wall-time limit", flush=True)
                break
    logf.close()


if __name__ == "__main__":
    main()
