package io.trainyard.objectstore;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.List;
import java.util.Set;

/**
 * The rules every key, prefix and object name obeys. A value is refused, with an {@link
 * IllegalArgumentException} that says why, when it could escape the prefix it is resolved against
 * or be read differently by another tool:
 *
 * <ul>
 *   <li>empty, or a {@code null};
 *   <li>absolute ({@code /...}), an empty segment ({@code a//b}), a {@code .} or {@code ..}
 *       segment;
 *   <li>a backslash; a percent sign (percent-encoding is never decoded, and {@code %2e%2e} or
 *       {@code %2f} would decode to traversal elsewhere);
 *   <li>control characters (C0, DEL, C1), line and paragraph separators, invisible format
 *       characters (bidi overrides, zero-width characters, BOM), unpaired surrogates, unassigned
 *       code points, private-use characters and non-characters;
 *   <li>characters that look like or compatibility-normalize (NFKC) to {@code .}, {@code /} or
 *       {@code \} (fullwidth full stop, one dot leader, division slash, fullwidth solidus, ...);
 *   <li>text not in Unicode NFC (two spellings of one name would be two keys);
 *   <li>a segment with leading or trailing whitespace;
 *   <li>more than {@value #MAX_KEY_BYTES} bytes of UTF-8 (the S3 key limit).
 * </ul>
 */
final class Keys {
  /** The S3 limit on a key, in bytes of UTF-8. */
  static final int MAX_KEY_BYTES = 1024;

  /** The first segment of every staging key; refused in keys and prefixes built by callers. */
  static final String STAGING_ROOT = "_staging";

  /** The name of the manifest object of a committed prefix; refused as a segment elsewhere. */
  static final String MANIFEST = "manifest.json";

  /**
   * Slash and backslash lookalikes without an NFKC mapping. Windows' "best fit" code page
   * conversion turns some of them into real separators.
   */
  private static final Set<Integer> LOOKALIKES =
      Set.of(
          0x2044, // FRACTION SLASH
          0x2215, // DIVISION SLASH
          0x2216, // SET MINUS
          0x2571, // BOX DRAWINGS LIGHT DIAGONAL UPPER RIGHT TO LOWER LEFT
          0x2572, // BOX DRAWINGS LIGHT DIAGONAL UPPER LEFT TO LOWER RIGHT
          0x27CB, // MATHEMATICAL RISING DIAGONAL
          0x27CD, // MATHEMATICAL FALLING DIAGONAL
          0x29F5, // REVERSE SOLIDUS OPERATOR
          0x29F8, // BIG SOLIDUS
          0x29F9 // BIG REVERSE SOLIDUS
          );

  private Keys() {}

  /**
   * Checks a relative path of one or more {@code /}-separated segments and returns its segments.
   *
   * @param what how the value is called in messages, e.g. {@code object name}
   */
  static List<String> checkPath(String value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (value.isEmpty()) {
      throw refused(what, value, "it is empty");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw refused(
          what, value, "it is " + bytes + " bytes of UTF-8; S3 keys are at most " + MAX_KEY_BYTES);
    }
    checkCharacters(value, what);
    if (value.startsWith("/")) {
      throw refused(what, value, "it is an absolute path (starts with '/')");
    }
    List<String> segments = List.of(value.split("/", -1));
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw refused(what, value, "it has an empty segment ('//' or a trailing '/')");
      }
      if (segment.equals("..")) {
        throw refused(what, value, "it has a '..' segment (it would escape its prefix)");
      }
      if (segment.equals(".")) {
        throw refused(what, value, "it has a '.' segment");
      }
      if (Character.isWhitespace(segment.codePointAt(0))
          || Character.isSpaceChar(segment.codePointAt(0))
          || Character.isWhitespace(segment.codePointBefore(segment.length()))
          || Character.isSpaceChar(segment.codePointBefore(segment.length()))) {
        throw refused(what, value, "segment '" + segment + "' has leading or trailing whitespace");
      }
    }
    return segments;
  }

  /** Checks one segment: a path without '/'. */
  static String checkSegment(String value, String what) {
    if (value != null && value.indexOf('/') >= 0) {
      throw refused(what, value, "it contains '/' (a single segment is expected)");
    }
    checkPath(value, what);
    return value;
  }

  private static void checkCharacters(String value, String what) {
    if (!Normalizer.isNormalized(value, Normalizer.Form.NFC)) {
      throw refused(what, value, "it is not in Unicode normalization form NFC");
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      String reason = characterProblem(cp);
      if (reason != null) {
        throw refused(what, value, reason);
      }
    }
  }

  private static String characterProblem(int cp) {
    if (cp == '\\') {
      return "it contains a backslash";
    }
    if (cp == '%') {
      return "it contains '%' (percent-encoding is not decoded, and would hide traversal)";
    }
    if (Character.isISOControl(cp)) {
      return String.format("it contains the control character U+%04X", cp);
    }
    switch (Character.getType(cp)) {
      case Character.FORMAT:
        return String.format(
            "it contains the invisible format character U+%04X (bidi or zero-width)", cp);
      case Character.SURROGATE:
        return "it contains an unpaired surrogate (not valid UTF-16)";
      case Character.UNASSIGNED:
        return String.format("it contains the unassigned code point U+%04X", cp);
      case Character.PRIVATE_USE:
        return String.format("it contains the private-use character U+%04X", cp);
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return String.format("it contains the line or paragraph separator U+%04X", cp);
      default:
        break;
    }
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
      return String.format("it contains the non-character U+%04X", cp);
    }
    if (cp == '.' || cp == '/') {
      return null;
    }
    if (LOOKALIKES.contains(cp)) {
      return String.format("it contains U+%04X, which looks like '.', '/' or '\\'", cp);
    }
    if (cp > 0x7F) {
      String folded = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
      if (folded.indexOf('.') >= 0 || folded.indexOf('/') >= 0 || folded.indexOf('\\') >= 0) {
        return String.format(
            "it contains U+%04X, which normalizes (NFKC) to '%s'", cp, printable(folded));
      }
    }
    return null;
  }

  static IllegalArgumentException refused(String what, String value, String reason) {
    return new IllegalArgumentException(what + " " + quoted(value) + " is refused: " + reason);
  }

  /** The value in double quotes, with non-printable characters escaped and long values cut. */
  static String quoted(String value) {
    String shown = value.length() > 120 ? value.substring(0, 120) + "..." : value;
    return "\"" + printable(shown) + "\"";
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7F || c > 0x7E) {
        out.append(String.format("\\u%04X", (int) c));
      } else if (c == '"') {
        out.append("\\\"");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static int utf8Length(String value) {
    return value.getBytes(StandardCharsets.UTF_8).length;
  }
}
