package dlblocks.tensor;

import dlblocks.autograd.Function;

/** Moving tensors between devices and dtypes: {@code t.to(...)}; the gradient moves back. */
final class Conversions {
    private Conversions() {
    }

    static Tensor to(Tensor a, Device device) {
        if (a.device().equals(device)) {
            return a;
        }
        Device from = a.device();
        return Function.apply("ToCopyBackward0",
                () -> Tensor.wrap(copyTo(a, Backends.of(device)), a.shape()),
                g -> new Tensor[] {g.to(from)},
                a);
    }

    static Tensor to(Tensor a, DType dtype) {
        if (a.dtype() == dtype) {
            return a;
        }
        DType from = a.dtype();
        return Function.apply("ToCopyBackward0",
                () -> {
                    Tensor out = Tensor.zeros(dtype, a.device(), a.shape());
                    a.backend().copy(a.storage(), out.storage());
                    return out;
                },
                g -> new Tensor[] {from.isFloatingPoint() ? g.to(from) : null},
                a);
    }

    /** Copies a's elements through the host into a new storage of {@code target}. */
    private static Storage copyTo(Tensor a, Backend target) {
        Backend source = a.backend();
        switch (a.dtype()) {
            case FLOAT32: return target.fromFloats(source.toFloats(a.storage()));
            case FLOAT64: return target.fromDoubles(DType.FLOAT64, source.toDoubles(a.storage()));
            default: return target.fromLongs(a.dtype(), source.toLongs(a.storage()));
        }
    }
}
