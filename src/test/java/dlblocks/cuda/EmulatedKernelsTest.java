package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlblocks.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs src/test/cuda/run-emulated.sh: the kernels of kernels.cu compiled for the CPU by g++ with a small
 * emulator of CUDA threads, blocks, shared memory and barriers, and compared with plain loops (the
 * SGEMM bit for bit with a sequential fmaf loop, including partial tiles, float4 and split-K). A check
 * of the kernels' logic on machines without a GPU; skipped where there is no g++.
 */
class EmulatedKernelsTest {
    @Test
    @Spec("CUDA-KERNEL-LOGIC-CHECKED-BY-EMULATION")
    void theKernelsRunByTheCpuEmulatorComputeWhatThePlainLoopsCompute() throws IOException, InterruptedException {
        assumeTrue(onPath("g++"), "g++ is not on the PATH, so the kernels cannot be emulated here");
        Process p = new ProcessBuilder("bash", "src/test/cuda/run-emulated.sh").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the emulated kernels did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("all emulated kernel checks passed"), out);
    }

    static boolean onPath(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
