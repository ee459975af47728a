package dlblocks.tensor;

import dlblocks.autograd.Function;

/** Matrix products and their derivatives. */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * {@code op(a) · op(b)}, where op transposes when asked: with C = A·B, ∂L/∂A = ∂L/∂C · Bᵀ and
     * ∂L/∂B = Aᵀ · ∂L/∂C. The transposes are read in place, never copied, which is how
     * {@code nn.Linear} computes x·Wᵀ.
     */
    public static Tensor mm(Tensor a, boolean transA, Tensor b, boolean transB) {
        return product("mm", null, a, transA, b, transB);
    }

    /**
     * {@code torch.addmm(bias, a, b)} for a bias row: {@code op(a) · op(b) + bias}, the bias (length n)
     * added to every row of the m×n product after its whole dot product (one rounding), as PyTorch adds
     * it. One backend call, so a GPU can add the bias as it finishes the product (CUDA: in the split-K
     * sum). Gradients: as for {@link #mm}, and ∂L/∂bias = Σᵢ ∂L/∂Cᵢ (the sum over rows).
     */
    public static Tensor addmm(Tensor bias, Tensor a, boolean transA, Tensor b, boolean transB) {
        return product("addmm", bias, a, transA, b, transB);
    }

    /** mm, or addmm when bias is not null; only the gradients some input needs are computed. */
    private static Tensor product(String what, Tensor bias, Tensor a, boolean transA, Tensor b, boolean transB) {
        if (a.dim() != 2 || b.dim() != 2) {
            throw new IllegalArgumentException(what + ": expected 2-D tensors, got " + a.dim() + "-D and " + b.dim()
                    + "-D");
        }
        Arithmetic.sameDevice(a, b);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("expected mat1 and mat2 to have the same dtype, but got: "
                    + a.dtype().torchName() + " != " + b.dtype().torchName());
        }
        int m = transA ? a.size(1) : a.size(0);
        int k = transA ? a.size(0) : a.size(1);
        int kb = transB ? b.size(1) : b.size(0);
        int n = transB ? b.size(0) : b.size(1);
        if (k != kb) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + m + "x" + k + " and "
                    + kb + "x" + n + ")");
        }
        if (bias != null) {
            Arithmetic.sameDevice(a, bias);
            if (bias.dim() != 1 || bias.size(0) != n) {
                throw new IllegalArgumentException(what + ": the bias must have shape [" + n + "] to be added to each row of "
                        + "the " + m + "x" + n + " product, got shape " + Shape.str(bias.shape()));
            }
            if (bias.dtype() != a.dtype()) {
                throw new IllegalArgumentException(what + ": the bias and the matrices must have the same dtype, got "
                        + bias.dtype().torchName() + " and " + a.dtype().torchName());
            }
        }
        Tensor[] inputs = bias == null ? new Tensor[] {a, b} : new Tensor[] {a, b, bias};
        return Function.apply(bias == null ? "MmBackward0" : "AddmmBackward0",
                () -> {
                    Tensor out = Tensor.zeros(a.dtype(), a.device(), m, n);
                    a.backend().matmul(a.storage(), transA, b.storage(), transB, m, k, n,
                            bias == null ? null : bias.storage(), out.storage());
                    return out;
                },
                g -> new Tensor[] {
                    // ∂L/∂op(a) = g · op(b)ᵀ; stored transposed when a was read transposed.
                    !a.requiresGrad() ? null : transA ? mm(b, transB, g, true) : mm(g, false, b, !transB),
                    // ∂L/∂op(b) = op(a)ᵀ · g; likewise.
                    !b.requiresGrad() ? null : transB ? mm(g, true, a, transA) : mm(a, !transA, g, false),
                    // ∂L/∂bias = Σᵢ gᵢ
                    bias == null || !bias.requiresGrad() ? null : g.sum(0)},
                inputs);
    }

    /** {@code torch.matmul} for 1-D and 2-D operands: dot, matrix·vector, vector·matrix, matrix·matrix. */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0 || a.dim() > 2 || b.dim() > 2) {
            throw new IllegalArgumentException("matmul: both arguments need 1 or 2 dimensions here, got "
                    + a.dim() + "-D and " + b.dim() + "-D");
        }
        if (a.dim() == 1 && b.dim() == 1) {
            if (a.size(0) != b.size(0)) {
                throw new IllegalArgumentException("inconsistent tensor size, expected tensor [" + a.size(0)
                        + "] and src [" + b.size(0) + "] to have the same number of elements, but got " + a.size(0)
                        + " and " + b.size(0) + " elements respectively");
            }
            return mm(a.unsqueeze(0), false, b.unsqueeze(1), false).view();
        }
        if (a.dim() == 1) {
            return mm(a.unsqueeze(0), false, b, false).squeeze(0);
        }
        if (b.dim() == 1) {
            return mm(a, false, b.unsqueeze(1), false).squeeze(1);
        }
        return mm(a, false, b, false);
    }
}
