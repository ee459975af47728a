package dlblocks.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import dlblocks.tensor.Backend;
import dlblocks.tensor.BinaryOp;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.ReduceOp;
import dlblocks.tensor.Storage;
import dlblocks.tensor.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The {@link Backend} of one GPU, written with the CUDA driver API through JCuda: each primitive is
 * one launch of a kernel from {@code src/main/cuda/kernels.cu} (loaded from the PTX resource built from
 * it). Work is queued in order on the default stream; reading values back to the host waits for it.
 *
 * <p>The backend uses the device's primary context (the one the CUDA runtime would use) and makes it
 * current on whichever thread calls it.
 */
public final class CudaBackend implements Backend {
    static final String PTX_RESOURCE = "/dlblocks/cuda/kernels.ptx";
    private static final int THREADS = 256;
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();

    private final Device device;
    private final CUcontext context = new CUcontext();
    private final EnumMap<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
    private final DeviceMemory memory = new DeviceMemory();
    private final KernelArguments arguments;
    private final int multiprocessors;
    private final String name;

    /** Sets up device {@code ordinal}; CudaProvider has checked that the driver works and the device exists. */
    CudaBackend(int ordinal) {
        this.device = Device.cuda(ordinal);
        CUdevice cuDevice = new CUdevice();
        cuDeviceGet(cuDevice, ordinal);
        cuDevicePrimaryCtxRetain(context, cuDevice);
        makeCurrent();
        this.arguments = new KernelArguments();
        int[] value = new int[1];
        cuDeviceGetAttribute(value, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, cuDevice);
        this.multiprocessors = value[0];
        byte[] text = new byte[256];
        cuDeviceGetName(text, text.length, cuDevice);
        int length = 0;
        while (length < text.length && text[length] != 0) length++;
        this.name = new String(text, 0, length, StandardCharsets.UTF_8);
        CUmodule module = new CUmodule();
        try {
            cuModuleLoadData(module, ptx()); // the driver compiles the PTX for this GPU here
            for (Kernel k : Kernel.values()) {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, module, k.entry());
                functions.put(k, f);
            }
        } catch (CudaException e) {
            throw new IllegalStateException("the CUDA kernels could not be loaded on " + device + ": " + e.getMessage()
                    + " (the PTX needs a driver for CUDA 13 or later and a GPU of compute capability 8.0 or later)", e);
        }
    }

    /** The committed PTX, NUL-terminated as cuModuleLoadData wants it. */
    static byte[] ptx() {
        try (InputStream in = CudaBackend.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the kernels' PTX " + PTX_RESOURCE + " is missing from the classpath");
            }
            byte[] text = in.readAllBytes();
            byte[] terminated = new byte[text.length + 1];
            System.arraycopy(text, 0, terminated, 0, text.length);
            return terminated;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Device device() {
        return device;
    }

    /** The GPU's name as the driver reports it: {@code torch.cuda.get_device_name()}. */
    public String deviceName() {
        return name;
    }

    DeviceMemory memory() {
        return memory;
    }

    /** Bytes held by storages not yet freed: {@code torch.cuda.memory_allocated()}. */
    public long allocatedBytes() {
        return memory.liveBytes();
    }

    /** Bytes taken from the driver, in use or cached: {@code torch.cuda.memory_reserved()}. */
    public long reservedBytes() {
        return memory.reservedBytes();
    }

    /** Returns the cached free blocks to the driver: {@code torch.cuda.empty_cache()}. */
    public void emptyCache() {
        makeCurrent();
        memory.emptyCache();
    }

    /** Waits until every queued kernel and copy has finished: {@code torch.cuda.synchronize()}. */
    public void synchronize() {
        makeCurrent();
        cuCtxSynchronize();
    }

    private void makeCurrent() {
        if (CURRENT.get() != context) {
            cuCtxSetCurrent(context);
            CURRENT.set(context);
        }
    }

    // ---------------------------------------------------------------- creating and reading storage

    @Override
    public Storage zeros(DType dtype, int numel) {
        makeCurrent();
        return new CudaStorage(this, dtype, numel, true);
    }

    /** A storage whose elements the caller writes at once (no zero fill). */
    private CudaStorage uninitialised(DType dtype, int numel) {
        makeCurrent();
        return new CudaStorage(this, dtype, numel, false);
    }

    @Override
    public Storage fromFloats(float[] values) {
        CudaStorage s = uninitialised(DType.FLOAT32, values.length);
        upload(s, Pointer.to(values));
        return s;
    }

    @Override
    public Storage fromDoubles(DType dtype, double[] values) {
        CudaStorage s = uninitialised(dtype, values.length);
        if (dtype == DType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            upload(s, Pointer.to(f));
        } else if (dtype == DType.FLOAT64) {
            upload(s, Pointer.to(values));
        } else {
            long[] l = new long[values.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) dtype.round(values[i]);
            upload(s, Pointer.to(l));
        }
        return s;
    }

    @Override
    public Storage fromLongs(DType dtype, long[] values) {
        if (dtype.isFloatingPoint()) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) d[i] = values[i];
            return fromDoubles(dtype, d);
        }
        CudaStorage s = uninitialised(dtype, values.length);
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            // a C cast, as CpuBackend does: int64 keeps every long, int32 its low 32 bits, bool tests for non-zero
            l[i] = dtype == DType.INT32 ? (int) values[i] : dtype == DType.BOOL ? (values[i] != 0 ? 1 : 0) : values[i];
        }
        upload(s, Pointer.to(l));
        s.rememberHostValues(l);
        return s;
    }

    private void upload(CudaStorage s, Pointer host) {
        if (s.numel() > 0) {
            cuMemcpyHtoD(s.output(), host, s.byteSize());
        }
    }

    private void download(CudaStorage s, Pointer host) {
        if (s.numel() > 0) {
            cuMemcpyDtoH(host, s.input(), s.byteSize());
        }
    }

    @Override
    public double[] toDoubles(Storage storage) {
        CudaStorage s = cuda(storage);
        double[] out = new double[s.numel()];
        if (s.dtype() == DType.FLOAT32) {
            float[] f = new float[out.length];
            download(s, Pointer.to(f));
            for (int i = 0; i < f.length; i++) out[i] = f[i];
        } else if (s.dtype() == DType.FLOAT64) {
            download(s, Pointer.to(out));
        } else {
            long[] l = new long[out.length];
            download(s, Pointer.to(l));
            for (int i = 0; i < l.length; i++) out[i] = l[i];
        }
        return out;
    }

    @Override
    public float[] toFloats(Storage storage) {
        CudaStorage s = cuda(storage);
        if (s.dtype() != DType.FLOAT32) {
            throw new IllegalStateException("expected a float32 storage, found " + s.dtype().torchName());
        }
        float[] out = new float[s.numel()];
        download(s, Pointer.to(out));
        return out;
    }

    @Override
    public long[] toLongs(Storage storage) {
        CudaStorage s = cuda(storage);
        if (s.dtype().isFloatingPoint()) {
            double[] d = toDoubles(s);
            long[] out = new long[d.length];
            for (int i = 0; i < d.length; i++) out[i] = (long) d[i];
            return out;
        }
        long[] known = s.hostValues();
        if (known != null) {
            return known.clone(); // no copy from the GPU, and so no wait for it
        }
        long[] out = new long[s.numel()];
        download(s, Pointer.to(out));
        return out;
    }

    // ---------------------------------------------------------------- the kernels

    @Override
    public void copy(Storage src, Storage dst) {
        CudaStorage in = cuda(src);
        CudaStorage out = cuda(dst);
        if (out.numel() == 0) {
            return;
        }
        if (in.dtype() == out.dtype() && in.dtype().isFloatingPoint()) {
            DevicePointer from = in.input(); // inputs first, always: a pending zero fill must happen before a write
            cuMemcpyDtoD(out.output(), from, out.byteSize()); // the same bits: no conversion to do
            return;
        }
        elementwise(Kernel.COPY_CONVERT, out.numel(), in.input(), code(in), out.output(), code(out), out.numel());
    }

    @Override
    public void strided(Storage storage, int offset, int[] strides, int[] shape, Storage output) {
        CudaStorage in = cuda(storage);
        CudaStorage out = cuda(output);
        if (out.numel() == 0) {
            return;
        }
        int[] layout = Layouts.pack(shape, strides, new int[shape.length]);
        elementwise(Kernel.STRIDED_COPY, out.numel(), in.input(), code(in), offset, layout, out.output(), code(out),
                out.numel());
    }

    @Override
    public void map(UnaryOp op, double s, Storage storage, Storage output) {
        CudaStorage in = cuda(storage);
        CudaStorage out = cuda(output);
        if (out.numel() == 0) {
            return;
        }
        if (op == UnaryOp.FILL && out.dtype() == DType.FLOAT32) {
            fillWords(out.output(), Float.floatToRawIntBits((float) s), out.numel());
            return;
        }
        elementwise(Kernel.MAP_UNARY, out.numel(), op.ordinal(), s, in.input(), code(in), out.output(), code(out),
                out.numel());
    }

    @Override
    public void zip(BinaryOp op, double s, Storage sa, int[] aStrides, Storage sb, int[] bStrides, int[] shape,
                    Storage output) {
        CudaStorage a = cuda(sa);
        CudaStorage b = cuda(sb);
        CudaStorage out = cuda(output);
        if (out.numel() == 0) {
            return;
        }
        int[] layout = Layouts.pack(shape, aStrides, bStrides);
        elementwise(Kernel.ZIP_BINARY, out.numel(), op.ordinal(), s, a.input(), code(a), b.input(), code(b), layout,
                out.output(), code(out), out.numel());
    }

    @Override
    public void reduce(ReduceOp op, Storage storage, int outer, int n, int inner, Storage output) {
        CudaStorage in = cuda(storage);
        CudaStorage out = cuda(output);
        if (out.numel() == 0) {
            return;
        }
        elementwise(Kernel.REDUCE_DIM, out.numel(), op.ordinal(), in.input(), code(in), out.output(), code(out), outer, n,
                inner);
    }

    @Override
    public void argmax(Storage storage, int outer, int n, int inner, Storage output) {
        CudaStorage in = cuda(storage);
        CudaStorage out = cuda(output);
        if (out.dtype() != DType.INT64) {
            throw new IllegalArgumentException("argmax writes int64 indices, got a " + out.dtype().torchName() + " output");
        }
        if (out.numel() == 0) {
            return;
        }
        elementwise(Kernel.ARGMAX_DIM, out.numel(), in.input(), code(in), out.output(), outer, n, inner);
    }

    @Override
    public void logSoftmax(Storage storage, int outer, int n, int inner, Storage output) {
        CudaStorage in = cuda(storage);
        CudaStorage out = cuda(output);
        requireFloatingPoint(out, in);
        if (out.numel() == 0) {
            return;
        }
        elementwise(Kernel.LOG_SOFTMAX_DIM, (long) outer * inner, in.input(), code(in), out.output(), outer, n, inner);
    }

    @Override
    public void logSoftmaxBackward(Storage gradient, Storage logProbabilities, int outer, int n, int inner,
                                   Storage output) {
        CudaStorage g = cuda(gradient);
        CudaStorage logY = cuda(logProbabilities);
        CudaStorage out = cuda(output);
        requireFloatingPoint(out, g, logY);
        if (out.numel() == 0) {
            return;
        }
        elementwise(Kernel.LOG_SOFTMAX_BACKWARD_DIM, (long) outer * inner, g.input(), logY.input(), code(out),
                out.output(), outer, n, inner);
    }

    /** The log-softmax kernels read and write one floating-point dtype. */
    private static void requireFloatingPoint(CudaStorage out, CudaStorage... inputs) {
        for (CudaStorage s : inputs) {
            if (s.dtype() != out.dtype() || !out.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("log_softmax on CUDA needs float32 or float64 storages of one dtype, "
                        + "got " + s.dtype().torchName() + " into " + out.dtype().torchName());
            }
        }
    }

    @Override
    public void matmul(Storage sa, boolean transA, Storage sb, boolean transB, int m, int k, int n, Storage biasStorage,
                       Storage output) {
        CudaStorage a = cuda(sa);
        CudaStorage b = cuda(sb);
        CudaStorage bias = biasStorage == null ? null : cuda(biasStorage);
        CudaStorage out = cuda(output);
        DType dtype = out.dtype();
        if (a.dtype() != dtype || b.dtype() != dtype || bias != null && bias.dtype() != dtype
                || !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("matmul on CUDA multiplies float32 or float64 matrices of one dtype, got "
                    + a.dtype().torchName() + ", " + b.dtype().torchName()
                    + (bias == null ? "" : " with a " + bias.dtype().torchName() + " bias") + " into " + dtype.torchName());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) { // an empty sum is +0; then 0 + bias(j), as the CPU rounds it (a −0 bias gives +0)
            fillWords(out.output(), 0, out.byteSize() / 4);
            if (bias != null) addToEveryRow(bias, m, n, out);
            return;
        }
        if (dtype == DType.FLOAT64) {
            launch(Kernel.DGEMM, MatmulPlan.ceilDiv(n, 16), MatmulPlan.ceilDiv(m, 16), 1, 16, 16, a.input(), b.input(),
                    bias == null ? DevicePointer.NULL : bias.input(), out.output(), m, n, k, transA ? 1 : 0,
                    transB ? 1 : 0);
            return;
        }
        int slots = Kernel.sgemm(transA, transB).blocksPerSm() * multiprocessors;
        sgemm(a, transA, b, transB, m, k, n, bias, out, MatmulPlan.of(m, n, k, slots));
    }

    /**
     * The float32 product out = op(a)·op(b) + bias (m×k by k×n, each ≥ 1; bias null for none), launched as
     * {@code plan} says. A split product's bias is added by the split-K sum; an unsplit one's by a broadcast
     * add over out (kernels.cu says why the SGEMM kernel takes none).
     */
    void sgemm(CudaStorage a, boolean transA, CudaStorage b, boolean transB, int m, int k, int n, CudaStorage bias,
               CudaStorage out, MatmulPlan plan) {
        Kernel kernel = Kernel.sgemm(transA, transB);
        if (plan.splits() == 1) {
            launch(kernel, plan.gridX(), plan.gridY(), 1, THREADS, 1, a.input(), b.input(), out.output(), m, n, k,
                    plan.kChunk());
            if (bias != null) addToEveryRow(bias, m, n, out);
            return;
        }
        CudaStorage partial = uninitialised(DType.FLOAT32, plan.splits() * m * n);
        launch(kernel, plan.gridX(), plan.gridY(), plan.splits(), THREADS, 1, a.input(), b.input(), partial.output(),
                m, n, k, plan.kChunk());
        elementwise(Kernel.SGEMM_SPLITK_SUM, m * n, partial.input(), bias == null ? DevicePointer.NULL : bias.input(),
                out.output(), m * n, n, plan.splits());
        partial.release(); // safe at once: kernels queued later on the stream run after the sum
    }

    /** out (m×n) += bias (n) in every row, in place, rounded once: the add a bias needs after a product. */
    private void addToEveryRow(CudaStorage bias, int m, int n, CudaStorage out) {
        zip(BinaryOp.ADD, 1, out, new int[] {n, 1}, bias, new int[] {0, 1}, new int[] {m, n}, out);
    }

    @Override
    public void gather(Storage storage, int outer, int n, int inner, Storage indexStorage, int j, Storage output) {
        CudaStorage in = cuda(storage);
        CudaStorage index = cuda(indexStorage);
        CudaStorage out = cuda(output);
        if (out.numel() == 0) {
            return;
        }
        elementwise(Kernel.GATHER_DIM, out.numel(), in.input(), code(in), outer, n, inner, index.input(), j,
                out.output(), code(out));
    }

    @Override
    public void scatterAdd(Storage source, Storage indexStorage, int outer, int j, int inner, int n, Storage output) {
        CudaStorage src = cuda(source);
        CudaStorage index = cuda(indexStorage);
        CudaStorage out = cuda(output);
        if (out.numel() == 0) {
            return;
        }
        // out is read and written (+=), so it is an input: a pending zero fill happens first
        elementwise(Kernel.SCATTER_ADD_DIM, out.numel(), src.input(), code(src), index.input(), outer, j, inner, n,
                out.inPlace(), code(out));
    }

    // ---------------------------------------------------------------- launching

    /** Fills {@code count} 32-bit words at p with {@code bits} (zeros, or a float32 fill). */
    void fillWords(DevicePointer p, int bits, long count) {
        makeCurrent();
        if (count > 0) {
            cuMemsetD32(p, bits, count);
        }
    }

    /** A 1-D launch of {@code THREADS}-thread blocks over {@code count} elements (grid-stride loops). */
    private void elementwise(Kernel kernel, long count, Object... args) {
        long blocks = Math.min((count + THREADS - 1) / THREADS, 32L * multiprocessors);
        launch(kernel, (int) Math.max(1, blocks), 1, 1, THREADS, 1, args);
    }

    private void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Object... args) {
        makeCurrent();
        synchronized (arguments) { // written, then read by the launch: one launch at a time
            cuLaunchKernel(functions.get(kernel), gridX, gridY, gridZ, blockX, blockY, 1, 0, null,
                    arguments.write(kernel, args), null);
        }
    }

    /** The dtype code the kernels use (the DType's ordinal: FLOAT32 0, FLOAT64 1, INT64 2, INT32 3, BOOL 4). */
    private static int code(CudaStorage s) {
        return s.dtype().ordinal();
    }

    private CudaStorage cuda(Storage s) {
        makeCurrent();
        if (!(s instanceof CudaStorage) || !s.device().equals(device)) {
            throw new IllegalArgumentException("the CUDA backend of " + device + " was given storage on " + s.device());
        }
        return (CudaStorage) s;
    }
}
