package dlblocks.cuda;

/**
 * How the SGEMM kernel is launched for an m×k by k×n product: a grid of 128×128 output tiles, and, when
 * that grid is too small to keep the GPU busy, K split into chunks computed by separate blocks
 * (split-K). A 1×71272 by 71272×6 product (a BoW vector times Wᵀ) is one tile; unsplit, one block would
 * walk all of K while the other SMs idle.
 *
 * @param gridX  tiles across n
 * @param gridY  tiles down m
 * @param splits chunks of K (1: no split); each writes a partial product that sgemm_splitk_sum adds up
 * @param kChunk the length of each chunk, a multiple of the kernel's BK = 16; the last may be shorter
 */
record MatmulPlan(int gridX, int gridY, int splits, int kChunk) {
    static final int TILE = 128;
    static final int BK = 16;
    /** A chunk shorter than this would spend more time starting and storing than multiplying. */
    static final int MIN_CHUNK = 256;

    /**
     * The plan for k ≥ 1, given how many SGEMM blocks the GPU runs at once ({@code slots}: the kernel's
     * blocks per SM, as its {@code __launch_bounds__} asks, times the number of SMs).
     */
    static MatmulPlan of(int m, int n, int k, int slots) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("a plan needs m, n, k >= 1, got " + m + ", " + n + ", " + k);
        }
        long tiles = (long) ceilDiv(n, TILE) * ceilDiv(m, TILE);
        int splits = tiles >= slots ? 1 : (int) Math.max(1, Math.min(slots / tiles, k / MIN_CHUNK));
        return withSplits(m, n, k, splits);
    }

    /**
     * The plan that cuts K into about {@code splits} chunks of whole BK steps (fewer where K is short: no
     * chunk is empty). {@link #of} chooses the count; the benchmarks also try others.
     */
    static MatmulPlan withSplits(int m, int n, int k, int splits) {
        if (m < 1 || n < 1 || k < 1 || splits < 1) {
            throw new IllegalArgumentException("a plan needs m, n, k, splits >= 1, got " + m + ", " + n + ", " + k
                    + ", " + splits);
        }
        int kChunk = ceilDiv(ceilDiv(k, splits), BK) * BK;
        return new MatmulPlan(ceilDiv(n, TILE), ceilDiv(m, TILE), ceilDiv(k, kChunk), kChunk);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
