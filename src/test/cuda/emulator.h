/*
 * emulator.h: runs the kernels of src/main/cuda/kernels.cu on the CPU, so that their index arithmetic,
 * tiling and boundary handling can be tested on a machine without a GPU (run-emulated.sh).
 *
 * Each CUDA thread of a block is a coroutine with its own stack (x86-64 only); __syncthreads switches back
 * to a scheduler that resumes the next thread, so every thread reaches the barrier before any passes
 * it. Blocks run one after another, so `__shared__` can simply mean `static`. This checks the logic of
 * a kernel, not its speed, and uses the host's libm (exp, log, ...) instead of CUDA's.
 */
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
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

/*
 * Switching between threads. swapcontext would do, but it makes two system calls per switch (it saves
 * and restores the signal mask), and the SGEMM kernels switch millions of times: this switch only saves
 * what the x86-64 System V ABI says a called function must preserve (rbx, rbp, r12-r15 and the stack
 * pointer), so it costs a few nanoseconds. switchTo(&from, to) saves the current thread's stack pointer
 * in from and resumes the thread whose stack pointer is to.
 */
extern "C" void emulator_switch(void** from, void* to);
asm(R"(
    .text
    .globl emulator_switch
    .type emulator_switch, @function
emulator_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emulator_switch, .-emulator_switch
)");

const size_t STACK_BYTES = 16 * 1024;
inline void* scheduler;                      /* the launching thread's stack pointer while a thread runs */
inline std::vector<void*> threads;           /* each suspended thread's stack pointer */
inline std::vector<char> finished;
inline std::vector<std::vector<char>> stacks; /* kept between launches */
inline int current;
inline bool barrierFree; /* set by launchWithoutBarriers: the threads run as plain calls */
inline std::function<void()> body;

/* Where a new thread starts (entered by emulator_switch's ret): runs the kernel, then never returns. */
inline void start() {
    body();
    finished[current] = 1;
    emulator_switch(&threads[current], scheduler);
}

/* A fresh thread on stack t: the switch will pop six zero registers and "return" into start. */
inline void* fresh(int t) {
    auto top = reinterpret_cast<uintptr_t>(stacks[t].data() + STACK_BYTES) & ~uintptr_t(15);
    auto* sp = reinterpret_cast<void**>(top);
    *--sp = nullptr;                          /* start's return address: never used */
    *--sp = reinterpret_cast<void*>(&start);  /* popped by ret; start then sees rsp ≡ 8 (mod 16), as after a call */
    for (int r = 0; r < 6; ++r) *--sp = nullptr;
    return sp;
}

/* Runs body once per thread of every block of the grid. */
inline void launch(dim3 grid, dim3 block, std::function<void()> kernel) {
    gridDim = grid;
    blockDim = block;
    body = kernel;
    barrierFree = false;
    int count = block.x * block.y * block.z;
    if ((int) stacks.size() < count) stacks.resize(count, std::vector<char>(STACK_BYTES));
    for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
            for (unsigned bx = 0; bx < grid.x; ++bx) {
                threads.resize(count);
                finished.assign(count, 0);
                for (int t = 0; t < count; ++t) threads[t] = fresh(t);
                bool running = true;
                while (running) { /* one round: every thread runs to its next barrier or its end */
                    running = false;
                    for (int t = 0; t < count; ++t) {
                        if (finished[t]) continue;
                        current = t;
                        blockIdx = dim3(bx, by, bz);
                        threadIdx = dim3(t % block.x, (t / block.x) % block.y, t / (block.x * block.y));
                        emulator_switch(&scheduler, threads[t]);
                        running |= !finished[t];
                    }
                }
            }
}

/* Like launch, for a kernel that never calls __syncthreads: each thread is a plain call, run to its end
 * before the next starts, which is much faster. A __syncthreads there stops the program with a message. */
inline void launchWithoutBarriers(dim3 grid, dim3 block, const std::function<void()>& kernel) {
    gridDim = grid;
    blockDim = block;
    barrierFree = true;
    for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
            for (unsigned bx = 0; bx < grid.x; ++bx)
                for (unsigned tz = 0; tz < block.z; ++tz)
                    for (unsigned ty = 0; ty < block.y; ++ty)
                        for (unsigned tx = 0; tx < block.x; ++tx) {
                            blockIdx = dim3(bx, by, bz);
                            threadIdx = dim3(tx, ty, tz);
                            kernel();
                        }
    barrierFree = false;
}
} // namespace emulator

inline void __syncthreads() {
    if (emulator::barrierFree) {
        std::fprintf(stderr, "emulator: a kernel launched as barrier-free called __syncthreads\n");
        std::abort();
    }
    emulator::emulator_switch(&emulator::threads[emulator::current], emulator::scheduler);
}
