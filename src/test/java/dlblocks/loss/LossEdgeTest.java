package dlblocks.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** NLLLoss at its edges, each compared with what real PyTorch 1.13 prints. */
class LossEdgeTest {
    @Test
    @Spec("LOSS-IGNORE-INDEX")
    void targetsOnTheBoundaryAreCheckedExactly() {
        Tensor logProbs = Tensor.of(new double[][] {{-1, -2, -3}, {-3, -2, -1}});
        // C − 1 is the last valid target; C is the first invalid one
        assertEquals("tensor(2.)", Losses.nllLoss(logProbs, Tensor.longs(2, 2)).toString());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> Losses.nllLoss(logProbs, Tensor.longs(0, 3)));
        assertEquals("Target 3 is out of bounds: there are 3 classes, so a target must lie in [0, 2] or equal "
                + "ignore_index (-100)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Losses.nllLoss(logProbs, Tensor.longs(-1, 0)));
    }

    @Test
    @Spec("LOSS-REDUCTION-NONE")
    void perExampleLossesKeepTheSignOfZeroAsPyTorchDoes() {
        // torch: F.nll_loss(tensor([[0., -1.], [-2., 0.]]), tensor([0, -100]), reduction='none') = tensor([-0., 0.])
        Tensor logProbs = Tensor.of(new double[][] {{0, -1}, {-2, 0}});
        Tensor losses = Losses.nllLoss(logProbs, Tensor.longs(0, -100), null, Reduction.NONE, -100);
        assertEquals("tensor([-0., 0.])", losses.toString());
    }

    @Test
    void reductionNamesParseAsPyTorchSpellsThem() {
        assertEquals(Reduction.NONE, Reduction.parse("none"));
        assertEquals(Reduction.MEAN, Reduction.parse("mean"));
        assertEquals(Reduction.SUM, Reduction.parse("sum"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reduction.parse("avg"));
        assertEquals("avg is not a valid value for reduction (none, mean, sum)", e.getMessage());
    }
}
