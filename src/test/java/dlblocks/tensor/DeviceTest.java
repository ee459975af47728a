package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dlblocks.spec.Spec;
import org.junit.jupiter.api.Test;

/**
 * Devices: parsed, compared and printed as {@code torch.device} is. Computing on a GPU is tested by the
 * CUDA backend's own checks; here only what every machine can check.
 */
class DeviceTest {

    @Test
    @Spec("TENSOR-DEVICE-NAMES")
    void devicesParseFromTorchsNames() {
        assertSame(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.cuda(0), Device.parse("cuda"), "plain cuda means device 0");
        assertEquals(Device.cuda(0), Device.parse("cuda:0"));
        assertEquals(Device.cuda(3), Device.parse("cuda:3"));
        assertEquals(Device.cuda(1), Device.parse(" CUDA:1 "), "case and surrounding spaces are forgiven");
        assertSame(Device.CPU, Device.parse("CPU"));
    }

    @Test
    @Spec("TENSOR-DEVICE-NAMES")
    void devicesPrintAsTorchPrintsThem() {
        // str(torch.device("cpu")), str(torch.device("cuda", 1)), str(torch.device("cuda:0")) in PyTorch 1.13
        assertEquals("cpu", Device.CPU.toString());
        assertEquals("cuda:1", Device.cuda(1).toString());
        assertEquals("cuda:0", Device.parse("cuda:0").toString());
        for (String name : new String[] {"cpu", "cuda:0", "cuda:7"}) {
            assertEquals(name, Device.parse(name).toString(), "parse and toString round-trip");
        }
    }

    @Test
    @Spec("TENSOR-DEVICE-NAMES")
    void devicesAreEqualWhenTypeAndIndexAre() {
        assertEquals(Device.cuda(2), Device.cuda(2));
        assertEquals(Device.cuda(2).hashCode(), Device.cuda(2).hashCode());
        assertNotEquals(Device.cuda(1), Device.cuda(2));
        assertNotEquals(Device.CPU, Device.cuda(0));
        assertNotEquals(Device.CPU, "cpu");
        assertEquals(Device.Type.CPU, Device.CPU.type());
        assertEquals(-1, Device.CPU.index());
        assertFalse(Device.CPU.isCuda());
        assertEquals(Device.Type.CUDA, Device.cuda(4).type());
        assertEquals(4, Device.cuda(4).index());
        assertTrue(Device.cuda(4).isCuda());
    }

    @Test
    @Spec("TENSOR-DEVICE-NAMES")
    void theCpuBackendOwnsCpuStorage() {
        Backend cpu = Backends.of(Device.CPU);
        assertTrue(cpu == FastCpuBackend.INSTANCE || cpu == CpuBackend.INSTANCE, "the fast or the reference backend");
        assertEquals(Device.CPU, cpu.device());
        assertEquals(Device.CPU, CpuBackend.INSTANCE.device());
        Storage elsewhere = new Storage() {
            @Override
            public DType dtype() {
                return DType.FLOAT32;
            }

            @Override
            public int numel() {
                return 1;
            }

            @Override
            public Device device() {
                return Device.cuda(0);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuBackend.INSTANCE.toDoubles(elsewhere));
        assertEquals("the CPU backend was given storage on cuda:0", e.getMessage());
    }

    @Test
    @Spec("TENSOR-DEVICE-NAMES")
    void withoutCudaAskingForACudaDeviceSaysWhy() {
        assumeFalse(Backends.cudaIsAvailable(), "this machine can use CUDA");
        String reason = Backends.cudaUnavailableReason();
        assertFalse(reason.isEmpty());
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Tensor.zeros(DType.FLOAT32, Device.cuda(0), 2));
        assertEquals("CUDA is not available: " + reason, e.getMessage());
        assertThrows(DeviceUnavailableException.class, () -> Tensor.of(1).to(Device.cuda(0)));
    }
}
