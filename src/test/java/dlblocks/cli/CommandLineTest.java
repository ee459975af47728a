package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.spec.Spec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every command shares: how the command line is read, and how a failure is reported. */
class CommandLineTest {
    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void anOptionValueOfTheWrongTypeOrAnUnknownOptionIsOneLineNotTheUsage() {
        Cli.run("train", "--epochs", "x").assertOneLineError("--epochs", "'x' is not an int", "dlblocks train --help");
        Cli.run("train", "--bogus").assertOneLineError("Unknown option: '--bogus'");
        Cli.run("predict", "hello").assertOneLineError("--model");
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aDeviceBeforeTheCommandNameIsAnErrorNotIgnored(@TempDir Path dir) {
        Cli.run("--device", "cuda:0", "train", "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError("--device goes after the command name: dlblocks train --device cuda:0");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-PREDICT-LABEL-AND-PROBABILITIES")
    void anArgumentStartingWithAnAtSignIsATextNotAFileOfArguments(@TempDir Path dir) throws IOException {
        Path model = Cli.trainSmallModel(dir, "m.safetensors");
        Cli.write(dir.resolve("args"), "--json\n");
        Cli.Result r = Cli.run("predict", "--model", model.toString(), "@" + dir.resolve("args"));
        r.assertSucceeded();
        assertTrue(r.out().endsWith("\t@" + dir.resolve("args") + "\n"), r.out());
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aFolderGivenWhereAFileIsExpectedIsNamed(@TempDir Path dir) {
        Cli.run("train", "--train", dir.toString(), "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError(dir + ": is a folder, not a file");
        Cli.run("predict", "--model", dir.toString(), "hello").assertOneLineError(dir + ": is a folder, not a model file");
        Cli.run("predict", "--model", dir.toString(), "--input", dir.toString())
                .assertOneLineError(dir + ": is a folder, not a file");
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aStandardOutputThatCannotBeWrittenIsAnError(@TempDir Path dir) throws IOException {
        Path model = Cli.trainSmallModel(dir, "m.safetensors");
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        synchronized (Cli.class) {
            PrintStream savedOut = System.out;
            PrintStream savedErr = System.err;
            System.setOut(new PrintStream(full, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                code = Main.execute("predict", "--model", model.toString(), "the cat");
            } finally {
                System.setOut(savedOut);
                System.setErr(savedErr);
            }
        }
        new Cli.Result(code, "", err.toString(StandardCharsets.UTF_8))
                .assertOneLineError("could not write to standard output");
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void anArgumentTheLocaleCouldNotDecodeIsAnErrorNotAWrongPrediction() {
        // Under LANG=C, Java reads "niño" from the command line as "ni\uFFFD\uFFFDo".
        String message = Main.unreadableArgument(new String[] {"el ni\uFFFD\uFFFDo"}, "ANSI_X3.4-1968");
        assertTrue(message.startsWith("the argument 'el ni\uFFFD\uFFFDo' has characters this locale cannot read"),
                message);
        assertTrue(message.contains("LANG=C.UTF-8") && message.contains("--input"), message);
        assertNull(Main.unreadableArgument(new String[] {"el niño"}, "ANSI_X3.4-1968"));
        assertNull(Main.unreadableArgument(new String[] {"a \uFFFD typed on purpose"}, "UTF-8"));
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void runningOutOfMemoryIsOneLineThatSaysHowToGiveJavaMore(@TempDir Path dir) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("m.safetensors");
        Process p = new ProcessBuilder(List.of(java, "-Xmx24m", "-cp", System.getProperty("java.class.path"),
                "dlblocks.cli.Main", "train", "--no-plot", "--no-progress", "--out", out.toString()))
                .redirectError(dir.resolve("err.txt").toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "train did not finish");
        new Cli.Result(p.exitValue(), "", Files.readString(dir.resolve("err.txt")))
                .assertOneLineError("out of memory", "-Xmx");
        assertFalse(Files.exists(out));
    }

    @Test
    @Spec("CLI-PREDICT-LABEL-AND-PROBABILITIES")
    void textsArePrintedAsUtf8WhateverTheLocale(@TempDir Path dir) throws Exception {
        Path model = Cli.trainSmallModel(dir, "m.safetensors");
        Path input = Cli.write(dir.resolve("in.txt"), "el niño está aquí\n");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dlblocks.cli.Main", "predict", "--model", model.toString(), "--input", input.toString()));
        pb.environment().put("LANG", "C");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.redirectError(dir.resolve("err.txt").toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "predict did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
        String printed = new String(Files.readAllBytes(dir.resolve("out.txt")), StandardCharsets.UTF_8);
        assertTrue(printed.endsWith("\tel niño está aquí\n"), printed);
    }
}
