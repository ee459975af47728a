package dlblocks.cli;

import dlblocks.tensor.Backends;
import dlblocks.tensor.Device;
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

    /** Runs the command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + describe(ex));
            return 1;
        });
        return cli.execute(args);
    }

    /** One line for the user: what went wrong, without a stack trace. */
    static String describe(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + ex.getMessage();
        }
        if (ex instanceof java.nio.file.FileAlreadyExistsException) {
            return ex.getMessage() + ": " + ((java.nio.file.FileAlreadyExistsException) ex).getReason();
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + ex.getMessage();
        }
        String message = ex.getMessage();
        return message == null ? ex.getClass().getSimpleName() : message;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            // The default command needs no parsing: start the walkthrough without building the parser
            // (it would roughly double the start-up time of the whole run).
            System.exit(runWalkthrough("cpu"));
        }
        System.exit(execute(args));
    }
}
