package io.trainyard.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A frozen TorchScript backbone ({@code torch.jit.save}), loaded with DJL's PyTorch engine: it maps
 * a batch of the model's preprocessed inputs, float32 {@code (rows, inputs)}, to features, float32
 * {@code (rows, outputs)}, which the trained head takes. It never trains: it runs in inference mode
 * and its parameters are not the model's.
 */
public final class Backbone implements AutoCloseable {

  /** The file name of the backbone in a bundle. */
  public static final String FILE = "backbone.pt";

  /** Rows per forward pass. */
  static final int BATCH = 4096;

  private final Model model;

  private Backbone(Model model) {
    this.model = model;
  }

  /**
   * Loads a TorchScript file.
   *
   * @throws IllegalArgumentException when the file is not a TorchScript model libtorch can load
   */
  public static Backbone load(Path file) {
    Djl.configure();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("the backbone " + file + " does not exist");
    }
    Path dir = file.toAbsolutePath().getParent();
    String name = file.getFileName().toString();
    if (!name.endsWith(".pt")) {
      throw new IllegalArgumentException("a TorchScript backbone's file ends in .pt: " + name);
    }
    Model model = Model.newInstance("backbone", "PyTorch");
    try {
      model.load(dir, name.substring(0, name.length() - 3));
      return new Backbone(model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          "the backbone is not a TorchScript model libtorch can load: "
              + (e instanceof RuntimeException r ? cause(r) : e.getMessage()),
          e);
    }
  }

  /**
   * The features of {@code rows} rows of {@code inputs} values each (row-major), {@link #BATCH}
   * rows per forward pass.
   *
   * @param outputs the features per row, or -1 to take what the backbone gives
   * @throws IllegalArgumentException when the backbone does not take such rows, or gives other than
   *     a {@code (rows, outputs)} float tensor
   */
  public float[] apply(float[] x, int rows, int inputs, int outputs) {
    float[] all = null;
    int width = outputs;
    try (NDManager manager = model.getNDManager().newSubManager()) {
      ParameterStore parameters = new ParameterStore(manager, false);
      for (int start = 0; start < rows; start += BATCH) {
        int n = Math.min(BATCH, rows - start);
        float[] batch = new float[n * inputs];
        System.arraycopy(x, start * inputs, batch, 0, batch.length);
        try (NDManager scope = manager.newSubManager()) {
          NDArray input = scope.create(batch, new Shape(n, inputs));
          NDArray out;
          try {
            out = model.getBlock().forward(parameters, new NDList(input), false).singletonOrThrow();
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "the backbone cannot take rows of " + inputs + " inputs: " + cause(e), e);
          }
          long[] shape = out.getShape().getShape();
          if (shape.length != 2 || shape[0] != n || (width >= 0 && shape[1] != width)) {
            throw new IllegalArgumentException(
                "the backbone gave "
                    + out.getShape()
                    + " for "
                    + n
                    + " rows; it must give ("
                    + n
                    + ", "
                    + (width >= 0 ? String.valueOf(width) : "features")
                    + ")");
          }
          if (width < 0) {
            width = (int) shape[1];
          }
          if (all == null) {
            all = new float[rows * width];
          }
          float[] features =
              out.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
          System.arraycopy(features, 0, all, start * width, features.length);
        }
      }
    }
    return all == null ? new float[0] : all;
  }

  /** The gist of a TorchScript failure: its last {@code ...Error:} line, else its first line. */
  static String cause(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    String gist = message.lines().findFirst().orElse(message);
    for (String line : message.lines().toList()) {
      if (line.matches("^[A-Za-z]*Error: .*")) {
        gist = line;
      }
    }
    return gist;
  }

  /** The number of features the backbone gives for rows of {@code inputs} values. */
  public int outputs(int inputs) {
    return apply(new float[inputs], 1, inputs, -1).length;
  }

  /** The SHA-256 of a file, lowercase hex. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
