package dlblocks.tensor;

import java.util.Objects;

/**
 * Where a tensor's storage lives: the twin of {@code torch.device}. {@link #CPU} is {@code "cpu"};
 * {@code Device.cuda(0)} is {@code "cuda:0"}.
 */
public final class Device {
    /** The kinds of device, as {@code torch.device(...).type} names them. */
    public enum Type { CPU, CUDA }

    public static final Device CPU = new Device(Type.CPU, -1);

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    /** {@code torch.device("cuda:n")}. */
    public static Device cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("Device index must not be negative, got " + index);
        }
        return new Device(Type.CUDA, index);
    }

    /** Parses {@code "cpu"}, {@code "cuda"} (meaning cuda:0) or {@code "cuda:n"}, as torch.device does. */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda")) return cuda(0);
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(
                "Expected one of cpu, cuda, cuda:N device type at start of device string: " + spec);
    }

    public Type type() {
        return type;
    }

    /** The CUDA ordinal, or -1 for the CPU. */
    public int index() {
        return index;
    }

    public boolean isCuda() {
        return type == Type.CUDA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device && ((Device) o).type == type && ((Device) o).index == index;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, index);
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + index;
    }
}
