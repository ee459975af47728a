/*
 * emulated_driver.cpp: a stand-in for the NVIDIA driver's libcuda.so.1 that runs the kernels of
 * kernels.cu on the CPU (emulator.h). Built by build-emulated-driver.sh and put on LD_LIBRARY_PATH, it
 * lets JCuda, CudaBackend (its launches, grids and parameter packing), DeviceMemory and every CUDA test
 * run on a machine without a GPU: the whole host side of the CUDA path, not only the kernels' logic.
 *
 * It implements the 21 driver functions JCuda calls for dlblocks, and is stricter than a GPU where
 * that finds bugs a GPU would hide or report less clearly:
 *   - new device memory is filled with 0xFF bytes (NaN as a float, -1 as an integer), so reading memory
 *     nobody wrote shows up;
 *   - each allocation has guard bytes before and after it, checked after every launch that was given
 *     it, so a kernel writing out of bounds is an error naming the kernel and the parameter;
 *   - every pointer a kernel or a copy is given must lie in live device memory;
 *   - cuModuleLoadData refuses PTX with a kernel this file cannot emulate, so the two cannot drift.
 * With DLBLOCKS_EMULATOR_SKIP_KERNELS set, launches are checked but not run (every result is garbage):
 * what is left to time is the host's own cost, Java, JCuda and all, which no GPU can hide.
 * Each problem is printed to stderr and returned as the error code a GPU would give, which JCuda turns
 * into a CudaException. Kernels run when launched, one at a time (a GPU runs them later, in order),
 * with the host's libm: this checks the Java side and the kernels' logic, not timing or CUDA's maths.
 */
#include "emulator.h"

#include "../../main/cuda/kernels.cu"

#include <cstdarg>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
typedef int CUdevice;

/* The few CUresult values returned here (cuda.h's numbering, which JCuda's CUresult mirrors). */
enum {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_NOT_SUPPORTED = 801,
};

static_assert(sizeof(Layout) == 100, "Layout must be the 25 ints that Layouts.java packs");

namespace {

std::recursive_mutex lock;
bool initialised = false;
const int CONTEXT = 1; /* the one context's handle points here */
const int MODULE = 2;  /* and the one module's here */
const int MULTIPROCESSORS = 132; /* as an H100 or H200 has: the launch plans (grids, split-K) are theirs */

/* ------------------------------------------------------------------ device memory */

const size_t GUARD = 256; /* bytes before and after each allocation; also its alignment, as cuMemAlloc's */
const unsigned char GUARD_BYTE = 0xA5;

struct Allocation {
    unsigned char* base; /* the guard before, the user's bytes, the guard after */
    size_t size;
};
std::map<CUdeviceptr, Allocation> live; /* by the address the user sees */

int report(int code, const char* format, ...) __attribute__((format(printf, 2, 3)));
int report(int code, const char* format, ...) {
    va_list args;
    va_start(args, format);
    std::fprintf(stderr, "emulated CUDA driver: ");
    std::vfprintf(stderr, format, args);
    std::fprintf(stderr, "\n");
    va_end(args);
    return code;
}

/* The allocation holding [p, p + bytes), or null. */
const Allocation* find(CUdeviceptr p, size_t bytes) {
    auto it = live.upper_bound(p);
    if (it == live.begin()) return nullptr;
    --it;
    return p + bytes <= it->first + it->second.size ? &it->second : nullptr;
}

bool guardsIntact(const Allocation& a) {
    for (size_t i = 0; i < GUARD; ++i)
        if (a.base[i] != GUARD_BYTE || a.base[GUARD + a.size + i] != GUARD_BYTE) return false;
    return true;
}

/* ------------------------------------------------------------------ kernels */

/* A kernel of kernels.cu, callable with cuLaunchKernel's array of pointers to its arguments. */
struct Entry {
    const char* name;
    bool barriers; /* whether it calls __syncthreads (only those need a coroutine per thread) */
    std::function<void(void**)> call;
    std::function<std::vector<CUdeviceptr>(void**)> pointers; /* the values of its pointer arguments */
};

template <typename T> T argument(void* p) { return *static_cast<std::remove_cv_t<T>*>(p); }

template <typename... A, size_t... I> Entry entry(const char* name, bool barriers, void (*k)(A...), std::index_sequence<I...>) {
    Entry e;
    e.name = name;
    e.barriers = barriers;
    e.call = [k](void** p) { k(argument<A>(p[I])...); };
    e.pointers = [](void** p) {
        std::vector<CUdeviceptr> out;
        (void) std::initializer_list<int>{
                (std::is_pointer<A>::value ? (out.push_back(*static_cast<CUdeviceptr*>(p[I])), 0) : 0)...};
        return out;
    };
    return e;
}

template <typename... A> Entry entry(const char* name, bool barriers, void (*k)(A...)) {
    return entry(name, barriers, k, std::index_sequence_for<A...>{});
}

const std::vector<Entry>& kernels() {
    static const std::vector<Entry> all = {
            entry("copy_convert", false, copy_convert),
            entry("strided_copy", false, strided_copy),
            entry("map_unary", false, map_unary),
            entry("zip_binary", false, zip_binary),
            entry("reduce_dim", false, reduce_dim),
            entry("argmax_dim", false, argmax_dim),
            entry("log_softmax_dim", false, log_softmax_dim),
            entry("log_softmax_backward_dim", false, log_softmax_backward_dim),
            entry("gather_dim", false, gather_dim),
            entry("scatter_add_dim", false, scatter_add_dim),
            entry("sgemm_nn", true, sgemm_nn),
            entry("sgemm_nt", true, sgemm_nt),
            entry("sgemm_tn", true, sgemm_tn),
            entry("sgemm_tt", true, sgemm_tt),
            entry("sgemm_splitk_sum", false, sgemm_splitk_sum),
            entry("dgemm", true, dgemm),
    };
    return all;
}

const Entry* kernelNamed(const std::string& name) {
    for (const Entry& e : kernels())
        if (name == e.name) return &e;
    return nullptr;
}

} // namespace

/* ------------------------------------------------------------------ the driver API */

extern "C" {

CUresult cuInit(unsigned flags) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (flags != 0) return report(CUDA_ERROR_INVALID_VALUE, "cuInit takes flags 0, got %u", flags);
    initialised = true;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    if (!initialised) return CUDA_ERROR_NOT_INITIALIZED;
    *count = 1;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (!initialised) return CUDA_ERROR_NOT_INITIALIZED;
    if (ordinal != 0) return report(CUDA_ERROR_INVALID_DEVICE, "there is one device, 0; asked for %d", ordinal);
    *device = 0;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    std::snprintf(name, length, "dlblocks CPU emulator of a CUDA device");
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    switch (attribute) {
    case 1: *value = 1024; return CUDA_SUCCESS;           /* MAX_THREADS_PER_BLOCK */
    case 10: *value = 32; return CUDA_SUCCESS;            /* WARP_SIZE */
    case 16: *value = MULTIPROCESSORS; return CUDA_SUCCESS; /* MULTIPROCESSOR_COUNT */
    case 75: *value = 8; return CUDA_SUCCESS;             /* COMPUTE_CAPABILITY_MAJOR */
    case 76: *value = 0; return CUDA_SUCCESS;             /* COMPUTE_CAPABILITY_MINOR */
    default: return report(CUDA_ERROR_NOT_SUPPORTED, "device attribute %d is not emulated", attribute);
    }
}

CUresult cuDevicePrimaryCtxRetain(void** context, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    *context = (void*) &CONTEXT;
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(void* context) {
    return context == &CONTEXT || context == nullptr ? CUDA_SUCCESS
                                                     : report(CUDA_ERROR_INVALID_HANDLE, "cuCtxSetCurrent: not a context");
}

CUresult cuCtxSynchronize() { return CUDA_SUCCESS; /* every launch and copy has already finished */ }

CUresult cuModuleLoadData(void** module, const void* image) {
    /* The PTX is not compiled; it is only checked that every kernel in it is emulated here. */
    std::string ptx(static_cast<const char*>(image));
    const std::string marker = ".entry ";
    int entries = 0;
    for (size_t at = ptx.find(marker); at != std::string::npos; at = ptx.find(marker, at + 1)) {
        size_t start = at + marker.size(), end = ptx.find('(', start);
        std::string name = ptx.substr(start, end - start);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (!kernelNamed(name))
            return report(CUDA_ERROR_INVALID_PTX, "the PTX has kernel %s, which this emulator does not run (add it "
                                                  "to kernels() in emulated_driver.cpp)", name.c_str());
        ++entries;
    }
    if (entries == 0) return report(CUDA_ERROR_INVALID_PTX, "the image has no .entry: not the kernels' PTX");
    *module = (void*) &MODULE;
    return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(void** function, void* module, const char* name) {
    if (module != &MODULE) return report(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction: not a module");
    const Entry* e = kernelNamed(name);
    if (!e) return report(CUDA_ERROR_NOT_FOUND, "no kernel named %s", name);
    *function = (void*) e;
    return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (bytes == 0) return report(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc of 0 bytes");
    size_t rounded = (bytes + GUARD - 1) / GUARD * GUARD;
    auto* base = static_cast<unsigned char*>(std::aligned_alloc(GUARD, rounded + 2 * GUARD));
    if (!base) return CUDA_ERROR_OUT_OF_MEMORY;
    std::memset(base, GUARD_BYTE, GUARD);
    std::memset(base + GUARD, 0xFF, bytes);
    std::memset(base + GUARD + bytes, GUARD_BYTE, rounded + GUARD - bytes);
    *pointer = (CUdeviceptr) (base + GUARD);
    live[*pointer] = Allocation{base, bytes};
    return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
    std::lock_guard<std::recursive_mutex> g(lock);
    auto it = live.find(pointer);
    if (it == live.end()) return report(CUDA_ERROR_INVALID_VALUE, "cuMemFree of %#llx, which is not live memory", pointer);
    if (!guardsIntact(it->second)) return report(CUDA_ERROR_ILLEGAL_ADDRESS, "memory at %#llx was written out of bounds", pointer);
    std::free(it->second.base);
    live.erase(it);
    return CUDA_SUCCESS;
}

CUresult cuMemAllocHost_v2(void** pointer, size_t bytes) {
    *pointer = std::aligned_alloc(GUARD, (bytes + GUARD - 1) / GUARD * GUARD); /* as pinned memory: page-aligned enough */
    return *pointer ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

CUresult cuMemFreeHost(void* pointer) {
    std::free(pointer);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (!find(dst, bytes)) return report(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD of %zu bytes to %#llx: not inside live memory", bytes, dst);
    std::memcpy((void*) dst, src, bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (!find(src, bytes)) return report(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH of %zu bytes from %#llx: not inside live memory", bytes, src);
    std::memcpy(dst, (const void*) src, bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (!find(dst, bytes) || !find(src, bytes))
        return report(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoD of %zu bytes from %#llx to %#llx: not inside live memory", bytes, src, dst);
    std::memmove((void*) dst, (const void*) src, bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t count) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (dst % 4 != 0 || !find(dst, count * 4))
        return report(CUDA_ERROR_INVALID_VALUE, "cuMemsetD32 of %zu words at %#llx: not aligned inside live memory", count, dst);
    auto* words = (unsigned*) dst;
    for (size_t i = 0; i < count; ++i) words[i] = value;
    return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned sharedBytes, void* stream, void** params, void** extra) {
    std::lock_guard<std::recursive_mutex> g(lock);
    const Entry* e = static_cast<const Entry*>(function);
    bool known = false;
    for (const Entry& k : kernels()) known |= &k == e;
    if (!known) return report(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel: not a function of the module");
    if (gx == 0 || gy == 0 || gz == 0 || gy > 65535 || gz > 65535 || bx * by * bz == 0 || bx * by * bz > 1024)
        return report(CUDA_ERROR_INVALID_VALUE, "%s launched with grid (%u, %u, %u) and block (%u, %u, %u)", e->name,
                      gx, gy, gz, bx, by, bz);
    if (e->barriers && bx * by * bz > 256)
        return report(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "%s has __launch_bounds__ of 256 threads, launched with %u",
                      e->name, bx * by * bz);
    if (sharedBytes != 0 || stream != nullptr || extra != nullptr || params == nullptr)
        return report(CUDA_ERROR_INVALID_VALUE, "%s: only static shared memory, the default stream and kernelParams "
                                                "are emulated", e->name);
    std::vector<CUdeviceptr> pointers = e->pointers(params);
    /* a null pointer is an absent optional argument (no bias), which the kernel tests before reading */
    for (size_t i = 0; i < pointers.size(); ++i)
        if (pointers[i] != 0 && !find(pointers[i], 1))
            return report(CUDA_ERROR_ILLEGAL_ADDRESS, "%s: pointer argument %zu (%#llx) is not in live device memory",
                          e->name, i, pointers[i]);
    static const bool skipKernels = std::getenv("DLBLOCKS_EMULATOR_SKIP_KERNELS") != nullptr;
    if (skipKernels) return CUDA_SUCCESS; /* validated, not run: for measuring the host's cost of a launch */
    std::function<void()> run = [&] { e->call(params); };
    if (e->barriers)
        emulator::launch(dim3(gx, gy, gz), dim3(bx, by, bz), run);
    else
        emulator::launchWithoutBarriers(dim3(gx, gy, gz), dim3(bx, by, bz), run);
    for (size_t i = 0; i < pointers.size(); ++i)
        if (pointers[i] != 0 && !guardsIntact(*find(pointers[i], 1)))
            return report(CUDA_ERROR_ILLEGAL_ADDRESS, "%s wrote outside the device memory of pointer argument %zu",
                          e->name, i);
    return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char** text) {
    *text = error == CUDA_SUCCESS ? "CUDA_SUCCESS" : "CUDA_ERROR (emulated driver)";
    return CUDA_SUCCESS;
}

CUresult cuGetErrorString(CUresult error, const char** text) { return cuGetErrorName(error, text); }

} // extern "C"
