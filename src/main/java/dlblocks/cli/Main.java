package dlblocks.cli;

import dlblocks.tensor.Backends;
import dlblocks.tensor.Device;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar dlblocks.jar}: runs the tutorial walkthrough unless a subcommand is given. */
@Command(name = "dlblocks", mixinStandardHelpOptions = true, version = "dlblocks 0.1.0",
        description = "The PyTorch tutorial \"Deep Learning Building Blocks\" in Java. With no command, "
                + "runs the tutorial and prints what it prints.",
        subcommands = {Main.WalkthroughCommand.class, TrainCommand.class, PredictCommand.class,
                EvaluateCommand.class})
public final class Main implements Callable<Integer> {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        return runWalkthrough(device);
    }

    /** {@code dlblocks walkthrough}: the default command, named. */
    @Command(name = "walkthrough", mixinStandardHelpOptions = true,
            description = "Run the tutorial section by section, printing every value it prints.")
    static final class WalkthroughCommand implements Callable<Integer> {
        @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE})")
        String device;

        @Override
        public Integer call() {
            return runWalkthrough(device);
        }
    }

    static int runWalkthrough(String deviceName) {
        Device device = Device.parse(deviceName);
        Backends.of(device); // an unusable device fails here, before anything is printed
        new Walkthrough(System.out, device).run();
        System.out.flush();
        return 0;
    }

    /**
     * Runs the command line and returns its exit code (for tests). Every failure is one line on stderr,
     * {@code error: …}, and exit code 1: a bad option value, a bad file, a run out of memory, and a
     * standard output that cannot be written (a full disk, a closed pipe), so that no result is lost silently.
     */
    public static int execute(String... args) {
        String unreadable = unreadableArgument(args, System.getProperty("sun.jnu.encoding", "UTF-8"));
        if (unreadable != null) {
            System.err.println("error: " + unreadable);
            return 1;
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExpandAtFiles(false); // "@notes.txt" is a text to classify, not a file of arguments
        cli.setParameterExceptionHandler((ex, badArgs) -> {
            String message = ex.getMessage().strip().replaceAll("\\R+", "; ");
            ex.getCommandLine().getErr().println("error: " + message + " (see "
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return 1;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + describe(ex));
            return 1;
        });
        cli.setExecutionStrategy(Main::refuseTopLevelDeviceBeforeACommand);
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            cli.getErr().println("error: out of memory (the Java heap is " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB); give Java more with -Xmx, e.g. java -Xmx8g -jar dlblocks.jar ...");
            return 1;
        }
        return failIfStdoutWasLost(code);
    }

    /** A result that never reached standard output (a full disk, a closed pipe) is a failure, not exit 0. */
    private static int failIfStdoutWasLost(int code) {
        if (System.out.checkError()) {
            System.err.println("error: could not write to standard output (disk full or pipe closed?)");
            return 1;
        }
        return code;
    }

    /**
     * Java decodes the command line in the locale's charset; under LANG=C that is ASCII, and every other
     * byte arrives as U+FFFD, so "niño" would be classified as "ni��o". Returns the message for the first
     * argument that lost its letters that way, or null.
     */
    static String unreadableArgument(String[] args, String argumentCharset) {
        boolean utf8 = argumentCharset.replace("-", "").equalsIgnoreCase("UTF8");
        for (String arg : args) {
            if (!utf8 && arg.indexOf('\uFFFD') >= 0) {
                return "the argument '" + arg + "' has characters this locale cannot read (Java reads arguments as "
                        + argumentCharset + "); use a UTF-8 locale (LANG=C.UTF-8) or put texts in a file "
                        + "for --input";
            }
        }
        return null;
    }

    /**
     * {@code dlblocks --device cuda train} would train on the CPU: the top-level --device belongs to the
     * walkthrough. Say so instead of ignoring it.
     */
    private static int refuseTopLevelDeviceBeforeACommand(CommandLine.ParseResult parsed) {
        if (parsed.hasSubcommand() && parsed.hasMatchedOption("--device")) {
            String command = parsed.subcommand().commandSpec().name();
            throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(),
                    "--device goes after the command name: dlblocks " + command + " --device "
                            + parsed.matchedOptionValue("--device", "cpu"));
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** One line for the user: what went wrong, without a stack trace. */
    static String describe(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + ((java.nio.file.NoSuchFileException) ex).getFile();
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + ex.getMessage();
        }
        if (ex instanceof java.nio.file.FileSystemException) {
            // Its message is "file: reason"; some come without a reason (a file where a folder should be).
            java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) ex;
            return f.getReason() != null ? f.getMessage()
                    : f.getFile() + ": " + (f instanceof java.nio.file.FileAlreadyExistsException
                            ? "already exists" : "cannot be used");
        }
        String message = ex.getMessage();
        return message == null ? ex.getClass().getSimpleName() : message;
    }

    public static void main(String[] args) {
        // Texts, labels and file names are printed as UTF-8 whatever the locale: under LANG=C Java would
        // print every non-ASCII letter as '?'.
        System.setOut(utf8(FileDescriptor.out));
        System.setErr(utf8(FileDescriptor.err));
        if (args.length == 0) {
            // The default command needs no parsing: start the walkthrough without building the parser
            // (it would roughly double the start-up time of the whole run).
            System.exit(failIfStdoutWasLost(runWalkthrough("cpu")));
        }
        System.exit(execute(args));
    }

    /** A print stream over a file descriptor that writes UTF-8 and flushes at each line, as System.out does. */
    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 8192), true, StandardCharsets.UTF_8);
    }
}
