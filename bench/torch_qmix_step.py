"""One QMIX learner update in PyTorch, timed: the peer of `npm run bench -- train-step`.

The same computation as the toolkit's learner: pymarl's RNNAgent (Linear -> ReLU -> GRUCell -> Linear)
unrolled over the batch for the online and the target network, double-Q targets, pymarl2's QMIX mixer
(two-layer hypernetworks) online and target, masked TD loss, Adam, gradient-norm clipping at 10.
Random data of the given shapes. Prints one JSON line: {"medianMs", "threads", "gemmGflops", "coresBusy",
"gemmCoresBusy", "torch", "blas", "blasThreads", "threadEnv"}. gemmGflops is the speed of a 512x512 float32
matrix product at the same thread count: which BLAS this torch resolves decides it (Debian's python3-torch
goes through libblas.so.3, the slow reference BLAS unless OpenBLAS is installed). coresBusy and
gemmCoresBusy are this process's CPU time over wall time while timing (1.0 = one core busy): the check
that the thread count asked for is the one used. torch.set_num_threads does not reach OpenBLAS's own
thread pool; only OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS), set before the library loads, does, so the
caller sets those in this process's environment.

  /usr/bin/python3 bench/torch_qmix_step.py B T N OBS A STATE H REPEATS [THREADS]
"""
import ctypes
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

B, T, N, OBS, A, S, H, REPEATS = (int(x) for x in sys.argv[1:9])
THREADS = int(sys.argv[9]) if len(sys.argv) > 9 else torch.get_num_threads()
torch.set_num_threads(THREADS)
torch.manual_seed(0)
IN = OBS + A + N
E, HE = 32, 64


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.rnn, self.fc2 = nn.Linear(IN, H), nn.GRUCell(H, H), nn.Linear(H, A)

    def unroll(self, x):  # x [T+1, B*N, IN] -> q [B, T+1, N, A]
        h = torch.zeros(x.shape[1], H)
        qs = []
        for t in range(x.shape[0]):
            h = self.rnn(F.relu(self.fc1(x[t])), h)
            qs.append(self.fc2(h))
        return torch.stack(qs).view(x.shape[0], B, N, A).transpose(0, 1)


class Mixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Sequential(nn.Linear(S, HE), nn.ReLU(), nn.Linear(HE, E * N))
        self.b1 = nn.Linear(S, E)
        self.wf = nn.Sequential(nn.Linear(S, HE), nn.ReLU(), nn.Linear(HE, E))
        self.v = nn.Sequential(nn.Linear(S, E), nn.ReLU(), nn.Linear(E, 1))

    def forward(self, q, s):  # q [B, T, N], s [B, T, S] -> [B, T]
        bt = q.shape[0] * q.shape[1]
        s = s.reshape(bt, S)
        w1 = torch.abs(self.w1(s)).view(bt, N, E)
        hidden = F.elu(torch.bmm(q.reshape(bt, 1, N), w1) + self.b1(s).view(bt, 1, E))
        wf = torch.abs(self.wf(s)).view(bt, E, 1)
        return (torch.bmm(hidden, wf) + self.v(s).view(bt, 1, 1)).view(q.shape[0], q.shape[1])


agent, mixer, t_agent, t_mixer = Agent(), Mixer(), Agent(), Mixer()
t_agent.load_state_dict(agent.state_dict())
t_mixer.load_state_dict(mixer.state_dict())
params = list(agent.parameters()) + list(mixer.parameters())
opt = torch.optim.Adam(params, lr=5e-4, eps=1e-5)

x = torch.randn(T + 1, B * N, IN)
states = torch.randn(B, T + 1, S)
actions = torch.randint(0, A, (B, T, N))
avail = torch.ones(B, T + 1, N, A)
reward = torch.randn(B, T)
terminated = torch.zeros(B, T)
filled = torch.ones(B, T)


def update():
    qs = agent.unroll(x)
    chosen = torch.gather(qs[:, :-1], 3, actions.unsqueeze(3)).squeeze(3)
    q_tot = mixer(chosen, states[:, :-1])
    with torch.no_grad():
        t_qs = t_agent.unroll(x)[:, 1:]
        online_next = qs[:, 1:].detach().clone()
        online_next[avail[:, 1:] == 0] = -1e9
        greedy = online_next.argmax(dim=3, keepdim=True)
        target_next = torch.gather(t_qs, 3, greedy).squeeze(3)
        y = reward + 0.99 * (1 - terminated) * t_mixer(target_next, states[:, 1:])
    td = (q_tot - y) * filled
    loss = (td ** 2).sum() / filled.sum()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 10)
    opt.step()


for _ in range(3):
    update()
times = []
cpu0, wall0 = time.process_time(), time.perf_counter()
for _ in range(REPEATS):
    t0 = time.perf_counter()
    update()
    times.append((time.perf_counter() - t0) * 1000)
cores_busy = (time.process_time() - cpu0) / (time.perf_counter() - wall0)


def gemm_gflops(size=512, repeats=10):
    """Best of `repeats` products (GFLOP/s), and the cores busy over all of them."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(repeats))
    busy = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return 2 * size ** 3 / best / 1e9, busy


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def blas_info():
    """OpenBLAS's configuration and thread count, when the BLAS torch loaded is OpenBLAS; else (None, None)."""
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_config.restype = ctypes.c_char_p
        return lib.openblas_get_config().decode(), lib.openblas_get_num_threads()
    except (OSError, AttributeError):
        return None, None


gemm, gemm_busy = gemm_gflops()
blas, blas_threads = blas_info()
print(json.dumps({
    "medianMs": statistics.median(times), "threads": torch.get_num_threads(), "gemmGflops": gemm,
    "coresBusy": cores_busy, "gemmCoresBusy": gemm_busy, "torch": torch.__version__,
    "blas": blas, "blasThreads": blas_threads,
    "threadEnv": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
}))
