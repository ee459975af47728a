package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlblocks.bow.LangIdTraining.Epoch;
import dlblocks.spec.Spec;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.junit.jupiter.api.Test;

/** The training plot's axes: labels with the digits they need, and an accuracy scale even when it is flat. */
class PlotTest {
    private static String format(String pattern, double v) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }

    @Test
    @Spec("CLI-TRAIN-WRITES-MODEL-AND-PLOT")
    void tickLabelsCarryTheDigitsTheyNeedNotADoublesSeventeen() {
        XYChart chart = Plot.chart(List.of(new Epoch(1, 0.0424, 299.0 / 300), new Epoch(2, 0.0017, 299.0 / 300)));
        String loss = chart.getStyler().getYAxisGroupDecimalPatternMap().get(0);
        String accuracy = chart.getStyler().getYAxisGroupDecimalPatternMap().get(1);
        assertEquals("0.035", format(loss, 0.035));  // not ".035"
        assertEquals("0.0", format(loss, 0));
        assertEquals("99.67", format(accuracy, 100 * 299.0 / 300)); // not 99.66666666666667
        assertEquals("2", format(chart.getStyler().getXAxisDecimalPattern(), 2));
    }

    @Test
    @Spec("CLI-TRAIN-WRITES-MODEL-AND-PLOT")
    void theAccuracyAxisSpansAtLeastTwoPointsWithinZeroToAHundred() {
        XYChart flat = Plot.chart(List.of(new Epoch(1, 0.5, 299.0 / 300), new Epoch(2, 0.4, 299.0 / 300)));
        assertEquals(98.0, flat.getStyler().getYAxisMin(1));
        assertEquals(100.0, flat.getStyler().getYAxisMax(1));
        XYChart wide = Plot.chart(List.of(new Epoch(1, 1.5, 0.312), new Epoch(2, 0.4, 0.875)));
        assertEquals(31.0, wide.getStyler().getYAxisMin(1));
        assertEquals(88.0, wide.getStyler().getYAxisMax(1));
        XYChart zero = Plot.chart(List.of(new Epoch(1, 1.5, 0.0)));
        assertEquals(0.0, zero.getStyler().getYAxisMin(1));
        assertEquals(2.0, zero.getStyler().getYAxisMax(1));
    }
}
