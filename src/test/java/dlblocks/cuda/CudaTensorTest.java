package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.affine.Linear;
import dlblocks.loss.Losses;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.Backends;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.DeviceUnavailableException;
import dlblocks.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CUDA tensor behaves as a CPU tensor does through the whole Tensor API — reading and writing single
 * elements, moving between devices with its gradient, printing — and mixing devices is PyTorch's error.
 * Skipped, with the reason, where there is no GPU.
 */
class CudaTensorTest {
    private Device cuda;

    @BeforeEach
    void needsCuda() {
        cuda = Gpu.cuda();
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void readingWritingAndPrintingACudaTensorWorksAsOnTheCpu() {
        Tensor cpu = Tensor.randn(new Generator(7), 3, 4);
        Tensor gpu = cpu.to(cuda);
        assertEquals(cuda, gpu.device());
        assertEquals(cpu.get(2, 1), gpu.get(2, 1));
        assertEquals(cpu.get(-1, -1), gpu.get(-1, -1));
        assertArrayEquals(cpu.toFloatArray(), gpu.toFloatArray());
        assertArrayEquals(cpu.toLongArray(), gpu.toLongArray());
        assertArrayEquals(cpu.to(DType.FLOAT64).toFloatArray(), gpu.to(DType.FLOAT64).toFloatArray());
        cpu.put_(5, 42.5);
        gpu.put_(5, 42.5);
        assertArrayEquals(cpu.toDoubleArray(), gpu.toDoubleArray());
        assertEquals(cpu.sum().item(), gpu.sum().item());
        assertEquals(cpu.toString(), gpu.toString(false));
        assertEquals(cpu.toString().replace(")", ", device='cuda:0')"), gpu.toString());
        Tensor ints = Tensor.longs(3, -1, 1L << 40).to(cuda);
        assertArrayEquals(new long[] {3, -1, 1L << 40}, ints.toLongArray());
        assertEquals(Tensor.longs(3, -1, 1L << 40).toString(false), ints.toString(false));
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void gradientsFlowBackAcrossDevicesAndModulesMoveWithTheirGradients() {
        Tensor x = Tensor.of(1, -2, 3).requiresGrad_(true);
        Tensor y = x.to(cuda).mul(Tensor.of(2, 2, 2).to(cuda)).sum();
        y.backward();
        assertEquals(Device.CPU, x.grad().device());
        assertArrayEquals(new double[] {2, 2, 2}, x.grad().toDoubleArray());
        Linear lin = new Linear(4, 2, true, new Generator(1));
        lin.forward(Tensor.ones(3, 4)).sum().backward();
        double[] grad = lin.weight.grad().toDoubleArray();
        lin.to(cuda);
        assertEquals(cuda, lin.weight.device());
        assertEquals(cuda, lin.weight.grad().device(), "the gradient moves with its parameter");
        assertArrayEquals(grad, lin.weight.grad().toDoubleArray());
        lin.to(Device.CPU);
        assertEquals(Device.CPU, lin.bias.device());
    }

    @Test
    @Spec("CUDA-MIXED-DEVICES-ARE-AN-ERROR")
    void realCudaAndCpuTensorsTogetherAreRefusedWithPyTorchsMessage() {
        Tensor gpu = Tensor.ones(2, 3).to(cuda);
        Tensor cpu = Tensor.ones(2, 3);
        MixedDeviceTest.assertMixedDevices("add", () -> gpu.add(cpu));
        MixedDeviceTest.assertMixedDevices("mul", () -> cpu.mul(gpu));
        MixedDeviceTest.assertMixedDevices("mm", () -> gpu.mm(Tensor.ones(3, 2)));
        MixedDeviceTest.assertMixedDevices("Linear", () -> new Linear(3, 2).forward(gpu));
        MixedDeviceTest.assertMixedDevices("gather", () -> gpu.gather(1, Tensor.fromLongs(DType.INT64, new long[2], 2, 1)));
        MixedDeviceTest.assertMixedDevices("cross entropy", () -> Losses.crossEntropy(gpu, Tensor.longs(0, 1)));
        MixedDeviceTest.assertMixedDevices("add_", () -> gpu.clone().add_(cpu));
        Tensor moved = cpu.clone().copy_(gpu); // copy_ moves, as in PyTorch
        assertArrayEquals(cpu.toDoubleArray(), moved.toDoubleArray());
    }

    @Test
    @Spec("CUDA-UNAVAILABLE-IS-A-CLEAR-ERROR")
    void aDeviceOrdinalBeyondTheLastGpuIsAClearError() {
        int count = new CudaProvider().deviceCount();
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Backends.of(Device.cuda(count)));
        assertEquals("CUDA error: invalid device ordinal " + count + " (this machine has " + count + " CUDA device(s))",
                e.getMessage());
        assertTrue(count >= 1);
    }
}
