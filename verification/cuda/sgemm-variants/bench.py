"""SGEMM variants on a GPU (an experiment for choosing the production kernel; see variants.cu).

Run on the GPU machine (it has CuPy and PyTorch): python3 bench.py variants.cubin kernels.ptx
Prints one line per (variant, shape): time, TFLOP/s, and whether the result has the production kernel's bits.
"""
import sys
import time

import cupy as cp
import numpy as np
import torch

cubin, ptx = sys.argv[1], sys.argv[2]
mod = cp.RawModule(path=cubin)
prod_ptx = cp.RawModule(path=ptx)
SMS = cp.cuda.Device(0).attributes["MultiProcessorCount"]
print("GPU", torch.cuda.get_device_name(0), "SMs", SMS, flush=True)


def ceil(a, b):
    return (a + b - 1) // b


def plan(m, n, k, splits):
    chunk = ceil(ceil(k, splits), 8) * 8
    chunk = ceil(chunk, 32) * 32  # a multiple of every variant's slice depth
    return ceil(n, 128), ceil(m, 128), ceil(k, chunk), chunk


NULL = np.uint64(0)  # a null pointer: no bias


def timed(fn, reps):
    fn()
    cp.cuda.Device(0).synchronize()
    start, end = cp.cuda.Event(), cp.cuda.Event()
    times = []
    for _ in range(5):
        start.record()
        for _ in range(reps):
            fn()
        end.record()
        end.synchronize()
        times.append(cp.cuda.get_elapsed_time(start, end) / reps)
    return float(np.median(times))


def run(kernel, a, b, m, n, k, splits, out, partial, summer):
    gx, gy, gz, chunk = plan(m, n, k, splits)
    args = (np.int32(m), np.int32(n), np.int32(k), np.int32(chunk))
    if gz == 1:
        kernel((gx, gy, 1), (256,), (a, b, out) + args)
    else:
        kernel((gx, gy, gz), (256,), (a, b, partial) + args)
        count = m * n
        summer((min(ceil(count, 256), 32 * SMS),), (256,),
               (partial, NULL, out, np.int32(count), np.int32(n), np.int32(gz)))


shapes = [  # (name, trans, m, n, k): Linear(4096, 4096) at batch 256, and two squares
    ("fwd x·Wt", "nt", 256, 4096, 4096),
    ("dx g·W", "nn", 256, 4096, 4096),
    ("dW gt·x", "tn", 4096, 4096, 256),
    ("sq4096", "nn", 4096, 4096, 4096),
]
variants = ["sgemm", "v8_2", "v16_2", "v16_1", "v16_2w", "v16_1w"]
rows = []
rng = cp.random.default_rng(1)
for name, trans, m, n, k in shapes:
    a_shape = (k, m) if trans[0] == "t" else (m, k)
    b_shape = (n, k) if trans[1] == "t" else (k, n)
    a = rng.standard_normal(a_shape, dtype=cp.float32)
    b = rng.standard_normal(b_shape, dtype=cp.float32)
    partial = cp.empty(16 * m * n, dtype=cp.float32)
    ref = None
    ta = torch.as_tensor(a, device="cuda")
    tb = torch.as_tensor(b, device="cuda")
    torch.backends.cuda.matmul.allow_tf32 = False
    top = (ta.t() if trans[0] == "t" else ta) @ (tb.t() if trans[1] == "t" else tb)
    flops = 2.0 * m * n * k
    ms = timed(lambda: (ta.t() if trans[0] == "t" else ta) @ (tb.t() if trans[1] == "t" else tb), 20)
    print(f"ROW torch {name} {ms * 1e3:.0f} us {flops / ms / 1e9:.1f} TFLOP/s", flush=True)
    for source in ["ptx", "cubin"]:
        for v in variants:
            if source == "ptx" and v != "sgemm":
                continue
            m_ = prod_ptx if source == "ptx" else mod
            try:
                kernel = m_.get_function(f"{v}_{trans}")
                summer = m_.get_function("sgemm_splitk_sum")
            except Exception as e:  # noqa: BLE001
                print(f"ROW {source}:{v} {name} missing {e}", flush=True)
                continue
            for splits in ([1, 2, 4] if k >= 2048 and m * n <= 4096 * 256 else [1]):
                out = cp.full((m, n), cp.nan, dtype=cp.float32)
                try:
                    run(kernel, a, b, m, n, k, splits, out, partial, summer)
                    cp.cuda.Device(0).synchronize()
                except Exception as e:  # noqa: BLE001
                    print(f"ROW {source}:{v} {name} splits {splits} FAILED {e}", flush=True)
                    continue
                if ref is None:
                    ref = {}
                err = float(cp.linalg.norm(out - cp.asarray(top)) / cp.linalg.norm(cp.asarray(top)))
                key = splits
                same = "same-bits" if key in ref and bool(cp.all(ref[key] == out)) else ("ref" if key not in ref else "DIFFERENT")
                if key not in ref:
                    ref[key] = out.copy()
                ms = timed(lambda: run(kernel, a, b, m, n, k, splits, out, partial, summer), 20)
                print(f"ROW {source}:{v} {name} splits {splits} {ms * 1e3:.0f} us {flops / ms / 1e9:.1f} TFLOP/s "
                      f"relerr {err:.1e} {same}", flush=True)

# Linear(4096, 4096) forward + backward at batch 256 in PyTorch, fp32 without TF32.
lin = torch.nn.Linear(4096, 4096, device="cuda")
x = torch.randn(256, 4096, device="cuda", requires_grad=True)
up = torch.randn(256, 4096, device="cuda")


def step():
    lin.zero_grad(set_to_none=True)
    x.grad = None
    lin(x).backward(up)


ms = timed(step, 20)
print(f"ROW torch linear_fwd_bwd {ms * 1e3:.0f} us {3 * 2 * 256 * 4096 * 4096 / ms / 1e9:.1f} TFLOP/s", flush=True)

# The cost of one launch on this machine: an empty-ish kernel from CuPy, and a tiny op from PyTorch.
tiny = cp.zeros(26, dtype=cp.float32)
kern = mod.get_function("sgemm_splitk_sum")
n = 20000
cp.cuda.Device(0).synchronize()
t0 = time.perf_counter()
for _ in range(n):
    kern((1,), (256,), (tiny, NULL, tiny, np.int32(26), np.int32(26), np.int32(1)))
t1 = time.perf_counter()
cp.cuda.Device(0).synchronize()
t2 = time.perf_counter()
print(f"ROW cupy launch {(t1 - t0) / n * 1e6:.2f} us queued, {(t2 - t0) / n * 1e6:.2f} us with the wait", flush=True)
tt = torch.zeros(26, device="cuda")
torch.cuda.synchronize()
t0 = time.perf_counter()
for _ in range(n):
    tt.exp_()
torch.cuda.synchronize()
t1 = time.perf_counter()
print(f"ROW torch exp_ {(t1 - t0) / n * 1e6:.2f} us per op", flush=True)
