package dlblocks.verification;

import static dlblocks.verification.TorchGolden.cases;
import static dlblocks.verification.TorchGolden.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dlblocks.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden files of {@code verification/golden/torch/} say where they come from — real PyTorch 1.13 on
 * one thread, the build, the CPU capability and the command that regenerates them — and each names its
 * cases uniquely, so a failure's case id finds one case.
 */
class TorchGoldenFilesTest {
    static final List<String> FILES =
            List.of("ops.json", "softmax.json", "losses.json", "optim.json", "tutorial_training.json");
    static final String COMMAND = "apt-get install -y python3-torch; /usr/bin/python3 verification/torch_golden.py";

    @Spec("TORCH-GOLDEN-PROVENANCE")
    @TestFactory
    Stream<DynamicTest> everyGoldenFileRecordsTorchItsBuildAndTheCommandThatWroteIt() throws IOException {
        Path script = TorchGolden.dir().getParent().getParent().resolve("torch_golden.py");
        String source = Files.readString(script);
        assertTrue(source.contains("torch.set_num_threads(1)"), "the generator pins torch to one thread");
        return FILES.stream().map(name -> dynamicTest(name, () -> {
            Map<String, Object> file = load(name);
            assertTrue(source.contains("\"" + name + "\""), name + " is written by verification/torch_golden.py");
            assertTrue(((String) file.get("generated_by")).startsWith("real PyTorch"), name + ": generated_by");
            assertTrue(((String) file.get("torch_version")).startsWith("1.13"), name + ": torch_version");
            assertTrue(((String) file.get("torch_build")).startsWith("Debian python3-torch 1.13"), name + ": torch_build");
            assertEquals("AVX2", file.get("cpu_capability"), name + ": cpu_capability");
            assertEquals("x86_64 Linux", file.get("machine"), name + ": machine");
            assertEquals(1L, ((Number) file.get("num_threads")).longValue(), name + ": num_threads");
            assertEquals(COMMAND, file.get("command"), name + ": command");
            if (file.containsKey("cases")) {
                Set<String> ids = new HashSet<>();
                for (Map<String, Object> c : cases(file)) {
                    assertTrue(ids.add((String) c.get("id")), name + ": case id " + c.get("id") + " appears twice");
                }
            }
        }));
    }
}
