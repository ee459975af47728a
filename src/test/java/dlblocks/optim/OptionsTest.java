package dlblocks.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Every optimiser option can be set fluently, and each setter returns the same options object. */
class OptionsTest {
    @Test
    void everySetterReturnsItsOptionsSoCallsChain() {
        SGD.Options sgd = new SGD.Options();
        assertSame(sgd, sgd.lr(0.1).momentum(0.9).dampening(0.1).weightDecay(1e-4).nesterov(false).maximize(true));
        assertEquals(0.9, sgd.momentum);
        Adam.Options adam = new Adam.Options();
        assertSame(adam, adam.lr(1e-3).betas(0.8, 0.9).eps(1e-6).weightDecay(0.1).amsgrad(true).maximize(true));
        assertEquals(0.8, adam.beta1);
        RMSprop.Options rms = new RMSprop.Options();
        assertSame(rms, rms.lr(1e-2).alpha(0.9).eps(1e-6).weightDecay(0.1).momentum(0.5).centered(true).maximize(true));
        assertEquals(true, rms.centered);
        Adagrad.Options ada = new Adagrad.Options();
        assertSame(ada, ada.lr(0.5).lrDecay(0.1).weightDecay(0.1).initialAccumulatorValue(0.2).eps(1e-9).maximize(true));
        assertEquals(0.2, ada.initialAccumulatorValue);
    }
}
