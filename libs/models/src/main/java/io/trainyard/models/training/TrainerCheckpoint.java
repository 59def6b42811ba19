package io.trainyard.models.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.contracts.Json;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole state of a training between two epochs: everything a run resumed from it needs to end
 * with exactly the parameters of an uninterrupted run (on the same device and thread count).
 *
 * <p>The data order and the dropout generator need no state of their own: each epoch shuffles with
 * a generator seeded from the run's seed and the epoch number, and reseeds the engine's generator
 * the same way.
 *
 * @param fingerprint what the training was (spec, data, labels): a checkpoint of another training
 *     is not resumed
 * @param epoch the epochs finished
 * @param parameters the block's parameters after {@code epoch}, in block order
 * @param optimizer the optimizer's state after {@code epoch}
 * @param bestEpoch the epoch with the lowest validation loss so far
 * @param bestLoss its validation loss
 * @param bestParameters its parameters
 * @param sinceBest epochs since the best one (early stopping)
 * @param history every finished epoch
 */
public record TrainerCheckpoint(
    String fingerprint,
    int epoch,
    float[][] parameters,
    ResumableOptimizer.State optimizer,
    int bestEpoch,
    double bestLoss,
    float[][] bestParameters,
    int sinceBest,
    List<EpochResult> history) {

  /** The object name of a checkpoint in the store. */
  public static final String FILE_NAME = "checkpoint.bin";

  private static final int MAGIC = 0x5459434b; // "TYCK"
  private static final int FORMAT = 1;

  public TrainerCheckpoint {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(bestParameters, "bestParameters");
    history = List.copyOf(history);
    if (history.size() != epoch) {
      throw new IllegalArgumentException(
          "a checkpoint after epoch " + epoch + " has " + history.size() + " epochs of history");
    }
  }

  /** The checkpoint as bytes: a JSON header and the arrays as float32, big-endian. */
  public byte[] toBytes() {
    ObjectNode header = Json.mapper().createObjectNode();
    header.put("fingerprint", fingerprint);
    header.put("epoch", epoch);
    header.put("bestEpoch", bestEpoch);
    header.put("bestLoss", bestLoss);
    header.put("sinceBest", sinceBest);
    header.set("history", Json.toTree(history));
    header.set("steps", Json.toTree(optimizer.steps()));
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
        writeArrays(out, parameters);
        writeArrays(out, bestParameters);
        writeArrays(out, optimizer.first());
        writeArrays(out, optimizer.second());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@link #toBytes()}. */
  public static TrainerCheckpoint read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    if (data.readInt() != MAGIC) {
      throw new IOException("not a Trainyard checkpoint");
    }
    int format = data.readInt();
    if (format != FORMAT) {
      throw new IOException("checkpoint format " + format + " is not supported (" + FORMAT + ")");
    }
    byte[] json = new byte[data.readInt()];
    data.readFully(json);
    JsonNode header = Json.readTree(json);
    float[][] parameters = readArrays(data);
    float[][] best = readArrays(data);
    float[][] first = readArrays(data);
    float[][] second = readArrays(data);
    int[] steps = Json.convert(header.get("steps"), int[].class);
    List<EpochResult> history = new ArrayList<>();
    for (JsonNode epoch : header.get("history")) {
      history.add(Json.convert(epoch, EpochResult.class));
    }
    return new TrainerCheckpoint(
        header.get("fingerprint").asText(),
        header.get("epoch").asInt(),
        parameters,
        new ResumableOptimizer.State(steps, first, second),
        header.get("bestEpoch").asInt(),
        header.get("bestLoss").asDouble(),
        best,
        header.get("sinceBest").asInt(),
        history);
  }

  private static void writeArrays(DataOutputStream out, float[][] arrays) throws IOException {
    out.writeInt(arrays.length);
    for (float[] array : arrays) {
      if (array == null) {
        out.writeInt(-1);
        continue;
      }
      out.writeInt(array.length);
      for (float v : array) {
        out.writeInt(Float.floatToRawIntBits(v));
      }
    }
  }

  private static float[][] readArrays(DataInputStream in) throws IOException {
    float[][] arrays = new float[in.readInt()][];
    for (int i = 0; i < arrays.length; i++) {
      int length = in.readInt();
      if (length < 0) {
        continue;
      }
      float[] array = new float[length];
      for (int j = 0; j < length; j++) {
        array[j] = Float.intBitsToFloat(in.readInt());
      }
      arrays[i] = array;
    }
    return arrays;
  }
}
