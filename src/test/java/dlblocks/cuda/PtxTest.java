package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlblocks.spec.Spec;
import dlblocks.tensor.BinaryOp;
import dlblocks.tensor.DType;
import dlblocks.tensor.ReduceOp;
import dlblocks.tensor.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX is what src/main/cuda/kernels.cu compiles to, and the Java side agrees with it: the
 * kernels' names and parameter types, and the order of the enums whose ordinals the kernels switch on.
 * None of this needs a GPU.
 */
class PtxTest {
    private static final Path SOURCE = Paths.get("src", "main", "cuda", "kernels.cu");

    static String resource(String name) throws IOException {
        try (InputStream in = PtxTest.class.getResourceAsStream("/dlblocks/cuda/" + name)) {
            assertTrue(in != null, name + " is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    @Spec("CUDA-PTX-NOT-STALE")
    void theCommittedPtxWasBuiltFromTheCurrentKernelSource() throws Exception {
        String recorded = resource("kernels.cu.sha256").trim().split("\\s+")[0];
        assertEquals(recorded, sha256(Files.readAllBytes(SOURCE)),
                "src/main/cuda/kernels.cu changed since the PTX was built: run src/main/cuda/build-ptx.sh "
                        + "(or mvn -Pcuda-ptx generate-resources) and commit the PTX");
    }

    @Test
    @Spec("CUDA-PTX-NOT-STALE")
    void recompilingTheKernelsGivesTheCommittedPtxByteForByte(@TempDir Path dir) throws Exception {
        String committed = resource("kernels.ptx");
        String version = nvccVersion();
        assumeTrue(version != null, "nvcc is not on the PATH, so the PTX cannot be rebuilt here");
        String builtBy = firstMatch("Cuda compilation tools, release [^\\n]*", committed);
        assumeTrue(version.contains(builtBy), "the committed PTX was built by \"" + builtBy + "\", this nvcc is \""
                + version + "\" (other compilers emit other, equally valid, PTX)");
        Process p = new ProcessBuilder("bash", "src/main/cuda/build-ptx.sh", dir.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "build-ptx.sh failed:\n" + log);
        assertEquals(committed, Files.readString(dir.resolve("kernels.ptx")),
                "the committed PTX is stale: run src/main/cuda/build-ptx.sh and commit the result");
        assertEquals(resource("kernels.cu.sha256"), Files.readString(dir.resolve("kernels.cu.sha256")));
    }

    @Test
    @Spec("CUDA-JAVA-AND-PTX-AGREE")
    void everyKernelTheJavaSideLaunchesIsInThePtxWithTheParametersItPasses() throws Exception {
        Map<String, List<String>> entries = entries(resource("kernels.ptx"));
        for (Kernel k : Kernel.values()) {
            assertTrue(entries.containsKey(k.entry()), "no kernel " + k.entry() + " in the PTX; it has " + entries.keySet());
            assertEquals(k.params(), entries.get(k.entry()), "parameters of " + k.entry());
        }
        assertEquals(Kernel.values().length, entries.size(), "kernels in the PTX that Java never launches: "
                + entries.keySet());
    }

    @Test
    @Spec("CUDA-JAVA-AND-PTX-AGREE")
    void theKernelsSwitchOnTheJavaEnumsInTheirDeclarationOrder() throws IOException {
        String source = Files.readString(SOURCE);
        assertEquals(names(DType.values()), enumIn(source, "DType"));
        assertEquals(names(UnaryOp.values()), enumIn(source, "UnaryOp"));
        assertEquals(names(BinaryOp.values()), enumIn(source, "BinaryOp"));
        assertEquals(names(ReduceOp.values()), enumIn(source, "ReduceOp"));
        assertEquals(Layouts.MAX_RANK, Integer.parseInt(firstMatch("#define MAX_RANK (\\d+)", source, 1)));
    }

    @Test
    @Spec("CUDA-JAVA-AND-PTX-AGREE")
    void aLaunchWithArgumentsOfTheWrongKindIsRefusedBeforeItReachesTheGpu() {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> KernelArguments.check(Kernel.SGEMM_SPLITK_SUM, 1, 2));
        assertEquals("sgemm_splitk_sum takes 6 parameters, got 2", count.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> KernelArguments.check(Kernel.MAP_UNARY, 1, 2, 3, 4, 5, 6, 7));
        assertEquals("map_unary parameter 1 must be f64, got Integer", kind.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KernelArguments.check(Kernel.STRIDED_COPY, new DevicePointer(), 0, 0, new int[3],
                        new DevicePointer(), 0, 1));
    }

    /** Kernel name → parameter kinds (ptr, i32, f64, layout), parsed from the PTX's .entry declarations. */
    static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\.entry (\\w+)\\(([^)]*)\\)").matcher(ptx);
        while (m.find()) {
            List<String> kinds = new ArrayList<>();
            for (String param : m.group(2).split(",")) {
                kinds.add(param.contains("[100]") ? "layout" : param.contains(".u64") ? "ptr"
                        : param.contains(".f64") ? "f64" : param.contains(".u32") || param.contains(".s32") ? "i32"
                        : "unknown: " + param.trim());
            }
            out.put(m.group(1), kinds);
        }
        return out;
    }

    static List<String> enumIn(String source, String name) {
        String body = firstMatch("enum " + name + " \\{([^}]*)\\}", source, 1);
        return Arrays.stream(body.split(",")).map(String::trim).toList();
    }

    static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    static String firstMatch(String regex, String text) {
        return firstMatch(regex, text, 0);
    }

    static String firstMatch(String regex, String text, int group) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(group).trim();
    }

    /** nvcc's "release ..." line, or null when nvcc cannot be run. */
    static String nvccVersion() {
        try {
            Process p = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            Matcher m = Pattern.compile("Cuda compilation tools, release [^\\n]*").matcher(out);
            return m.find() ? m.group().trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
