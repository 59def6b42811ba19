package io.trainyard.contracts;

import static java.util.stream.Collectors.joining;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.InputStreamSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Validates payloads against the JSON Schemas (draft 2020-12) of the catalogue.
 *
 * <p>Each schema's {@code $id} is {@code https://trainyard.io/schemas/<file>}; that prefix is
 * mapped to {@code classpath:schemas/}, so schemas (and the {@code $ref}s between them) are always
 * loaded from this jar. Loading anything that is not on the classpath fails: validation never goes
 * to the network. Schemas are loaded once and cached.
 *
 * <p>Reasons are readable and name the JSON path of the offending value, e.g. {@code
 * $.training.epochs: must be >= 1} or {@code $.runId: is required}.
 */
public final class Schemas {

  /** The prefix of every Trainyard schema {@code $id}. */
  public static final String ID_PREFIX = "https://trainyard.io/schemas/";

  /** Where {@link #ID_PREFIX} is mapped to. */
  public static final String CLASSPATH_PREFIX = "classpath:schemas/";

  /** The {@code $id} of the shared definitions. */
  public static final String COMMON_ID = ID_PREFIX + "io.trainyard.common.v1.schema.json";

  private static final String CLASSPATH = "classpath:";

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder ->
              builder
                  .schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, CLASSPATH_PREFIX))
                  .schemaLoaders(loaders -> loaders.add(Schemas::classpathOnly)));

  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .pathType(PathType.JSON_PATH)
          .formatAssertionsEnabled(true)
          .locale(Locale.ENGLISH)
          .build();

  private static final ConcurrentMap<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /** The {@code $id} of a topic's payload schema. */
  public static String schemaId(Topic topic) {
    return ID_PREFIX + topic.ceType() + ".schema.json";
  }

  /** Whether the catalogue holds a payload schema for {@code topic}. */
  public static boolean has(Topic topic) {
    return Schemas.class.getResource(topic.schemaResource()) != null;
  }

  /**
   * Validates a payload against its topic's schema.
   *
   * @return readable reasons, sorted; empty when the payload is valid
   * @throws IllegalArgumentException when the catalogue has no schema for the topic
   */
  public static List<String> validate(Topic topic, JsonNode payload) {
    return validate(schemaId(requireSchema(topic)), payload);
  }

  /** Validates a payload object (e.g. a record) as it would be serialized. */
  public static List<String> validate(Topic topic, Object payload) {
    return validate(topic, Json.toTree(payload));
  }

  /**
   * Validates a payload and throws when it is not valid.
   *
   * @throws InvalidPayloadException carrying the reasons
   */
  public static void requireValid(Topic topic, JsonNode payload) {
    List<String> reasons = validate(topic, payload);
    if (!reasons.isEmpty()) {
      throw new InvalidPayloadException(topic.ceType(), reasons);
    }
  }

  /** The schema of a topic's payload, as JSON. */
  public static JsonNode schemaJson(Topic topic) {
    return Json.readResource(requireSchema(topic).schemaResource());
  }

  /** Validates {@code instance} against the schema with the given {@code $id}. */
  static List<String> validate(String schemaId, JsonNode instance) {
    Objects.requireNonNull(instance, "payload");
    return reasons(schema(schemaId).validate(instance));
  }

  /** The compiled schema with the given {@code $id} (or location), cached. */
  static JsonSchema schema(String schemaId) {
    return CACHE.computeIfAbsent(
        schemaId,
        id -> {
          JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(id), CONFIG);
          schema.initializeValidators(); // resolve every $ref now, not on first use
          return schema;
        });
  }

  private static Topic requireSchema(Topic topic) {
    if (!has(topic)) {
      throw new IllegalArgumentException(
          "the catalogue has no payload schema for " + topic.topicName() + " yet");
    }
    return topic;
  }

  /** Loads {@code classpath:} IRIs from this jar and refuses every other IRI. */
  private static InputStreamSource classpathOnly(AbsoluteIri iri) {
    String location = iri.toString();
    if (location.startsWith(CLASSPATH)) {
      String path = location.substring(CLASSPATH.length());
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      URL url = Schemas.class.getClassLoader().getResource(path);
      if (url == null) {
        url = JsonSchemaFactory.class.getClassLoader().getResource(path);
      }
      if (url == null) {
        String missing = path;
        return () -> {
          throw new FileNotFoundException("no schema on the classpath at " + missing);
        };
      }
      return url::openStream;
    }
    return () -> {
      throw new IOException(
          "refusing to load schema "
              + location
              + ": schemas are only loaded from the classpath, never over the network");
    };
  }

  static List<String> reasons(Collection<ValidationMessage> messages) {
    Set<String> out = new TreeSet<>();
    // Failures inside anyOf/oneOf branches are reported per branch; fold them into one reason.
    Map<String, List<ValidationMessage>> alternatives = new LinkedHashMap<>();
    for (ValidationMessage m : messages) {
      String eval = m.getEvaluationPath().toString();
      int branch = firstBranch(eval);
      if (branch < 0) {
        out.add(reason(m));
      } else {
        alternatives
            .computeIfAbsent(
                m.getInstanceLocation() + "|" + eval.substring(0, branch), k -> new ArrayList<>())
            .add(m);
      }
    }
    for (List<ValidationMessage> group : alternatives.values()) {
      String path = group.get(0).getInstanceLocation().toString();
      boolean oneOf = group.get(0).getEvaluationPath().toString().contains(".oneOf[");
      if (group.stream().allMatch(m -> "required".equals(m.getType()))) {
        out.add(
            path
                + (oneOf ? ": needs exactly one of " : ": needs at least one of ")
                + group.stream()
                    .map(ValidationMessage::getProperty)
                    .distinct()
                    .collect(joining(", ")));
      } else {
        out.add(
            path
                + ": must match "
                + (oneOf ? "exactly one" : "at least one")
                + " of: "
                + group.stream().map(Schemas::reason).distinct().collect(joining(" | ")));
      }
    }
    return List.copyOf(out);
  }

  private static int firstBranch(String evaluationPath) {
    int any = evaluationPath.indexOf(".anyOf[");
    int one = evaluationPath.indexOf(".oneOf[");
    if (any < 0) {
      return one;
    }
    return one < 0 ? any : Math.min(any, one);
  }

  private static String reason(ValidationMessage m) {
    String path = m.getInstanceLocation().toString();
    Object[] args = m.getArguments();
    Object arg = args != null && args.length > 0 ? args[0] : null;
    switch (m.getType()) {
      case "required":
        return child(path, m.getProperty()) + ": is required";
      case "minimum":
        return path + ": must be >= " + arg;
      case "maximum":
        return path + ": must be <= " + arg;
      case "exclusiveMinimum":
        return path + ": must be > " + arg;
      case "exclusiveMaximum":
        return path + ": must be < " + arg;
      case "enum":
        return path + ": must be one of " + arg;
      case "type":
        return path
            + ": must be "
            + (args != null && args.length > 1 ? args[1] : arg)
            + ", not "
            + arg;
      case "pattern":
        return path + ": " + quoted(m.getInstanceNode()) + " does not match the pattern " + arg;
      case "format":
        return path + ": " + quoted(m.getInstanceNode()) + " is not a valid " + arg;
      case "not":
        JsonNode schema = m.getSchemaNode();
        if (schema != null && schema.size() == 1 && schema.has("required")) {
          List<String> names = new ArrayList<>();
          schema.get("required").forEach(n -> names.add(n.asText()));
          return path + ": must not have all of " + String.join(", ", names);
        }
        return m.getMessage();
      default:
        return m.getMessage();
    }
  }

  private static String quoted(JsonNode value) {
    if (value == null) {
      return "the value";
    }
    String text = value.isTextual() ? value.asText() : value.toString();
    if (text.length() > 60) {
      text = text.substring(0, 57) + "...";
    }
    return "'" + text + "'";
  }

  private static String child(String path, String property) {
    if (property == null) {
      return path;
    }
    return property.matches("[A-Za-z_][A-Za-z0-9_]*")
        ? path + "." + property
        : path + "['" + property.replace("'", "\\'") + "']";
  }
}
