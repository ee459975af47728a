package dlblocks.module;

import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The twin of {@code nn.Module}: the base of every network component. A subclass declares its
 * {@link Parameter}s and sub-modules as fields — as the tutorial's {@code self.linear = nn.Linear(...)}
 * does — and the module finds them itself, in declaration order (superclass fields first), which is the
 * order in which PyTorch registers attributes assigned in {@code __init__}:
 *
 * <pre>{@code
 * class BoWClassifier extends Module {
 *     final Linear linear;                          // registered as "linear"
 *     BoWClassifier(int labels, int vocab) { linear = new Linear(vocab, labels); }
 *     Tensor forward(Tensor bow) { return Softmax.logSoftmax(linear.forward(bow), 1); }
 * }
 * }</pre>
 *
 * Fields that hold a {@code List} of modules register each element under its index (like
 * {@code nn.ModuleList}). Static fields and null fields are skipped. The JVM reports declared fields in
 * source order (HotSpot does, and a test checks it).
 */
public abstract class Module {
    private boolean training = true;

    /** The parameters of this module and its sub-modules, each once, in registration order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters under PyTorch's dotted names, e.g. {@code linear.weight}; a shared parameter appears once. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out, Set<Object> seen) {
        for (Map.Entry<String, Object> e : members().entrySet()) {
            Object value = e.getValue();
            if (!seen.add(value)) {
                continue;
            }
            if (value instanceof Parameter) {
                out.put(prefix + e.getKey(), (Parameter) value);
            } else {
                ((Module) value).collect(prefix + e.getKey() + ".", out, seen);
            }
        }
    }

    /** The direct sub-modules by name: {@code named_children()}. */
    public Map<String, Module> namedChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : members().entrySet()) {
            if (e.getValue() instanceof Module) {
                out.put(e.getKey(), (Module) e.getValue());
            }
        }
        return out;
    }

    /** {@code state_dict()}: every parameter's data (detached) under its dotted name. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> out.put(name, p.detach()));
        return out;
    }

    /**
     * {@code load_state_dict(state)}: copies each tensor's values into the parameter of the same name
     * (converting dtype and device; the parameter keeps its own storage). Names
     * missing on either side and shapes that differ are errors, as with PyTorch's {@code strict=True}:
     * all of them are reported at once, in PyTorch's words, and then nothing is loaded.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Parameter> own = namedParameters();
        List<String> missing = new ArrayList<>();
        for (String name : own.keySet()) {
            if (!state.containsKey(name)) missing.add('"' + name + '"');
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : state.keySet()) {
            if (!own.containsKey(name)) unexpected.add('"' + name + '"');
        }
        List<String> errors = new ArrayList<>();
        if (!missing.isEmpty()) errors.add("Missing key(s) in state_dict: " + String.join(", ", missing) + ". ");
        if (!unexpected.isEmpty()) {
            errors.add("Unexpected key(s) in state_dict: " + String.join(", ", unexpected) + ". ");
        }
        for (Map.Entry<String, Parameter> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && !java.util.Arrays.equals(src.shape(), e.getValue().shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape torch.Size("
                        + dlblocks.tensor.Shape.str(src.shape()) + ") from checkpoint, the shape in current model is "
                        + "torch.Size(" + dlblocks.tensor.Shape.str(e.getValue().shape()) + ").");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName()
                    + ":\n\t" + String.join("\n\t", errors));
        }
        // In place, as PyTorch's param.copy_(input_param) under no_grad: tensors from an earlier
        // stateDict() and an optimiser's references to the parameters see the loaded values.
        try (dlblocks.autograd.NoGrad scope = new dlblocks.autograd.NoGrad()) {
            for (Map.Entry<String, Parameter> e : own.entrySet()) {
                e.getValue().copy_(state.get(e.getKey()));
            }
        }
    }

    /**
     * {@code model.zero_grad()}: clears every parameter's gradient (sets it to null, as PyTorch 2's
     * default {@code set_to_none=True} does).
     */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** {@code model.zero_grad(set_to_none)}: null gradients, or gradients filled with zeros. */
    public void zeroGrad(boolean setToNone) {
        for (Parameter p : parameters()) {
            if (p.grad() == null) continue;
            if (setToNone) {
                // The gradient's device memory is freed now (a no-op on the CPU), not at some later GC.
                p.grad().storage().release();
                p.setGrad(null);
            } else {
                try (dlblocks.autograd.NoGrad scope = new dlblocks.autograd.NoGrad()) {
                    p.grad().zero_();
                }
            }
        }
    }

    /** {@code model.to(device)}: moves every parameter (and its gradient) in place; returns this module. */
    public Module to(Device device) {
        for (Parameter p : parameters()) {
            if (!p.device().equals(device)) {
                Tensor moved;
                try (dlblocks.autograd.NoGrad scope = new dlblocks.autograd.NoGrad()) {
                    moved = p.detach().to(device);
                }
                p.setData(moved);
            }
        }
        return this;
    }

    /** {@code model.train()}: training mode, for this module and all sub-modules. */
    public Module train() {
        return train(true);
    }

    /** {@code model.train(mode)}. */
    public Module train(boolean mode) {
        training = mode;
        for (Module child : namedChildren().values()) {
            child.train(mode);
        }
        return this;
    }

    /** {@code model.eval()}: the same as {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    /** {@code model.training}. */
    public boolean isTraining() {
        return training;
    }

    /** What this module prints between its parentheses, e.g. {@code in_features=5, ...}; empty by default. */
    protected String extraRepr() {
        return "";
    }

    /**
     * PyTorch's module repr: the class name, extraRepr, then each child indented by two spaces. The
     * elements of a List field print inside one {@code ModuleList}, as {@code nn.ModuleList} does.
     */
    @Override
    public String toString() {
        Map<String, Map<String, Module>> byField = new LinkedHashMap<>(); // field → (list index or "") → child
        for (Map.Entry<String, Module> e : namedChildren().entrySet()) {
            String[] parts = e.getKey().split("\\.", 2);
            byField.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts.length > 1 ? parts[1] : "",
                    e.getValue());
        }
        List<String> children = new ArrayList<>();
        byField.forEach((field, members) -> {
            String child;
            if (members.containsKey("")) {
                child = members.get("").toString();
            } else {
                List<String> items = new ArrayList<>();
                members.forEach((index, m) -> items.add("(" + index + "): " + m));
                child = repr("ModuleList", "", items);
            }
            children.add("(" + field + "): " + child);
        });
        return repr(getClass().getSimpleName(), extraRepr(), children);
    }

    /** {@code nn.Module.__repr__}: on one line when there is only a one-line extra repr, else a line each. */
    private static String repr(String name, String extra, List<String> children) {
        List<String> lines = new ArrayList<>();
        if (!extra.isEmpty()) {
            lines.addAll(java.util.Arrays.asList(extra.split("\n")));
        }
        if (lines.size() == 1 && children.isEmpty()) {
            return name + "(" + extra + ")";
        }
        lines.addAll(children);
        StringBuilder sb = new StringBuilder(name).append('(');
        if (!lines.isEmpty()) {
            sb.append('\n');
            for (String line : lines) {
                sb.append("  ").append(line.replace("\n", "\n  ")).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    /** Parameter and Module fields (and lists of modules, by index) in declaration order. */
    private Map<String, Object> members() {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = getClass(); c != Module.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                Object value = read(f);
                if (value instanceof Parameter || value instanceof Module) {
                    out.put(f.getName(), value);
                } else if (value instanceof List) {
                    List<?> list = (List<?>) value;
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) instanceof Module || list.get(i) instanceof Parameter) {
                            out.put(f.getName() + "." + i, list.get(i));
                        }
                    }
                }
            }
        }
        return out;
    }

    private Object read(Field f) {
        try {
            f.setAccessible(true);
            return f.get(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read field " + f.getName() + " of " + getClass().getName(), e);
        }
    }
}
