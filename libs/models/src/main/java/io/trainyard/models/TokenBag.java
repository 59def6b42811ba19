package io.trainyard.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The embedding bag of a text model ({@link ModelConfig.Text}): takes the model's inputs, replaces
 * the token-id columns {@code [at, at + tokens)} by the mean of their ids' embeddings (ids above 0;
 * zeros for a row without any) and puts that mean after the other inputs. Its one parameter, {@code
 * weight}, is the embedding table, {@code (vocabulary + 1) × dimension}, row 0 for the padding id.
 */
final class TokenBag extends AbstractBlock {

  private static final byte VERSION = 1;

  private final ModelConfig.Text text;
  private final Parameter weight;

  TokenBag(ModelConfig.Text text) {
    super(VERSION);
    this.text = text;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(text.vocabulary() + 1L, text.dimension()))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    int at = text.at();
    int end = at + text.tokens();
    long width = x.getShape().get(1);
    NDArray ids = x.get(":, " + at + ":" + end).toType(DataType.INT64, false);
    NDArray table = parameterStore.getValue(weight, x.getDevice(), training);
    NDArray embedded =
        x.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    NDArray mask = ids.gt(0).toType(DataType.FLOAT32, false).expandDims(2);
    NDArray sum = embedded.mul(mask).sum(new int[] {1});
    NDArray count = mask.sum(new int[] {1}).maximum(1f);
    NDArray bag = sum.div(count);
    NDList parts = new NDList();
    if (at > 0) {
      parts.add(x.get(":, 0:" + at));
    }
    if (end < width) {
      parts.add(x.get(":, " + end + ":"));
    }
    parts.add(bag);
    return new NDList(parts.size() == 1 ? bag : NDArrays.concat(parts, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1) - text.tokens() + text.dimension())};
  }
}
