#!/usr/bin/env python3
"""PyTorch reference for `saddlepoint bench --vs-torch`: the same models, the same step.

One step = k D updates (1, or 5 for ring8-wgan-gp), each on a fresh real batch and a fresh
generated batch, then one G update on fresh noise, as src/train/step/ does. --threads sets
torch's intra-op threads; the caller sets OPENBLAS_NUM_THREADS (Debian's torch does its matmuls
in OpenBLAS). Prints steps/s; with --json the last line is {"model", "threads", "stepsPerSecond"}.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def ring8(n):
    k = torch.randint(0, 8, (n,))
    angle = k.float() * (2 * math.pi / 8)
    centres = torch.stack([2 * torch.cos(angle), 2 * torch.sin(angle)], 1)
    return centres + 0.02 * torch.randn(n, 2)


def mlp(widths, act):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def build(model):
    if model in ("ring8-preset", "ring8-wgan-gp"):
        # The ring8 preset: z 8, G 3x128 ReLU, D 3x128 LeakyReLU 0.2, batch 256, Adam 5e-4 b1 0.5 (b2 0.9 with the penalty).
        G = mlp([8, 128, 128, 128, 2], nn.ReLU)
        D = mlp([2, 128, 128, 128, 1], lambda: nn.LeakyReLU(0.2))
        betas = (0.5, 0.9) if model == "ring8-wgan-gp" else (0.5, 0.999)
        opt = lambda p: torch.optim.Adam(p, lr=5e-4, betas=betas)
        return G, D, opt(G.parameters()), opt(D.parameters()), 256, 8, ring8
    if model == "dcgan-32":
        up = lambda i, o: [nn.ConvTranspose2d(i, o, 4, 2, 1), nn.BatchNorm2d(o), nn.ReLU()]
        G = nn.Sequential(
            nn.Linear(100, 4 * 4 * 256), nn.BatchNorm1d(4 * 4 * 256), nn.ReLU(),
            nn.Unflatten(1, (256, 4, 4)),
            *up(256, 128), *up(128, 64),
            nn.ConvTranspose2d(64, 3, 4, 2, 1), nn.Tanh(),
        )
        D = nn.Sequential(
            nn.Conv2d(3, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Conv2d(128, 256, 4, 2, 1), nn.BatchNorm2d(256), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(256 * 4 * 4, 1),
        )
        opt = lambda p: torch.optim.Adam(p, lr=2e-4, betas=(0.5, 0.999))
        images = lambda n: torch.rand(n, 3, 32, 32) * 2 - 1
        return G, D, opt(G.parameters()), opt(D.parameters()), 64, 100, images
    if model in ("mlp-gan", "mlp-gan-gp"):
        G = mlp([64, 512, 512, 512, 2], nn.ReLU)
        D = mlp([2, 512, 512, 512, 1], lambda: nn.LeakyReLU(0.2))
        opt = lambda p: torch.optim.Adam(p, lr=1e-4, betas=(0.5, 0.999))
        return G, D, opt(G.parameters()), opt(D.parameters()), 512, 64, ring8
    G = nn.Sequential(
        nn.Linear(100, 7 * 7 * 128), nn.BatchNorm1d(7 * 7 * 128), nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(),
    )
    D = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1),
    )
    opt = lambda p: torch.optim.Adam(p, lr=2e-4, betas=(0.5, 0.999))
    images = lambda n: torch.rand(n, 1, 28, 28) * 2 - 1
    return G, D, opt(G.parameters()), opt(D.parameters()), 64, 100, images


def gradient_penalty(D, real, fake, lam):
    alpha = torch.rand(real.shape[0], 1)
    x = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return lam * ((grad.norm(2, dim=1) - 1) ** 2).mean()


def make_step(model):
    G, D, optG, optD, batch, zdim, data = build(model)
    gp = model in ("mlp-gan-gp", "ring8-wgan-gp")
    lam = 1.0 if model == "ring8-wgan-gp" else 10.0
    k = 5 if model == "ring8-wgan-gp" else 1

    def step():
        for _ in range(k):
            real = data(batch)
            with torch.no_grad():
                fake = G(torch.randn(batch, zdim))
            d_real, d_fake = D(real), D(fake)
            if gp:
                loss_d = d_fake.mean() - d_real.mean() + gradient_penalty(D, real, fake, lam)
            else:
                loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
            optD.zero_grad(set_to_none=True)
            loss_d.backward()
            optD.step()
        out = D(G(torch.randn(batch, zdim)))
        loss_g = -out.mean() if gp else F.softplus(-out).mean()
        optG.zero_grad(set_to_none=True)
        loss_g.backward()
        optG.step()

    return step


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["ring8-preset", "ring8-wgan-gp", "mlp-gan", "mlp-gan-gp", "dcgan-mnist", "dcgan-32"], default="mlp-gan")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--windows", type=int, default=3)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    step = make_step(a.model)
    for _ in range(3):
        step()
    rates = []
    for _ in range(a.windows):
        t0, n = time.perf_counter(), 0
        while n < 2 or time.perf_counter() - t0 < a.seconds:
            step()
            n += 1
        rates.append(n / (time.perf_counter() - t0))
    rate = statistics.median(rates)
    print(f"{a.model} torch {torch.__version__} threads {a.threads}: {rate:.2f} steps/s")
    if a.json:
        print(json.dumps({"model": a.model, "threads": a.threads, "stepsPerSecond": rate}))


if __name__ == "__main__":
    main()
