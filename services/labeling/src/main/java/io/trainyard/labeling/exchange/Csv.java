package io.trainyard.labeling.exchange;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, written and read.
 *
 * <p>Writing: fields separated by {@code ,}, records ended by CRLF; a field holding a comma, a
 * double quote, CR or LF is enclosed in double quotes, its quotes doubled.
 *
 * <p>Reading (UTF-8, a leading byte order mark dropped): records end at CRLF, LF or CR outside
 * quotes; a field that starts with {@code "} is quoted and runs to the next lone {@code "} ({@code
 * ""} inside is one quote; commas and line breaks inside are data); spaces are data. Problems: a
 * quote inside an unquoted field, text after a closing quote (both mark that record malformed), a
 * quoted field never closed (parsing stops there). Empty lines are skipped. Each record carries the
 * line it starts on (line 1 is the first line of the file).
 */
final class Csv {

  private Csv() {}

  /** One record: the line it starts on, its fields, and whether it is malformed. */
  record Row(int line, List<String> fields, boolean malformed) {}

  /** The records read, and the problems found on the way. */
  record Parsed(List<Row> rows, List<String> problems) {}

  /** The UTF-8 text of {@code bytes} without a leading byte order mark. */
  static String decode(byte[] bytes) throws CharacterCodingException {
    String text =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  static Parsed parse(String text) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int n = text.length();
    int i = 0;
    int line = 1;
    while (i < n) {
      int start = line;
      List<String> fields = new ArrayList<>();
      boolean malformed = false;
      boolean quotedAny = false;
      while (true) {
        StringBuilder field = new StringBuilder();
        if (i < n && text.charAt(i) == '"') {
          quotedAny = true;
          int opened = line;
          i++;
          while (true) {
            if (i >= n) {
              problems.add(
                  "line "
                      + opened
                      + ": a quoted field opened on this line is never closed (nothing after it"
                      + " was read)");
              return new Parsed(rows, problems);
            }
            char c = text.charAt(i);
            if (c == '"') {
              if (i + 1 < n && text.charAt(i + 1) == '"') {
                field.append('"');
                i += 2;
                continue;
              }
              i++;
              break;
            }
            if (c == '\n' || (c == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n'))) {
              line++;
            }
            field.append(c);
            i++;
          }
          if (i < n && !isEnd(text.charAt(i))) {
            problems.add(
                "line "
                    + line
                    + ": text after the closing quote of field "
                    + (fields.size() + 1)
                    + " (a quoted field ends at its closing quote; double a quote inside it)");
            malformed = true;
            while (i < n && !isEnd(text.charAt(i))) {
              field.append(text.charAt(i++));
            }
          }
        } else {
          boolean quoteInside = false;
          while (i < n && !isEnd(text.charAt(i))) {
            char c = text.charAt(i++);
            quoteInside |= c == '"';
            field.append(c);
          }
          if (quoteInside) {
            problems.add(
                "line "
                    + line
                    + ": a double quote inside unquoted field "
                    + (fields.size() + 1)
                    + " (enclose the field in double quotes and double the quote)");
            malformed = true;
          }
        }
        fields.add(field.toString());
        if (i < n && text.charAt(i) == ',') {
          i++;
          continue;
        }
        break;
      }
      if (i < n) {
        if (text.charAt(i) == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        i++;
        line++;
      }
      boolean blank = fields.size() == 1 && fields.get(0).isEmpty() && !quotedAny;
      if (!blank) {
        rows.add(new Row(start, List.copyOf(fields), malformed));
      }
    }
    return new Parsed(rows, problems);
  }

  private static boolean isEnd(char c) {
    return c == ',' || c == '\n' || c == '\r';
  }

  /** Appends one record, its fields quoted where needed, ended by CRLF. */
  static void appendRow(StringBuilder out, List<String> fields) {
    for (int f = 0; f < fields.size(); f++) {
      if (f > 0) {
        out.append(',');
      }
      appendField(out, fields.get(f));
    }
    out.append("\r\n");
  }

  static void appendField(StringBuilder out, String value) {
    boolean quote = false;
    for (int k = 0; k < value.length() && !quote; k++) {
      char c = value.charAt(k);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
      out.append(value);
      return;
    }
    out.append('"').append(value.replace("\"", "\"\"")).append('"');
  }
}
