package dlblocks.tensor;

import dlblocks.autograd.Engine;
import dlblocks.autograd.GradMode;
import dlblocks.autograd.Node;
import dlblocks.random.Generator;
import java.util.Arrays;

/**
 * An n-dimensional array that knows its gradient: the twin of {@code torch.Tensor}.
 *
 * <p>Data: a {@link Storage} on one {@link Device}, a shape (row-major, always contiguous) and a
 * {@link DType} (float32 unless asked otherwise). Views ({@link #view}, {@link #reshape},
 * {@link #detach}) share the storage; every other operation returns a new tensor.
 *
 * <p>Gradients: a tensor made by an operation on tensors that require grad carries a {@link #gradFn()};
 * {@link #backward()} follows those back to the leaves and adds into their {@link #grad()}.
 *
 * <p>{@code tensor} and {@code autograd} are one floor in two packages: the data half is here, the graph
 * half ({@link Node}, {@link Engine}) there, as PyTorch's own Tensor and autograd are.
 */
public class Tensor {
    private Storage storage;
    private final int[] shape;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    /** Wraps a storage; {@code shape} must describe exactly its elements. */
    protected Tensor(Storage storage, int[] shape) {
        if (Shape.numel(shape) != storage.numel()) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " does not fit a storage of "
                    + storage.numel() + " elements");
        }
        this.storage = storage;
        this.shape = shape.clone();
    }

    /** A tensor over an existing storage, e.g. one a backend has filled. */
    public static Tensor wrap(Storage storage, int... shape) {
        return new Tensor(storage, shape);
    }

    // ---------------------------------------------------------------- creation

    /** {@code torch.zeros(shape)}: float32 zeros on the CPU. */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return zeros(dtype, Device.CPU, shape);
    }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        checkSizes(shape);
        return new Tensor(Backends.of(device).zeros(dtype, Shape.numel(shape)), shape);
    }

    /** {@code torch.ones(shape)}. */
    public static Tensor ones(int... shape) {
        return full(1, DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(1, dtype, Device.CPU, shape);
    }

    /** {@code torch.full(shape, value)}. */
    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = zeros(dtype, device, shape);
        t.backend().map(UnaryOp.FILL, value, t.storage, t.storage);
        return t;
    }

    /** Zeros with the shape, dtype and device of {@code t}: {@code torch.zeros_like}. */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.dtype(), t.device(), t.shape);
    }

    /** {@code torch.ones_like}. */
    public static Tensor onesLike(Tensor t) {
        return full(1, t.dtype(), t.device(), t.shape);
    }

    /** {@code torch.tensor([v0, v1, ...])}: a 1-D float32 tensor. */
    public static Tensor of(double... values) {
        return fromDoubles(DType.FLOAT32, values, values.length);
    }

    /** {@code torch.tensor([[...], [...]])}: a 2-D float32 tensor from equal-length rows. */
    public static Tensor of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("expected sequence of length " + cols + " at dim 1 (got "
                        + rows[i].length + ") in row " + i);
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return fromDoubles(DType.FLOAT32, flat, rows.length, cols);
    }

    /** A 0-d float32 tensor: {@code torch.tensor(v)}. */
    public static Tensor scalar(double value) {
        return fromDoubles(DType.FLOAT32, new double[] {value});
    }

    /** A tensor of the given dtype and shape from row-major values (each rounded to the dtype). */
    public static Tensor fromDoubles(DType dtype, double[] values, int... shape) {
        checkSizes(shape);
        if (Shape.numel(shape) != values.length) {
            throw new IllegalArgumentException(values.length + " values cannot fill shape " + Shape.str(shape));
        }
        return new Tensor(CpuBackend.INSTANCE.fromDoubles(dtype, values), shape);
    }

    /** A float32 tensor from row-major values. */
    public static Tensor fromFloats(float[] values, int... shape) {
        checkSizes(shape);
        if (Shape.numel(shape) != values.length) {
            throw new IllegalArgumentException(values.length + " values cannot fill shape " + Shape.str(shape));
        }
        return new Tensor(CpuBackend.INSTANCE.fromFloats(values), shape);
    }

    /**
     * A float32 tensor of the given shape that is +0 everywhere except {@code values[k]} at the flat
     * (row-major) position {@code positions[k]} — {@code torch.sparse_coo_tensor(...).to_dense()}. On the
     * CPU it is held compactly until something needs every element, so a BoW vector of a large vocabulary
     * costs only its words.
     */
    public static Tensor fromNonzeros(int[] positions, float[] values, int... shape) {
        checkSizes(shape);
        int numel = Shape.numel(shape);
        if (positions.length != values.length) {
            throw new IllegalArgumentException(positions.length + " positions but " + values.length + " values");
        }
        Integer[] order = new Integer[positions.length];
        for (int k = 0; k < order.length; k++) order[k] = k;
        Arrays.sort(order, (x, y) -> Integer.compare(positions[x], positions[y]));
        int[] sortedPositions = new int[positions.length];
        float[] sortedValues = new float[positions.length];
        for (int k = 0; k < order.length; k++) {
            int p = positions[order[k]];
            if (p < 0 || p >= numel) {
                throw new IndexOutOfBoundsException("position " + p + " is out of bounds for a tensor of "
                        + numel + " elements (shape " + Shape.str(shape) + ")");
            }
            if (k > 0 && p == sortedPositions[k - 1]) {
                throw new IllegalArgumentException("position " + p + " is given twice");
            }
            sortedPositions[k] = p;
            sortedValues[k] = values[order[k]];
        }
        return new Tensor(new CpuStorage(numel, sortedPositions, sortedValues), shape);
    }

    /** {@code torch.LongTensor([v0, v1, ...])}: a 1-D int64 tensor, e.g. class targets. */
    public static Tensor longs(long... values) {
        return fromLongs(DType.INT64, values, values.length);
    }

    /** An integer (or bool) tensor of the given shape from row-major values. */
    public static Tensor fromLongs(DType dtype, long[] values, int... shape) {
        checkSizes(shape);
        if (Shape.numel(shape) != values.length) {
            throw new IllegalArgumentException(values.length + " values cannot fill shape " + Shape.str(shape));
        }
        return new Tensor(CpuBackend.INSTANCE.fromLongs(dtype, values), shape);
    }

    /** {@code torch.randn(shape)}: standard normal float32 values from the default generator. */
    public static Tensor randn(int... shape) {
        return randn(Generator.DEFAULT, shape);
    }

    public static Tensor randn(Generator generator, int... shape) {
        checkSizes(shape);
        return fromFloats(generator.randn(Shape.numel(shape)), shape);
    }

    /** {@code torch.randn(shape, dtype=torch.float64)}. */
    public static Tensor randnDouble(Generator generator, int... shape) {
        checkSizes(shape);
        return fromDoubles(DType.FLOAT64, generator.randnDouble(Shape.numel(shape)), shape);
    }

    /** {@code torch.rand(shape)}: uniform float32 values in [0, 1) from the default generator. */
    public static Tensor rand(int... shape) {
        return rand(Generator.DEFAULT, shape);
    }

    public static Tensor rand(Generator generator, int... shape) {
        checkSizes(shape);
        return fromFloats(generator.rand(Shape.numel(shape)), shape);
    }

    private static void checkSizes(int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("Trying to create tensor with negative dimension " + s + ": "
                        + Shape.str(shape));
            }
        }
    }

    // ---------------------------------------------------------------- metadata

    /** The sizes, outermost first (a copy): {@code t.shape}. */
    public int[] shape() {
        return shape.clone();
    }

    /** {@code t.size()}, the same as {@link #shape()}. */
    public int[] size() {
        return shape();
    }

    /** {@code t.size(dim)}; negative dims count from the end. */
    public int size(int dim) {
        return shape[Shape.wrapDim(dim, shape.length)];
    }

    /** The number of dimensions: {@code t.dim()}. */
    public int dim() {
        return shape.length;
    }

    public int numel() {
        return storage.numel();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    /** The storage itself (shared with views), for backends and fast paths. */
    public Storage storage() {
        return storage;
    }

    /** The backend that owns this tensor's storage. */
    public Backend backend() {
        return Backends.of(storage.device());
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * {@code t.requires_grad_(flag)}: whether backward should compute a gradient for this leaf.
     * Only leaves can change it, and only floating tensors can require grad.
     */
    public Tensor requiresGrad_(boolean flag) {
        if (gradFn != null) {
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables.");
        }
        if (flag && !dtype().isFloatingPoint()) {
            throw new IllegalStateException("only Tensors of floating point dtype can require gradients (this one is "
                    + dtype().torchName() + ")");
        }
        requiresGrad = flag;
        return this;
    }

    /** {@code t.grad}: the accumulated gradient of a leaf, or null before any backward. */
    public Tensor grad() {
        return grad;
    }

    /** {@code t.grad = g} (null clears it, as {@code zero_grad(set_to_none=True)} does). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("assigned grad has data of a different size: " + Shape.str(g.shape)
                    + " for a tensor of shape " + Shape.str(shape));
        }
        if (g != null) {
            MemoryScope.persist(g.storage);
        }
        grad = g;
    }

    /** {@code t.grad_fn}: the operation that made this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** {@code t.is_leaf}: made by the user, not by an operation that records the graph. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Links this freshly made tensor to the operation that made it; used by {@code autograd.Function}. */
    public void attachGradFn(Node node) {
        if (gradFn != null || requiresGrad) {
            throw new IllegalStateException("tensor already belongs to the graph");
        }
        gradFn = node;
        requiresGrad = true;
    }

    /**
     * Adds {@code g} into {@link #grad()}; the engine calls this on leaves during backward. The first
     * gradient is kept as it is (not copied), so the caller must hand over a tensor no one else holds.
     */
    public void accumulateGrad(Tensor g) {
        if (grad == null) {
            grad = g.detach();
            MemoryScope.persist(grad.storage); // a gradient outlives the step that computed it
        } else {
            grad.add_(g);
        }
    }

    /** {@code loss.backward()}: gradients of this one-element tensor with respect to every leaf. */
    public void backward() {
        Engine.backward(this, null, false);
    }

    /** {@code t.backward(gradient)}: for a non-scalar t, with ∂L/∂t given. */
    public void backward(Tensor gradient) {
        Engine.backward(this, gradient, false);
    }

    /** {@code t.backward(gradient, retain_graph=...)}. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Engine.backward(this, gradient, retainGraph);
    }

    /** {@code t.detach()}: the same data, cut from the graph. */
    public Tensor detach() {
        return new Tensor(storage, shape);
    }

    /** {@code t.data}: the same as {@link #detach()}. */
    public Tensor data() {
        return detach();
    }

    /**
     * {@code t.data = other}: makes this tensor use {@code other}'s storage (same shape). Optimisers and
     * {@code module.to(device)} use it to change a parameter without changing its identity.
     */
    public void setData(Tensor other) {
        if (!Arrays.equals(other.shape, shape)) {
            throw new IllegalArgumentException("setData: shape " + Shape.str(other.shape) + " does not match "
                    + Shape.str(shape));
        }
        storage = other.storage;
        MemoryScope.persist(storage);
        if (grad != null && !grad.device().equals(device())) {
            grad = grad.to(device());
        }
    }

    /**
     * {@code t.clone()}: a new tensor with its own copy of the data. Differentiable, as in PyTorch
     * (CloneBackward0: the gradient passes through unchanged), so a clone inside a model keeps the graph.
     */
    @Override
    public Tensor clone() {
        return dlblocks.autograd.Function.apply("CloneBackward0",
                () -> {
                    Tensor copy = zeros(dtype(), device(), shape);
                    backend().copy(storage, copy.storage);
                    return copy;
                },
                g -> new Tensor[] {g},
                this);
    }

    // ---------------------------------------------------------------- reading values

    /** {@code t.item()}: the value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("a Tensor with " + numel() + " elements cannot be converted to Scalar");
        }
        return valueAt(0);
    }

    /** The element at {@code index} (one index per dimension; negative counts from the end). */
    public double get(int... index) {
        return valueAt(flatIndex(index));
    }

    private double valueAt(int flat) {
        if (storage instanceof CpuStorage) {
            return ((CpuStorage) storage).get(flat);
        }
        return backend().toDoubles(storage)[flat];
    }

    /** The elements in row-major order, as doubles (float32 widens exactly). */
    public double[] toDoubleArray() {
        return backend().toDoubles(storage);
    }

    /** The elements of a float32 tensor in row-major order. */
    public float[] toFloatArray() {
        if (dtype() != DType.FLOAT32) {
            return to(DType.FLOAT32).toFloatArray();
        }
        return backend().toFloats(storage);
    }

    /** The elements as longs (floating values truncate toward zero). */
    public long[] toLongArray() {
        return backend().toLongs(storage);
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("expected " + shape.length + " indices for a tensor of shape "
                    + Shape.str(shape) + ", got " + index.length);
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            int i = index[d] < 0 ? index[d] + shape[d] : index[d];
            if (i < 0 || i >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + index[d] + " is out of bounds for dimension " + d
                        + " with size " + shape[d]);
            }
            flat = flat * shape[d] + i;
        }
        return flat;
    }

    /**
     * {@code str(t)}, character for character as PyTorch prints it (a CUDA tensor adds
     * {@code device='cuda:0'}, as PyTorch does).
     */
    @Override
    public String toString() {
        return toString(true);
    }

    /** {@code str(t)}, leaving out the {@code device=} suffix when {@code showDevice} is false. */
    public String toString(boolean showDevice) {
        boolean floating = dtype().isFloatingPoint();
        String where = showDevice && device().isCuda() ? device().toString() : null;
        return TensorFormatter.format(dtype(), shape, floating ? toDoubleArray() : null,
                floating ? null : toLongArray(), where, gradFn == null ? null : gradFn.name(), requiresGrad);
    }

    // ---------------------------------------------------------------- devices and dtypes

    /** {@code t.to(device)}: this tensor if already there, else a copy there (differentiable). */
    public Tensor to(Device target) {
        return Conversions.to(this, target);
    }

    /** {@code t.to(dtype)}: this tensor if already of that type, else a converted copy (differentiable). */
    public Tensor to(DType target) {
        return Conversions.to(this, target);
    }

    /** {@code t.cpu()}. */
    public Tensor cpu() {
        return to(Device.CPU);
    }

    // ---------------------------------------------------------------- raw kernels (no graph)

    /**
     * Applies a backend kernel elementwise and records no gradient. Meant for the forward and backward
     * formulas of operations (inside {@code Function.apply}); refused where a gradient would silently be
     * lost.
     */
    public Tensor map(UnaryOp op, double s) {
        refuseIfTracked("map(" + op + ")");
        Tensor out = zeros(dtype(), device(), shape);
        backend().map(op, s, storage, out.storage);
        return out;
    }

    public Tensor map(UnaryOp op) {
        return map(op, 0);
    }

    /**
     * Applies a backend kernel elementwise to this tensor and {@code other} (broadcast; same dtype) and
     * records no gradient; like {@link #map(UnaryOp, double)}, for the formulas of operations.
     */
    public Tensor zip(BinaryOp op, Tensor other, double s) {
        refuseIfTracked("zip(" + op + ")");
        if (other.dtype() != dtype()) {
            throw new IllegalArgumentException("zip(" + op + ") needs one dtype, got " + dtype().torchName() + " and "
                    + other.dtype().torchName());
        }
        return Arithmetic.zipRaw(op, s, this, Arithmetic.sameDevice(this, other));
    }

    void refuseIfTracked(String what) {
        if (requiresGrad && GradMode.isEnabled()) {
            throw new IllegalStateException(what + " is a raw kernel and records no gradient; this tensor requires "
                    + "grad, so use the differentiable operation or call it under NoGrad");
        }
    }

    // ---------------------------------------------------------------- arithmetic (Arithmetic.java)

    /** {@code a + b} with broadcasting. */
    public Tensor add(Tensor other) {
        return Arithmetic.add(this, other, 1);
    }

    /** {@code torch.add(a, b, alpha=alpha)}: a + alpha·b. */
    public Tensor add(Tensor other, double alpha) {
        return Arithmetic.add(this, other, alpha);
    }

    public Tensor add(double value) {
        return Arithmetic.addScalar(this, value, "AddBackward0");
    }

    public Tensor sub(Tensor other) {
        return Arithmetic.add(this, other, -1);
    }

    public Tensor sub(double value) {
        return Arithmetic.addScalar(this, -value, "SubBackward0");
    }

    public Tensor mul(Tensor other) {
        return Arithmetic.mul(this, other);
    }

    public Tensor mul(double value) {
        return Arithmetic.mulScalar(this, value);
    }

    public Tensor div(Tensor other) {
        return Arithmetic.div(this, other);
    }

    public Tensor div(double value) {
        return Arithmetic.divScalar(this, value);
    }

    public Tensor neg() {
        return Arithmetic.neg(this);
    }

    public Tensor exp() {
        return Arithmetic.exp(this);
    }

    public Tensor log() {
        return Arithmetic.log(this);
    }

    public Tensor sqrt() {
        return Arithmetic.sqrt(this);
    }

    /** {@code t ** exponent}. */
    public Tensor pow(double exponent) {
        return Arithmetic.pow(this, exponent);
    }

    /** {@code torch.maximum(a, b)}. */
    public Tensor maximum(Tensor other) {
        return Arithmetic.maximum(this, other);
    }

    /** {@code a == b} as a bool tensor (no gradient). */
    public Tensor eq(Tensor other) {
        return Arithmetic.compare(BinaryOp.EQ, this, other);
    }

    /** {@code a > b} as a bool tensor (no gradient). */
    public Tensor gt(Tensor other) {
        return Arithmetic.compare(BinaryOp.GT, this, other);
    }

    // ---------------------------------------------------------------- reductions (Reductions.java)

    /** {@code t.sum()}: the sum of all elements, a 0-d tensor. */
    public Tensor sum() {
        return Reductions.sum(this);
    }

    /** {@code t.sum(dim)}. */
    public Tensor sum(int dim) {
        return Reductions.sum(this, dim, false);
    }

    /** {@code t.sum(dim, keepdim=keepdim)}. */
    public Tensor sum(int dim, boolean keepdim) {
        return Reductions.sum(this, dim, keepdim);
    }

    /** {@code t.mean()}. */
    public Tensor mean() {
        return Reductions.mean(this);
    }

    /** {@code t.mean(dim, keepdim=keepdim)}. */
    public Tensor mean(int dim, boolean keepdim) {
        return Reductions.mean(this, dim, keepdim);
    }

    /** {@code t.amax(dim, keepdim=keepdim)}: the largest values along dim. */
    public Tensor amax(int dim, boolean keepdim) {
        return Reductions.amax(this, dim, keepdim);
    }

    /** {@code t.argmax(dim)}: int64 indices of the first largest values (no gradient). */
    public Tensor argmax(int dim) {
        return Reductions.argmax(this, dim);
    }

    /** Sums a gradient of a broadcast shape back to {@code target} (the adjoint of broadcasting). */
    public Tensor sumTo(int[] target) {
        return Reductions.sumTo(this, target);
    }

    // ---------------------------------------------------------------- shapes (Views.java)

    /** {@code t.view(shape)}: the same storage seen with another shape; one size may be -1. */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    /** {@code t.reshape(shape)}: for these always-contiguous tensors, the same as {@link #view}. */
    public Tensor reshape(int... newShape) {
        return Views.view(this, newShape);
    }

    /** {@code t.transpose(d0, d1)} (a copy here, since tensors are contiguous). */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** {@code t.t()}: the transpose of a matrix (a 0-d or 1-d tensor is returned as is). */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is "
                    + shape.length + "D");
        }
        return shape.length < 2 ? this : Views.transpose(this, 0, 1, "TBackward0");
    }

    /** {@code t.select(dim, index)}; {@code w.select(1, j)} is {@code w[:, j]}. */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /** {@code t.expand(shape)}: broadcasts size-1 dimensions (a copy here). */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /** {@code t.unsqueeze(dim)}. */
    public Tensor unsqueeze(int dim) {
        return Views.view(this, Shape.insert(shape, Shape.wrapDim(dim, shape.length + 1)), "UnsqueezeBackward0");
    }

    /** {@code t.squeeze(dim)}: drops dimension dim if its size is 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.wrapDim(dim, shape.length);
        return shape.length == 0 || shape[d] != 1 ? this : Views.view(this, Shape.remove(shape, d), "SqueezeBackward1");
    }

    // ---------------------------------------------------------------- linear algebra (LinearAlgebra.java)

    /** {@code a @ b} for 1-D and 2-D operands. */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** {@code torch.mm(a, b)}: 2-D × 2-D. */
    public Tensor mm(Tensor other) {
        return LinearAlgebra.mm(this, false, other, false);
    }

    // ---------------------------------------------------------------- indexing (Indexing.java)

    /** {@code torch.gather(t, dim, index)}. */
    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    // ---------------------------------------------------------------- in place (no graph)

    /** {@code t.zero_()}. */
    public Tensor zero_() {
        return fill_(0);
    }

    /** {@code t.fill_(value)}. */
    public Tensor fill_(double value) {
        checkInPlace("fill_");
        backend().map(UnaryOp.FILL, value, storage, storage);
        return this;
    }

    /**
     * {@code t.put_(torch.tensor([i]), torch.tensor([v]))}: sets the element at flat (row-major) index i.
     */
    public Tensor put_(int flatIndex, double value) {
        checkInPlace("put_");
        if (flatIndex < 0 || flatIndex >= numel()) {
            throw new IndexOutOfBoundsException("out of range: tried to access index " + flatIndex
                    + " on a tensor of " + numel() + " elements.");
        }
        if (storage instanceof CpuStorage) {
            ((CpuStorage) storage).set(flatIndex, value);
        } else {
            // Other devices: change the value on the host and copy everything back (simple, and rare).
            double[] values = toDoubleArray();
            values[flatIndex] = value;
            backend().copy(fromDoubles(dtype(), values, shape).to(device()).storage, storage);
        }
        return this;
    }

    /** {@code t.copy_(src)}: copies src's values (broadcast to this shape) into this tensor. */
    public Tensor copy_(Tensor src) {
        checkInPlace("copy_");
        Tensor s = src.to(device()).to(dtype());
        if (Arrays.equals(s.shape, shape)) {
            backend().copy(s.storage, storage);
        } else {
            int[] out = Shape.broadcast(shape, s.shape); // throws naming both shapes when they do not fit
            if (!Arrays.equals(out, shape)) {
                throw new IllegalArgumentException("output with shape " + Shape.str(shape)
                        + " doesn't match the broadcast shape " + Shape.str(out));
            }
            backend().strided(s.storage, 0, Shape.broadcastStrides(s.shape, shape), shape, storage);
        }
        return this;
    }

    /** {@code t.add_(other)}. */
    public Tensor add_(Tensor other) {
        return add_(other, 1);
    }

    /** {@code t.add_(other, alpha=alpha)}: t ← t + alpha·other, fused as in PyTorch's kernel. */
    public Tensor add_(Tensor other, double alpha) {
        return zip_(BinaryOp.ADD, other, alpha, "add_");
    }

    /** {@code t.mul_(other)}. */
    public Tensor mul_(Tensor other) {
        return zip_(BinaryOp.MUL, other, 0, "mul_");
    }

    /** {@code t.mul_(value)}. */
    public Tensor mul_(double value) {
        checkInPlace("mul_");
        backend().map(UnaryOp.MUL_SCALAR, dtype().round(value), storage, storage);
        return this;
    }

    /** {@code t.div_(other)}. */
    public Tensor div_(Tensor other) {
        return zip_(BinaryOp.DIV, other, 0, "div_");
    }

    /** {@code torch.maximum(t, other, out=t)}. */
    public Tensor maximum_(Tensor other) {
        return zip_(BinaryOp.MAXIMUM, other, 0, "maximum_");
    }

    /** {@code t.sqrt_()}. */
    public Tensor sqrt_() {
        checkInPlace("sqrt_");
        backend().map(UnaryOp.SQRT, 0, storage, storage);
        return this;
    }

    /** {@code t.add_(value)} for a number. */
    public Tensor add_(double value) {
        checkInPlace("add_");
        backend().map(UnaryOp.ADD_SCALAR, dtype().round(value), storage, storage);
        return this;
    }

    /** {@code t.addcmul_(t1, t2, value=v)}: t ← t + (v·t1)·t2, in PyTorch's order of operations. */
    public Tensor addcmul_(Tensor t1, Tensor t2, double value) {
        checkInPlace("addcmul_");
        Tensor product = Arithmetic.mulRaw(t1.detach().map(UnaryOp.MUL_SCALAR, dtype().round(value)), t2);
        return zip_(BinaryOp.ADD, product, 1, "addcmul_");
    }

    /** {@code t.addcdiv_(t1, t2, value=v)}: t ← t + (v·t1)/t2, in PyTorch's order of operations. */
    public Tensor addcdiv_(Tensor t1, Tensor t2, double value) {
        checkInPlace("addcdiv_");
        Tensor quotient = Arithmetic.divRaw(t1.detach().map(UnaryOp.MUL_SCALAR, dtype().round(value)), t2);
        return zip_(BinaryOp.ADD, quotient, 1, "addcdiv_");
    }

    private Tensor zip_(BinaryOp op, Tensor other, double s, String name) {
        checkInPlace(name);
        Tensor o = Arithmetic.sameDevice(this, other);
        int[] out = Shape.broadcast(shape, o.shape);
        if (!Arrays.equals(out, shape)) {
            throw new IllegalArgumentException("output with shape " + Shape.str(shape)
                    + " doesn't match the broadcast shape " + Shape.str(out));
        }
        backend().zip(op, dtype().round(s), storage, Shape.strides(shape), o.storage,
                Shape.broadcastStrides(o.shape, shape), shape, storage);
        return this;
    }

    /** PyTorch refuses in-place changes to tensors the graph depends on; so do we (we never record them). */
    private void checkInPlace(String name) {
        if (!GradMode.isEnabled()) {
            return;
        }
        if (requiresGrad && gradFn == null) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation ("
                    + name + ")");
        }
        if (requiresGrad) {
            throw new IllegalStateException("in-place operation " + name + " on a tensor that is part of the graph is "
                    + "not supported by dlblocks; use the out-of-place form");
        }
    }
}
