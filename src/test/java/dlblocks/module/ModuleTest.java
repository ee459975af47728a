package dlblocks.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.affine.Linear;
import dlblocks.bow.BoWClassifier;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Modules find their parameters in their fields, name them as PyTorch does, and print, save, load,
 * zero and switch mode as {@code nn.Module} does. Expected reprs and error messages were printed by
 * PyTorch 1.13 for the equivalent Python modules (given in the comments).
 */
class ModuleTest {

    private static Parameter param(double... values) {
        return new Parameter(Tensor.of(values));
    }

    /** Fields declared out of alphabetical order, plus fields that are not parameters. */
    static class Unordered extends Module {
        static final Parameter IGNORED_STATIC = param(0);
        final Parameter zeta = param(1);
        final int notATensor = 3;
        final Parameter alpha = param(2);
        final Tensor plainTensor = Tensor.of(9);
        final Parameter absent = null;
        final Parameter mid = param(3);
        final List<String> words = List.of("not", "modules");
    }

    /** A module holding a module of an inner (non-static) class, whose hidden this$0 points back. */
    static class Outer extends Module {
        final Parameter w = param(1);
        final Inner inner = new Inner();

        class Inner extends Module {
            final Parameter v = param(2);
        }
    }

    static class Base extends Module {
        final Parameter first = param(1);
    }

    static class Derived extends Base {
        final Linear linear = new Linear(3, 2, true, new Generator(1));
        final Parameter last = param(2);
    }

    /** self.layers = nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 3, bias=False)]); self.out = nn.Linear(3, 1) */
    static class L extends Module {
        final List<Linear> layers = List.of(new Linear(2, 3), new Linear(3, 3, false));
        final Linear out = new Linear(3, 1);
    }

    static class SharedModule extends Module {
        final Linear a = new Linear(2, 2);
        final Linear b = a;
    }

    static class SharedParameter extends Module {
        final Parameter p = param(1, 2);
        final Parameter q = p;
        final List<Parameter> more = List.of(p, param(3));
    }

    /** self.linear = nn.Linear(26, 2) */
    static class BoW extends Module {
        final Linear linear = new Linear(26, 2);
    }

    static class E extends Module {
    }

    /** self.a = BoW(); self.b = E() */
    static class Deep extends Module {
        final BoW a = new BoW();
        final E b = new E();
    }

    /** class X(nn.Linear): super().__init__(2, 2); self.inner = nn.Linear(2, 1) */
    static class X extends Linear {
        final Linear inner = new Linear(2, 1);

        X() {
            super(2, 2);
        }
    }

    /** A module whose extra_repr has two lines. */
    static class TwoLines extends Module {
        @Override
        protected String extraRepr() {
            return "first\nsecond";
        }
    }

    // ------------------------------------------------------------------ finding parameters

    @Test
    @Spec("MODULE-PARAMETERS-IN-DECLARATION-ORDER")
    void parametersAreFoundInFieldDeclarationOrder() {
        Unordered m = new Unordered();
        assertEquals(List.of("zeta", "alpha", "mid"), new ArrayList<>(m.namedParameters().keySet()));
        List<Parameter> ps = m.parameters();
        assertEquals(3, ps.size());
        assertSame(m.zeta, ps.get(0));
        assertSame(m.alpha, ps.get(1));
        assertSame(m.mid, ps.get(2));
    }

    @Test
    @Spec("MODULE-PARAMETERS-IN-DECLARATION-ORDER")
    void anInnerClassModuleDoesNotTreatItsOuterInstanceAsAChild() {
        Outer m = new Outer();
        assertEquals(List.of("w", "inner.v"), new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(List.of(), new ArrayList<>(m.inner.namedChildren().keySet()));
        assertEquals("Outer(\n  (inner): Inner()\n)", m.toString());
    }

    @Test
    @Spec("MODULE-PARAMETERS-IN-DECLARATION-ORDER")
    void superclassFieldsComeFirstAndSubModulesAreSearched() {
        Derived m = new Derived();
        assertEquals(List.of("first", "linear.weight", "linear.bias", "last"),
                new ArrayList<>(m.namedParameters().keySet()));
        assertSame(m.linear.weight, m.namedParameters().get("linear.weight"));
        assertEquals(List.of("linear"), new ArrayList<>(m.namedChildren().keySet()));
    }

    @Test
    @Spec("MODULE-PARAMETERS-IN-DECLARATION-ORDER")
    void aListOfModulesRegistersEachElementUnderItsIndex() {
        // PyTorch 1.13: ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'out.weight', 'out.bias']
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "out.weight", "out.bias"),
                new ArrayList<>(new L().namedParameters().keySet()));
    }

    @Test
    @Spec("MODULE-DOTTED-PARAMETER-NAMES")
    void theTutorialsClassifierHasLinearWeightAndLinearBias() {
        // "the model knows its parameters. The first output below is A, the second is b."
        BoWClassifier model = new BoWClassifier(2, 26, new Generator(1));
        Map<String, Parameter> named = model.namedParameters();
        assertEquals(List.of("linear.weight", "linear.bias"), new ArrayList<>(named.keySet()));
        assertSame(model.linear.weight, named.get("linear.weight"));
        assertSame(model.linear.bias, named.get("linear.bias"));
        assertArrayEquals(new int[] {2, 26}, model.parameters().get(0).shape());
        assertArrayEquals(new int[] {2}, model.parameters().get(1).shape());
        assertEquals(List.of("weight"), new ArrayList<>(new Linear(2, 2, false).namedParameters().keySet()),
                "a Linear without bias has only its weight");
    }

    @Test
    @Spec("MODULE-SHARED-PARAMETER-ONCE")
    void aSharedParameterOrModuleIsListedOnce() {
        SharedModule m = new SharedModule();
        assertEquals(List.of("a.weight", "a.bias"), new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(2, m.parameters().size());
        assertEquals(List.of("a", "b"), new ArrayList<>(m.namedChildren().keySet()), "both names are children");
        SharedParameter s = new SharedParameter();
        assertEquals(List.of("p", "more.1"), new ArrayList<>(s.namedParameters().keySet()));
        assertSame(s.more.get(1), s.namedParameters().get("more.1"));
    }

    @Test
    @Spec("MODULE-PARAMETER-IS-A-LEAF-THAT-REQUIRES-GRAD")
    void aParameterIsALeafThatRequiresGradAndSharesItsData() {
        Tensor data = Tensor.of(1, 2);
        Parameter p = new Parameter(data);
        assertTrue(p.requiresGrad());
        assertTrue(p.isLeaf());
        assertNull(p.grad());
        assertSame(data.storage(), p.storage());
        assertFalse(data.requiresGrad(), "the wrapped tensor itself is unchanged");
        // PyTorch 1.13: repr(nn.Parameter(torch.tensor([1., 2.])))
        assertEquals("Parameter containing:\ntensor([1., 2.], requires_grad=True)", p.toString());
    }

    // ------------------------------------------------------------------ gradients, devices, modes

    @Test
    @Spec("MODULE-ZERO-GRAD")
    void zeroGradSetsGradientsToNullByDefault() {
        // "Remember that PyTorch accumulates gradients. We need to clear them out before each instance."
        Derived m = new Derived();
        m.linear.forward(Tensor.ones(1, 3)).sum().add(m.first.mul(m.last).sum()).backward();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() != null));
        m.zeroGrad();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() == null));
        m.zeroGrad(); // nothing to clear is fine
    }

    @Test
    @Spec("MODULE-ZERO-GRAD")
    void zeroGradWithoutSetToNoneFillsTheGradientsWithZeros() {
        Derived m = new Derived();
        m.linear.forward(Tensor.ones(1, 3)).sum().backward();
        Tensor weightGrad = m.linear.weight.grad();
        m.zeroGrad(false);
        assertSame(weightGrad, m.linear.weight.grad(), "the same gradient tensor, filled with zeros");
        assertArrayEquals(new double[6], weightGrad.toDoubleArray());
        assertArrayEquals(new double[2], m.linear.bias.grad().toDoubleArray());
        assertNull(m.first.grad(), "a parameter without a gradient keeps none");
    }

    @Test
    @Spec("MODULE-TO-DEVICE")
    void toTheDeviceItIsOnChangesNothing() {
        Derived m = new Derived();
        Map<String, Tensor> before = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> before.put(k, p.detach()));
        assertSame(m, m.to(Device.CPU));
        m.namedParameters().forEach((k, p) -> assertSame(before.get(k).storage(), p.storage(), k));
    }

    @Test
    @Spec("MODULE-TRAIN-EVAL-PROPAGATE")
    void trainAndEvalReachEverySubModule() {
        L m = new L();
        assertTrue(m.isTraining(), "modules start in training mode");
        assertSame(m, m.eval());
        assertFalse(m.isTraining());
        assertFalse(m.out.isTraining());
        assertFalse(m.layers.get(0).isTraining());
        assertFalse(m.layers.get(1).isTraining());
        m.train();
        assertTrue(m.layers.get(1).isTraining() && m.out.isTraining() && m.isTraining());
        m.train(false);
        assertFalse(m.layers.get(0).isTraining());
        m.out.train(true);
        assertTrue(m.out.isTraining());
        assertFalse(m.isTraining(), "a child's mode does not change its parent");
    }

    // ------------------------------------------------------------------ state dicts

    @Test
    @Spec("MODULE-STATE-DICT-ROUND-TRIP")
    void aStateDictLoadedIntoAnotherModelReproducesItsParameters() {
        Derived source = new Derived();
        Derived target = new Derived();
        try (dlblocks.autograd.NoGrad scope = new dlblocks.autograd.NoGrad()) {
            source.first.fill_(5);
            source.linear.weight.put_(0, -7);
        }
        Map<String, Tensor> state = source.stateDict();
        assertEquals(List.of("first", "linear.weight", "linear.bias", "last"), new ArrayList<>(state.keySet()));
        state.values().forEach(t -> assertFalse(t.requiresGrad(), "state_dict holds detached tensors"));
        assertSame(source.first.storage(), state.get("first").storage(), "sharing the parameters' data");
        Parameter targetWeight = target.linear.weight;
        target.loadStateDict(state);
        assertSame(targetWeight, target.linear.weight, "parameters keep their identity (optimisers hold them)");
        source.namedParameters().forEach((name, p) ->
                assertArrayEquals(p.toDoubleArray(), target.namedParameters().get(name).toDoubleArray(), name));
        assertEquals(-7, target.linear.weight.get(0, 0), 0.0);
        try (dlblocks.autograd.NoGrad scope = new dlblocks.autograd.NoGrad()) {
            source.first.fill_(1);
        }
        assertEquals(5, target.first.item(), 0.0, "the loaded values are a copy");
        assertTrue(target.linear.weight.requiresGrad());
    }

    @Test
    @Spec("MODULE-STATE-DICT-ROUND-TRIP")
    void loadingCopiesIntoTheParametersOwnStorageSoEarlierStateDictsSeeIt() {
        // PyTorch: sd = lin.state_dict(); lin.load_state_dict(other); sd["weight"] now equals other's weight,
        // because load_state_dict does param.copy_(input_param).
        Linear lin = new Linear(2, 1);
        Map<String, Tensor> earlier = lin.stateDict();
        Linear other = new Linear(2, 1);
        lin.loadStateDict(other.stateDict());
        assertSame(lin.weight.storage(), earlier.get("weight").storage(), "the parameter kept its storage");
        assertArrayEquals(other.weight.toDoubleArray(), earlier.get("weight").toDoubleArray());
        assertArrayEquals(other.bias.toDoubleArray(), earlier.get("bias").toDoubleArray());
        assertNotSame(other.weight.storage(), lin.weight.storage(), "values copied, storage not shared");
    }

    @Test
    @Spec("MODULE-STATE-DICT-ROUND-TRIP")
    void loadingConvertsToTheParametersDtype() {
        Base m = new Base();
        m.loadStateDict(Map.of("first", Tensor.fromDoubles(DType.FLOAT64, new double[] {0.1}, 1)));
        assertEquals(DType.FLOAT32, m.first.dtype());
        assertEquals((double) 0.1f, m.first.item(), 0.0);
    }

    @Test
    @Spec("MODULE-LOAD-STATE-DICT-IS-STRICT")
    void aSizeMismatchIsReportedInPyTorchsWords() {
        // lin = nn.Linear(5, 3); lin.load_state_dict(nn.Linear(4, 3).state_dict())
        Linear lin = new Linear(5, 3);
        Tensor before = lin.weight.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lin.loadStateDict(new Linear(4, 3).stateDict()));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with "
                + "shape torch.Size([3, 4]) from checkpoint, the shape in current model is torch.Size([3, 5]).",
                e.getMessage());
        assertArrayEquals(before.toDoubleArray(), lin.weight.toDoubleArray(), "nothing was loaded");
    }

    @Test
    @Spec("MODULE-LOAD-STATE-DICT-IS-STRICT")
    void missingAndUnexpectedKeysAreReportedInPyTorchsWords() {
        Linear lin = new Linear(5, 3);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> lin.loadStateDict(Map.of("weight", Tensor.zeros(3, 5))));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: \"bias\". ",
                missing.getMessage());
        Map<String, Tensor> extra = new LinkedHashMap<>();
        extra.put("weight", Tensor.zeros(3, 5));
        extra.put("bias", Tensor.zeros(3));
        extra.put("foo", Tensor.zeros(1));
        extra.put("bar", Tensor.zeros(1));
        IllegalArgumentException unexpected = assertThrows(IllegalArgumentException.class,
                () -> lin.loadStateDict(extra));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: \"foo\", "
                + "\"bar\". ", unexpected.getMessage());
        assertFalse(java.util.Arrays.stream(lin.weight.toDoubleArray()).allMatch(v -> v == 0), "nothing was loaded");
    }

    @Test
    @Spec("MODULE-LOAD-STATE-DICT-IS-STRICT")
    void everyProblemIsReportedAtOnceInPyTorchsOrder() {
        // lin.load_state_dict({"weight": torch.zeros(3, 4), "foo": torch.zeros(1)})
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.zeros(3, 4));
        state.put("foo", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Linear(5, 3).loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Linear:\n"
                + "\tMissing key(s) in state_dict: \"bias\". \n"
                + "\tUnexpected key(s) in state_dict: \"foo\". \n"
                + "\tsize mismatch for weight: copying a param with shape torch.Size([3, 4]) from checkpoint, the "
                + "shape in current model is torch.Size([3, 5]).", e.getMessage());
        // BoW().load_state_dict({"linear.weight": torch.zeros(3, 4), "linear.bias": torch.zeros(3)})
        Map<String, Tensor> nested = new LinkedHashMap<>();
        nested.put("linear.weight", Tensor.zeros(3, 4));
        nested.put("linear.bias", Tensor.zeros(3));
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> new BoW().loadStateDict(nested));
        assertEquals("Error(s) in loading state_dict for BoW:\n"
                + "\tsize mismatch for linear.weight: copying a param with shape torch.Size([3, 4]) from checkpoint, "
                + "the shape in current model is torch.Size([2, 26]).\n"
                + "\tsize mismatch for linear.bias: copying a param with shape torch.Size([3]) from checkpoint, the "
                + "shape in current model is torch.Size([2]).", n.getMessage());
    }

    // ------------------------------------------------------------------ printing

    @Test
    @Spec("MODULE-REPR-LIKE-PYTORCH")
    void theTutorialsClassifierPrintsAsPyTorchPrintsIt() {
        assertEquals("BoWClassifier(\n  (linear): Linear(in_features=26, out_features=2, bias=True)\n)",
                new BoWClassifier(2, 26, new Generator(1)).toString());
        assertEquals("Linear(in_features=5, out_features=3, bias=True)", new Linear(5, 3).toString());
        assertEquals("Linear(in_features=3, out_features=3, bias=False)", new Linear(3, 3, false).toString());
    }

    @Test
    @Spec("MODULE-REPR-LIKE-PYTORCH")
    void modulesWithoutChildrenNestedModulesAndListsPrintAsPyTorchPrintsThem() {
        // Each expected string is repr(...) of the Python module in the class comment, from PyTorch 1.13.
        assertEquals("E()", new E().toString());
        assertEquals("Deep(\n"
                + "  (a): BoW(\n"
                + "    (linear): Linear(in_features=26, out_features=2, bias=True)\n"
                + "  )\n"
                + "  (b): E()\n"
                + ")", new Deep().toString());
        assertEquals("L(\n"
                + "  (layers): ModuleList(\n"
                + "    (0): Linear(in_features=2, out_features=3, bias=True)\n"
                + "    (1): Linear(in_features=3, out_features=3, bias=False)\n"
                + "  )\n"
                + "  (out): Linear(in_features=3, out_features=1, bias=True)\n"
                + ")", new L().toString());
    }

    @Test
    @Spec("MODULE-REPR-LIKE-PYTORCH")
    void anExtraReprWithChildrenGoesOnItsOwnLine() {
        assertEquals("X(\n"
                + "  in_features=2, out_features=2, bias=True\n"
                + "  (inner): Linear(in_features=2, out_features=1, bias=True)\n"
                + ")", new X().toString());
        assertEquals("TwoLines(\n  first\n  second\n)", new TwoLines().toString());
    }
}
