package dlblocks.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlblocks.spec.Spec;
import dlblocks.tensor.Backends;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CPU emulator of the CUDA driver (src/test/cuda/emulated_driver.cpp) that the build's second run of
 * the CUDA tests uses: it must really be in use there (or those tests would only be skipped), and it
 * must catch what a GPU would hide — out-of-bounds copies and kernel writes, reads of memory nobody wrote.
 * Runs only in that run (system property {@code dlblocks.cuda.emulated}); skipped, with the reason, elsewhere.
 */
class EmulatedDriverTest {
    private CudaBackend backend;

    @BeforeEach
    void inTheEmulatedRun() {
        assumeTrue(Boolean.getBoolean("dlblocks.cuda.emulated"),
                "runs only in the build's cuda-on-the-cpu-emulator execution (with g++), where the emulator is loaded");
        assertTrue(Backends.cudaIsAvailable(), () -> "the emulated driver did not load: " + Backends.cudaUnavailableReason());
        backend = Gpu.backend();
        backend.synchronize(); // makes the context current on this thread, for the direct driver calls below
    }

    @Test
    @Spec("CUDA-EMULATOR-RUNS-THE-CUDA-TESTS")
    void theCudaTestsOfThisRunUseTheEmulatorNotAGpuAndNotNothing() {
        assertEquals("dlblocks CPU emulator of a CUDA device", backend.deviceName());
        assertTrue(Gpu.isEmulator(backend));
    }

    @Test
    @Spec("CUDA-EMULATOR-RUNS-THE-CUDA-TESTS")
    void memoryNobodyWroteReadsAsNaNSoThatReadingItShowsUp() {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, 16);
        float[] read = new float[4];
        cuMemcpyDtoH(Pointer.to(read), p, 16);
        for (float f : read) assertTrue(Float.isNaN(f), "fresh device memory read " + f);
        cuMemFree(p);
    }

    @Test
    @Spec("CUDA-EMULATOR-RUNS-THE-CUDA-TESTS")
    void aCopyPastTheEndOfAnAllocationIsAnError() {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, 16);
        try {
            assertThrows(CudaException.class, () -> cuMemcpyHtoD(p, Pointer.to(new float[8]), 32));
        } finally {
            cuMemFree(p);
        }
    }

    @Test
    @Spec("CUDA-EMULATOR-RUNS-THE-CUDA-TESTS")
    void aKernelWritingPastTheEndOfItsOutputIsAnError() {
        CUmodule module = new CUmodule();
        cuModuleLoadData(module, CudaBackend.ptx());
        CUfunction copy = new CUfunction();
        cuModuleGetFunction(copy, module, Kernel.COPY_CONVERT.entry());
        DevicePointer in = new DevicePointer();
        DevicePointer out = new DevicePointer();
        cuMemAlloc(in, 4 * 64);
        cuMemAlloc(out, 4 * 16);
        try {
            cuMemcpyHtoD(in, Pointer.to(new float[64]), 4 * 64);
            // copy_convert(src, float32, dst, float32, n = 64) into 16 floats: writes 48 floats too many
            Pointer parameters = new KernelArguments().write(Kernel.COPY_CONVERT, in, 0, out, 0, 64);
            CudaException e = assertThrows(CudaException.class,
                    () -> cuLaunchKernel(copy, 1, 1, 1, 64, 1, 1, 0, null, parameters, null));
            assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
        } finally {
            cuMemFree(in);
            // out's guard bytes were overwritten, so freeing it reports that too
            assertThrows(CudaException.class, () -> cuMemFree(out));
        }
    }
}
