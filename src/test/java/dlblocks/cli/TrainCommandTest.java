package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dlblocks.bow.Corpus;
import dlblocks.bow.LangIdModel;
import dlblocks.spec.Spec;
import dlblocks.tensor.Backends;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlblocks train}: small custom TSV files (fast), and once the defaults on the bundled corpus. */
class TrainCommandTest {
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static void assertIsPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > PNG_SIGNATURE.length, file + " is too short for a PNG");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length), file + " starts as a PNG");
    }

    static String[] trainArgs(Path dir, String out, String... more) throws IOException {
        Path train = Cli.write(dir.resolve("train.tsv"), Cli.TRAIN);
        Path dev = Cli.write(dir.resolve("dev.tsv"), Cli.DEV);
        String[] base = {"train", "--train", train.toString(), "--dev", dev.toString(), "--epochs", "3",
            "--out", dir.resolve(out).toString()};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    @Spec("CLI-TRAIN-WRITES-MODEL-AND-PLOT")
    void trainWritesALoadableModelAndAPngPlotBesideIt(@TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run(trainArgs(dir, "m.safetensors"));
        r.assertSucceeded();
        LangIdModel m = LangIdModel.load(dir.resolve("m.safetensors"));
        assertEquals(List.of("ENGLISH", "GERMAN", "SPANISH"), m.labels().words());
        assertIsPng(dir.resolve("m.png"));
        assertTrue(r.out().contains("training on 15 examples (dev: 4)"), r.out());
        assertTrue(r.out().contains("dev accuracy "), r.out());
        assertTrue(r.out().contains("wrote " + dir.resolve("m.safetensors")), r.out());
        // Without a terminal the progress is one line per epoch on stderr.
        assertEquals(3, r.err().lines().filter(l -> l.startsWith("epoch ")).count(), r.err());
    }

    @Test
    @Spec("CLI-TRAIN-WRITES-MODEL-AND-PLOT")
    void withNoPlotOnlyTheModelIsWritten(@TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run(trainArgs(dir, "m.safetensors", "--no-plot"));
        r.assertSucceeded();
        LangIdModel.load(dir.resolve("m.safetensors"));
        assertFalse(Files.exists(dir.resolve("m.png")));
        assertTrue(r.out().contains("wrote " + dir.resolve("m.safetensors") + "\n"), r.out());
    }

    @Test
    @Spec("CLI-TRAIN-WRITES-MODEL-AND-PLOT")
    void aJavaThatCannotDrawStillGetsTheModelAndAWarning(@TempDir Path dir) throws Exception {
        // As in the jlink runtime carried to a GPU server: no java.desktop module, so no AWT to draw with.
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--limit-modules", "java.base,java.logging,jdk.unsupported",
                "-cp", System.getProperty("java.class.path"), "dlblocks.cli.Main"));
        command.addAll(Arrays.asList(trainArgs(dir, "m.safetensors")));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("err.txt").toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "train did not finish");
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err);
        LangIdModel.load(dir.resolve("m.safetensors"));
        assertFalse(Files.exists(dir.resolve("m.png")));
        assertTrue(err.contains("warning: no plot written (this Java cannot draw: "), err);
        assertTrue(err.contains("--no-plot"), err);
    }

    @Test
    @Spec("CLI-REFUSES-TO-OVERWRITE")
    void trainRefusesToOverwriteAModelWithoutForceAndLeavesItUnchanged(@TempDir Path dir) throws IOException {
        byte[] old = "an earlier model, precious".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("m.safetensors"), old);
        Cli.Result r = Cli.run(trainArgs(dir, "m.safetensors"));
        r.assertOneLineError(dir.resolve("m.safetensors").toString(), "exists", "--force");
        assertArrayEquals(old, Files.readAllBytes(dir.resolve("m.safetensors")));
        assertFalse(Files.exists(dir.resolve("m.png")), "nothing else is written either");
    }

    @Test
    @Spec("CLI-REFUSES-TO-OVERWRITE")
    void trainRefusesToOverwriteAnExistingPlotAndWritesNoModel(@TempDir Path dir) throws IOException {
        byte[] old = "someone's picture".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("m.png"), old);
        Cli.Result r = Cli.run(trainArgs(dir, "m.safetensors"));
        r.assertOneLineError("m.png", "exists", "--force");
        assertArrayEquals(old, Files.readAllBytes(dir.resolve("m.png")));
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-REFUSES-TO-OVERWRITE")
    void evenWithForceTheModelIsNeverWrittenOverTheTrainingOrDevData(@TempDir Path dir) throws IOException {
        Path train = Cli.write(dir.resolve("train.tsv"), Cli.TRAIN);
        Path dev = Cli.write(dir.resolve("dev.tsv"), Cli.DEV);
        Cli.run("train", "--train", train.toString(), "--dev", dev.toString(), "--no-plot", "--force",
                "--out", train.toString()).assertOneLineError(train + " is the --train file");
        Cli.run("train", "--train", train.toString(), "--dev", dev.toString(), "--no-plot", "--force",
                "--out", dir.resolve(".").resolve("dev.tsv").toString()).assertOneLineError("is the --dev file");
        assertEquals(Cli.TRAIN, Files.readString(train));
        assertEquals(Cli.DEV, Files.readString(dev));
    }

    @Test
    @Spec("CLI-REFUSES-TO-OVERWRITE")
    void anOutputThatCannotBeWrittenIsRefusedBeforeTrainingAndNothingIsReplaced(@TempDir Path dir) throws IOException {
        byte[] old = "an earlier model".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("m.safetensors"), old);
        Files.createDirectory(dir.resolve("m.png"));
        Cli.Result folderPlot = Cli.run(trainArgs(dir, "m.safetensors", "--force"));
        folderPlot.assertOneLineError(dir.resolve("m.png") + ": is a directory");
        assertFalse(folderPlot.out().contains("training on"), "refused before training: " + folderPlot.out());
        assertArrayEquals(old, Files.readAllBytes(dir.resolve("m.safetensors")), "the model was not replaced");
        Path data = dir.resolve("train.tsv");
        Cli.run(trainArgs(dir, "train.tsv/m.safetensors", "--no-plot"))
                .assertOneLineError(data + " is not a folder");
        Cli.run(trainArgs(dir, "", "--no-plot")).assertOneLineError(dir + ": is a directory; give a file name");
    }

    @Test
    @Spec("CLI-REFUSES-TO-OVERWRITE")
    void withForceTrainOverwritesTheModelAndThePlot(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.safetensors"), "old");
        Files.writeString(dir.resolve("m.png"), "old");
        Cli.run(trainArgs(dir, "m.safetensors", "--force")).assertSucceeded();
        assertEquals(3, LangIdModel.load(dir.resolve("m.safetensors")).labels().size());
        assertIsPng(dir.resolve("m.png"));
        // No temporary files are left behind.
        try (var files = Files.list(dir)) {
            assertEquals(List.of("dev.tsv", "m.png", "m.safetensors", "train.tsv"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    @Spec("LANGID-SAME-SEED-SAME-MODEL")
    void theSameSeedTrainsByteIdenticalModelFilesAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
        Cli.run(trainArgs(dir, "a.safetensors", "--seed", "42")).assertSucceeded();
        Cli.run(trainArgs(dir, "b.safetensors", "--seed", "42")).assertSucceeded();
        Cli.run(trainArgs(dir, "c.safetensors", "--seed", "43")).assertSucceeded();
        byte[] a = Files.readAllBytes(dir.resolve("a.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b.safetensors")));
        assertFalse(Arrays.equals(a, Files.readAllBytes(dir.resolve("c.safetensors"))));
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void aMalformedTrainingLineIsAnErrorNamingFileAndLineOrIsSkippedAndCounted(@TempDir Path dir) throws IOException {
        Path train = Cli.write(dir.resolve("bad.tsv"), "ENGLISH\tthe cat\nGERMAN die Katze\nSPANISH\tel gato\n\tno label\n");
        Cli.run("train", "--train", train.toString(), "--epochs", "1", "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError(train + ":2:", "no tab", "--skip-bad-lines");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));

        Cli.Result r = Cli.run("train", "--train", train.toString(), "--epochs", "1", "--skip-bad-lines",
                "--out", dir.resolve("m.safetensors").toString());
        r.assertSucceeded();
        assertTrue(r.err().contains("skipped 2 bad line(s), e.g. " + train + ":2:"), r.err());
        assertTrue(r.out().contains("training on 2 examples"), r.out());
        assertEquals(List.of("ENGLISH", "SPANISH"), LangIdModel.load(dir.resolve("m.safetensors")).labels().words());
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void badOptionValuesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Cli.run(trainArgs(dir, "m.safetensors", "--optimizer", "lbfgs"))
                .assertOneLineError("--optimizer must be sgd, adagrad, adam or rmsprop, got 'lbfgs'");
        Cli.run(trainArgs(dir, "m.safetensors", "--tokenizer", "bpe"))
                .assertOneLineError("--tokenizer must be words or split, got 'bpe'");
        Cli.run(trainArgs(dir, "m.safetensors", "--min-count", "0")).assertOneLineError("--min-count");
        Cli.run(trainArgs(dir, "m.safetensors", "--batch-size", "0")).assertOneLineError("--batch-size");
        Cli.run(trainArgs(dir, "m.safetensors", "--lr", "-1")).assertOneLineError("--lr");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aDivergingRunStopsWithAnErrorAndSavesNoModel(@TempDir Path dir) throws IOException {
        for (String optimizer : List.of("sgd", "adagrad")) {
            Cli.run(trainArgs(dir, "m.safetensors", "--lr", "1e39", "--optimizer", optimizer, "--no-plot"))
                    .assertOneLineError("training diverged in epoch 1", "try a smaller --lr (it is 1.0E39)");
            assertFalse(Files.exists(dir.resolve("m.safetensors")), optimizer);
        }
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void trainingDataWithOneLabelIsAnError(@TempDir Path dir) throws IOException {
        Path train = Cli.write(dir.resolve("train.tsv"), "ENGLISH\tthe cat\nENGLISH\tthe dog\n");
        Cli.run("train", "--train", train.toString(), "--no-plot", "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError("the training data has one label only ('ENGLISH')", "at least two");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aVocabularyLeftEmptyIsAnErrorNotAModelWithoutWords(@TempDir Path dir) throws IOException {
        Path train = Cli.write(dir.resolve("train.tsv"), "ENGLISH\tthe cat\nSPANISH\tel gato\n");
        Cli.run("train", "--train", train.toString(), "--min-count", "2", "--no-plot",
                "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError("no word occurs at least 2 times in the training data", "--min-count");
        Path noWords = Cli.write(dir.resolve("punctuation.tsv"), "ENGLISH\t?!\nSPANISH\t...\n");
        Cli.run("train", "--train", noWords.toString(), "--no-plot", "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError("the training texts contain no words");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void trainingDataWithoutExamplesIsAnErrorNotAModelWithoutLabels(@TempDir Path dir) throws IOException {
        Path empty = Cli.write(dir.resolve("empty.tsv"), "");
        Cli.run("train", "--train", empty.toString(), "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError(empty + ": no examples to train on");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
        // Every line bad and skipped: the skipped lines are reported, then the same error.
        Path bad = Cli.write(dir.resolve("bad.tsv"), "no tab here\n");
        Cli.Result r = Cli.run("train", "--train", bad.toString(), "--skip-bad-lines", "--out",
                dir.resolve("m.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("skipped 1 bad line(s), e.g. " + bad + ":1:"), r.err());
        assertTrue(r.err().strip().endsWith("error: " + bad + ": no examples to train on"), r.err());
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void anEmptyDevFileIsAnErrorAndNoDevFileMeansNoDevAccuracyAnywhere(@TempDir Path dir) throws IOException {
        Path train = Cli.write(dir.resolve("train.tsv"), Cli.TRAIN);
        Path empty = Cli.write(dir.resolve("dev.tsv"), "");
        Cli.run("train", "--train", train.toString(), "--dev", empty.toString(), "--out",
                dir.resolve("m.safetensors").toString()).assertOneLineError(empty + ": no examples to measure dev accuracy on");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
        Cli.Result r = Cli.run("train", "--train", train.toString(), "--no-plot", "--epochs", "2", "--out",
                dir.resolve("m.safetensors").toString());
        r.assertSucceeded();
        assertFalse(r.out().contains("dev") || r.err().contains("dev") || r.err().contains("NaN"), r.out() + r.err());
        assertEquals(List.of("epoch 1: train loss", "epoch 2: train loss"),
                r.err().lines().filter(l -> l.startsWith("epoch ")).map(l -> l.substring(0, l.lastIndexOf(' '))).toList(),
                r.err());
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void cudaWithoutAGpuIsAnErrorSayingCudaIsNotAvailable(@TempDir Path dir) throws IOException {
        assumeFalse(Backends.cudaIsAvailable(), "this machine has a GPU");
        Cli.run(trainArgs(dir, "m.safetensors", "--device", "cuda")).assertOneLineError("CUDA is not available");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aMissingTrainingFileIsAnErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.tsv");
        Cli.run("train", "--train", missing.toString(), "--out", dir.resolve("m.safetensors").toString())
                .assertOneLineError("no such file", missing.toString());
    }

    @Test
    @Spec("LANGID-UNKNOWN-LABEL-NAMED")
    void aDevLabelNotInTheTrainingDataIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path train = Cli.write(dir.resolve("train.tsv"), Cli.TRAIN);
        Path dev = Cli.write(dir.resolve("dev.tsv"), "ENGLISH\tthe cat\nFRENCH\tle chat\n");
        Cli.run("train", "--train", train.toString(), "--dev", dev.toString(), "--out",
                dir.resolve("m.safetensors").toString()).assertOneLineError("unknown label 'FRENCH'", dev + ":2:");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    static Corpus bundledDev() throws IOException {
        try (InputStream in = TrainCommandTest.class.getResourceAsStream("/dlblocks/langid/dev.tsv")) {
            return Corpus.read("dev.tsv", in, false);
        }
    }

    /**
     * Issue 5's target: {@code train} with no arguments but {@code --out} reaches at least 98.9% on the
     * bundled dev split. The accuracy is counted here, from the saved model's predictions, and must also
     * be the one the command printed. (The one slow test: the whole corpus, a few seconds.)
     */
    @Test
    @Spec("LANGID-DEFAULT-DEV-ACCURACY")
    void defaultTrainReachesAtLeast98Point9PercentOnTheBundledDevSplit(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("langid.safetensors");
        long start = System.nanoTime();
        Cli.Result r = Cli.run("train", "--out", model.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        r.assertSucceeded();
        assertIsPng(dir.resolve("langid.png"));

        Corpus dev = bundledDev();
        List<LangIdModel.Prediction> predictions = LangIdModel.load(model).predict(dev.texts());
        int right = 0;
        for (int i = 0; i < dev.size(); i++) {
            if (predictions.get(i).label().equals(dev.labels().get(i))) right++;
        }
        double accuracy = (double) right / dev.size();
        System.out.printf(Locale.ROOT, "default train: dev accuracy %d/%d = %.4f%%, %.1f s%n", right, dev.size(),
                100 * accuracy, seconds);
        assertTrue(accuracy >= 0.989, "dev accuracy " + accuracy + " (" + right + "/" + dev.size() + ")");
        Matcher printed = Pattern.compile("dev accuracy ([0-9.]+)%").matcher(r.out());
        assertTrue(printed.find(), r.out());
        assertEquals(String.format(Locale.ROOT, "%.2f", 100 * accuracy), printed.group(1));
    }
}
