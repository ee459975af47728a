package dlblocks.random;

import dlblocks.spec.Spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** nn.init and the layers' parameter init (torch-compat.md §6), with the worked examples of §8. */
class InitTest {
    private static int[] bits(float[] v) {
        return GeneratorTest.bits(v);
    }

    @Test
    void fansOfLinearAndConvolutionShapes() {
        assertEquals(5, Init.fanIn(new int[] {3, 5}));
        assertEquals(3, Init.fanOut(new int[] {3, 5}));
        assertEquals(12, Init.fanIn(new int[] {4, 3, 2, 2}));
        assertEquals(16, Init.fanOut(new int[] {4, 3, 2, 2}));
    }

    @Test
    void fansNeedTwoDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.fanIn(new int[] {7}));
        assertTrue(e.getMessage().contains("fewer than 2 dimensions") && e.getMessage().contains("[7]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Init.fanOut(new int[0]));
        assertThrows(IllegalArgumentException.class,
                () -> Init.kaimingUniform(new Generator(), new int[] {7}, 0));
    }

    @Spec("RANDOM-INIT-MATCHES-TORCH")
    @Test
    void linearFiveThreeOfSeedOne() {
        Init.LinearInit p = Init.linear(new Generator(1), 5, 3, true);
        assertArrayEquals(new int[] {0x3e6bf68d, 0xbe4a20b2, 0xbdb18e74, 0x3e56f22b, 0xbed79060},
                Arrays.copyOf(bits(p.weight()), 5));
        assertArrayEquals(new int[] {0xbd24e930, 0x3d84c0d3, 0xbaea2a4c}, bits(p.bias()));
        assertEquals(15, p.weight().length);
    }

    @Test
    void linearBoundIsComputedInTorchsOrder() {
        // bound = sqrt(3)·(sqrt(2/(1+a·a))/sqrt(5)), a = √5: 0.44721359549995787, one ulp above 1/√5.
        float[] viaInit = Init.kaimingUniform(new Generator(1), new int[] {3, 5}, Math.sqrt(5.0));
        float[] viaBound = new Generator(1).uniform(15, -0.44721359549995787, 0.44721359549995787);
        assertArrayEquals(viaBound, viaInit);
        assertEquals(0xbee4f92e, Float.floatToRawIntBits((float) -0.44721359549995787));
    }

    @Test
    void fusedMultiplyAddMattersForLinear26x2() {
        float w0 = Init.linear(new Generator(1), 26, 2, true).weight()[0];
        assertEquals(0x3dcef40d, Float.floatToRawIntBits(w0));
    }

    @Spec("RANDOM-INIT-MATCHES-TORCH")
    @Test
    void linearDrawsAllWeightsBeforeAnyBias() {
        Generator g = new Generator(4);
        Init.LinearInit p = Init.linear(g, 3, 2, true);
        assertEquals(8, g.next(), "out·(in+1) draws");
        Generator h = new Generator(4);
        float[] w = Init.kaimingUniform(h, new int[] {2, 3}, Math.sqrt(5.0));
        float[] b = h.uniform(2, -1 / Math.sqrt(3), 1 / Math.sqrt(3));
        assertArrayEquals(w, p.weight());
        assertArrayEquals(b, p.bias());
    }

    @Test
    void linearWithoutBias() {
        Generator g = new Generator(4);
        Init.LinearInit p = Init.linear(g, 3, 5, false);
        assertNull(p.bias());
        assertEquals(15, g.next());
    }

    @Test
    void linearWithNoInputsDrawsOnlyTheBiasAndGivesZeros() {
        Generator g = new Generator(4);
        Init.LinearInit p = Init.linear(g, 0, 3, true);
        assertEquals(0, p.weight().length);
        assertArrayEquals(new float[3], p.bias());
        assertEquals(3, g.next(), "uniform_(0, 0) still draws one value per element");
    }

    @Test
    void conv2dIsLinearWithAReceptiveField() {
        Init.Conv2dInit c = Init.conv2d(new Generator(6), 3, 4, 3);
        Generator g = new Generator(6);
        float[] w = Init.kaimingUniform(g, new int[] {4, 3, 3, 3}, Math.sqrt(5.0));
        float[] b = g.uniform(4, -1 / Math.sqrt(27), 1 / Math.sqrt(27));
        assertArrayEquals(w, c.weight());
        assertArrayEquals(b, c.bias());
    }

    @Test
    void conv2dWithNoInputsLeavesTheBiasZeroWithoutDrawing() {
        Generator g = new Generator(6);
        Init.Conv2dInit c = Init.conv2d(g, 0, 2, 3);
        assertEquals(0, c.weight().length);
        assertArrayEquals(new float[2], c.bias());
        assertEquals(0, g.next());
    }

    @Test
    void xavierUsesBothFans() {
        double a = 1.5 * Math.sqrt(2.0 / (5 + 3)) * Math.sqrt(3.0);
        assertArrayEquals(new Generator(8).uniform(15, -a, a),
                Init.xavierUniform(new Generator(8), new int[] {3, 5}, 1.5));
    }

    @Test
    void kaimingOnAnEmptyTensorDrawsNothing() {
        Generator g = new Generator(8);
        assertEquals(0, Init.kaimingUniform(g, new int[] {0, 5}, 0).length);
        assertEquals(0, g.next());
    }

    @Test
    void initNormalFollowsTheElementCountPath() {
        assertArrayEquals(new Generator(8).normal(12, 0.5, 0.1),
                Init.normal(new Generator(8), new int[] {3, 4}, 0.5, 0.1));
        assertArrayEquals(new Generator(8).normal(16, 0.5, 0.1),
                Init.normal(new Generator(8), new int[] {4, 4}, 0.5, 0.1));
    }

    @Test
    void negativeDimensionsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.linear(new Generator(), 3, -2, true));
        assertTrue(e.getMessage().contains("negative dimension -2: [-2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.numel(new int[] {1 << 16, 1 << 16}));
        assertTrue(e.getMessage().contains("[65536, 65536]"), e.getMessage());
    }
}
