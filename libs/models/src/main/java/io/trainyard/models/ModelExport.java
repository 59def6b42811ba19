package io.trainyard.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The portable export of a model, for use outside Java: written beside the bundle's own files.
 *
 * <ul>
 *   <li>{@value #WEIGHTS}: the network's parameters as a NumPy {@code .npz} archive of float32
 *       arrays, named as PyTorch names the parameters of the same {@code torch.nn.Sequential} (
 *       {@code 0.weight}, {@code 0.bias}, ...), each weight {@code (out, in)} as {@code
 *       torch.nn.Linear} keeps it, so {@code load_state_dict} takes them as they are;
 *   <li>{@value #ARCHITECTURE}: the layers of that {@code Sequential} in order, what the outputs
 *       mean (task, classes, target statistics) and the preprocessing, as in the bundle;
 *   <li>{@value #SNIPPET}: a short Python program that rebuilds the network in PyTorch, applies the
 *       preprocessing and scores a CSV ({@code python3 predict.py <model dir> <rows.csv>}).
 * </ul>
 *
 * <p>A cnn's export (format {@value #CNN_FORMAT}) names its parameters as PyTorch names those of a
 * module with two {@code Sequential}s: {@code features} (per convolution {@code Conv2d}, {@code
 * ReLU} and {@code MaxPool2d(2)}, so {@code features.0.weight}, {@code features.3.weight}, ...;
 * each weight {@code (out channels, in channels, kernel, kernel)} as {@code torch.nn.Conv2d} keeps
 * it) and {@code head} (the layers as above, {@code head.0.weight}, ...); its {@value
 * #ARCHITECTURE} adds the {@code image} (channels, height, width, kernel, filters).
 *
 * <p>A text model's export (format {@value #TEXT_FORMAT}) has {@code bag.weight}, the embedding
 * table ({@code (vocabulary + 1) × dimension}, as {@code torch.nn.Embedding} keeps it), and the
 * {@code head} layers as a cnn's; its {@value #ARCHITECTURE} adds {@code text} ({@code at}, {@code
 * tokens}, {@code vocabulary}, {@code dimension}) and the preprocessing gives the text feature's
 * {@code tokens} (its vocabulary and {@code maxTokens}).
 *
 * <p>A head trained on a frozen TorchScript backbone (format {@value #BACKBONE_FORMAT}) has its
 * layers as an MLP's, taking the backbone's outputs; {@value #ARCHITECTURE} names the backbone file
 * ({@code backbone}), which {@code torch.jit.load} reads, and the snippet runs it on the
 * preprocessed inputs before the layers.
 *
 * <p>A gradient-boosted trees model needs no weights file: XGBoost's JSON model ({@value
 * ModelBundle#XGBOOST_FILE}) is read by every XGBoost binding. Its {@value #ARCHITECTURE} (format
 * {@value #TREES_FORMAT}) names that file instead of layers, and the same {@value #SNIPPET} scores
 * with the {@code xgboost} Python package.
 */
public final class ModelExport {

  /** The parameters, a NumPy {@code .npz} archive. */
  public static final String WEIGHTS = "weights.npz";

  /** The architecture, outputs and preprocessing. */
  public static final String ARCHITECTURE = "architecture.json";

  /** The Python program that rebuilds the network in PyTorch and scores rows. */
  public static final String SNIPPET = "predict.py";

  /** The files of an export, in the order they are written. */
  public static final List<String> FILES = List.of(WEIGHTS, ARCHITECTURE, SNIPPET);

  /** The value of {@code format} in {@value #ARCHITECTURE}. */
  public static final String FORMAT = "trainyard-mlp/1";

  /** The value of {@code format} in the {@value #ARCHITECTURE} of a cnn. */
  public static final String CNN_FORMAT = "trainyard-cnn/1";

  /** The value of {@code format} in the {@value #ARCHITECTURE} of a text model. */
  public static final String TEXT_FORMAT = "trainyard-text/1";

  /** The value of {@code format} in the {@value #ARCHITECTURE} of a head on a backbone. */
  public static final String BACKBONE_FORMAT = "trainyard-backbone/1";

  /** The value of {@code format} in the {@value #ARCHITECTURE} of a trees model. */
  public static final String TREES_FORMAT = "trainyard-xgboost/1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelExport() {}

  /**
   * Writes the export of a trained block into {@code dir}.
   *
   * @param block a block built by {@link ModelBundle#block} for {@code pre.width()} inputs, with
   *     its parameters initialised
   */
  static void write(Path dir, ModelConfig config, Preprocessing pre, Block block)
      throws IOException {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    ArrayNode layers = JSON.createArrayNode();
    PairList<String, Block> children = block.getChildren();
    int inputs = pre.width();
    String prefix = "";
    ObjectNode architecture;
    if (config.image() != null) {
      // A cnn: the convolutions of its first block become the "features" Sequential (Conv2d, ReLU,
      // MaxPool2d per convolution), the rest the "head" Sequential.
      ModelConfig.Image image = config.image();
      architecture = architecture(CNN_FORMAT, config, pre);
      ObjectNode imageNode = architecture.putObject("image");
      imageNode.put("channels", image.channels()).put("height", image.height());
      imageNode.put("width", image.width()).put("kernel", image.kernel());
      imageNode.set("filters", JSON.valueToTree(image.filters()));
      List<Conv2d> convolutions = new ArrayList<>();
      collectConvolutions(children.valueAt(0), convolutions);
      if (convolutions.size() != image.filters().size()) {
        throw new IllegalStateException(
            "the block has "
                + convolutions.size()
                + " convolutions, the config "
                + image.filters().size());
      }
      for (int i = 0; i < convolutions.size(); i++) {
        weights.put("features." + 3 * i + ".weight", parameter(convolutions.get(i), "weight"));
        weights.put("features." + 3 * i + ".bias", parameter(convolutions.get(i), "bias"));
      }
      inputs = image.features() + pre.width() - image.pixels();
      children = children.subList(1, children.size());
      prefix = "head.";
    } else if (config.text() != null) {
      // A text model: its first block is the embedding bag ("bag"), the rest the "head".
      ModelConfig.Text text = config.text();
      architecture = architecture(TEXT_FORMAT, config, pre);
      ObjectNode textNode = architecture.putObject("text");
      textNode.put("at", text.at()).put("tokens", text.tokens());
      textNode.put("vocabulary", text.vocabulary()).put("dimension", text.dimension());
      weights.put("bag.weight", parameter(children.valueAt(0), "weight"));
      inputs = pre.width() - text.tokens() + text.dimension();
      children = children.subList(1, children.size());
      prefix = "head.";
    } else if (config.backbone() != null) {
      // A head on a frozen TorchScript backbone: the backbone's outputs are the layers' inputs.
      architecture = architecture(BACKBONE_FORMAT, config, pre);
      architecture.put("backbone", Backbone.FILE);
      inputs = config.backbone().outputs();
    } else {
      architecture = architecture(FORMAT, config, pre);
    }
    int index = 0;
    for (Pair<String, Block> child : children) {
      Block layer = child.getValue();
      ObjectNode node = layers.addObject();
      if (layer instanceof Linear) {
        NDArray weight = parameter(layer, "weight");
        NDArray bias = parameter(layer, "bias");
        long[] shape = weight.getShape().getShape();
        if (shape.length != 2 || shape[1] != inputs) {
          throw new IllegalStateException(
              "layer "
                  + index
                  + " has weight shape "
                  + weight.getShape()
                  + ", expected (_, "
                  + inputs
                  + ")");
        }
        node.put("type", "linear").put("in", shape[1]).put("out", shape[0]);
        node.put("weight", prefix + index + ".weight").put("bias", prefix + index + ".bias");
        weights.put(prefix + index + ".weight", weight);
        weights.put(prefix + index + ".bias", bias);
        inputs = (int) shape[0];
      } else if (layer instanceof Dropout) {
        node.put("type", "dropout").put("p", config.dropout());
      } else if (child.getKey().toLowerCase(java.util.Locale.ROOT).contains("relu")
          || layer.getClass().getSimpleName().equals("LambdaBlock")) {
        // After the image block, ModelBundle.block's only lambda block is the ReLU activation.
        node.put("type", "relu");
      } else {
        throw new IllegalStateException("cannot export layer " + child.getKey() + ": " + layer);
      }
      index++;
    }
    architecture.set("layers", layers);
    Files.write(dir.resolve(WEIGHTS), npz(weights));
    writeArchitectureAndSnippet(dir, architecture);
  }

  private static void collectConvolutions(Block block, List<Conv2d> into) {
    if (block instanceof Conv2d conv) {
      into.add(conv);
      return;
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collectConvolutions(child.getValue(), into);
    }
  }

  /**
   * Writes the export of a trees model into {@code dir}: {@value #ARCHITECTURE} naming {@value
   * ModelBundle#XGBOOST_FILE} with the booster's intercept in margin space per output (the snippet
   * scores with a base margin of 0 and adds it, which every XGBoost version reads the same way),
   * and {@value #SNIPPET}.
   */
  static void writeTrees(Path dir, ModelConfig config, Preprocessing pre, float[] intercept)
      throws IOException {
    ObjectNode architecture = architecture(TREES_FORMAT, config, pre);
    architecture.put("model", ModelBundle.XGBOOST_FILE);
    ArrayNode values = architecture.putArray("intercept");
    for (float v : intercept) {
      values.add(v);
    }
    writeArchitectureAndSnippet(dir, architecture);
  }

  /** What the outputs mean (task, classes, target statistics) and the preprocessing. */
  private static ObjectNode architecture(String format, ModelConfig config, Preprocessing pre) {
    ObjectNode architecture = JSON.createObjectNode();
    architecture.put("format", format);
    architecture.put("task", config.task().wire());
    architecture.set("classes", JSON.valueToTree(config.labels()));
    if (config.targetMean() != null) {
      architecture.put("targetMean", config.targetMean());
      architecture.put("targetScale", config.targetScale());
    }
    architecture.set("preprocessing", JSON.valueToTree(pre));
    architecture.set("columns", JSON.valueToTree(pre.outputNames()));
    return architecture;
  }

  private static void writeArchitectureAndSnippet(Path dir, ObjectNode architecture)
      throws IOException {
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve(ARCHITECTURE).toFile(), architecture);
    try (InputStream in = ModelExport.class.getResourceAsStream(SNIPPET)) {
      if (in == null) {
        throw new IOException("the resource " + SNIPPET + " is missing from trainyard-models");
      }
      Files.write(dir.resolve(SNIPPET), in.readAllBytes());
    }
  }

  private static NDArray parameter(Block layer, String name) {
    for (Pair<String, Parameter> p : layer.getParameters()) {
      if (p.getKey().equals(name)) {
        return p.getValue().getArray();
      }
    }
    throw new IllegalStateException("layer " + layer + " has no parameter " + name);
  }

  /**
   * A NumPy {@code .npz}: a zip of {@code .npy} files, one per array, float32 little-endian, every
   * entry dated 1980-01-01 so that equal arrays give equal bytes.
   */
  static byte[] npz(Map<String, NDArray> arrays) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
        // A fixed time: the same parameters give the same bytes (runs are reproducible).
        entry.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        zip.putNextEntry(entry);
        NDArray array = e.getValue();
        writeNpy(zip, array.getShape().getShape(), array.toFloatArray());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /**
   * One {@code .npy} file, format version 1.0: the magic string, the header length, a header
   * dictionary padded with spaces and ending in a newline so that the data starts at a multiple of
   * 64 bytes, then the values in C order.
   */
  static void writeNpy(OutputStream out, long[] shape, float[] values) throws IOException {
    StringBuilder dims = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      dims.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
    }
    dims.append(')');
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
    int unpadded = 6 + 2 + 2 + header.length() + 1;
    int padded = (unpadded + 63) / 64 * 64;
    String full = header + " ".repeat(padded - unpadded) + "\n";
    ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
    prefix.put((byte) 1).put((byte) 0).putShort((short) full.length());
    out.write(prefix.array());
    out.write(full.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    out.write(data.array());
  }
}
