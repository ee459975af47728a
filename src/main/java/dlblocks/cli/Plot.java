package dlblocks.cli;

import dlblocks.bow.LangIdTraining;
import dlblocks.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG that {@code train} writes beside the model: training loss and dev accuracy per epoch. */
final class Plot {
    private Plot() {
    }

    static void write(List<LangIdTraining.Epoch> history, Path file, boolean overwrite) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(chart(history), BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, png, overwrite);
    }

    /**
     * The chart: loss on the left axis, dev accuracy (if any) on the right. Tick labels are written with
     * the digits they need ("0.035", "99.67"), not a double's seventeen, and the accuracy axis spans at least
     * two percentage points, so that a constant accuracy is a line with a scale, not one label.
     */
    static XYChart chart(List<LangIdTraining.Epoch> history) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("dlblocks train")
                .xAxisTitle("epoch").yAxisTitle("training loss").build();
        double[] epochs = new double[Math.max(1, history.size())];
        double[] loss = new double[epochs.length];
        double[] accuracy = new double[epochs.length];
        for (int i = 0; i < history.size(); i++) {
            epochs[i] = history.get(i).number();
            loss[i] = history.get(i).trainLoss();
            accuracy[i] = 100 * history.get(i).devAccuracy();
        }
        if (history.isEmpty()) {
            loss[0] = Double.NaN;
            accuracy[0] = Double.NaN;
        }
        chart.getStyler().setXAxisDecimalPattern("0.#");
        chart.getStyler().putYAxisGroupDecimalPatternMap(0, "0.0###");
        XYSeries lossSeries = chart.addSeries("training loss", epochs, loss);
        lossSeries.setMarker(SeriesMarkers.CIRCLE);
        if (history.stream().anyMatch(e -> !Double.isNaN(e.devAccuracy()))) {
            XYSeries accuracySeries = chart.addSeries("dev accuracy (%)", epochs, accuracy);
            accuracySeries.setYAxisGroup(1);
            accuracySeries.setMarker(SeriesMarkers.DIAMOND);
            chart.setYAxisGroupTitle(1, "dev accuracy (%)");
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            chart.getStyler().putYAxisGroupDecimalPatternMap(1, "0.##");
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (double a : accuracy) {
                if (Double.isNaN(a)) continue;
                low = Math.min(low, a);
                high = Math.max(high, a);
            }
            chart.getStyler().setYAxisMin(1, Math.max(0, Math.min(Math.floor(low), Math.ceil(high) - 2)));
            chart.getStyler().setYAxisMax(1, Math.min(100, Math.max(Math.ceil(high), Math.floor(low) + 2)));
        }
        return chart;
    }
}
