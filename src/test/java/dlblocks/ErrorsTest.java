package dlblocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.affine.Linear;
import dlblocks.loss.Losses;
import dlblocks.loss.NLLLoss;
import dlblocks.loss.Reduction;
import dlblocks.softmax.Softmax;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.LinearAlgebra;
import dlblocks.tensor.Tensor;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every error a user of the building blocks can meet, one test each, asserting the message. Where the
 * message is PyTorch's, the text in the comment is what PyTorch 1.13 printed for the same call, and ours
 * is that text (sometimes followed by more detail, such as the shapes involved).
 */
class ErrorsTest {

    private static String message(Class<? extends Throwable> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    private static void assertStartsWith(String prefix, String message) {
        assertTrue(message.startsWith(prefix), "expected a message starting with\n  " + prefix + "\nbut got\n  "
                + message);
    }

    // ------------------------------------------------------------------ shapes that do not fit

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void linearOnAnInputOfTheWrongWidthNamesBothMatrixShapes() {
        // nn.Linear(5, 3)(torch.randn(2, 4)): mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)
        Linear lin = new Linear(5, 3);
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)",
                message(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(2, 4))));
        // nn.Linear(5, 3)(torch.randn(4)) and (torch.randn(2, 3, 4)): (1x4 and 5x3), (6x4 and 5x3)
        assertEquals("mat1 and mat2 shapes cannot be multiplied (1x4 and 5x3)",
                message(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(4))));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (6x4 and 5x3)",
                message(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(2, 3, 4))));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void mmOfMatricesThatDoNotFitNamesBothShapes() {
        // torch.mm(torch.randn(2, 4), torch.randn(5, 3)): mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 4).mm(Tensor.zeros(5, 3))));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)", message(IllegalArgumentException.class,
                () -> LinearAlgebra.mm(Tensor.zeros(4, 2), true, Tensor.zeros(3, 5), true)), "read transposed");
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 4).matmul(Tensor.zeros(5, 3))));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void mmNeedsMatricesOfOneDtype() {
        assertEquals("mm: expected 2-D tensors, got 1-D and 2-D",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2).mm(Tensor.zeros(2, 2))));
        assertEquals("mm: expected 2-D tensors, got 2-D and 3-D",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).mm(Tensor.zeros(2, 2, 1))));
        assertEquals("expected mat1 and mat2 to have the same dtype, but got: float32 != float64",
                message(IllegalArgumentException.class,
                        () -> Tensor.zeros(2, 2).mm(Tensor.zeros(DType.FLOAT64, 2, 2))));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void matmulOfVectorsOfDifferentLengthsNamesBoth() {
        // torch.ones(3) @ torch.ones(4), word for word
        assertEquals("inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, "
                + "but got 3 and 4 elements respectively",
                message(IllegalArgumentException.class, () -> Tensor.ones(3).matmul(Tensor.ones(4))));
        assertEquals("matmul: both arguments need 1 or 2 dimensions here, got 0-D and 1-D",
                message(IllegalArgumentException.class, () -> Tensor.scalar(1).matmul(Tensor.ones(4))));
        assertEquals("matmul: both arguments need 1 or 2 dimensions here, got 2-D and 3-D",
                message(IllegalArgumentException.class, () -> Tensor.ones(1, 2).matmul(Tensor.ones(2, 2, 2))));
        assertEquals("matmul: both arguments need 1 or 2 dimensions here, got 3-D and 1-D",
                message(IllegalArgumentException.class, () -> Tensor.ones(1, 1, 2).matmul(Tensor.ones(2))));
        assertEquals("matmul: both arguments need 1 or 2 dimensions here, got 1-D and 0-D",
                message(IllegalArgumentException.class, () -> Tensor.ones(2).matmul(Tensor.scalar(2))));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void shapesThatDoNotBroadcastNameTheSizesAndTheDimension() {
        // torch.randn(2, 3) + torch.randn(2, 4):
        // The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1
        assertEquals("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1; "
                + "shapes are [2, 3] and [2, 4]",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(2, 4))));
        assertStartsWith("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).mul(Tensor.zeros(4))));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void anInPlaceResultMustKeepItsShape() {
        // torch.ones(3).add_(torch.ones(2, 3)) and torch.zeros(3).copy_(torch.zeros(2, 3)), word for word
        assertEquals("output with shape [3] doesn't match the broadcast shape [2, 3]",
                message(IllegalArgumentException.class, () -> Tensor.ones(3).add_(Tensor.ones(2, 3))));
        assertEquals("output with shape [3] doesn't match the broadcast shape [2, 3]",
                message(IllegalArgumentException.class, () -> Tensor.zeros(3).copy_(Tensor.zeros(2, 3))));
        // torch.zeros(3).copy_(torch.zeros(4))
        assertStartsWith("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0",
                message(IllegalArgumentException.class, () -> Tensor.zeros(3).copy_(Tensor.zeros(4))));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void expandingASizeThatIsNotOneNamesBothShapes() {
        // torch.ones(2, 3).expand(4, 3) and torch.ones(2, 1).expand(2, 3, 4), word for word
        assertEquals("The expanded size of the tensor (4) must match the existing size (2) at non-singleton "
                + "dimension 0.  Target sizes: [4, 3].  Tensor sizes: [2, 3]",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 3).expand(4, 3)));
        assertEquals("The expanded size of the tensor (3) must match the existing size (2) at non-singleton "
                + "dimension 1.  Target sizes: [2, 3, 4].  Tensor sizes: [2, 1]",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 1).expand(2, 3, 4)));
        assertEquals("expand: the number of sizes provided (1) must be greater or equal to the number of dimensions "
                + "in the tensor (2)", message(IllegalArgumentException.class, () -> Tensor.ones(2, 3).expand(3)));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void viewToAShapeOfAnotherSizeNamesTheShapeAndTheSize() {
        // torch.randn(3, 4).view(3, 5): shape '[3, 5]' is invalid for input of size 12
        assertEquals("shape '[3, 5]' is invalid for input of size 12 (input shape [3, 4])",
                message(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).view(3, 5)));
        // torch.randn(12).view(-1, 5): shape '[-1, 5]' is invalid for input of size 12
        assertStartsWith("shape '[-1, 5]' is invalid for input of size 12",
                message(IllegalArgumentException.class, () -> Tensor.zeros(12).view(-1, 5)));
        assertStartsWith("shape '[0, -1]' is invalid for input of size 0",
                message(IllegalArgumentException.class, () -> Tensor.zeros(0).view(0, -1)));
        // torch.randn(12).view(-1, -1) and .view(-2, 6), word for word
        assertEquals("only one dimension can be inferred",
                message(IllegalArgumentException.class, () -> Tensor.zeros(12).view(-1, -1)));
        assertEquals("invalid shape dimension -2",
                message(IllegalArgumentException.class, () -> Tensor.zeros(12).reshape(-2, 6)));
    }

    @Test
    @Spec("ERRORS-SHAPE-MISMATCH-NAMES-BOTH-SHAPES")
    void transposingMoreThanAMatrixWithTIsRefused() {
        // torch.ones(2, 2, 2).t(), word for word
        assertEquals("t() expects a tensor with <= 2 dimensions, but self is 3D",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 2, 2).t()));
    }

    // ------------------------------------------------------------------ dimensions and indices

    @Test
    @Spec("ERRORS-DIM-OUT-OF-RANGE-NAMES-THE-RANGE")
    void aDimensionOutOfRangeNamesTheValidRange() {
        // torch.randn(2, 3).sum(2), F.softmax(x, 2), x.select(2, 0), x.transpose(0, 2):
        // Dimension out of range (expected to be in range of [-2, 1], but got 2)
        String expected = "Dimension out of range (expected to be in range of [-2, 1], but got 2)";
        Tensor x = Tensor.zeros(2, 3);
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.sum(2)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> Softmax.softmax(x, 2)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> Softmax.logSoftmax(x, 2)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.select(2, 0)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.transpose(0, 2)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.mean(2, false)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.amax(2, true)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.argmax(2)));
        assertEquals(expected, message(IndexOutOfBoundsException.class, () -> x.size(2)));
        assertEquals("Dimension out of range (expected to be in range of [-2, 1], but got -3)",
                message(IndexOutOfBoundsException.class, () -> x.sum(-3)));
        assertEquals("Dimension out of range (expected to be in range of [-3, 2], but got 3)",
                message(IndexOutOfBoundsException.class, () -> x.unsqueeze(3)));
        // torch.tensor(2.).sum(1): a 0-d tensor takes dims -1 and 0
        assertEquals("Dimension out of range (expected to be in range of [-1, 0], but got 1)",
                message(IndexOutOfBoundsException.class, () -> Tensor.scalar(2).sum(1)));
    }

    @Test
    @Spec("ERRORS-INDEX-OUT-OF-RANGE-NAMES-INDEX-AND-SIZE")
    void selectingAnIndexOutOfRangeNamesTheIndexAndTheShape() {
        // torch.randn(2, 3).select(1, 3) and .select(1, -4), torch.tensor(1.).select(0, 0), word for word
        assertEquals("select(): index 3 out of range for tensor of size [2, 3] at dimension 1",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).select(1, 3)));
        assertEquals("select(): index -4 out of range for tensor of size [2, 3] at dimension 1",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).select(1, -4)));
        assertEquals("select() cannot be applied to a 0-dim tensor.",
                message(IndexOutOfBoundsException.class, () -> Tensor.scalar(1).select(0, 0)));
    }

    @Test
    @Spec("ERRORS-INDEX-OUT-OF-RANGE-NAMES-INDEX-AND-SIZE")
    void gatheringAnIndexOutOfBoundsNamesTheIndexAndTheSize() {
        // torch.gather(torch.randn(2, 3), 1, torch.tensor([[0], [3]])), word for word
        assertEquals("index 3 is out of bounds for dimension 1 with size 3", message(IndexOutOfBoundsException.class,
                () -> Tensor.zeros(2, 3).gather(1, Tensor.fromLongs(DType.INT64, new long[] {0, 3}, 2, 1))));
        assertEquals("index -1 is out of bounds for dimension 0 with size 2", message(IndexOutOfBoundsException.class,
                () -> Tensor.zeros(2).gather(0, Tensor.longs(-1))));
    }

    @Test
    @Spec("ERRORS-INDEX-OUT-OF-RANGE-NAMES-INDEX-AND-SIZE")
    void gatherNeedsAnInt64IndexOfAFittingShape() {
        // gather(): Expected dtype int64 for index
        assertEquals("gather(): Expected dtype int64 for index, got int32", message(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).gather(1, Tensor.fromLongs(DType.INT32, new long[] {0, 1}, 2, 1))));
        assertEquals("gather(): index of shape [3, 2] does not fit a tensor of shape [2, 3] along dimension 1",
                message(IllegalArgumentException.class,
                        () -> Tensor.zeros(2, 3).gather(1, Tensor.fromLongs(DType.INT64, new long[6], 3, 2))));
    }

    @Test
    @Spec("ERRORS-INDEX-OUT-OF-RANGE-NAMES-INDEX-AND-SIZE")
    void readingOrWritingAnElementOutOfRangeNamesTheIndex() {
        // torch.ones(2, 3)[0, 3] and torch.ones(3).put_(torch.tensor([5]), torch.tensor([1.])), word for word
        assertEquals("index 3 is out of bounds for dimension 1 with size 3",
                message(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).get(0, 3)));
        assertEquals("index -3 is out of bounds for dimension 0 with size 2",
                message(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).get(-3, 0)));
        assertEquals("out of range: tried to access index 5 on a tensor of 3 elements.",
                message(IndexOutOfBoundsException.class, () -> Tensor.ones(3).put_(5, 1)));
        assertEquals("out of range: tried to access index -1 on a tensor of 3 elements.",
                message(IndexOutOfBoundsException.class, () -> Tensor.ones(3).put_(-1, 1)));
        assertEquals("expected 2 indices for a tensor of shape [2, 3], got 3",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 3).get(0, 1, 2)));
    }

    @Test
    @Spec("ERRORS-INDEX-OUT-OF-RANGE-NAMES-INDEX-AND-SIZE")
    void reducingAnEmptyDimensionToAMaximumIsRefused() {
        // torch.ones(2, 0).amax(1): amax(): Expected reduction dim 1 to have non-zero size.
        assertEquals("amax(): Expected reduction dim 1 to have non-zero size (shape [2, 0])",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 0).amax(1, false)));
        assertEquals("argmax(): Expected reduction dim 1 to have non-zero size (shape [2, 0])",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 0).argmax(1)));
    }

    // ------------------------------------------------------------------ the loss's targets

    private static Tensor logProbs() {
        return Softmax.logSoftmax(Tensor.zeros(2, 3), 1);
    }

    @Test
    @Spec("ERRORS-LOSS-TARGETS-ARE-CHECKED")
    void anNllLossTargetOutOfRangeNamesTheTargetAndTheClassCount() {
        // F.nll_loss(torch.randn(2, 3), torch.tensor([0, 3])): Target 3 is out of bounds.
        assertEquals("Target 3 is out of bounds: there are 3 classes, so a target must lie in [0, 2] or equal "
                + "ignore_index (-100)",
                message(IndexOutOfBoundsException.class, () -> Losses.nllLoss(logProbs(), Tensor.longs(0, 3))));
        assertStartsWith("Target -1 is out of bounds", message(IndexOutOfBoundsException.class,
                () -> new NLLLoss().forward(logProbs(), Tensor.longs(-1, 0))));
    }

    @Test
    @Spec("ERRORS-LOSS-TARGETS-ARE-CHECKED")
    void anNllLossBatchSizeMismatchNamesBothSizes() {
        // F.nll_loss(torch.randn(2, 3), torch.tensor([0, 1, 1])), word for word
        assertEquals("Expected input batch_size (2) to match target batch_size (3).",
                message(IllegalArgumentException.class, () -> Losses.nllLoss(logProbs(), Tensor.longs(0, 1, 1))));
    }

    @Test
    @Spec("ERRORS-LOSS-TARGETS-ARE-CHECKED")
    void anNllLossTargetMustHoldInt64ClassIndices() {
        // PyTorch: expected scalar type Long but found Float
        assertEquals("nll_loss: expected target of dtype int64 (class indices), got float32",
                message(IllegalArgumentException.class, () -> Losses.nllLoss(logProbs(), Tensor.of(0, 1))));
        assertEquals("nll_loss: expected target of dtype int64 (class indices), got int32",
                message(IllegalArgumentException.class,
                        () -> Losses.nllLoss(logProbs(), Tensor.fromLongs(DType.INT32, new long[] {0, 1}, 2))));
    }

    @Test
    @Spec("ERRORS-LOSS-TARGETS-ARE-CHECKED")
    void anNllLossInputAndTargetMustHaveMatchingRanks() {
        assertEquals("nll_loss: expected input of shape (C) or (N, C), got [1, 2, 3]",
                message(IllegalArgumentException.class,
                        () -> Losses.nllLoss(Tensor.zeros(1, 2, 3), Tensor.longs(0))));
        assertEquals("nll_loss: input of shape [3] needs a target of shape [] (0-d), got [1]",
                message(IllegalArgumentException.class, () -> Losses.nllLoss(Tensor.zeros(3), Tensor.longs(0))));
        assertEquals("nll_loss: input of shape [2, 3] needs a target of shape [2], got [2, 1]",
                message(IllegalArgumentException.class, () -> Losses.nllLoss(logProbs(),
                        Tensor.fromLongs(DType.INT64, new long[2], 2, 1))));
    }

    @Test
    @Spec("ERRORS-LOSS-TARGETS-ARE-CHECKED")
    void anNllLossWeightOfTheWrongLengthIsRefused() {
        // F.nll_loss(torch.randn(2, 3), torch.tensor([0, 1]), weight=torch.ones(2)), word for word
        assertEquals("weight tensor should be defined either for all 3 classes or no classes but got weight tensor "
                + "of shape: [2]", message(IllegalArgumentException.class,
                        () -> Losses.nllLoss(logProbs(), Tensor.longs(0, 1), Tensor.ones(2), Reduction.MEAN,
                                Losses.DEFAULT_IGNORE_INDEX)));
    }

    // ------------------------------------------------------------------ making tensors and devices

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void aBadDeviceStringNamesTheAcceptedForms() {
        // torch.device("gpu"): Expected one of cpu, cuda, ... device type at start of device string: gpu
        assertEquals("Expected one of cpu, cuda, cuda:N device type at start of device string: gpu",
                message(IllegalArgumentException.class, () -> Device.parse("gpu")));
        assertEquals("Expected one of cpu, cuda, cuda:N device type at start of device string: cuda:x",
                message(IllegalArgumentException.class, () -> Device.parse("cuda:x")));
        assertEquals("Expected one of cpu, cuda, cuda:N device type at start of device string: ",
                message(IllegalArgumentException.class, () -> Device.parse("")));
        assertEquals("Device index must not be negative, got -1",
                message(IllegalArgumentException.class, () -> Device.parse("cuda:-1")));
        assertEquals("Device index must not be negative, got -2",
                message(IllegalArgumentException.class, () -> Device.cuda(-2)));
    }

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void raggedRowsAreRefused() {
        // torch.tensor([[1., 2.], [3.]]): expected sequence of length 2 at dim 1 (got 1)
        assertEquals("expected sequence of length 2 at dim 1 (got 1) in row 1", message(IllegalArgumentException.class,
                () -> Tensor.of(new double[][] {{1, 2}, {3}})));
    }

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void negativeSizesAreRefused() {
        // torch.zeros(2, -1), word for word
        String expected = "Trying to create tensor with negative dimension -1: [2, -1]";
        assertEquals(expected, message(IllegalArgumentException.class, () -> Tensor.zeros(2, -1)));
        for (Supplier<Tensor> make : java.util.List.<Supplier<Tensor>>of(
                () -> Tensor.ones(2, -1), () -> Tensor.randn(2, -1), () -> Tensor.rand(2, -1),
                () -> Tensor.fromDoubles(DType.FLOAT32, new double[0], 2, -1),
                () -> Tensor.fromFloats(new float[0], 2, -1),
                () -> Tensor.fromLongs(DType.INT64, new long[0], 2, -1),
                () -> Tensor.randnDouble(new dlblocks.random.Generator(1), 2, -1))) {
            assertEquals(expected, message(IllegalArgumentException.class, make::get));
        }
    }

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void valuesThatDoNotFillTheShapeAreRefused() {
        assertEquals("3 values cannot fill shape [2, 2]", message(IllegalArgumentException.class,
                () -> Tensor.fromDoubles(DType.FLOAT32, new double[3], 2, 2)));
        assertEquals("3 values cannot fill shape [2, 2]", message(IllegalArgumentException.class,
                () -> Tensor.fromFloats(new float[3], 2, 2)));
        assertEquals("3 values cannot fill shape [2, 2]", message(IllegalArgumentException.class,
                () -> Tensor.fromLongs(DType.INT64, new long[3], 2, 2)));
        assertEquals("tensor of shape [65536, 65536] has more than 2^31-1 elements",
                message(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536)));
    }

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void itemOfATensorWithMoreThanOneElementIsRefused() {
        // PyTorch 2's wording (1.13 said: only one element tensors can be converted to Python scalars)
        assertEquals("a Tensor with 2 elements cannot be converted to Scalar",
                message(IllegalStateException.class, () -> Tensor.zeros(2).item()));
        assertEquals("a Tensor with 0 elements cannot be converted to Scalar",
                message(IllegalStateException.class, () -> Tensor.zeros(0).item()));
    }

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void meanOfAnIntegerTensorIsRefused() {
        // torch.ones(2, dtype=torch.long).mean(): ... Input dtype must be either a floating point or complex dtype.
        assertStartsWith("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                + "complex dtype. Got: ", message(IllegalArgumentException.class, () -> Tensor.longs(1, 2).mean()));
        assertStartsWith("mean(): could not infer output dtype.",
                message(IllegalArgumentException.class, () -> Tensor.longs(1, 2).mean(0, false)));
    }

    @Test
    @Spec("ERRORS-BAD-ARGUMENTS-ARE-NAMED")
    void replacingDataWithAnotherShapeIsRefused() {
        assertEquals("setData: shape [3] does not match [2]",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2).setData(Tensor.zeros(3))));
    }
}
