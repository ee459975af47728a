package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java-side arithmetic of a launch, which needs no GPU: simplified layouts read the same elements,
 * and a split-K plan covers K exactly, in chunks the kernel can take, within the rounding bound.
 */
class LaunchPlanProperties {
    /** The offsets element i of shape reads through strides, row-major (the kernel's offsets()). */
    static long[] offsets(int[] shape, int[] strides) {
        int n = 1;
        for (int s : shape) n *= s;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long rest = i;
            long offset = 0;
            for (int d = shape.length - 1; d >= 0; d--) {
                offset += (rest % shape[d]) * strides[d];
                rest /= shape[d];
            }
            out[i] = offset;
        }
        return out;
    }

    @Test
    @Spec("CUDA-JAVA-AND-PTX-AGREE")
    void aSimplifiedLayoutReadsTheSameElementsInTheSameOrder() {
        qt().withExamples(500).forAll(longs().all(), integers().between(0, 6)).checkAssert((seed, rank) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = r.nextInt(1, 5);
            int[] a = contiguousOrPermuted(shape, r);
            int[] b = new int[rank];
            for (int d = 0; d < rank; d++) b[d] = r.nextInt(4) == 0 ? 0 : a[d]; // broadcast some dims
            int[][] s = Layouts.simplify(shape, a, b);
            assertArrayEquals(offsets(shape, a), offsets(s[0], s[1]), "operand a, seed " + seed);
            assertArrayEquals(offsets(shape, b), offsets(s[0], s[2]), "operand b, seed " + seed);
            for (int size : s[0]) assertTrue(size > 1, "no size-1 dimension is left");
        });
    }

    @Test
    @Spec("CUDA-JAVA-AND-PTX-AGREE")
    void aContiguousTensorOfAnyRankBecomesOneDimension() {
        int[] shape = {2, 1, 3, 4, 1, 5, 2, 3, 2, 2};
        int[] strides = contiguous(shape);
        int[] packed = Layouts.pack(shape, strides, strides);
        assertEquals(1, packed[0]);
        assertEquals(2 * 3 * 4 * 5 * 2 * 3 * 2 * 2, packed[1]);
        assertEquals(1, packed[1 + Layouts.MAX_RANK]);
    }

    @Test
    @Spec("CUDA-MATMUL-WITHIN-DERIVED-TOLERANCE")
    void aSplitKPlanCoversKExactlyInChunksOfWholeBkSteps() {
        qt().withExamples(1000).forAll(integers().between(1, 5000), integers().between(1, 5000),
                integers().between(1, 200_000), integers().between(1, 600)).checkAssert((m, n, k, slots) -> {
            MatmulPlan p = MatmulPlan.of(m, n, k, slots);
            assertEquals(0, p.kChunk() % MatmulPlan.BK, "chunks are whole BK steps");
            assertTrue((long) p.splits() * p.kChunk() >= k, "the chunks cover K");
            assertTrue((long) (p.splits() - 1) * p.kChunk() < k, "no chunk is empty");
            assertTrue(p.kChunk() + p.splits() - 1 <= Math.max(k, p.kChunk()),
                    "each term passes through at most k roundings (Tolerances.cudaMatmulBound)");
            long tiles = (long) p.gridX() * p.gridY();
            assertEquals((n + 127) / 128, p.gridX());
            assertEquals((m + 127) / 128, p.gridY());
            assertTrue(p.splits() == 1 || tiles * p.splits() <= slots,
                    "K is split only to fill the GPU, not beyond");
            assertTrue(p.splits() == 1 || tiles < slots, "a full grid is never split");
        });
    }

    @Test
    @Spec("CUDA-MATMUL-WITHIN-DERIVED-TOLERANCE")
    void aPlanAskedForAnyNumberOfSplitsCoversKWithoutAnEmptyChunk() {
        qt().withExamples(1000).forAll(integers().between(1, 200_000), integers().between(1, 5000))
                .checkAssert((k, asked) -> {
                    MatmulPlan p = MatmulPlan.withSplits(1, 1, k, asked);
                    assertEquals(0, p.kChunk() % MatmulPlan.BK, "chunks are whole BK steps");
                    assertTrue((long) p.splits() * p.kChunk() >= k, "the chunks cover K");
                    assertTrue((long) (p.splits() - 1) * p.kChunk() < k, "no chunk is empty");
                    assertTrue(p.splits() <= asked, "never more chunks than asked: " + p);
                });
    }

    @Test
    @Spec("CUDA-MATMUL-WITHIN-DERIVED-TOLERANCE")
    void theTutorialsBowProductWithALargeVocabularyIsSplitToUseTheWholeGpu() {
        MatmulPlan p = MatmulPlan.of(1, 6, 71272, 2 * 132); // x·Wᵀ on an H200's 132 SMs
        assertTrue(p.splits() > 100, "one block alone would walk all 71272 terms: " + p);
        assertEquals(1, MatmulPlan.of(4096, 4096, 4096, 264).splits());
    }

    static int[] contiguous(int[] shape) {
        int[] s = new int[shape.length];
        int step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = step;
            step *= shape[d];
        }
        return s;
    }

    /** The strides of a contiguous tensor whose dimensions were permuted into this shape. */
    static int[] contiguousOrPermuted(int[] shape, SplittableRandom r) {
        int rank = shape.length;
        Integer[] order = new Integer[rank];
        for (int d = 0; d < rank; d++) order[d] = d;
        if (r.nextBoolean()) {
            for (int d = rank - 1; d > 0; d--) {
                int j = r.nextInt(d + 1);
                Integer t = order[d];
                order[d] = order[j];
                order[j] = t;
            }
        }
        int[] strides = new int[rank];
        int step = 1;
        for (int d = rank - 1; d >= 0; d--) {
            strides[order[d]] = step;
            step *= shape[order[d]];
        }
        return strides;
    }
}
