package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.tensor.Device;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The walkthrough prints what the tutorial prints: verification/tutorial-stdout.txt is the complete
 * output of the tutorial's own code run by real PyTorch 1.13 with seed 1 (golden tutorial.json).
 */
class WalkthroughTest {
    static String expected() throws IOException {
        return Files.readString(Paths.get("verification", "tutorial-stdout.txt"));
    }

    static String walkthrough() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Walkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8), Device.CPU).run();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutItsHeadingsTheWalkthroughIsTheTutorialsOutputCharacterForCharacter() throws IOException {
        String withoutHeadings = Arrays.stream(walkthrough().split("\n", -1))
                .filter(line -> !line.isEmpty() && !line.startsWith("## ") && !line.startsWith("// "))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected(), withoutHeadings);
    }

    @Test
    void everyOneOfTheTutorialsSeventeenPrintedBlocksAppearsInOrder() throws IOException {
        List<String> blocks = splitBlocks(expected());
        assertEquals(17, blocks.size(), "the tutorial prints 17 values");
        String out = walkthrough();
        int from = 0;
        for (String block : blocks) {
            int at = out.indexOf(block + "\n", from);
            assertTrue(at >= 0, "missing, or out of order:\n" + block);
            from = at + block.length();
        }
    }

    @Test
    void theWalkthroughIsTheDefaultCommandOfTheJar() throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute());
        } finally {
            System.setOut(original);
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(expected().substring(0, 60)));
    }

    @Test
    void anUnknownDeviceIsAClearErrorNotAStackTrace() {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(1, Main.execute("--device", "tpu"));
        } finally {
            System.setErr(original);
        }
        String err = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(err.startsWith("error: Expected one of cpu, cuda, cuda:N"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
    }

    /** A printed value spans lines until its brackets balance (a tensor, a Parameter, the dict). */
    static List<String> splitBlocks(String text) {
        List<String> blocks = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (String line : text.split("\n")) {
            if (current.length() > 0) current.append('\n');
            current.append(line);
            for (char c : line.toCharArray()) {
                if (c == '(' || c == '[' || c == '{') depth++;
                if (c == ')' || c == ']' || c == '}') depth--;
            }
            if (depth == 0 && !line.equals("Parameter containing:")) {
                blocks.add(current.toString());
                current.setLength(0);
            }
        }
        return blocks;
    }
}
