package dlblocks.optim;

import static dlblocks.Generators.seeds;
import static dlblocks.Generators.shapes;
import static dlblocks.Generators.sizes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dlblocks.Tolerances;
import dlblocks.affine.Linear;
import dlblocks.autograd.NoGrad;
import dlblocks.module.Parameter;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * "Let θ be our parameters, L(θ) the loss function, and η a positive learning rate. Then
 * θ⁽ᵗ⁺¹⁾ = θ⁽ᵗ⁾ − η∇θL(θ⁽ᵗ⁾)" — and the optimisers that "do something more than just this vanilla
 * gradient update". Invariants in spec/optim.md.
 */
class OptimProperties {

    /** The four optimisers, printed by name when a property fails. */
    enum Kind {
        SGD, ADAM, RMSPROP, ADAGRAD;

        /** This optimiser over {@code params} with learning rate lr and the given weight decay, else torch's defaults. */
        Optimizer make(List<? extends Tensor> params, double lr, double weightDecay) {
            switch (this) {
                case SGD: return new dlblocks.optim.SGD(params, new dlblocks.optim.SGD.Options().lr(lr).weightDecay(weightDecay));
                case ADAM: return new Adam(params, new Adam.Options().lr(lr).weightDecay(weightDecay));
                case RMSPROP: return new RMSprop(params, new RMSprop.Options().lr(lr).weightDecay(weightDecay));
                default: return new Adagrad(params, new Adagrad.Options().lr(lr).weightDecay(weightDecay));
            }
        }
    }

    private static Gen<Kind> kinds() {
        return Generate.enumValues(Kind.class);
    }

    /**
     * One SGD step is θ − η·g, computed as PyTorch's {@code param.add_(grad, alpha=-lr)}: one fused
     * multiply-add with −η rounded to float32, θ′ = fl₃₂(fl₆₄(θ + fl₃₂(−η)·g)) — bit for bit.
     */
    @Test
    @Spec("OPTIM-SGD-STEP")
    void anSgdStepIsThetaMinusEtaTimesTheGradient() {
        qt().withExamples(300).forAll(shapes(1, 3, 5), doubles().between(1e-4, 10), seeds()).checkAssert((shape, lr, seed) -> {
            Parameter theta = parameter(seed, shape);
            float[] before = theta.toFloatArray();
            float[] g = theta.grad().toFloatArray();
            new SGD(List.of(theta), lr).step();
            float[] after = theta.toFloatArray();
            float minusLr = (float) -lr;
            for (int i = 0; i < after.length; i++) {
                float expected = (float) Math.fma((double) minusLr, g[i], before[i]);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(after[i]),
                        "θ " + before[i] + ", g " + g[i] + ", lr " + lr + ": expected " + expected + ", got " + after[i]);
            }
        });
    }

    /** With lr = 0 no optimiser moves a parameter, whatever its options and however many steps. */
    @Test
    @Spec("OPTIM-ZERO-LR")
    void aZeroLearningRateChangesNothing() {
        qt().withExamples(200).forAll(kinds(), shapes(1, 3, 5), integers().between(1, 4), seeds()).checkAssert((kind, shape, steps, seed) -> {
            Parameter theta = parameter(seed, shape);
            float[] before = theta.toFloatArray();
            Optimizer opt = kind.make(List.of(theta), 0, 0.5);
            Generator g = new Generator(seed + 1);
            for (int s = 0; s < steps; s++) {
                opt.step();
                theta.setGrad(Tensor.randn(g, shape));
            }
            assertArrayEquals(before, theta.toFloatArray(), kind + " moved θ with lr 0");
        });
    }

    /**
     * "PyTorch accumulates gradients": two backward passes without zeroing in between leave exactly twice
     * the gradient of one (doubling is exact in binary floating point); zeroGrad clears it.
     */
    @Test
    @Spec("OPTIM-GRAD-ACCUMULATES")
    void twoBackwardPassesWithoutZeroGradGiveTwiceTheGradient() {
        qt().withExamples(200).forAll(lists().of(sizes(5)).ofSize(3), booleans().all(), seeds()).checkAssert((dims, sameGraph, seed) -> {
            Generator g = new Generator(seed);
            Linear lin = new Linear(dims.get(1), dims.get(2), true, g);
            Tensor x = Tensor.randn(g, dims.get(0), dims.get(1));
            Tensor target = Tensor.randn(g, dims.get(0), dims.get(2));
            squaredError(lin, x, target).backward();
            float[][] once = {lin.weight.grad().toFloatArray(), lin.bias.grad().toFloatArray()};
            if (sameGraph) {
                Tensor loss = squaredError(lin, x, target);
                lin.zeroGrad();
                loss.backward(Tensor.onesLike(loss), true);  // retain the graph
                loss.backward(Tensor.onesLike(loss), false); // and use it again
            } else {
                squaredError(lin, x, target).backward();     // a second forward pass, a second backward
            }
            float[][] twice = {lin.weight.grad().toFloatArray(), lin.bias.grad().toFloatArray()};
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < once[p].length; i++) {
                    assertEquals(2 * once[p][i], twice[p][i], 0f, "parameter " + p + ", element " + i);
                }
            }
            new SGD(lin.parameters(), 0.1).zeroGrad();
            assertNull(lin.weight.grad(), "zeroGrad sets the gradient to None");
        });
    }

    /**
     * On a convex problem — least squares with one Linear layer — one step with a small enough learning
     * rate lowers the loss, for every optimiser. The gradient of L is Lipschitz with constant
     * L_g ≤ 2·Σ‖x̃ₙ‖²/(N·out) (x̃ = [x, 1]), so f(θ + Δ) ≤ f(θ) + g·Δ + (L_g/2)‖Δ‖². SGD with η = 1/L_g
     * drops f by ≥ ‖g‖²/(2L_g). The others' first steps move each of the P coordinates by at most c·η
     * against its gradient (c = 1 for Adam and Adagrad, 1/√(1 − α) for RMSprop) with g·Δ = −η·T, so
     * η = T/(c²·L_g·P) — half the largest safe rate — drops f by ≥ η·T/2. The loss is evaluated in float64.
     */
    @Test
    @Spec("OPTIM-DESCENT-ON-CONVEX")
    void aSmallStepLowersALeastSquaresLoss() {
        qt().withExamples(300).forAll(kinds(), lists().of(sizes(6)).ofSize(3), seeds()).checkAssert((kind, dims, seed) -> {
            int n = dims.get(0);
            int in = dims.get(1);
            int out = dims.get(2);
            Generator g = new Generator(seed);
            Linear lin = new Linear(in, out, true, g);
            Tensor x = Tensor.randn(g, n, in);
            Tensor y = Tensor.randn(g, n, out);
            double before = leastSquares(lin, x, y);
            squaredError(lin, x, y).backward();
            double lipschitz = 0;
            for (double v : x.toDoubleArray()) {
                lipschitz += v * v;
            }
            lipschitz = 2 * (lipschitz + n) / (n * out);
            double lr = smallLearningRate(kind, lin, lipschitz);
            kind.make(lin.parameters(), lr, 0).step();
            double after = leastSquares(lin, x, y);
            assertTrue(after < before, kind + " with lr " + lr + ": loss went from " + before + " to " + after);
        });
    }

    /**
     * Adam's first step in closed form. With m₀ = v₀ = 0, m₁ = (1 − β₁)g and v₁ = (1 − β₂)g², so the
     * bias-corrected m̂ = m₁/(1 − β₁) = g and v̂ = v₁/(1 − β₂) = g²: θ₁ = θ − lr·g/(|g| + ε) — about lr·sign(g),
     * whatever β₁, β₂ — within {@link Tolerances#f32FirstStepBound}.
     */
    @Test
    @Spec("OPTIM-ADAM-FIRST-STEP")
    void adamsFirstStepIsLrTimesSignOfTheGradient() {
        qt().withExamples(300).forAll(doubles().between(1e-4, 1), lists().of(doubles().between(0, 0.999)).ofSize(2),
                doubles().between(1e-10, 1e-2), seeds()).checkAssert((lr, betas, eps, seed) -> {
                    Parameter theta = parameter(seed, 7);
                    float[] before = theta.toFloatArray();
                    float[] g = theta.grad().toFloatArray();
                    new Adam(List.of(theta), new Adam.Options().lr(lr).betas(betas.get(0), betas.get(1)).eps(eps)).step();
                    assertFirstStep("Adam", before, theta.toFloatArray(), i -> -lr * g[i] / (Math.abs(g[i]) + eps));
                });
    }

    /**
     * RMSprop's first step in closed form: s₁ = (1 − α)g², so θ₁ = θ − lr·g/(√((1 − α)g²) + ε); with
     * momentum the buffer starts at g/(√s₁ + ε) and the step is the same.
     */
    @Test
    @Spec("OPTIM-RMSPROP-FIRST-STEP")
    void rmspropsFirstStepIsLrTimesGOverRootOfOneMinusAlphaGSquared() {
        qt().withExamples(300).forAll(doubles().between(1e-4, 1), doubles().between(0, 0.999),
                doubles().between(1e-10, 1e-2), seeds()).checkAssert((lr, alpha, eps, seed) -> {
                    Parameter theta = parameter(seed, 7);
                    float[] before = theta.toFloatArray();
                    float[] g = theta.grad().toFloatArray();
                    double momentum = seed % 2 == 0 ? 0 : 0.9;
                    new RMSprop(List.of(theta), new RMSprop.Options().lr(lr).alpha(alpha).eps(eps).momentum(momentum)).step();
                    assertFirstStep("RMSprop", before, theta.toFloatArray(),
                            i -> -lr * g[i] / (Math.sqrt((1 - alpha) * g[i] * g[i]) + eps));
                });
    }

    /** Adagrad's first step in closed form: s₁ = s₀ + g², θ₁ = θ − lr·g/(√s₁ + ε) (lr_decay starts later). */
    @Test
    @Spec("OPTIM-ADAGRAD-FIRST-STEP")
    void adagradsFirstStepIsLrTimesGOverRootOfAccumulatedSquares() {
        qt().withExamples(300).forAll(doubles().between(1e-4, 1), doubles().between(0, 1),
                doubles().between(1e-10, 1e-2), seeds()).checkAssert((lr, s0, eps, seed) -> {
                    Parameter theta = parameter(seed, 7);
                    float[] before = theta.toFloatArray();
                    float[] g = theta.grad().toFloatArray();
                    new Adagrad(List.of(theta), new Adagrad.Options().lr(lr).initialAccumulatorValue(s0).eps(eps)
                            .lrDecay(0.5)).step();
                    assertFirstStep("Adagrad", before, theta.toFloatArray(),
                            i -> -lr * g[i] / (Math.sqrt(s0 + (double) g[i] * g[i]) + eps));
                });
    }

    /**
     * SGD with momentum μ starts its buffer at the first gradient (no dampening on the first step), so
     * its first step is plain SGD's, bit for bit — for any μ and dampening.
     */
    @Test
    @Spec("OPTIM-MOMENTUM-FIRST-STEP")
    void sgdMomentumsFirstStepIsPlainSgd() {
        qt().withExamples(300).forAll(doubles().between(1e-4, 1), doubles().between(1e-3, 0.999),
                doubles().between(0, 0.999), seeds()).checkAssert((lr, momentum, dampening, seed) -> {
                    Parameter plain = parameter(seed, 9);
                    Parameter withMomentum = parameter(seed, 9);
                    new SGD(List.of(plain), lr).step();
                    new SGD(List.of(withMomentum), new SGD.Options().lr(lr)
                            .momentum(momentum).dampening(dampening)).step();
                    assertArrayEquals(plain.toFloatArray(), withMomentum.toFloatArray());
                });
    }

    /**
     * Weight decay wd adds wd·θ to the gradient before anything else: an optimiser with weight decay
     * given gradient g does exactly (bit for bit) what the same optimiser without it does when given
     * fl₃₂(g + fl₃₂(wd)·θ) — over several steps, for every optimiser.
     */
    @Test
    @Spec("OPTIM-WEIGHT-DECAY")
    void weightDecayAddsWdTimesThetaToTheGradient() {
        qt().withExamples(200).forAll(kinds(), doubles().between(1e-4, 1), doubles().between(1e-4, 1), seeds())
                .checkAssert((kind, lr, wd, seed) -> {
                    Parameter decayed = parameter(seed, 6);
                    Parameter plain = parameter(seed, 6);
                    Optimizer withDecay = kind.make(List.of(decayed), lr, wd);
                    Optimizer without = kind.make(List.of(plain), lr, 0);
                    Generator g = new Generator(seed + 1);
                    float wd32 = (float) (double) wd;
                    for (int step = 0; step < 3; step++) {
                        float[] grad = decayed.grad().toFloatArray();
                        float[] theta = plain.toFloatArray();
                        float[] withTheta = new float[grad.length];
                        for (int i = 0; i < grad.length; i++) {
                            withTheta[i] = (float) ((double) grad[i] + (double) wd32 * theta[i]);
                        }
                        plain.setGrad(Tensor.fromFloats(withTheta, grad.length));
                        withDecay.step();
                        without.step();
                        assertArrayEquals(plain.toFloatArray(), decayed.toFloatArray(), kind + ", step " + step);
                        decayed.setGrad(Tensor.randn(g, grad.length));
                    }
                });
    }

    /**
     * torch.optim's argument checks: a negative learning rate, momentum, weight decay, ε, α, lr_decay or
     * initial accumulator is an IllegalArgumentException naming the option and the value. So are NaN
     * (which torch lets through), betas outside [0, 1), SGD without lr, Nesterov without momentum, and an
     * empty parameter list.
     */
    @Test
    @Spec("OPTIM-OPTION-VALIDATION")
    void invalidOptionsAreRejectedNamingTheOption() {
        List<NamedOption> options = List.of(
                new NamedOption("learning rate", (p, v) -> new SGD(p, v)),
                new NamedOption("momentum value", (p, v) -> new SGD(p, new SGD.Options().lr(0.1).momentum(v))),
                new NamedOption("weight_decay value", (p, v) -> new SGD(p, new SGD.Options().lr(0.1).weightDecay(v))),
                new NamedOption("learning rate", (p, v) -> new Adam(p, new Adam.Options().lr(v))),
                new NamedOption("epsilon value", (p, v) -> new Adam(p, new Adam.Options().eps(v))),
                new NamedOption("beta parameter at index 0", (p, v) -> new Adam(p, new Adam.Options().betas(v, 0.999))),
                new NamedOption("beta parameter at index 1", (p, v) -> new Adam(p, new Adam.Options().betas(0.9, v))),
                new NamedOption("weight_decay value", (p, v) -> new Adam(p, new Adam.Options().weightDecay(v))),
                new NamedOption("learning rate", (p, v) -> new RMSprop(p, new RMSprop.Options().lr(v))),
                new NamedOption("alpha value", (p, v) -> new RMSprop(p, new RMSprop.Options().alpha(v))),
                new NamedOption("momentum value", (p, v) -> new RMSprop(p, new RMSprop.Options().momentum(v))),
                new NamedOption("epsilon value", (p, v) -> new RMSprop(p, new RMSprop.Options().eps(v))),
                new NamedOption("learning rate", (p, v) -> new Adagrad(p, new Adagrad.Options().lr(v))),
                new NamedOption("lr_decay value", (p, v) -> new Adagrad(p, new Adagrad.Options().lrDecay(v))),
                new NamedOption("initial_accumulator_value value",
                        (p, v) -> new Adagrad(p, new Adagrad.Options().initialAccumulatorValue(v))),
                new NamedOption("epsilon value", (p, v) -> new Adagrad(p, new Adagrad.Options().eps(v))));
        qt().withExamples(300).forAll(integers().between(0, options.size() - 1), doubles().between(-1e3, -1e-12))
                .checkAssert((k, value) -> {
                    NamedOption option = options.get(k);
                    List<Parameter> params = List.of(parameter(1, 3));
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> option.make.apply(params, value), option.name + " = " + value);
                    assertTrue(e.getMessage().contains(option.name) && e.getMessage().contains(String.valueOf(value)),
                            "message should name " + option.name + " and " + value + ": " + e.getMessage());
                });
        List<Parameter> params = List.of(parameter(1, 3));
        for (NamedOption option : options) {
            assertThrows(IllegalArgumentException.class, () -> option.make.apply(params, Double.NaN), option.name + " = NaN");
        }
        assertThrows(IllegalArgumentException.class, () -> new Adam(params, new Adam.Options().betas(1.0, 0.999)));
        assertThrows(IllegalArgumentException.class, () -> new Adam(params, new Adam.Options().betas(0.9, 1.0)));
        assertThrows(IllegalArgumentException.class, () -> new SGD(params, new SGD.Options()));
        assertThrows(IllegalArgumentException.class,
                () -> new SGD(params, new SGD.Options().lr(0.1).nesterov(true)));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1));
    }

    // ---------------------------------------------------------------- helpers

    /** An optimiser option and how to build an optimiser with it set to a value. */
    private record NamedOption(String name, java.util.function.BiFunction<List<Parameter>, Double, Optimizer> make) {
    }

    /** A float32 parameter θ ~ N(0, 1) of the given shape, with a gradient g ~ N(0, 1) already in place. */
    private static Parameter parameter(long seed, int... shape) {
        Generator g = new Generator(seed);
        Parameter theta = new Parameter(Tensor.randn(g, shape));
        theta.setGrad(Tensor.randn(g, shape));
        return theta;
    }

    /** Checks θ₁ against θ + Δᵢ for every coordinate, within {@link Tolerances#f32FirstStepBound}. */
    private static void assertFirstStep(String name, float[] before, float[] after, Function<Integer, Double> step) {
        for (int i = 0; i < before.length; i++) {
            double delta = step.apply(i);
            double expected = before[i] + delta;
            double bound = Tolerances.f32FirstStepBound(delta, expected);
            assertTrue(Math.abs(after[i] - expected) <= bound, name + ", coordinate " + i + ": θ " + before[i]
                    + " → " + after[i] + ", closed form " + expected + " (bound " + bound + ")");
        }
    }

    /** mean((Linear(x) − y)²) as a graph, for backward. */
    private static Tensor squaredError(Linear lin, Tensor x, Tensor y) {
        Tensor diff = lin.forward(x).sub(y);
        return diff.mul(diff).mean();
    }

    /** The same loss in float64 with plain loops, from the float32 parameters. */
    private static double leastSquares(Linear lin, Tensor x, Tensor y) {
        int in = lin.inFeatures();
        int out = lin.outFeatures();
        double[] xs = x.toDoubleArray();
        double[] ys = y.toDoubleArray();
        double[] w = lin.weight.toDoubleArray();
        double[] b = lin.bias.toDoubleArray();
        int n = xs.length / in;
        double sum = 0;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double v = b[j] - ys[r * out + j];
                for (int k = 0; k < in; k++) {
                    v += w[j * in + k] * xs[r * in + k];
                }
                sum += v * v;
            }
        }
        return sum / (n * out);
    }

    /** The learning rates of {@link #aSmallStepLowersALeastSquaresLoss}, from the gradient g now in place. */
    private static double smallLearningRate(Kind kind, Linear lin, double lipschitz) {
        if (kind == Kind.SGD) {
            return 1 / lipschitz;
        }
        double rootOneMinusAlpha = kind == Kind.RMSPROP ? Math.sqrt(1 - 0.99) : 1; // torch's default α = 0.99
        double eps = kind == Kind.ADAM ? 1e-8 : kind == Kind.RMSPROP ? 1e-8 : 1e-10;
        double c = 1 / rootOneMinusAlpha;
        double t = 0;
        int count = 0;
        try (NoGrad scope = new NoGrad()) {
            for (Parameter p : lin.parameters()) {
                for (double gi : p.grad().toDoubleArray()) {
                    t += gi * gi / (rootOneMinusAlpha * Math.abs(gi) + eps); // −g·Δ/η for this coordinate
                    count++;
                }
            }
        }
        return t / (c * c * lipschitz * count);
    }
}
