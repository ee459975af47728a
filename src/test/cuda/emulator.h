/*
 * emulator.h: runs the kernels of src/main/cuda/kernels.cu on the CPU, so that their index arithmetic,
 * tiling and boundary handling can be tested on a machine without a GPU (run-emulated.sh).
 *
 * Each CUDA thread of a block is a coroutine (ucontext) with its own stack; __syncthreads switches back
 * to a scheduler that resumes the next thread, so every thread reaches the barrier before any passes
 * it. Blocks run one after another, so `__shared__` can simply mean `static`. This checks the logic of
 * a kernel, not its speed, and uses the host's libm (exp, log, ...) instead of CUDA's.
 */
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <ucontext.h>
#include <vector>

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct alignas(16) float4 {
    float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

inline dim3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

using std::fma;
using std::isinf;
using std::signbit;
inline float fmaf(float a, float b, float c) { return std::fma(a, b, c); }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __longlong_as_double(long long bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}
inline int min(int a, int b) { return a < b ? a : b; }

namespace emulator {
inline ucontext_t scheduler;
inline std::vector<ucontext_t> threads;
inline std::vector<char> finished;
inline int current;
inline std::function<void()> body;

inline void start() {
    body();
    finished[current] = 1;
}

/* Runs body once per thread of every block of the grid. */
inline void launch(dim3 grid, dim3 block, std::function<void()> kernel) {
    const size_t stackSize = 256 * 1024;
    gridDim = grid;
    blockDim = block;
    body = kernel;
    int count = block.x * block.y * block.z;
    std::vector<std::vector<char>> stacks(count, std::vector<char>(stackSize));
    for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
            for (unsigned bx = 0; bx < grid.x; ++bx) {
                threads.assign(count, ucontext_t{});
                finished.assign(count, 0);
                for (int t = 0; t < count; ++t) {
                    getcontext(&threads[t]);
                    threads[t].uc_stack.ss_sp = stacks[t].data();
                    threads[t].uc_stack.ss_size = stackSize;
                    threads[t].uc_link = &scheduler;
                    makecontext(&threads[t], start, 0);
                }
                bool running = true;
                while (running) { /* one round: every thread runs to its next barrier or its end */
                    running = false;
                    for (int t = 0; t < count; ++t) {
                        if (finished[t]) continue;
                        current = t;
                        blockIdx = dim3(bx, by, bz);
                        threadIdx = dim3(t % block.x, (t / block.x) % block.y, t / (block.x * block.y));
                        swapcontext(&scheduler, &threads[t]);
                        running |= !finished[t];
                    }
                }
            }
}
} // namespace emulator

inline void __syncthreads() { swapcontext(&emulator::threads[emulator::current], &emulator::scheduler); }
