package dlblocks.cli;

import dlblocks.bow.LangIdTraining;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for long work (examples/s and the running loss) on a terminal; where there is no
 * terminal (a pipe, a test, CI) it prints one line per epoch instead.
 */
final class Progress implements LangIdTraining.Listener, AutoCloseable {
    private final ProgressBar bar;
    private double runningLoss = Double.NaN;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress open(boolean wanted, String task, long total) {
        if (!wanted || System.console() == null) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" ex", 1).showSpeed().setUpdateIntervalMillis(200).build());
    }

    @Override
    public void batchDone(int examples, double loss) {
        // An exponential running mean: recent batches count most.
        runningLoss = Double.isNaN(runningLoss) ? loss : 0.98 * runningLoss + 0.02 * loss;
        if (bar != null) {
            bar.stepBy(examples);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", runningLoss));
        }
    }

    @Override
    public void epochDone(LangIdTraining.Epoch epoch) {
        String line = String.format(Locale.ROOT, "epoch %d: train loss %.4f", epoch.number(), epoch.trainLoss())
                + (Double.isNaN(epoch.devAccuracy()) ? "" // no dev set
                        : String.format(Locale.ROOT, ", dev accuracy %.2f%%", 100 * epoch.devAccuracy()));
        if (bar != null) {
            bar.setExtraMessage(" " + line);
        } else {
            System.err.println(line);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
