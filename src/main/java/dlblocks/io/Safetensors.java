package dlblocks.io;

import dlblocks.tensor.DType;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face), which PyTorch loads: an 8-byte little-endian header length N,
 * N bytes of JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (plus an optional {@code "__metadata__"} map of strings), then the raw little-endian data.
 *
 * <p>Reading trusts nothing: every length, shape and offset is checked against the file's real size
 * before anything is allocated, so a truncated or hostile file is a {@link SafetensorsException} naming
 * the problem, never an out-of-memory error. Writing is atomic: a temporary file in the same directory,
 * forced to disk, then renamed over the target.
 */
public final class Safetensors {
    /** The reference implementation's limit on the header's size. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** What a file holds: tensors by name (in file order) and the metadata strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private Safetensors() {
    }

    /** Reads a safetensors file. */
    public static Contents read(Path file) throws IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "is a folder, not a model file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(file + ": too short for a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            checkHeaderLength(file.toString(), headerLength, size);
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            Map<String, Object> json = headerJson(file.toString(), header.array());
            List<Entry> entries = parseHeader(file.toString(), json, size - dataStart);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer data = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(channel, data, dataStart + e.begin);
                tensors.put(e.name, decode(e, data.flip()));
            }
            return new Contents(tensors, metadataOf(file.toString(), json));
        }
    }

    /** Reads a whole file held in memory (used by tests and fuzzing). */
    public static Contents read(String name, byte[] bytes) {
        if (bytes.length < 8) {
            throw new SafetensorsException(name + ": too short for a safetensors file (" + bytes.length + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        checkHeaderLength(name, headerLength, bytes.length);
        byte[] header = new byte[(int) headerLength];
        System.arraycopy(bytes, 8, header, 0, header.length);
        long dataStart = 8 + headerLength;
        Map<String, Object> json = headerJson(name, header);
        List<Entry> entries = parseHeader(name, json, bytes.length - dataStart);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer data = ByteBuffer.wrap(bytes, (int) (dataStart + e.begin), (int) (e.end - e.begin))
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            tensors.put(e.name, decode(e, data));
        }
        return new Contents(tensors, metadataOf(name, json));
    }

    private static void checkHeaderLength(String name, long headerLength, long fileSize) {
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsException(name + ": header length " + Long.toUnsignedString(headerLength)
                    + " is not in [2, " + MAX_HEADER_BYTES + "]");
        }
        if (headerLength > fileSize - 8) {
            throw new SafetensorsException(name + ": header length " + headerLength + " runs past the end of the file ("
                    + fileSize + " bytes): the file is truncated or not safetensors");
        }
    }

    /** One tensor's header entry, checked. */
    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    private static List<Entry> parseHeader(String file, Map<String, Object> json, long dataLength) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            entries.add(entry(file, e.getKey(), e.getValue(), dataLength));
        }
        // Byte ranges must tile the data exactly: sorted by start, each begins where the last ended.
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin != expected) {
                throw new SafetensorsException(file + ": tensor '" + e.name + "' starts at byte " + e.begin + " but "
                        + (e.begin < expected ? "overlaps the previous tensor (which ends at " + expected + ")"
                        : "the previous tensor ends at " + expected + " (a gap)"));
            }
            expected = e.end;
        }
        if (expected != dataLength) {
            throw new SafetensorsException(file + ": the tensors cover " + expected + " bytes of data but the file holds "
                    + dataLength + " bytes after the header");
        }
        return entries;
    }

    private static Map<String, Object> headerJson(String file, byte[] header) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(header)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SafetensorsException(file + ": the header is not valid UTF-8");
        }
        try {
            return Json.parseObject(text);
        } catch (JsonException e) {
            throw new SafetensorsException(file + ": header: " + e.getMessage());
        }
    }

    private static Entry entry(String file, String name, Object value, long dataLength) {
        String where = file + ": tensor '" + name + "'";
        if (!(value instanceof Map)) {
            throw new SafetensorsException(where + ": expected an object, found " + Json.typeName(value));
        }
        Map<?, ?> m = (Map<?, ?>) value;
        DType dtype = dtype(where, m.get("dtype"));
        int[] shape = shape(where, m.get("shape"));
        Object offsets = m.get("data_offsets");
        if (!(offsets instanceof List) || ((List<?>) offsets).size() != 2
                || !(((List<?>) offsets).get(0) instanceof Long) || !(((List<?>) offsets).get(1) instanceof Long)) {
            throw new SafetensorsException(where + ": data_offsets must be [begin, end], two integers");
        }
        long begin = (Long) ((List<?>) offsets).get(0);
        long end = (Long) ((List<?>) offsets).get(1);
        if (begin < 0 || end < begin || end > dataLength) {
            throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end + "] lie outside the "
                    + dataLength + " bytes of data");
        }
        long bytes = (long) Shape.numel(shape) * size(dtype);
        if (end - begin != bytes) {
            throw new SafetensorsException(where + ": shape " + Shape.str(shape) + " of " + dtypeName(dtype) + " needs "
                    + bytes + " bytes, but data_offsets give " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static DType dtype(String where, Object name) {
        if ("F32".equals(name)) return DType.FLOAT32;
        if ("F64".equals(name)) return DType.FLOAT64;
        if ("I64".equals(name)) return DType.INT64;
        if ("I32".equals(name)) return DType.INT32;
        if ("BOOL".equals(name)) return DType.BOOL;
        throw new SafetensorsException(where + ": unsupported dtype " + name + " (supported: F32, F64, I64, I32, BOOL)");
    }

    private static int[] shape(String where, Object value) {
        if (!(value instanceof List)) {
            throw new SafetensorsException(where + ": shape must be a list of sizes");
        }
        List<?> list = (List<?>) value;
        if (list.size() > 64) {
            throw new SafetensorsException(where + ": shape has " + list.size() + " dimensions (at most 64)");
        }
        int[] shape = new int[list.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            Object s = list.get(i);
            if (!(s instanceof Long) || (Long) s < 0 || (Long) s > Integer.MAX_VALUE) {
                throw new SafetensorsException(where + ": shape entry " + s + " is not a size in [0, 2^31-1]");
            }
            shape[i] = (int) (long) (Long) s;
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE) {
                throw new SafetensorsException(where + ": shape " + list + " has more than 2^31-1 elements");
            }
        }
        return shape;
    }

    private static Map<String, String> metadataOf(String file, Map<String, Object> json) {
        Object meta = json.get("__metadata__");
        Map<String, String> out = new LinkedHashMap<>();
        if (meta == null) {
            return out;
        }
        if (!(meta instanceof Map)) {
            throw new SafetensorsException(file + ": __metadata__ must be an object of strings");
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) meta).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new SafetensorsException(file + ": __metadata__ value for '" + e.getKey() + "' is not a string");
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }

    private static Tensor decode(Entry e, ByteBuffer data) {
        int n = Shape.numel(e.shape);
        switch (e.dtype) {
            case FLOAT32: {
                float[] v = new float[n];
                data.asFloatBuffer().get(v);
                return Tensor.fromFloats(v, e.shape);
            }
            case FLOAT64: {
                double[] v = new double[n];
                data.asDoubleBuffer().get(v);
                return Tensor.fromDoubles(DType.FLOAT64, v, e.shape);
            }
            case INT64: {
                long[] v = new long[n];
                data.asLongBuffer().get(v);
                return Tensor.fromLongs(DType.INT64, v, e.shape);
            }
            case INT32: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = data.getInt(4 * i);
                return Tensor.fromLongs(DType.INT32, v, e.shape);
            }
            default: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    byte b = data.get(i);
                    if (b != 0 && b != 1) {
                        throw new SafetensorsException("tensor '" + e.name + "': BOOL element " + i + " is " + b
                                + ", not 0 or 1");
                    }
                    v[i] = b;
                }
                return Tensor.fromLongs(DType.BOOL, v, e.shape);
            }
        }
    }

    private static int size(DType dtype) {
        switch (dtype) {
            case FLOAT64: case INT64: return 8;
            case FLOAT32: case INT32: return 4;
            default: return 1;
        }
    }

    private static String dtypeName(DType dtype) {
        switch (dtype) {
            case FLOAT32: return "F32";
            case FLOAT64: return "F64";
            case INT64: return "I64";
            case INT32: return "I32";
            default: return "BOOL";
        }
    }

    /** The bytes of a safetensors file holding {@code tensors} (in order) and {@code metadata}. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!first) json.append(',');
                first = false;
                json.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.numel() * size(t.dtype());
            if (json.length() > 1) json.append(',');
            json.append(Json.quote(e.getKey())).append(":{\"dtype\":\"").append(dtypeName(t.dtype()))
                    .append("\",\"shape\":").append(Shape.str(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8; // padded with spaces to keep the data 8-byte aligned
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) out.put((byte) ' ');
        for (Tensor t : tensors.values()) {
            switch (t.dtype()) {
                case FLOAT32: for (float v : t.toFloatArray()) out.putFloat(v); break;
                case FLOAT64: for (double v : t.toDoubleArray()) out.putDouble(v); break;
                case INT64: for (long v : t.toLongArray()) out.putLong(v); break;
                case INT32: for (long v : t.toLongArray()) out.putInt((int) v); break;
                default: for (long v : t.toLongArray()) out.put((byte) v);
            }
        }
        return out.array();
    }

    /**
     * Writes a safetensors file atomically: a temporary file beside the target, forced to disk, then
     * renamed over it. An existing target is replaced only when {@code overwrite}; otherwise it is an error
     * and nothing is written.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, boolean overwrite)
            throws IOException {
        AtomicFiles.write(file, encode(tensors, metadata), overwrite);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new SafetensorsException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }
}
