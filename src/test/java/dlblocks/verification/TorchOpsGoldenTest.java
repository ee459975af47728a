package dlblocks.verification;

import static dlblocks.Tolerances.f32SumBound;
import static dlblocks.verification.TorchGolden.cases;
import static dlblocks.verification.TorchGolden.ints;
import static dlblocks.verification.TorchGolden.load;
import static dlblocks.verification.TorchGolden.map;
import static dlblocks.verification.TorchGolden.num;
import static dlblocks.verification.TorchGolden.values;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dlblocks.Tolerances.Torch;
import dlblocks.affine.Linear;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op case PyTorch 1.13 recorded in {@code verification/golden/torch/ops.json} and {@code softmax.json}
 * (forward, and backward of a fixed random upstream gradient) replayed with dlblocks. Ops that both libraries
 * compute with the same correctly rounded float32 operations are compared bit for bit; the others within the
 * bounds derived in {@link dlblocks.Tolerances.Torch}.
 */
class TorchOpsGoldenTest {
    /** Elementwise ops whose forward and gradient are single correctly rounded operations (or copies). */
    static final Set<String> EXACT_OPS = Set.of("add_scalar", "sub_scalar", "mul_scalar", "div_scalar", "neg",
            "sqrt", "relu", "amax", "transpose", "t", "select", "view", "reshape", "unsqueeze", "squeeze");

    /** pow's exponents that both libraries evaluate as one correctly rounded operation: 1, x, x·x, √x, 1/x. */
    static final Set<Double> EXACT_POW = Set.of(0.0, 1.0, 2.0, 0.5, -1.0);

    /** Prints the largest discrepancy per op and direction (quoted in verification/README.md). */
    @AfterAll
    static void printSummary() {
        System.out.print(Agreement.summary("ops/") + Agreement.summary("softmax/"));
    }

    // --------------------------------------------------------------------------------------- factories

    @Spec("TORCH-OPS-AGREE")
    @TestFactory
    Stream<DynamicTest> everyRecordedOpAgreesWithTorchForwardAndBackward() {
        return factory("ops.json", c -> true, true, "");
    }

    @Spec("TORCH-SOFTMAX-AGREES")
    @TestFactory
    Stream<DynamicTest> softmaxAndLogSoftmaxAgreeWithTorchOnEveryDimAndExtremeInputs() {
        return factory("softmax.json", c -> true, true, "");
    }

    @Spec("TORCH-LINEAR-FORWARD-BITWISE")
    @TestFactory
    Stream<DynamicTest> linearForwardIsBitIdenticalToTorch() {
        return factory("ops.json", c -> ((String) c.get("op")).contains("linear"), false, "bitwise/");
    }

    @Spec("TORCH-EXACT-OPS-BITWISE")
    @TestFactory
    Stream<DynamicTest> correctlyRoundedOpsAndViewsAreBitIdenticalToTorch() {
        return factory("ops.json", c -> {
            String op = (String) c.get("op");
            return EXACT_OPS.contains(op) || List.of("add", "sub", "mul", "div", "maximum", "gather", "expand")
                    .contains(op) && !map(c.get("args")).containsKey("alpha")
                    || op.equals("pow") && EXACT_POW.contains(num(map(c.get("args")).get("exponent")));
        }, false, "bitwise/");
    }

    /** One dynamic test per case of {@code file} that {@code which} selects; statistics go under {@code prefix}. */
    private Stream<DynamicTest> factory(String file, Predicate<Map<String, Object>> which, boolean backward,
                                        String prefix) {
        List<Map<String, Object>> all = cases(load(file));
        assertTrue(all.size() > 10, file + " holds only " + all.size() + " cases");
        return all.stream().filter(which)
                .map(c -> dynamicTest((String) c.get("id"), () -> check(c, backward, prefix)));
    }

    // --------------------------------------------------------------------------------------- one case

    static void check(Map<String, Object> c, boolean backward, String prefix) {
        String id = (String) c.get("id");
        String op = (String) c.get("op");
        Map<String, Object> args = map(c.get("args"));
        Map<String, Tensor> in = TorchGolden.inputs(c);
        Map<String, Object> grads = backward && c.containsKey("grads") ? map(c.get("grads")) : Map.of();
        grads.keySet().forEach(k -> in.get(k).requiresGrad_(true));
        Linear lin = null;
        Tensor out;
        if (op.equals("nn_linear")) {
            Map<String, Object> module = map(c.get("module"));
            lin = new Linear(JavaOps.intArg(args, "in"), JavaOps.intArg(args, "out"), true,
                    new Generator(JavaOps.intArg(args, "seed")));
            Agreement.exact(prefix + "ops/linear forward", op, id, "initial weight", map(module.get("weight")), lin.weight);
            Agreement.exact(prefix + "ops/linear forward", op, id, "initial bias", map(module.get("bias")), lin.bias);
            out = lin.forward(in.get("x"));
        } else {
            out = JavaOps.forward(op, args, in);
        }
        Bounds b = new Bounds(c);
        // The bitwise factories (backward == false) compare the output exactly whatever the op.
        compare(op, id, "output", map(c.get("output")), out, backward ? b.output() : null,
                prefix + category(op, "forward"));
        if (grads.isEmpty()) {
            return;
        }
        out.backward(TorchGolden.tensor(map(c.get("grad_output"))));
        for (String k : grads.keySet()) {
            if (grads.get(k) != null) {
                compare(op, id, "grad " + k, map(grads.get(k)), in.get(k).grad(), b.grad(k),
                        prefix + category(op, "backward"));
            }
        }
        if (lin != null) {
            Map<String, Object> module = map(c.get("module"));
            compare(op, id, "weight grad", map(module.get("weight_grad")), lin.weight.grad(), b.grad("weight"),
                    prefix + category(op, "backward"));
            compare(op, id, "bias grad", map(module.get("bias_grad")), lin.bias.grad(), b.grad("bias"),
                    prefix + category(op, "backward"));
        }
    }

    static String category(String op, String direction) {
        String family = op.equals("nn_linear") ? "linear" : op;
        return (op.contains("softmax") ? "softmax/" : "ops/") + family + " " + direction;
    }

    private static void compare(String op, String id, String what, Map<String, Object> expected, Tensor actual,
                                double[] bound, String category) {
        assertTrue(actual != null, op + " [" + id + "] " + what + ": dlblocks computed no gradient");
        if (bound == null) {
            Agreement.exact(category, op, id, what, expected, actual);
        } else {
            Agreement.within(category, op, id, what, expected, actual, bound);
        }
    }

    // --------------------------------------------------------------------------------------- bounds

    /** The bound for each compared tensor of one case: null where the values must be bit-identical. */
    static final class Bounds {
        final Map<String, Object> c;
        final String op;
        final Map<String, Object> args;
        final double[] e;
        final int[] outShape;
        final double[] g;
        final boolean f64;

        Bounds(Map<String, Object> c) {
            this.c = c;
            this.op = (String) c.get("op");
            this.args = map(c.get("args"));
            Map<String, Object> out = map(c.get("output"));
            this.e = values(out);
            this.outShape = ints(out.get("shape"));
            this.g = c.containsKey("grad_output") ? values(map(c.get("grad_output"))) : null;
            this.f64 = TorchGolden.dtype(out) == DType.FLOAT64;
        }

        double[] in(String name) {
            return values(map(map(c.get("inputs")).get(name)));
        }

        int[] shape(String name) {
            return ints(map(map(c.get("inputs")).get(name)).get("shape"));
        }

        double[] output() {
            switch (op) {
                case "add":
                    return args.containsKey("alpha") ? relative(Torch.ADD_ALPHA, e) : null;
                case "exp":
                case "log":
                    return relative(Torch.EXP_LOG_POW, e);
                case "pow":
                    return EXACT_POW.contains(num(args.get("exponent"))) ? null : relative(Torch.EXP_LOG_POW, e);
                case "tanh":
                case "sigmoid":
                    return relative(Torch.TANH_SIGMOID, e);
                case "sum_all":
                    return new double[] {f32SumBound(in("x").length, sumAbs(in("x")))};
                case "mean_all": {
                    double[] x = in("x");
                    return new double[] {Torch.mean(x.length, sumAbs(x), Math.abs(e[0]))};
                }
                case "sum":
                case "mean":
                    return reduction();
                case "mm":
                case "matmul":
                    return matmulOutput();
                case "softmax":
                    return softmax();
                case "log_softmax":
                    return logSoftmax();
                default:
                    return null; // exact: arithmetic, views, gather, amax, relu, linear forward
            }
        }

        double[] grad(String name) {
            switch (op) {
                case "add":
                case "sub":
                case "mul":
                case "div":
                case "maximum":
                    return binaryGrad(name);
                case "exp":
                    return relative(Torch.EXP_GRAD, values(map(map(c.get("grads")).get(name))));
                case "pow": {
                    double p = num(args.get("exponent"));
                    return p == 0 || p == 1 || p == 2 ? null
                            : relative(Torch.POW_GRAD, values(map(map(c.get("grads")).get(name))));
                }
                case "tanh": {
                    double[] bound = new double[e.length];
                    for (int i = 0; i < e.length; i++) {
                        bound[i] = Torch.tanhGrad(g[i], e[i]);
                    }
                    return bound;
                }
                case "sigmoid": {
                    double[] bound = new double[e.length];
                    for (int i = 0; i < e.length; i++) {
                        bound[i] = Torch.sigmoidGrad(g[i], e[i]);
                    }
                    return bound;
                }
                case "expand":
                    return broadcastSum(name, 0, i -> g[i]);
                case "gather":
                    return gatherGrad();
                case "mm":
                case "matmul":
                    return matmulGrad(name);
                case "linear":
                case "nn_linear":
                    return linearGrad(name);
                case "softmax":
                    return softmaxGrad();
                case "log_softmax":
                    return logSoftmaxGrad();
                default:
                    return null; // exact: sums' and means' gradients (a copy, a division), views, relu, log, sqrt
            }
        }

        double[] relative(double rel, double[] values) {
            double[] bound = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                bound[i] = rel * Math.abs(values[i]) + Torch.MIN_NORMAL;
            }
            return bound;
        }

        /** sum(dim) and mean(dim): each output element sums one slice of x. */
        double[] reduction() {
            double[] x = in("x");
            List<int[]> slices = Geometry.reductionSlices(shape("x"), JavaOps.intArg(args, "dim"));
            double[] bound = new double[e.length];
            for (int o = 0; o < bound.length; o++) {
                int[] slice = slices.get(o);
                double s = 0;
                for (int i : slice) {
                    s += Math.abs(x[i]);
                }
                bound[o] = op.equals("sum") ? f32SumBound(slice.length, s)
                        : Torch.mean(slice.length, s, Math.abs(e[o]));
            }
            return bound;
        }

        /** The gradient of a broadcast input: the sum of the terms of every output element it fed. */
        double[] broadcastSum(String name, int roundingsPerTerm, java.util.function.IntToDoubleFunction term) {
            int[] target = shape(name);
            int n = Geometry.numel(outShape) / Math.max(1, Geometry.numel(target));
            double[] sumAbs = new double[Geometry.numel(target)];
            for (int i = 0; i < e.length; i++) {
                sumAbs[Geometry.broadcastSource(outShape, target, i)] += Math.abs(term.applyAsDouble(i));
            }
            double[] bound = new double[sumAbs.length];
            for (int i = 0; i < bound.length; i++) {
                bound[i] = Torch.sumBound(f64, n + roundingsPerTerm, sumAbs[i]) + Torch.MIN_NORMAL;
            }
            return bound;
        }

        /**
         * add, sub, mul, div, maximum: the gradient of each input is one term per output element (g, ±αg, g·b,
         * g/b, −g·a/b², g·[a &gt; b] + g/2·[a = b]) summed over the elements it was broadcast to. Unbroadcast
         * inputs get bit-identical gradients wherever both libraries form the term with the same single
         * rounding; div's gradient for b is three roundings in each library, in different orders (torch
         * −g·((a/b)/b), dlblocks −(g·a)/(b·b)).
         */
        double[] binaryGrad(String name) {
            int[] outS = outShape;
            double[] a = in("a");
            double[] bv = in("b");
            int[] as = shape("a");
            int[] bs = shape("b");
            boolean isA = name.equals("a");
            double alpha = args.containsKey("alpha") ? num(args.get("alpha")) : 1;
            int k;
            java.util.function.IntToDoubleFunction term;
            switch (op) {
                case "add":
                    k = isA || alpha == 1 ? 0 : 1;
                    term = i -> isA ? g[i] : alpha * g[i];
                    break;
                case "sub":
                    k = 0;
                    term = i -> g[i];
                    break;
                case "mul":
                    k = 1;
                    term = i -> g[i] * (isA ? bv[Geometry.broadcastSource(outS, bs, i)]
                            : a[Geometry.broadcastSource(outS, as, i)]);
                    break;
                case "div":
                    k = isA ? 1 : 3;
                    term = i -> {
                        double ai = a[Geometry.broadcastSource(outS, as, i)];
                        double bi = bv[Geometry.broadcastSource(outS, bs, i)];
                        return isA ? g[i] / bi : g[i] * ai / (bi * bi);
                    };
                    break;
                default: // maximum
                    k = 1;
                    term = i -> g[i];
                    break;
            }
            boolean broadcast = Geometry.numel(shape(name)) != Geometry.numel(outS);
            if (!broadcast && k <= 1) {
                return null;
            }
            return broadcastSum(name, k, term);
        }

        /** gather's gradient adds g into x; an element fed by at most two positions is exact in any order. */
        double[] gatherGrad() {
            double[] index = in("index");
            int[] xs = shape("x");
            int[] is = shape("index");
            int d = JavaOps.intArg(args, "dim");
            int[] xStrides = Geometry.strides(xs);
            int[] iStrides = Geometry.strides(is);
            int[] count = new int[Geometry.numel(xs)];
            double[] sumAbs = new double[count.length];
            for (int q = 0; q < index.length; q++) {
                int target = 0;
                for (int k = 0; k < is.length; k++) {
                    int pos = (q / iStrides[k]) % is[k];
                    target += (k == d ? (int) index[q] : pos) * xStrides[k];
                }
                count[target]++;
                sumAbs[target] += Math.abs(g[q]);
            }
            double[] bound = new double[count.length];
            for (int i = 0; i < bound.length; i++) {
                bound[i] = count[i] <= 2 ? 0 : f32SumBound(count[i], sumAbs[i]);
            }
            return bound;
        }

        /** a (m×k) and b (k×n) as matrices: a 1-D a is one row, a 1-D b one column. */
        int[] mkn() {
            int[] as = shape("a");
            int[] bs = shape("b");
            int m = as.length == 1 ? 1 : as[0];
            int k = as.length == 1 ? as[0] : as[1];
            int n = bs.length == 1 ? 1 : bs[1];
            return new int[] {m, k, n};
        }

        /** Each output element is an inner product of k terms (Higham's γₖ per library). */
        double[] matmulOutput() {
            int[] d = mkn();
            int m = d[0];
            int k = d[1];
            int n = d[2];
            double[] a = in("a");
            double[] b = in("b");
            double[] bound = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += Math.abs(a[i * k + p] * b[p * n + j]);
                    }
                    bound[i * n + j] = Torch.sumBound(f64, k, s);
                }
            }
            return bound;
        }

        /** ∂L/∂a = g·bᵀ (inner products of n terms), ∂L/∂b = aᵀ·g (of m terms). */
        double[] matmulGrad(String name) {
            int[] d = mkn();
            int m = d[0];
            int k = d[1];
            int n = d[2];
            double[] a = in("a");
            double[] b = in("b");
            if (name.equals("a")) {
                double[] bound = new double[m * k];
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            s += Math.abs(g[i * n + j] * b[p * n + j]);
                        }
                        bound[i * k + p] = Torch.sumBound(f64, n, s);
                    }
                }
                return bound;
            }
            double[] bound = new double[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int i = 0; i < m; i++) {
                        s += Math.abs(a[i * k + p] * g[i * n + j]);
                    }
                    bound[p * n + j] = Torch.sumBound(f64, m, s);
                }
            }
            return bound;
        }

        /**
         * y = x·Wᵀ + b over r rows: ∂L/∂x = g·W (inner products over the outputs), ∂L/∂W = gᵀ·x and
         * ∂L/∂b = Σᵣ gᵣ (sums over the rows; STYLE.md: torch's bias-gradient order differs for batch ≥ 5).
         */
        double[] linearGrad(String name) {
            Map<String, Object> module = c.containsKey("module") ? map(c.get("module")) : null;
            double[] x = in("x");
            double[] w = module != null ? values(map(module.get("weight"))) : in("weight");
            int out = outShape[outShape.length - 1];
            int inF = w.length / out;
            int rows = x.length / inF;
            double[] bound;
            switch (name) {
                case "x":
                    bound = new double[x.length];
                    for (int r = 0; r < rows; r++) {
                        for (int i = 0; i < inF; i++) {
                            double s = 0;
                            for (int o = 0; o < out; o++) {
                                s += Math.abs(g[r * out + o] * w[o * inF + i]);
                            }
                            bound[r * inF + i] = f32SumBound(out, s);
                        }
                    }
                    return bound;
                case "weight":
                    bound = new double[w.length];
                    for (int o = 0; o < out; o++) {
                        for (int i = 0; i < inF; i++) {
                            double s = 0;
                            for (int r = 0; r < rows; r++) {
                                s += Math.abs(g[r * out + o] * x[r * inF + i]);
                            }
                            bound[o * inF + i] = f32SumBound(rows, s);
                        }
                    }
                    return bound;
                default: // bias
                    bound = new double[out];
                    for (int o = 0; o < out; o++) {
                        double s = 0;
                        for (int r = 0; r < rows; r++) {
                            s += Math.abs(g[r * out + o]);
                        }
                        bound[o] = f32SumBound(rows, s);
                    }
                    return bound;
            }
        }

        List<int[]> rows() {
            return Geometry.slices(outShape, JavaOps.intArg(args, "dim"));
        }

        double[] softmax() {
            double[] bound = new double[e.length];
            for (int[] row : rows()) {
                for (int i : row) {
                    bound[i] = Torch.softmax(row.length, e[i]);
                }
            }
            return bound;
        }

        double[] softmaxGrad() {
            double[] bound = new double[e.length];
            for (int[] row : rows()) {
                double dot = 0;
                double sumAbsGy = 0;
                for (int j : row) {
                    dot += g[j] * e[j];
                    sumAbsGy += Math.abs(g[j] * e[j]);
                }
                for (int i : row) {
                    bound[i] = Torch.softmaxGrad(row.length, e[i], sumAbsGy, g[i] - dot);
                }
            }
            return bound;
        }

        /** L = log Σ exp(xⱼ − m) of each row, from the inputs in double. */
        double[] logSums() {
            double[] x = in("x");
            double[] logSum = new double[x.length];
            for (int[] row : rows()) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j : row) {
                    m = Math.max(m, x[j]);
                }
                double s = 0;
                for (int j : row) {
                    s += Math.exp(x[j] - m);
                }
                for (int j : row) {
                    logSum[j] = Math.log(s);
                }
            }
            return logSum;
        }

        double[] logSoftmax() {
            double[] logSum = logSums();
            double[] bound = new double[e.length];
            for (int[] row : rows()) {
                for (int i : row) {
                    bound[i] = Torch.logSoftmax(row.length, logSum[i], e[i]);
                }
            }
            return bound;
        }

        double[] logSoftmaxGrad() {
            double[] forward = logSoftmax();
            double[] expected = values(map(map(c.get("grads")).get("x")));
            double[] bound = new double[e.length];
            for (int[] row : rows()) {
                double sumG = 0;
                double sumAbsG = 0;
                for (int j : row) {
                    sumG += g[j];
                    sumAbsG += Math.abs(g[j]);
                }
                for (int i : row) {
                    // where out = −∞ (an input of −∞), p = 0 and both gradients are g itself
                    bound[i] = Torch.logSoftmaxGrad(row.length, Math.exp(e[i]), sumG, sumAbsG, expected[i],
                            Double.isFinite(forward[i]) ? forward[i] : 0, 0, 0);
                }
            }
            return bound;
        }

        static double sumAbs(double[] x) {
            double s = 0;
            for (double v : x) {
                s += Math.abs(v);
            }
            return s;
        }
    }
}
