package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlblocks.cli.Main;
import dlblocks.cli.Walkthrough;
import dlblocks.spec.Spec;
import dlblocks.tensor.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The walkthrough on CUDA prints what it prints on the CPU (which is the tutorial's own output), character
 * for character — including the 100 epochs of training. Skipped, with the reason, where there is no GPU.
 */
class CudaWalkthroughTest {
    static String walkthrough(Device device) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Walkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8), device).run();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Spec("CUDA-WALKTHROUGH-EQUALS-CPU")
    void theWalkthroughOnCudaPrintsExactlyWhatItPrintsOnTheCpu() {
        Device cuda = Gpu.cuda();
        assertEquals(walkthrough(Device.CPU), walkthrough(cuda));
    }

    @Test
    @Spec("CUDA-WALKTHROUGH-EQUALS-CPU")
    void theCommandLineWithDeviceCudaPrintsWhatItPrintsWithoutIt() {
        Gpu.cuda();
        assertEquals(run(), run("--device", "cuda"));
        assertEquals(run(), run("walkthrough", "--device", "cuda:0"));
    }

    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(args));
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
