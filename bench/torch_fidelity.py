#!/usr/bin/env python3
"""PyTorch side of `npm run fidelity`: train the ring8 configs saddlepoint trains, in PyTorch.

An independent implementation of the same experiment, written from the config, not from our
code: the ring8 data (8 Gaussians, radius 2, std 0.02), the preset's networks (z 8; G 3x128 ReLU;
D 3x128 LeakyReLU 0.2), He-normal kernels with zero biases (saddlepoint's `he` init), Adam, batch
256, 2,000 G steps of k D updates (each on a fresh real and a fresh generated batch) then one G
update on fresh noise, and the evaluation rule of PacGAN's code on 2,500 samples of the final G
(nearest mode; high quality within 3 std; a mode is captured with one high-quality sample; reverse
KL of the high-quality histogram against uniform). Prints one JSON line per run.

  python3 bench/torch_fidelity.py --config non-saturating --seeds 0,1,2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The settings each config resolves to in saddlepoint (`saddlepoint train --preset ring8 …`, then
# config.json): the loss, D steps per G step, Adam's (lr, beta1, beta2), WGAN-GP's lambda, packing m.
CONFIGS = {
    "non-saturating": dict(loss="ns", k=1, lr=5e-4, betas=(0.5, 0.999), lam=0.0, pack=1),
    "pac2": dict(loss="ns", k=1, lr=5e-4, betas=(0.5, 0.999), lam=0.0, pack=2),
    "wgan-gp": dict(loss="wgan-gp", k=5, lr=5e-4, betas=(0.5, 0.9), lam=0.1, pack=1),
}
RADIUS, STD, MODES, NOISE, WIDTH, BATCH = 2.0, 0.02, 8, 8, 128, 256


def centres():
    a = torch.arange(MODES, dtype=torch.float32) * (2 * math.pi / MODES)
    return torch.stack([RADIUS * torch.cos(a), RADIUS * torch.sin(a)], 1)


def real_batch(n, gen):
    k = torch.randint(0, MODES, (n,), generator=gen)
    return centres()[k] + STD * torch.randn(n, 2, generator=gen)


def mlp(sizes, act, gen):
    layers = []
    for i in range(len(sizes) - 1):
        lin = nn.Linear(sizes[i], sizes[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.randn(lin.weight.shape, generator=gen) * math.sqrt(2 / sizes[i]))
            lin.bias.zero_()
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def pack(x, m):
    return x.reshape(x.shape[0] // m, m * x.shape[1]) if m > 1 else x


def d_loss(cfg, D, real, fake, gen):
    r, f = D(pack(real, cfg["pack"])), D(pack(fake, cfg["pack"]))
    if cfg["loss"] == "ns":
        return F.binary_cross_entropy_with_logits(r, torch.ones_like(r)) + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f))
    alpha = torch.rand(real.shape[0], 1, generator=gen)
    x = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (g,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return f.mean() - r.mean() + cfg["lam"] * ((g.norm(dim=1) - 1) ** 2).mean()


def g_loss(cfg, D, fake):
    f = D(pack(fake, cfg["pack"]))
    if cfg["loss"] == "ns":
        return F.binary_cross_entropy_with_logits(f, torch.ones_like(f))
    return -f.mean()


def evaluate(G, gen, samples=2500):
    with torch.no_grad():
        x = G(torch.randn(samples, NOISE, generator=gen))
    d = torch.cdist(x, centres())
    dist, nearest = d.min(1)
    hq = dist <= 3 * STD
    counts = torch.bincount(nearest[hq], minlength=MODES).float()
    modes = int((counts > 0).sum())
    hq_share = float(hq.float().mean())
    if counts.sum() == 0:
        rkl = None
    else:
        p = counts / counts.sum()
        rkl = float(sum(pi * math.log(pi * MODES) for pi in p.tolist() if pi > 0))
    return modes, hq_share, rkl


def train(name, seed, steps):
    cfg = CONFIGS[name]
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    G = mlp([NOISE, WIDTH, WIDTH, WIDTH, 2], nn.ReLU, gen)
    D = mlp([2 * cfg["pack"], WIDTH, WIDTH, WIDTH, 1], lambda: nn.LeakyReLU(0.2), gen)
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg["lr"], betas=cfg["betas"])
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg["lr"], betas=cfg["betas"])
    t0 = time.perf_counter()
    for _ in range(steps):
        for _ in range(cfg["k"]):
            real = real_batch(BATCH, gen)
            with torch.no_grad():
                fake = G(torch.randn(BATCH, NOISE, generator=gen))
            opt_d.zero_grad()
            d_loss(cfg, D, real, fake, gen).backward()
            opt_d.step()
        opt_g.zero_grad()
        g_loss(cfg, D, G(torch.randn(BATCH, NOISE, generator=gen))).backward()
        opt_g.step()
    modes, hq, rkl = evaluate(G, torch.Generator().manual_seed(10_000 + seed))
    return {"framework": "pytorch", "config": name, "seed": seed, "modes": modes, "highQuality": hq, "reverseKL": rkl, "wallSeconds": time.perf_counter() - t0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=sorted(CONFIGS), required=True)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for seed in (int(s) for s in args.seeds.split(",")):
        print(json.dumps(train(args.config, seed, args.steps)), flush=True)


if __name__ == "__main__":
    main()
