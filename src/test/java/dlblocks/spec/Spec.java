package dlblocks.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Links a test to the invariants of {@code spec/*.md} it checks, by their stable IDs, e.g.
 * {@code @Spec("SOFTMAX-SUMS-TO-ONE")}. {@link SpecCoverageTest} fails when an ID in spec/ has no test
 * or a test cites an ID spec/ does not define.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Spec {
    String[] value();
}
