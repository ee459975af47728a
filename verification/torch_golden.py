#!/usr/bin/python3
"""Writes the golden files of verification/golden/torch/ from real PyTorch.

Run with Debian's python3-torch (1.13), from the project root:

    apt-get install -y python3-torch; /usr/bin/python3 verification/torch_golden.py

Every value is read back from torch itself; nothing here re-implements an operation. Floats are stored as
their bit patterns (lowercase hex, 8 digits for float32, 16 for float64), integers as JSON numbers. The
script is deterministic: inputs come from generators seeded per case, torch runs on one thread, and
re-running it rewrites byte-identical files. The schema is in verification/README.md.
"""

import contextlib
import io
import json
import os
import platform
import re
import subprocess
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "verification", "golden", "torch")
SEED_TEXT = os.path.join(os.path.dirname(ROOT), "shared", "seed")
COMMAND = "apt-get install -y python3-torch; /usr/bin/python3 verification/torch_golden.py"


# --------------------------------------------------------------------------------------------- encoding

def enc(t):
    """A tensor as {dtype, shape, bits} (floats, row-major) or {dtype, shape, values} (int64)."""
    t = t.detach().contiguous()
    shape = list(t.shape)
    flat = t.reshape(-1)
    if t.dtype == torch.float32:
        bits = ["%08x" % (b & 0xFFFFFFFF) for b in flat.view(torch.int32).tolist()]
        return {"dtype": "float32", "shape": shape, "bits": bits}
    if t.dtype == torch.float64:
        bits = ["%016x" % (b & 0xFFFFFFFFFFFFFFFF) for b in flat.view(torch.int64).tolist()]
        return {"dtype": "float64", "shape": shape, "bits": bits}
    if t.dtype == torch.int64:
        return {"dtype": "int64", "shape": shape, "values": flat.tolist()}
    raise ValueError("unsupported dtype %s" % t.dtype)


def f32hex(x):
    """A Python float rounded to float32, as 8 hex digits."""
    return enc(torch.tensor(x, dtype=torch.float32))["bits"][0]


def header(what):
    config = torch.__config__.show()
    capability = re.search(r"CPU capability usage: (\S+)", config)
    gcc = re.search(r"- GCC ([0-9.]+)", config)
    try:
        deb = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        deb = "unknown"
    return {
        "generated_by": "real PyTorch (values read back from torch itself; no re-implementation)",
        "torch_version": torch.__version__,
        "torch_build": "Debian python3-torch %s, GCC %s" % (deb, gcc.group(1) if gcc else "?"),
        "cpu_capability": capability.group(1) if capability else "?",
        "machine": "%s %s" % (platform.machine(), platform.system()),
        "num_threads": torch.get_num_threads(),
        "command": COMMAND,
        "what": what,
    }


def write(name, what, body):
    doc = header(what)
    doc.update(body)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


# --------------------------------------------------------------------------------------------- cases

class Cases:
    """Builds op cases: inputs, forward output, an upstream gradient and the inputs' gradients."""

    def __init__(self):
        self.cases = []
        self.ids = set()
        self.seed = 1000

    def gen(self):
        self.seed += 1
        return torch.Generator().manual_seed(self.seed)

    def randn(self, *shape, scale=1.0, dtype=torch.float32):
        return (torch.randn(tuple(shape), generator=self.gen(), dtype=torch.float64) * scale).to(dtype)

    def add(self, cid, op, fn, inputs, args=None, grads=None, upstream="random"):
        """fn(**leaves) -> output. grads: names of the inputs to differentiate (default: every float input).
        upstream: "random" (a fixed random gradient of the output's shape; 1-element outputs use 1) or None."""
        assert cid not in self.ids, cid
        self.ids.add(cid)
        if grads is None:
            grads = [k for k, v in inputs.items() if v is not None and v.dtype.is_floating_point]
        leaves = {}
        for k, v in inputs.items():
            leaves[k] = None if v is None else v.detach().clone().requires_grad_(k in grads)
        out = fn(**leaves)
        rec = {"id": cid, "op": op, "args": args or {},
               "inputs": {k: enc(v) for k, v in inputs.items() if v is not None},
               "output": enc(out)}
        if grads and upstream is not None:
            if out.numel() == 1:
                go = torch.ones_like(out)
            else:
                go = self.randn(*out.shape, dtype=out.dtype)
            out.backward(go)
            rec["grad_output"] = enc(go)
            rec["grads"] = {k: enc(leaves[k].grad) if leaves[k].grad is not None else None for k in grads}
        self.cases.append(rec)


def shape_id(*shapes):
    return "_".join("x".join(str(s) for s in sh) if len(sh) else "scalar" for sh in shapes)


def away_from_zero(t, margin=0.5):
    return torch.where(t < 0, t - margin, t + margin)


def ops_cases():
    c = Cases()
    pairs = [([5], [5]), ([17], [17]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]),
             ([2, 3, 4], []), ([4], [2, 1, 4]), ([2, 3, 4], [2, 3, 4])]
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for name, f in binary.items():
        for sa, sb in pairs:
            a = c.randn(*sa)
            b = c.randn(*sb)
            if name == "div":
                b = away_from_zero(b)
            c.add("%s_%s" % (name, shape_id(sa, sb)), name, lambda a, b, f=f: f(a, b), {"a": a, "b": b})
    for alpha in [0.5, -2.5, 0.1]:
        a, b = c.randn(3, 4), c.randn(4)
        c.add("add_alpha%s_3x4_4" % alpha, "add", lambda a, b, al=alpha: torch.add(a, b, alpha=al),
              {"a": a, "b": b}, {"alpha": alpha})
    for name, f in binary.items():
        a, b = c.randn(4, 5, dtype=torch.float64), c.randn(5, dtype=torch.float64)
        if name == "div":
            b = away_from_zero(b)
        c.add("%s_f64_4x5_5" % name, name, lambda a, b, f=f: f(a, b), {"a": a, "b": b})
    # maximum, with ties (values on a coarse grid)
    a = torch.randint(-3, 4, (4, 5), generator=c.gen()).float()
    b = torch.randint(-3, 4, (5,), generator=c.gen()).float()
    c.add("maximum_ties_4x5_5", "maximum", lambda a, b: torch.maximum(a, b), {"a": a, "b": b})
    a, b = c.randn(17), c.randn(17)
    c.add("maximum_17_17", "maximum", lambda a, b: torch.maximum(a, b), {"a": a, "b": b})

    scalars = {"add_scalar": (2.5, lambda x, v: x + v), "sub_scalar": (0.3, lambda x, v: x - v),
               "mul_scalar": (-1.7, lambda x, v: x * v), "div_scalar": (3.0, lambda x, v: x / v)}
    for name, (v, f) in scalars.items():
        for shape in ([7], [3, 4]):
            c.add("%s_%s" % (name, shape_id(shape)), name, lambda x, f=f, v=v: f(x, v), {"x": c.randn(*shape)},
                  {"value": v})

    for shape in ([5], [33], [4, 5]):
        sid = shape_id(shape)
        c.add("neg_" + sid, "neg", lambda x: torch.neg(x), {"x": c.randn(*shape)})
        c.add("exp_" + sid, "exp", lambda x: torch.exp(x), {"x": c.randn(*shape, scale=3)})
        c.add("log_" + sid, "log", lambda x: torch.log(x), {"x": torch.exp(c.randn(*shape, scale=2))})
        c.add("sqrt_" + sid, "sqrt", lambda x: torch.sqrt(x), {"x": torch.exp(c.randn(*shape, scale=2))})
    # log near 1, where log x is small and its relative accuracy matters
    c.add("log_near1_33", "log", lambda x: torch.log(x), {"x": 1 + c.randn(33, scale=1e-3)})
    for p in [2.0, 3.0, 0.5, -1.0, -2.0, -0.5, 1.5, -2.5, 0.0, 1.0]:
        for shape in ([5], [33]):
            x = torch.exp(c.randn(*shape))
            c.add("pow%s_%s" % (p, shape_id(shape)), "pow", lambda x, p=p: torch.pow(x, p), {"x": x},
                  {"exponent": p})

    # reductions
    for shape in ([1], [5], [17], [1000], [3, 4, 5], [7, 130]):
        sid = shape_id(shape)
        x = c.randn(*shape)
        c.add("sum_all_" + sid, "sum_all", lambda x: x.sum(), {"x": x})
        c.add("mean_all_" + sid, "mean_all", lambda x: x.mean(), {"x": x})
        for d in range(len(shape)):
            for keep in (False, True):
                suffix = "%s_dim%d%s" % (sid, d, "_keep" if keep else "")
                x = c.randn(*shape)
                c.add("sum_" + suffix, "sum", lambda x, d=d, k=keep: x.sum(d, keepdim=k), {"x": x},
                      {"dim": d, "keepdim": keep})
                x = c.randn(*shape)
                c.add("mean_" + suffix, "mean", lambda x, d=d, k=keep: x.mean(d, keepdim=k), {"x": x},
                      {"dim": d, "keepdim": keep})
    for shape in ([5], [17], [3, 4, 5], [7, 130]):
        for d in range(len(shape)):
            for keep in (False, True):
                suffix = "%s_dim%d%s" % (shape_id(shape), d, "_keep" if keep else "")
                x = c.randn(*shape)
                c.add("amax_" + suffix, "amax", lambda x, d=d, k=keep: x.amax(d, keepdim=k), {"x": x},
                      {"dim": d, "keepdim": keep})
    for d in range(3):
        x = torch.randint(0, 3, (3, 4, 5), generator=c.gen()).float()
        c.add("amax_ties_3x4x5_dim%d" % d, "amax", lambda x, d=d: x.amax(d, keepdim=False), {"x": x},
              {"dim": d, "keepdim": False})
    # negative dims reach the same kernels
    x = c.randn(3, 4, 5)
    c.add("sum_3x4x5_dim-1", "sum", lambda x: x.sum(-1), {"x": x}, {"dim": -1, "keepdim": False})
    x = c.randn(3, 4, 5)
    c.add("amax_3x4x5_dim-2_keep", "amax", lambda x: x.amax(-2, keepdim=True), {"x": x},
          {"dim": -2, "keepdim": True})

    # matrix products
    for sa, sb in [([3, 4], [4, 5]), ([7, 16], [16, 3]), ([1, 26], [26, 2]), ([9, 40], [40, 7])]:
        c.add("mm_" + shape_id(sa, sb), "mm", lambda a, b: torch.mm(a, b), {"a": c.randn(*sa), "b": c.randn(*sb)})
    for sa, sb in [([10], [10]), ([40], [40]), ([3, 6], [6]), ([6], [6, 4]), ([5, 8], [8, 3]), ([33], [33, 2])]:
        c.add("matmul_" + shape_id(sa, sb), "matmul", lambda a, b: torch.matmul(a, b),
              {"a": c.randn(*sa), "b": c.randn(*sb)})
    a, b = c.randn(4, 5, dtype=torch.float64), c.randn(5, 3, dtype=torch.float64)
    c.add("mm_f64_4x5_5x3", "mm", lambda a, b: torch.mm(a, b), {"a": a, "b": b})

    # views and indexing
    x = c.randn(3, 4, 5)
    for d0, d1 in [(0, 1), (0, 2), (1, 2), (-1, 0)]:
        c.add("transpose_3x4x5_%d_%d" % (d0, d1), "transpose", lambda x, a=d0, b=d1: x.transpose(a, b),
              {"x": c.randn(3, 4, 5)}, {"dim0": d0, "dim1": d1})
    c.add("t_4x5", "t", lambda x: x.t(), {"x": c.randn(4, 5)})
    for d, i in [(0, 1), (1, 3), (2, 0), (2, -1), (-2, -4)]:
        c.add("select_3x4x5_%d_%d" % (d, i), "select", lambda x, d=d, i=i: x.select(d, i), {"x": c.randn(3, 4, 5)},
              {"dim": d, "index": i})
    for shape in ([60], [12, 5], [2, -1, 3], [5, 3, 4]):
        c.add("view_3x4x5_to_" + "x".join(map(str, shape)), "view", lambda x, s=shape: x.view(*s),
              {"x": c.randn(3, 4, 5)}, {"shape": shape})
    c.add("reshape_4x5_to_20", "reshape", lambda x: x.reshape(20), {"x": c.randn(4, 5)}, {"shape": [20]})
    c.add("unsqueeze_4x5_1", "unsqueeze", lambda x: x.unsqueeze(1), {"x": c.randn(4, 5)}, {"dim": 1})
    c.add("squeeze_4x1x5_1", "squeeze", lambda x: x.squeeze(1), {"x": c.randn(4, 1, 5)}, {"dim": 1})
    for src, dst in [([3, 1], [3, 4]), ([4], [6, 4]), ([1, 5], [2, 7, 5])]:
        c.add("expand_%s_to_%s" % (shape_id(src), shape_id(dst)), "expand", lambda x, s=dst: x.expand(*s),
              {"x": c.randn(*src)}, {"shape": dst})
    for shape, d, ishape, n in [([4, 5], 0, [6, 5], 4), ([4, 5], 1, [4, 7], 5), ([2, 3, 4], 1, [2, 5, 4], 3),
                                ([2, 3, 4], 2, [2, 3, 2], 4), ([2, 3, 4], 0, [3, 3, 4], 2), ([6], 0, [9], 6)]:
        x = c.randn(*shape)
        index = torch.randint(0, n, ishape, generator=c.gen())
        c.add("gather_%s_dim%d_%s" % (shape_id(shape), d, shape_id(ishape)), "gather",
              lambda x, index, d=d: torch.gather(x, d, index), {"x": x, "index": index}, {"dim": d})

    # affine maps: F.linear with 1-D, 2-D and 3-D inputs, with and without bias
    for xs, (o, i) in [([5], (3, 5)), ([4, 5], (3, 5)), ([2, 3, 5], (3, 5)), ([1, 26], (2, 26)),
                       ([9, 40], (7, 40)), ([2, 4, 6], (5, 6)), ([26], (2, 26))]:
        for bias in (True, False):
            x, w = c.randn(*xs), c.randn(o, i, scale=0.3)
            inputs = {"x": x, "weight": w, "bias": c.randn(o) if bias else None}
            c.add("linear_%s_w%dx%d%s" % (shape_id(xs), o, i, "" if bias else "_nobias"), "linear",
                  lambda x, weight, bias=None: F.linear(x, weight, bias), inputs)
    # nn.Linear itself, initialised from torch.manual_seed (dlblocks' Generator draws the same values)
    for seed, (i, o), xs in [(0, (4, 3), [6, 4]), (1, (5, 3), [2, 5]), (7, (26, 2), [1, 26])]:
        torch.manual_seed(seed)
        lin = nn.Linear(i, o)
        x = c.randn(*xs)
        c.add("nn_linear_seed%d_%dto%d_%s" % (seed, i, o, shape_id(xs)), "nn_linear",
              lambda x, lin=lin: lin(x), {"x": x}, {"seed": seed, "in": i, "out": o})
        # the module's own parameters (its init) and their gradients from that backward
        c.cases[-1]["module"] = {"weight": enc(lin.weight), "bias": enc(lin.bias),
                                 "weight_grad": enc(lin.weight.grad), "bias_grad": enc(lin.bias.grad)}

    # non-linearities: contiguous runs of 5, 33 (32 vectorised + 1 scalar) and 4x5 elements
    special = torch.tensor([0.0, -0.0, 1e-30, -1e-30, 20.0, -20.0, 100.0, -100.0, float("inf"), float("-inf")])
    for shape in ([5], [33], [4, 5]):
        sid = shape_id(shape)
        c.add("relu_" + sid, "relu", lambda x: F.relu(x), {"x": c.randn(*shape)})
        c.add("tanh_" + sid, "tanh", lambda x: torch.tanh(x), {"x": c.randn(*shape, scale=2)})
        c.add("sigmoid_" + sid, "sigmoid", lambda x: torch.sigmoid(x), {"x": c.randn(*shape, scale=3)})
    c.add("relu_special_10", "relu", lambda x: F.relu(x), {"x": special})
    c.add("tanh_special_10", "tanh", lambda x: torch.tanh(x), {"x": special})
    c.add("sigmoid_special_10", "sigmoid", lambda x: torch.sigmoid(x), {"x": special})
    wide = torch.cat([special, c.randn(23, scale=8)])
    c.add("tanh_wide_33", "tanh", lambda x: torch.tanh(x), {"x": wide})
    c.add("sigmoid_wide_33", "sigmoid", lambda x: torch.sigmoid(x), {"x": wide})
    c.add("relu_nan_3", "relu", lambda x: F.relu(x), {"x": torch.tensor([float("nan"), -1.0, 1.0])})
    return c.cases


def softmax_cases():
    c = Cases()
    c.seed = 5000
    shapes = [[5], [17], [3, 4], [4, 9], [2, 3, 4], [3, 1, 5]]
    for shape in shapes:
        for d in range(len(shape)):
            for name, f in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
                suffix = "%s_dim%d" % (shape_id(shape), d)
                c.add("%s_%s" % (name, suffix), name, lambda x, f=f, d=d: f(x, dim=d), {"x": c.randn(*shape)},
                      {"dim": d})
                c.add("%s_big_%s" % (name, suffix), name, lambda x, f=f, d=d: f(x, dim=d),
                      {"x": c.randn(*shape, scale=1e4)}, {"dim": d})
    for name, f in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
        for d in (-1, -2):
            c.add("%s_3x4_dim%d" % (name, d), name, lambda x, f=f, d=d: f(x, dim=d), {"x": c.randn(3, 4)},
                  {"dim": d})
        # a row of -inf (NaN out), a row with some -inf (zero probability), a row of +-1e4
        x = c.randn(4, 5)
        x[1] = float("-inf")
        x[2, 0] = float("-inf")
        x[2, 3] = float("-inf")
        x[3] = torch.tensor([1e4, -1e4, 1e4, 0.0, -1e4])
        c.add("%s_inf_rows_4x5_dim1" % name, name, lambda x, f=f: f(x, dim=1), {"x": x}, {"dim": 1})
        c.add("%s_inf_rows_4x5_dim0" % name, name, lambda x, f=f: f(x, dim=0), {"x": x}, {"dim": 0})
        c.add("%s_tutorial_5" % name, name, lambda x, f=f: f(x, dim=0),
              {"x": torch.tensor([1.3800, -1.3505, 0.3455, 0.5046, 1.8213])}, {"dim": 0})
    return c.cases


def loss_cases():
    c = Cases()
    c.seed = 7000
    for n, k in [(5, 4), (13, 7)]:
        logits = c.randn(n, k, scale=2)
        logp = F.log_softmax(logits, dim=1).detach()
        target = torch.randint(0, k, (n,), generator=c.gen())
        target[1] = 2  # the class ignored below occurs
        weight = torch.rand(k, generator=c.gen()) + 0.25
        for name, f, x in (("nll_loss", F.nll_loss, logp), ("cross_entropy", F.cross_entropy, logits)):
            for reduction in ("none", "mean", "sum"):
                for wname, w in (("", None), ("_weighted", weight)):
                    for ignore in (-100, 2):
                        cid = "%s_%dx%d_%s%s%s" % (name, n, k, reduction, wname,
                                                   "" if ignore == -100 else "_ignore%d" % ignore)
                        c.add(cid, name,
                              lambda input, target, weight=None, f=f, r=reduction, i=ignore:
                              f(input, target, weight=weight, reduction=r, ignore_index=i),
                              {"input": x, "target": target, "weight": w},
                              {"reduction": reduction, "ignore_index": ignore}, grads=["input"])
    # every target ignored
    logits = c.randn(3, 4)
    logp = F.log_softmax(logits, dim=1).detach()
    target = torch.tensor([1, 1, 1])
    weight = torch.tensor([0.5, 2.0, 1.0, 0.25])
    for name, f, x in (("nll_loss", F.nll_loss, logp), ("cross_entropy", F.cross_entropy, logits)):
        for reduction in ("none", "mean", "sum"):
            for wname, w in (("", None), ("_weighted", weight)):
                c.add("%s_all_ignored_3x4_%s%s" % (name, reduction, wname), name,
                      lambda input, target, weight=None, f=f, r=reduction:
                      f(input, target, weight=weight, reduction=r, ignore_index=1),
                      {"input": x, "target": target, "weight": w}, {"reduction": reduction, "ignore_index": 1},
                      grads=["input"])
    # a single example: input (C), target 0-d
    logits = c.randn(4)
    for name, f, x in (("nll_loss", F.nll_loss, F.log_softmax(logits, dim=0).detach()),
                       ("cross_entropy", F.cross_entropy, logits)):
        for reduction in ("none", "mean", "sum"):
            c.add("%s_single_4_%s" % (name, reduction), name,
                  lambda input, target, weight=None, f=f, r=reduction: f(input, target, reduction=r),
                  {"input": x, "target": torch.tensor(3)}, {"reduction": reduction, "ignore_index": -100},
                  grads=["input"])
    # the tutorial's shape: one example of two classes
    logits = c.randn(1, 2)
    for name, f, x in (("nll_loss", F.nll_loss, F.log_softmax(logits, dim=1).detach()),
                       ("cross_entropy", F.cross_entropy, logits)):
        c.add("%s_tutorial_1x2" % name, name, lambda input, target, weight=None, f=f: f(input, target),
              {"input": x, "target": torch.tensor([1])}, {"reduction": "mean", "ignore_index": -100},
              grads=["input"])
    return c.cases


# --------------------------------------------------------------------------------------------- optimisers

OPTIMIZERS = [
    ("sgd_plain", "SGD", {"lr": 0.1}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_momentum_dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("sgd_momentum_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.01}),
    ("sgd_nesterov_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("adam_default", "Adam", {}),
    ("adam_lr", "Adam", {"lr": 0.05}),
    ("adam_betas", "Adam", {"lr": 0.02, "betas": [0.8, 0.9], "eps": 1e-6}),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("adam_amsgrad_weight_decay", "Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("rmsprop_default", "RMSprop", {}),
    ("rmsprop_alpha", "RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-6}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9}),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    ("adagrad_default", "Adagrad", {}),
    ("adagrad_lr", "Adagrad", {"lr": 0.1}),
    ("adagrad_lr_decay", "Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("adagrad_initial_accumulator", "Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.1}),
    ("adagrad_weight_decay", "Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("adagrad_all", "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.5,
                                "weight_decay": 0.05, "eps": 1e-6}),
]
STEPS = 20
MODEL_SEED = 0


def optim_file():
    torch.manual_seed(MODEL_SEED)
    template = nn.Linear(4, 3)
    batch = torch.randn(6, 4)  # drawn right after the Linear, from the same seeded default generator
    target = torch.tensor([0, 2, 1, 2, 0, 1])
    cases = []
    for cid, kind, options in OPTIMIZERS:
        model = nn.Linear(4, 3)
        with torch.no_grad():
            model.weight.copy_(template.weight)
            model.bias.copy_(template.bias)
        kwargs = dict(options)
        if "betas" in kwargs:
            kwargs["betas"] = tuple(kwargs["betas"])
        opt = getattr(optim, kind)(model.parameters(), **kwargs)
        loss_function = nn.NLLLoss()
        steps = []
        for _ in range(STEPS):
            opt.zero_grad()
            loss = loss_function(F.log_softmax(model(batch), dim=1), target)
            loss.backward()
            grads = {"weight": enc(model.weight.grad), "bias": enc(model.bias.grad)}
            opt.step()
            steps.append({"loss": enc(loss), "grads": grads,
                          "weight": enc(model.weight), "bias": enc(model.bias)})
        cases.append({"id": cid, "optimizer": kind, "options": options, "steps": steps})
    write("optim.json", "20-step trajectories of torch.optim on Linear(4,3) -> log_softmax -> NLLLoss", {
        "model": {"module": "nn.Linear(4, 3)", "seed": MODEL_SEED,
                  "note": "torch.manual_seed(0); nn.Linear(4, 3); then batch = torch.randn(6, 4)",
                  "weight": enc(template.weight), "bias": enc(template.bias)},
        "batch": enc(batch), "target": enc(target),
        "loop": "opt.zero_grad(); loss = NLLLoss()(log_softmax(model(batch), dim=1), target); "
                "loss.backward(); opt.step()  -- each step records loss and grads (before the step) and the "
                "parameters after it",
        "steps": STEPS, "cases": cases})


# --------------------------------------------------------------------------------------------- tutorial

DATA = [("me gusta comer en la cafeteria".split(), "SPANISH"),
        ("Give it to me".split(), "ENGLISH"),
        ("No creo que sea una buena idea".split(), "SPANISH"),
        ("No it is not a good idea to get lost at sea".split(), "ENGLISH")]
TEST_DATA = [("Yo creo que si".split(), "SPANISH"),
             ("it is lost on me".split(), "ENGLISH")]


def tutorial_file():
    """The tutorial's code (shared/seed/), as written, with seed 1; also records parameters per epoch."""
    out = io.StringIO()
    record = {}
    with contextlib.redirect_stdout(out):
        torch.manual_seed(1)
        lin = nn.Linear(5, 3)
        data = torch.randn(2, 5)
        print(lin(data))
        data = torch.randn(2, 2)
        print(data)
        print(F.relu(data))
        data = torch.randn(5)
        print(data)
        print(F.softmax(data, dim=0))
        print(F.softmax(data, dim=0).sum())
        print(F.log_softmax(data, dim=0))

        word_to_ix = {}
        for sent, _ in DATA + TEST_DATA:
            for word in sent:
                if word not in word_to_ix:
                    word_to_ix[word] = len(word_to_ix)
        print(word_to_ix)
        vocab_size = len(word_to_ix)
        num_labels = 2

        class BoWClassifier(nn.Module):
            def __init__(self, num_labels, vocab_size):
                super(BoWClassifier, self).__init__()
                self.linear = nn.Linear(vocab_size, num_labels)

            def forward(self, bow_vec):
                return F.log_softmax(self.linear(bow_vec), dim=1)

        def make_bow_vector(sentence, word_to_ix):
            vec = torch.zeros(len(word_to_ix))
            for word in sentence:
                vec[word_to_ix[word]] += 1
            return vec.view(1, -1)

        def make_target(label, label_to_ix):
            return torch.LongTensor([label_to_ix[label]])

        model = BoWClassifier(num_labels, vocab_size)
        for param in model.parameters():
            print(param)
        record["initial"] = {"weight": enc(model.linear.weight), "bias": enc(model.linear.bias)}
        with torch.no_grad():
            sample = DATA[0]
            bow_vector = make_bow_vector(sample[0], word_to_ix)
            log_probs = model(bow_vector)
            print(log_probs)
            record["sample_log_probs"] = enc(log_probs)

        label_to_ix = {"SPANISH": 0, "ENGLISH": 1}
        before = []
        with torch.no_grad():
            for instance, label in TEST_DATA:
                bow_vec = make_bow_vector(instance, word_to_ix)
                log_probs = model(bow_vec)
                print(log_probs)
                before.append(enc(log_probs))
        print(next(model.parameters())[:, word_to_ix["creo"]])
        record["test_log_probs_before"] = before
        loss_function = nn.NLLLoss()
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        epochs = []
        for epoch in range(100):
            losses = []
            for instance, label in DATA:
                model.zero_grad()
                bow_vec = make_bow_vector(instance, word_to_ix)
                target = make_target(label, label_to_ix)
                log_probs = model(bow_vec)
                loss = loss_function(log_probs, target)
                loss.backward()
                optimizer.step()
                losses.append(f32hex(loss.item()))
            epochs.append({"losses": losses, "weight": enc(model.linear.weight), "bias": enc(model.linear.bias)})
        after = []
        with torch.no_grad():
            for instance, label in TEST_DATA:
                bow_vec = make_bow_vector(instance, word_to_ix)
                log_probs = model(bow_vec)
                print(log_probs)
                after.append(enc(log_probs))
        creo = next(model.parameters())[:, word_to_ix["creo"]]
        print(creo)
        record["test_log_probs_after"] = after
        record["creo_after"] = enc(creo)
    record["word_to_ix"] = word_to_ix
    record["epochs"] = epochs
    record["final"] = {"weight": enc(model.linear.weight), "bias": enc(model.linear.bias)}
    record["stdout"] = out.getvalue()
    write("tutorial_training.json", "the tutorial's code (shared/seed/) run with torch.manual_seed(1): its "
          "printed output, the model's parameters after every epoch and the test log-probabilities before and "
          "after its 100 epochs of SGD (lr 0.1)", record)


def main():
    write("ops.json", "forward and backward of elementwise ops, reductions, matrix products, views, gather, "
          "F.linear/nn.Linear and the non-linearities", {"cases": ops_cases()})
    write("softmax.json", "softmax and log_softmax over every dim of 1-D..3-D inputs, large magnitudes and "
          "-inf rows, forward and backward", {"cases": softmax_cases()})
    write("losses.json", "F.nll_loss and F.cross_entropy with every reduction, class weights and ignore_index, "
          "forward and backward", {"cases": loss_cases()})
    optim_file()
    tutorial_file()


if __name__ == "__main__":
    main()
