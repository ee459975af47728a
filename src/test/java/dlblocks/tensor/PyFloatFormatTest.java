package dlblocks.tensor;

import dlblocks.spec.Spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Python's {@code "{:.Nf}"} and {@code "{:.Ne}"} (torch-compat.md §7.3). Expected strings are Python 3's
 * {@code format(v, ".4f")} / {@code format(v, ".4e")} of the same double.
 */
class PyFloatFormatTest {
    @Spec("PRINT-ROUNDS-EXACT-VALUE-HALF-EVEN")
    @Test
    void fixedRoundsTheExactBinaryValueTiesToEven() {
        assertEquals("0.0312", PyFloatFormat.fixed(0.03125, 4)); // exact tie, down to even
        assertEquals("0.0938", PyFloatFormat.fixed(0.09375, 4)); // exact tie, up to even
        assertEquals("1.0000", PyFloatFormat.fixed((float) 1.00005, 4)); // float32 1.00005 is below the tie
        assertEquals("0.1000", PyFloatFormat.fixed(0.1, 4));
        assertEquals("2", PyFloatFormat.fixed(2.5, 0));
        assertEquals("4", PyFloatFormat.fixed(3.5, 0));
        assertEquals("100000000000000000000", PyFloatFormat.fixed(1e20, 0));
    }

    @Test
    void fixedKeepsTheMinusOfNegativeValuesAndNegativeZero() {
        assertEquals("-0.0000", PyFloatFormat.fixed(-0.0, 4));
        assertEquals("-0.0000", PyFloatFormat.fixed(-1e-9, 4));
        assertEquals("-0", PyFloatFormat.fixed(-0.0, 0));
        assertEquals("-1.5000", PyFloatFormat.fixed(-1.5, 4));
        assertEquals("0.0000", PyFloatFormat.fixed(0.0, 4));
    }

    @Spec("PRINT-ROUNDS-EXACT-VALUE-HALF-EVEN")
    @Test
    void scientificHasFiveSignificantDigitsAndATwoDigitExponent() {
        assertEquals("1.0000e+00", PyFloatFormat.scientific(1, 4));
        assertEquals("1.0000e-05", PyFloatFormat.scientific(1e-5, 4));
        assertEquals("1.2346e+08", PyFloatFormat.scientific(123456792, 4)); // float32 123456789
        assertEquals("9.9999e-41", PyFloatFormat.scientific(Float.intBitsToFloat(0x000116c2), 4)); // float32 1e-40
        assertEquals("1.0000e+01", PyFloatFormat.scientific(9.99995, 4)); // rounds up into the next decade
        assertEquals("1.2500e+00", PyFloatFormat.scientific(1.25, 4));
        assertEquals("1.0312e+00", PyFloatFormat.scientific(1.03125, 4)); // exact tie, down to even
        assertEquals("1.0938e+00", PyFloatFormat.scientific(1.09375, 4)); // exact tie, up to even
        assertEquals("1.0000e+300", PyFloatFormat.scientific(1e300, 4));
        assertEquals("4.9407e-324", PyFloatFormat.scientific(Double.MIN_VALUE, 4));
        assertEquals("-3.1416e+10", PyFloatFormat.scientific(-31415900000.0, 4));
        assertEquals("2e+00", PyFloatFormat.scientific(2.5, 0)); // tie to even, no point with 0 decimals
    }

    @Test
    void scientificZeroKeepsItsSign() {
        assertEquals("0.0000e+00", PyFloatFormat.scientific(0.0, 4));
        assertEquals("-0.0000e+00", PyFloatFormat.scientific(-0.0, 4));
    }

    @Test
    void specialsAreWrittenAsPythonWritesThem() {
        assertEquals("nan", PyFloatFormat.fixed(Double.NaN, 4));
        assertEquals("nan", PyFloatFormat.scientific(Double.longBitsToDouble(0xfff8000000000000L), 4));
        assertEquals("inf", PyFloatFormat.fixed(Double.POSITIVE_INFINITY, 0));
        assertEquals("-inf", PyFloatFormat.scientific(Double.NEGATIVE_INFINITY, 4));
    }

    @Test
    void elementFormatterStylesFollowTheSciSwitch() {
        assertEquals(ElementFormatter.Style.FLOAT_INT, ElementFormatter.floatStyle(true, 1, 1000));
        assertEquals(ElementFormatter.Style.SCI, ElementFormatter.floatStyle(true, 1, 1001));
        assertEquals(ElementFormatter.Style.FLOAT_INT, ElementFormatter.floatStyle(true, 1e8, 1e8));
        assertEquals(ElementFormatter.Style.SCI, ElementFormatter.floatStyle(true, 1e8 + 8, 1e8 + 8));
        assertEquals(ElementFormatter.Style.FIXED, ElementFormatter.floatStyle(false, 1e-4, 0.1));
        assertEquals(ElementFormatter.Style.SCI, ElementFormatter.floatStyle(false, (float) 1e-4, 0.1));
        assertEquals(ElementFormatter.Style.SCI, ElementFormatter.floatStyle(false, 0.5, 501));
        assertEquals(ElementFormatter.Style.FIXED, ElementFormatter.floatStyle(false, 0.5, 500));
    }

    @Test
    void aFormatterPrintsOnlyItsOwnKindOfValue() {
        ElementFormatter ints = ElementFormatter.forIntegers(new long[] {1, -20}, false);
        assertEquals(ElementFormatter.Style.INTEGER, ints.style());
        assertEquals("  1", ints.format(1L));
        assertThrows(IllegalStateException.class, () -> ints.format(1.0));
        ElementFormatter floats = ElementFormatter.forFloats(new double[] {0.5});
        assertEquals(ElementFormatter.Style.FIXED, floats.style());
        assertThrows(IllegalStateException.class, () -> floats.format(1L));
    }
}
