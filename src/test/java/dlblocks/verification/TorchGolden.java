package dlblocks.verification;

import dlblocks.io.Json;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden files that real PyTorch wrote into {@code verification/golden/torch/}
 * ({@code verification/torch_golden.py}; schema in {@code verification/README.md}). A tensor is
 * {@code {dtype, shape, bits}} for floats (hex bit patterns, row-major) or {@code {dtype, shape, values}}
 * for int64.
 */
final class TorchGolden {
    private TorchGolden() {
    }

    /** The directory holding {@code pom.xml} and {@code verification/golden/torch}, walking up from user.dir. */
    static Path dir() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("verification/golden/torch");
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no verification/golden/torch above " + start);
    }

    static Map<String, Object> load(String name) {
        try {
            return Json.parseObject(Files.readString(dir().resolve(name), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(Map<String, Object> file) {
        return (List<Map<String, Object>>) file.get("cases");
    }

    static int[] ints(Object o) {
        return list(o).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    static DType dtype(Map<String, Object> t) {
        switch ((String) t.get("dtype")) {
            case "float32": return DType.FLOAT32;
            case "float64": return DType.FLOAT64;
            case "int64": return DType.INT64;
            default: throw new IllegalArgumentException("unknown dtype " + t.get("dtype"));
        }
    }

    /** The recorded values widened to double (float32 and float64 exactly), row-major. */
    static double[] values(Map<String, Object> t) {
        List<Object> bits = t.containsKey("bits") ? list(t.get("bits")) : null;
        if (bits == null) {
            return list(t.get("values")).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        }
        double[] out = new double[bits.size()];
        boolean f32 = dtype(t) == DType.FLOAT32;
        for (int i = 0; i < out.length; i++) {
            String hex = (String) bits.get(i);
            out[i] = f32 ? Float.intBitsToFloat(Integer.parseUnsignedInt(hex, 16))
                    : Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
        }
        return out;
    }

    static float[] floats(Map<String, Object> t) {
        double[] v = values(t);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i]; // exact: the values are float32
        }
        return out;
    }

    /** The recorded tensor as a dlblocks tensor (a fresh leaf). */
    static Tensor tensor(Map<String, Object> t) {
        int[] shape = ints(t.get("shape"));
        DType dtype = dtype(t);
        if (dtype == DType.INT64) {
            long[] v = list(t.get("values")).stream().mapToLong(x -> ((Number) x).longValue()).toArray();
            return Tensor.fromLongs(DType.INT64, v, shape);
        }
        return dtype == DType.FLOAT32 ? Tensor.fromFloats(floats(t), shape) : Tensor.fromDoubles(dtype, values(t), shape);
    }

    /** Every recorded input of a case as a dlblocks tensor, in the file's order. */
    static Map<String, Tensor> inputs(Map<String, Object> c) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        map(c.get("inputs")).forEach((k, v) -> out.put(k, tensor(map(v))));
        return out;
    }
}
