package dlblocks.affine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Linear's edge cases, each checked against what real PyTorch 1.13 does. */
class LinearTest {
    @Test
    @Spec("AFFINE-SHAPES-CHECKED")
    void aLinearMapFromZeroFeaturesHasAnEmptyWeightAndAZeroBiasAsInPyTorch() {
        Linear lin = new Linear(0, 3, true, new Generator(1));
        assertArrayEquals(new int[] {3, 0}, lin.weight.shape());
        assertEquals("Parameter containing:\ntensor([0., 0., 0.], requires_grad=True)", lin.bias.toString());
        assertEquals("tensor([[0., 0., 0.]], grad_fn=<AddmmBackward0>)", lin.forward(Tensor.zeros(1, 0)).toString());
    }

    @Test
    @Spec("AFFINE-SHAPES-CHECKED")
    void negativeSizesAreRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 3));
        assertEquals("Linear: sizes must not be negative, got in_features=-1, out_features=3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(2, -3));
    }

    @Test
    @Spec("AFFINE-SHAPES-CHECKED")
    void aSingleRowOfTheWrongWidthNamesBothShapesAsPyTorchDoes() {
        Linear lin = new Linear(5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(4)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (1x4 and 5x3)", e.getMessage());
    }

    @Test
    @Spec("AFFINE-SHAPES-CHECKED")
    void aZeroDimensionalInputIsRefused() {
        Linear lin = new Linear(1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.scalar(2)));
        assertEquals("linear: input must have at least 1 dimension, got a 0-d tensor", e.getMessage());
    }

    @Test
    @Spec("AFFINE-SHAPES-CHECKED")
    void aBiasOfAnotherDtypeThanTheWeightIsRefusedAsPyTorchRefusesIt() {
        // PyTorch 1.13: RuntimeError "self and mat2 must have the same dtype"; before this check the float64
        // bias silently turned a float32 layer's output into float64
        Tensor x = Tensor.zeros(2, 3);
        Tensor w = Tensor.zeros(4, 3);
        Tensor b = Tensor.zeros(DType.FLOAT64, 4);
        for (Tensor input : new Tensor[] {x, Tensor.zeros(3), Tensor.zeros(5, 2, 3)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Affine.linear(input, w, b));
            assertEquals("linear: bias has dtype float64 but weight has float32; they must be the same", e.getMessage());
        }
    }

    @Test
    @Spec("AFFINE-OUTPUT-SHAPE")
    void theOutputsGradFnIsPyTorchsForEveryInputRank() {
        // PyTorch 1.13: F.linear(x, w, b).grad_fn for x of 1, 2 and 3 dimensions (without a bias a 1-D
        // input gives SqueezeBackward3 there, ViewBackward0 here: docs/design.md, known differences)
        Linear lin = new Linear(3, 4);
        assertEquals("AddBackward0", lin.forward(Tensor.zeros(3)).gradFn().name());
        assertEquals("AddmmBackward0", lin.forward(Tensor.zeros(2, 3)).gradFn().name());
        assertEquals("ViewBackward0", lin.forward(Tensor.zeros(2, 5, 3)).gradFn().name());
    }

    @Test
    void itPrintsAsPyTorchPrintsTheModule() {
        assertEquals("Linear(in_features=5, out_features=3, bias=True)", new Linear(5, 3).toString());
        assertEquals("Linear(in_features=2, out_features=1, bias=False)", new Linear(2, 1, false).toString());
        assertEquals(5, new Linear(5, 3).inFeatures());
        assertEquals(3, new Linear(5, 3).outFeatures());
    }
}
