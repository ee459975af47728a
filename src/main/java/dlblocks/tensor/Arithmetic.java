package dlblocks.tensor;

import dlblocks.autograd.Function;

/**
 * Elementwise arithmetic with broadcasting, each operation with its derivative. Where an input was
 * broadcast, its gradient is summed back to its own shape ({@link Tensor#sumTo}).
 */
final class Arithmetic {
    private Arithmetic() {
    }

    /** a + alpha·b; ∂/∂a = 1, ∂/∂b = alpha. */
    static Tensor add(Tensor a, Tensor b, double alpha) {
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor x = a.to(dtype);
        Tensor y = sameDevice(x, b).to(dtype);
        return Function.apply(alpha == -1 ? "SubBackward0" : "AddBackward0",
                () -> zipRaw(BinaryOp.ADD, alpha, x, y),
                g -> new Tensor[] {g.sumTo(x.shape()), (alpha == 1 ? g : g.mul(alpha)).sumTo(y.shape())},
                x, y);
    }

    /** a·b; ∂/∂a = b, ∂/∂b = a. */
    static Tensor mul(Tensor a, Tensor b) {
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor x = a.to(dtype);
        Tensor y = sameDevice(x, b).to(dtype);
        return Function.apply("MulBackward0",
                () -> zipRaw(BinaryOp.MUL, 0, x, y),
                g -> new Tensor[] {g.mul(y).sumTo(x.shape()), g.mul(x).sumTo(y.shape())},
                x, y);
    }

    /** a / b; ∂/∂a = 1/b, ∂/∂b = −a/b². */
    static Tensor div(Tensor a, Tensor b) {
        DType dtype = DType.promote(DType.promote(a.dtype(), b.dtype()), DType.FLOAT32);
        Tensor x = a.to(dtype);
        Tensor y = sameDevice(x, b).to(dtype);
        return Function.apply("DivBackward0",
                () -> zipRaw(BinaryOp.DIV, 0, x, y),
                g -> new Tensor[] {g.div(y).sumTo(x.shape()), g.mul(x).div(y.mul(y)).neg().sumTo(y.shape())},
                x, y);
    }

    /**
     * torch.maximum(a, b); the gradient goes to the larger input, split evenly on ties, as PyTorch's
     * {@code where(a == b, g/2, g).masked_fill_(a < b, 0)}: the share of a is 1 − [b &gt; a] − ½[a = b] (so
     * both get all of g where either is NaN), and a share of 0 is a +0 selected, not g·0.
     */
    static Tensor maximum(Tensor a, Tensor b) {
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor x = a.to(dtype);
        Tensor y = sameDevice(x, b).to(dtype);
        return Function.apply("MaximumBackward0",
                () -> zipRaw(BinaryOp.MAXIMUM, 0, x, y),
                g -> {
                    Tensor half = zipRaw(BinaryOp.EQ, 0, x, y).mul(0.5);
                    Tensor toX = zipRaw(BinaryOp.GT, 0, y, x).add(half).neg().add(1);
                    Tensor toY = zipRaw(BinaryOp.GT, 0, x, y).add(half).neg().add(1);
                    return new Tensor[] {share(g, toX).sumTo(x.shape()), share(g, toY).sumTo(y.shape())};
                },
                x, y);
    }

    /** g·share where share &gt; 0, +0 where it is 0 (share is 0, ½ or 1: g·½ is exact). */
    private static Tensor share(Tensor g, Tensor share) {
        return zipRaw(BinaryOp.THRESHOLD_BACKWARD, 0, g.mul(share), share);
    }

    /** a + c for a number c; {@code name} is AddBackward0, or SubBackward0 when called for a − (−c). */
    static Tensor addScalar(Tensor a, double c, String name) {
        Tensor x = a.dtype().isFloatingPoint() || c == Math.rint(c) ? a : a.to(DType.FLOAT32);
        return Function.apply(name,
                () -> x.map(UnaryOp.ADD_SCALAR, x.dtype().round(c)),
                g -> new Tensor[] {g},
                x);
    }

    /** c·a for a number c; ∂/∂a = c. */
    static Tensor mulScalar(Tensor a, double c) {
        Tensor x = a.dtype().isFloatingPoint() || c == Math.rint(c) ? a : a.to(DType.FLOAT32);
        return Function.apply("MulBackward0",
                () -> x.map(UnaryOp.MUL_SCALAR, x.dtype().round(c)),
                g -> new Tensor[] {g.mul(c)},
                x);
    }

    /** a / c for a number c; ∂/∂a = 1/c. */
    static Tensor divScalar(Tensor a, double c) {
        Tensor x = a.dtype().isFloatingPoint() ? a : a.to(DType.FLOAT32);
        double divisor = x.dtype().round(c);
        return Function.apply("DivBackward0",
                () -> x.map(UnaryOp.DIV_SCALAR, divisor),
                g -> new Tensor[] {g.div(c)},
                x);
    }

    /** −a. */
    static Tensor neg(Tensor a) {
        return Function.apply("NegBackward0", () -> a.map(UnaryOp.NEG), g -> new Tensor[] {g.neg()}, a);
    }

    /** e^a; its derivative is itself. */
    static Tensor exp(Tensor a) {
        Tensor[] out = new Tensor[1];
        return Function.apply("ExpBackward0",
                () -> out[0] = floating(a).map(UnaryOp.EXP),
                g -> new Tensor[] {g.mul(out[0])},
                a);
    }

    /** ln a; ∂/∂a = 1/a. */
    static Tensor log(Tensor a) {
        return Function.apply("LogBackward0", () -> floating(a).map(UnaryOp.LOG), g -> new Tensor[] {g.div(a)}, a);
    }

    /** √a; ∂/∂a = 1/(2√a). */
    static Tensor sqrt(Tensor a) {
        Tensor[] out = new Tensor[1];
        return Function.apply("SqrtBackward0",
                () -> out[0] = floating(a).map(UnaryOp.SQRT),
                g -> new Tensor[] {g.div(out[0].mul(2))},
                a);
    }

    /** a^p; ∂/∂a = p·a^(p−1), and for p = 0 zeros (+0, as PyTorch returns zeros_like rather than g·0). */
    static Tensor pow(Tensor a, double p) {
        return Function.apply("PowBackward0",
                () -> floating(a).map(UnaryOp.POW_SCALAR, p),
                g -> new Tensor[] {p == 0 ? Tensor.zerosLike(g) : g.mul(a.pow(p - 1)).mul(p)},
                a);
    }

    /** Elementwise comparison as a bool tensor; comparisons have no gradient. */
    static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor x = a.detach().to(dtype);
        Tensor y = sameDevice(x, b).detach().to(dtype);
        Tensor out = zipRaw(op, 0, x, y);
        Tensor bools = Tensor.zeros(DType.BOOL, out.device(), out.shape());
        out.backend().copy(out.storage(), bools.storage());
        return bools;
    }

    /** t1·t2 with no graph, for in-place formulas such as addcmul_. */
    static Tensor mulRaw(Tensor a, Tensor b) {
        return zipRaw(BinaryOp.MUL, 0, a, sameDevice(a, b).to(a.dtype()));
    }

    /** t1/t2 with no graph, for in-place formulas such as addcdiv_. */
    static Tensor divRaw(Tensor a, Tensor b) {
        return zipRaw(BinaryOp.DIV, 0, a, sameDevice(a, b).to(a.dtype()));
    }

    /** One backend zip over the broadcast shape of a and b (same dtype and device), no graph. */
    static Tensor zipRaw(BinaryOp op, double s, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        Tensor out = Tensor.zeros(a.dtype(), a.device(), shape);
        out.backend().zip(op, a.dtype().round(s), a.storage(), Shape.broadcastStrides(a.shape(), shape),
                b.storage(), Shape.broadcastStrides(b.shape(), shape), shape, out.storage());
        return out;
    }

    /** Returns b after checking it lives where a lives, with PyTorch's message when it does not. */
    static Tensor sameDevice(Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two "
                    + "devices, " + a.device() + " and " + b.device() + "!");
        }
        return b;
    }

    /** Integer inputs to exp, log, sqrt and pow compute in float32, as in PyTorch. */
    private static Tensor floating(Tensor a) {
        return a.dtype().isFloatingPoint() ? a : a.to(DType.FLOAT32);
    }
}
