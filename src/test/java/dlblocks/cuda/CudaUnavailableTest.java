package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dlblocks.cli.Main;
import dlblocks.spec.Spec;
import dlblocks.tensor.Backends;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.DeviceUnavailableException;
import dlblocks.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Devices are named as torch names them, the CUDA backend is found through its service registration,
 * and where CUDA cannot be used, asking for it is one clear sentence, not a stack trace, while the CPU
 * keeps working. The tests of the unavailable path skip themselves on a machine that has a GPU.
 */
class CudaUnavailableTest {
    @Test
    @Spec("DEVICE-PARSES-LIKE-TORCH")
    void devicesParseAndPrintAsTorchDeviceDoes() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(3), Device.parse(" CUDA:3 "));
        assertEquals("cuda:0", Device.parse("cuda").toString());
        assertEquals("cpu", Device.CPU.toString());
        assertTrue(Device.cuda(1).isCuda() && !Device.CPU.isCuda());
        assertEquals(-1, Device.CPU.index());
        qt().forAll(integers().between(0, 1 << 20)).checkAssert(n -> {
            Device d = Device.parse("cuda:" + n);
            assertEquals(Device.cuda(n), d);
            assertEquals(Device.cuda(n).hashCode(), d.hashCode());
            assertEquals("cuda:" + n, d.toString());
            assertEquals(n, d.index());
        });
        for (String bad : new String[] {"tpu", "cuda:", "cuda:x", "gpu:0", "cuda0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse(bad));
            assertEquals("Expected one of cpu, cuda, cuda:N device type at start of device string: " + bad,
                    e.getMessage());
        }
        assertEquals("Device index must not be negative, got -1",
                assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:-1")).getMessage());
    }

    @Test
    @Spec("CUDA-UNAVAILABLE-IS-A-CLEAR-ERROR")
    void theCudaBackendIsRegisteredAsAServiceProvider() {
        Backends.CudaProvider provider = ServiceLoader.load(Backends.CudaProvider.class).findFirst().orElse(null);
        assertTrue(provider instanceof CudaProvider, "META-INF/services names dlblocks.cuda.CudaProvider");
        assertEquals(provider.isAvailable(), Backends.cudaIsAvailable());
    }

    @Test
    @Spec("CUDA-UNAVAILABLE-IS-A-CLEAR-ERROR")
    void withoutCudaTheReasonIsOneSentenceAndTheCpuStillWorks() {
        assumeFalse(Backends.cudaIsAvailable(), "this machine has CUDA");
        String reason = Backends.cudaUnavailableReason();
        assertFalse(reason.isEmpty());
        assertFalse(reason.contains("\n") || reason.contains("\tat ") || reason.contains("Exception"),
                "one sentence, no stack trace: " + reason);
        assertEquals(0, new CudaProvider().deviceCount());
        assertEquals(12.0, Tensor.of(1, 2, 3).sum().mul(2).item(), "the CPU still works");
    }

    @Test
    @Spec("CUDA-UNAVAILABLE-IS-A-CLEAR-ERROR")
    void askingForCudaWithoutItThrowsDeviceUnavailableWithTheReason() {
        assumeFalse(Backends.cudaIsAvailable(), "this machine has CUDA");
        String expected = "CUDA is not available: " + Backends.cudaUnavailableReason();
        assertEquals(expected, assertThrows(DeviceUnavailableException.class,
                () -> Tensor.zeros(DType.FLOAT32, Device.cuda(0), 2, 3)).getMessage());
        assertEquals(expected, assertThrows(DeviceUnavailableException.class,
                () -> Tensor.of(1, 2).to(Device.cuda(0))).getMessage());
        assertEquals(expected, assertThrows(DeviceUnavailableException.class,
                () -> new dlblocks.affine.Linear(3, 2).to(Device.parse("cuda"))).getMessage());
        assertThrows(IllegalStateException.class, () -> new CudaProvider().backend(0));
    }

    @Test
    @Spec("CUDA-UNAVAILABLE-IS-A-CLEAR-ERROR")
    void withoutCudaTheWalkthroughOnCudaPrintsOneErrorLineAndExitsWithOne() {
        assumeFalse(Backends.cudaIsAvailable(), "this machine has CUDA");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("--device", "cuda");
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        assertEquals(1, code);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing is printed before the error");
        assertEquals("error: CUDA is not available: " + Backends.cudaUnavailableReason() + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Spec("CUDA-UNAVAILABLE-IS-A-CLEAR-ERROR")
    void aMissingDriverLibraryIsNamedInTheReason() {
        UnsatisfiedLinkError missing = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0\"\n"
                + "Stack trace from the attempt to load the library as a resource:\njava.lang.UnsatisfiedLinkError: "
                + "/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such "
                + "file or directory\n\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)");
        assertEquals("the NVIDIA driver library libcuda.so.1 was not found (no NVIDIA driver is installed)",
                CudaProvider.describeLoadFailure(missing));
        assertEquals("the library libstdc++.so.6 that JCuda needs was not found", CudaProvider.describeLoadFailure(
                new UnsatisfiedLinkError("x.so: libstdc++.so.6: cannot open shared object file")));
        assertEquals("JCuda's native library could not be loaded (no JCudaDriver in java.library.path)",
                CudaProvider.describeLoadFailure(new UnsatisfiedLinkError("no JCudaDriver in java.library.path\nmore")));
        assertEquals("JCuda could not be loaded (Could not initialize class jcuda.driver.JCudaDriver)",
                CudaProvider.describeLoadFailure(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver")));
    }
}
