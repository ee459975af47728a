package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.affine.Affine;
import dlblocks.affine.Linear;
import dlblocks.loss.Losses;
import dlblocks.loss.Reduction;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.Indexing;
import dlblocks.tensor.LinearAlgebra;
import dlblocks.tensor.Storage;
import dlblocks.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every operation on two tensors refuses tensors on different devices with PyTorch's message, before
 * touching either: "Expected all tensors to be on the same device, but found at least two devices,
 * cuda:0 and cpu!". No GPU is needed: the "CUDA" tensor here is a storage that only claims to live on
 * cuda:0, and the check must fire before anything would read it. (CudaTensorTest repeats this with real
 * CUDA tensors where there is a GPU.)
 */
class MixedDeviceTest {
    /** A storage that says it is on cuda:0 and holds nothing: any kernel on it would fail. */
    record ElsewhereStorage(DType dtype, int numel) implements Storage {
        @Override
        public Device device() {
            return Device.cuda(0);
        }
    }

    static Tensor onCuda(DType dtype, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return Tensor.wrap(new ElsewhereStorage(dtype, n), shape);
    }

    static void assertMixedDevices(String op, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, op);
        String either = "Expected all tensors to be on the same device, but found at least two devices, ";
        assertTrue(e.getMessage().equals(either + "cuda:0 and cpu!") || e.getMessage().equals(either + "cpu and cuda:0!"),
                op + ": " + e.getMessage());
    }

    @Test
    @Spec("CUDA-MIXED-DEVICES-ARE-AN-ERROR")
    void everyOperationOnTwoTensorsRefusesTensorsOnDifferentDevices() {
        Tensor cpu = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor gpu = onCuda(DType.FLOAT32, 2, 3);
        Tensor gpuSquare = onCuda(DType.FLOAT32, 3, 3);
        Tensor cpuIndex = Tensor.fromLongs(DType.INT64, new long[] {0, 1}, 2, 1);
        Tensor gpuIndex = onCuda(DType.INT64, 2, 1);
        Tensor gpuTargets = onCuda(DType.INT64, 2);
        Map<String, Executable> ops = new LinkedHashMap<>();
        for (Tensor[] p : new Tensor[][] {{cpu, gpu}, {gpu, cpu}}) {
            Tensor a = p[0];
            Tensor b = p[1];
            ops.put("add " + a.device(), () -> a.add(b));
            ops.put("add alpha " + a.device(), () -> a.add(b, 2));
            ops.put("sub " + a.device(), () -> a.sub(b));
            ops.put("mul " + a.device(), () -> a.mul(b));
            ops.put("div " + a.device(), () -> a.div(b));
            ops.put("maximum " + a.device(), () -> a.maximum(b));
            ops.put("eq " + a.device(), () -> a.eq(b));
            ops.put("gt " + a.device(), () -> a.gt(b));
        }
        ops.put("add_", () -> cpu.clone().add_(gpu));
        ops.put("mul_", () -> cpu.clone().mul_(gpu));
        ops.put("div_", () -> cpu.clone().div_(gpu));
        ops.put("maximum_", () -> cpu.clone().maximum_(gpu));
        ops.put("addcmul_", () -> cpu.clone().addcmul_(cpu, gpu, 1));
        ops.put("addcdiv_", () -> cpu.clone().addcdiv_(cpu, gpu, 1));
        ops.put("mm", () -> cpu.mm(gpuSquare));
        ops.put("mm reversed", () -> gpu.mm(Tensor.zeros(3, 3)));
        ops.put("matmul", () -> cpu.matmul(gpuSquare));
        ops.put("mm transposed", () -> LinearAlgebra.mm(cpu, false, gpu, true));
        ops.put("linear", () -> Affine.linear(gpu, Tensor.zeros(4, 3), Tensor.zeros(4)));
        ops.put("Linear", () -> new Linear(3, 4).forward(gpu));
        ops.put("gather", () -> cpu.gather(1, gpuIndex));
        ops.put("scatterAdd", () -> Indexing.scatterAdd(new int[] {2, 3}, 1, gpuIndex, Tensor.zeros(2, 1)));
        ops.put("nll target", () -> Losses.nllLoss(cpu, gpuTargets));
        ops.put("nll weight", () -> Losses.nllLoss(cpu, Tensor.longs(0, 1), onCuda(DType.FLOAT32, 3), Reduction.MEAN, -100));
        ops.put("cross entropy target", () -> Losses.crossEntropy(cpu, gpuTargets));
        ops.put("cross entropy weight", () -> Losses.crossEntropy(cpu, Tensor.longs(0, 1), onCuda(DType.FLOAT32, 3),
                Reduction.SUM, -100));
        ops.forEach(MixedDeviceTest::assertMixedDevices);
        Supplier<Tensor> sameDevice = () -> cpu.gather(1, cpuIndex);
        assertEquals(2, sameDevice.get().numel(), "the same ops on one device work");
    }
}
