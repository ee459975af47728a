package dlblocks.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Frees device (CUDA) memory at a known point instead of whenever the garbage collector runs. Every
 * device storage created while a scope is open on this thread is freed when the scope closes — except
 * storages that have become long-lived: a parameter's data ({@link Tensor#setData}), a leaf's gradient,
 * an optimiser's state, and anything passed to {@link #keep}.
 *
 * <pre>{@code
 * for (Example e : data) {
 *     try (MemoryScope scope = MemoryScope.open()) {
 *         model.zeroGrad();
 *         Tensor loss = lossFunction.forward(model.forward(bow(e).to(cuda)), target(e).to(cuda));
 *         loss.backward();
 *         optimizer.step();
 *     }   // the step's intermediate tensors are freed here
 * }
 * }</pre>
 *
 * A tensor whose memory was freed this way cannot be used again: any kernel on it fails with a message
 * that says so. CPU memory needs no scope (the garbage collector frees it), so on the CPU a scope does
 * nothing.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope outer;
    private final Thread owner = Thread.currentThread();
    private final Set<Storage> created = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Storage> order = new ArrayList<>();
    private boolean closed;

    private MemoryScope(MemoryScope outer) {
        this.outer = outer;
    }

    /** Opens a scope on this thread; scopes nest. */
    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /**
     * Records a device storage in the innermost open scope, if any. A backend calls this once, when it
     * makes the storage: tensors made later over the same storage (a view, a detach) do not make it the
     * scope's, so a view of a parameter taken inside a scope never frees the parameter.
     */
    public static void track(Storage storage) {
        MemoryScope scope = CURRENT.get();
        if (scope != null && storage.device().isCuda() && scope.created.add(storage)) {
            scope.order.add(storage);
        }
    }

    /** Makes a storage long-lived: no open scope on this thread will free it. */
    public static void persist(Storage storage) {
        for (MemoryScope s = CURRENT.get(); s != null; s = s.outer) {
            s.created.remove(storage);
        }
    }

    /**
     * Keeps {@code t}'s memory beyond this scope: it passes to the enclosing scope, or becomes long-lived
     * when there is none. Returns t.
     */
    public <T extends Tensor> T keep(T t) {
        Storage s = t.storage();
        if (created.remove(s) && outer != null && outer.created.add(s)) {
            outer.order.add(s);
        }
        return t;
    }

    /** Frees every storage created in this scope and not kept; restores the enclosing scope. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner || CURRENT.get() != this) {
            throw new IllegalStateException("memory scopes must be closed on their thread, innermost first");
        }
        closed = true;
        CURRENT.set(outer);
        for (Storage s : order) {
            if (created.contains(s)) {
                s.release();
            }
        }
    }
}
