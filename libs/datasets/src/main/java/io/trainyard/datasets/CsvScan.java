package io.trainyard.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One streaming pass over a CSV file's bytes that checks that it is valid UTF-8 and, when the file
 * is plain enough, tells the column types DuckDB's type detection ({@code read_csv} with {@code
 * sample_size = -1} and the candidates BIGINT, DOUBLE, VARCHAR) would find, so the file can be
 * loaded with those types without DuckDB's single-threaded detection pass over the whole file.
 *
 * <p>The answer is conservative. Each data cell is one of:
 *
 * <ul>
 *   <li>empty (unquoted): NULL, no evidence;
 *   <li>a plain integer, {@code 0} or {@code -?[1-9][0-9]*} of at most 18 characters: BIGINT;
 *   <li>a plain decimal, {@code -?(0|[1-9][0-9]*)\.[0-9]+}: DOUBLE;
 *   <li>text holding a byte that no number DuckDB reads can hold (anything but digits, {@code + - .
 *       _}, space, tab and the letters of {@code inf}, {@code infinity}, {@code nan}, hex digits,
 *       {@code x}, {@code o} and {@code b}; any byte from 0x80 up), quoted or not: VARCHAR;
 *   <li>anything else: not certain.
 * </ul>
 *
 * A column is VARCHAR when it has a text cell (whatever its other cells), else DOUBLE when it has a
 * decimal, else BIGINT. Anything else (a column with only empty cells, or, in a column without a
 * text cell, a quoted cell or one such as {@code 012}, {@code +1}, {@code 1e5} or spaces; anywhere
 * in the file a {@code #}, a quote inside an unquoted cell, a carriage return not followed by a
 * line feed, both {@code \r\n} and bare {@code \n} line breaks, a byte order mark, a record with
 * another number of fields than the header, fewer than two columns) gives no types, and the caller
 * lets DuckDB detect them as before. The UTF-8 check only accepts: when it finds anything it does
 * not accept, the caller runs the strict decoder, which reports the offending offset.
 */
final class CsvScan {

  /** The result: whether the bytes are surely valid UTF-8, and the types when certain. */
  record Result(boolean utf8, List<String> types) {}

  // cell states
  private static final int START = 0;
  private static final int SIGN = 1;
  private static final int ZERO = 2;
  private static final int NEG_ZERO = 3;
  private static final int INT = 4;
  private static final int DOT = 5;
  private static final int FRAC = 6;
  private static final int OTHER = 7;

  // byte classes: the first seven are cell content
  private static final int C_ZERO = 0;
  private static final int C_DIGIT = 1;
  private static final int C_MINUS = 2;
  private static final int C_DOT = 3;
  private static final int C_NUMISH = 4; // can be part of some number DuckDB reads
  private static final int C_TEXT = 5; // cannot
  private static final int C_HIGH = 6; // a byte of a multi-byte character (text)
  private static final int C_COMMA = 7;
  private static final int C_LF = 8;
  private static final int C_CR = 9;
  private static final int C_QUOTE = 10;
  private static final int C_HASH = 11;

  private static final int CELL_CLASSES = 7;
  private static final byte[] CLASS = new byte[256];
  private static final byte[] NEXT = new byte[8 * CELL_CLASSES];

  static {
    java.util.Arrays.fill(CLASS, (byte) C_TEXT);
    for (char ch : "+_ \tabcdefinotxyABCDEFINOTXY".toCharArray()) {
      CLASS[ch] = C_NUMISH;
    }
    for (char ch = '1'; ch <= '9'; ch++) {
      CLASS[ch] = C_DIGIT;
    }
    CLASS['0'] = C_ZERO;
    CLASS['-'] = C_MINUS;
    CLASS['.'] = C_DOT;
    CLASS[','] = C_COMMA;
    CLASS['\n'] = C_LF;
    CLASS['\r'] = C_CR;
    CLASS['"'] = C_QUOTE;
    CLASS['#'] = C_HASH;
    for (int b = 0x80; b < 256; b++) {
      CLASS[b] = C_HIGH;
    }
    java.util.Arrays.fill(NEXT, (byte) OTHER);
    NEXT[START * CELL_CLASSES + C_ZERO] = ZERO;
    NEXT[START * CELL_CLASSES + C_DIGIT] = INT;
    NEXT[START * CELL_CLASSES + C_MINUS] = SIGN;
    NEXT[SIGN * CELL_CLASSES + C_ZERO] = NEG_ZERO;
    NEXT[SIGN * CELL_CLASSES + C_DIGIT] = INT;
    NEXT[ZERO * CELL_CLASSES + C_DOT] = DOT;
    NEXT[NEG_ZERO * CELL_CLASSES + C_DOT] = DOT;
    NEXT[INT * CELL_CLASSES + C_ZERO] = INT;
    NEXT[INT * CELL_CLASSES + C_DIGIT] = INT;
    NEXT[INT * CELL_CLASSES + C_DOT] = DOT;
    for (int st : new int[] {DOT, FRAC}) {
      NEXT[st * CELL_CLASSES + C_ZERO] = FRAC;
      NEXT[st * CELL_CLASSES + C_DIGIT] = FRAC;
    }
  }

  private CsvScan() {}

  /** Scans the file; never throws for its content, only for I/O. */
  static Result scan(Path csv) throws IOException {
    Scanner s = new Scanner();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    byte[] bytes = buffer.array();
    try (FileChannel channel = FileChannel.open(csv, StandardOpenOption.READ)) {
      while (true) {
        int read = channel.read(buffer);
        boolean eof = read < 0;
        int end = buffer.position();
        int used = s.feed(bytes, end, eof);
        if (used < 0) {
          return new Result(false, null);
        }
        int carry = end - used; // an incomplete UTF-8 sequence, kept for the next read
        if (eof) {
          if (carry != 0) {
            return new Result(false, null);
          }
          break;
        }
        System.arraycopy(bytes, used, bytes, 0, carry);
        buffer.position(carry);
      }
    }
    return new Result(true, s.finish());
  }

  /** The state of the pass between buffers. */
  private static final class Scanner {
    boolean certain = true;
    boolean first = true;
    long record; // 0 = header
    int columns = -1; // known after the header
    int col;
    int len; // bytes of the current cell (unquoted)
    boolean quoted;
    boolean inQuotes;
    boolean afterQuote;
    boolean cr;
    boolean crlf; // some record ends with \r\n
    boolean lf; // some record ends with a bare \n
    boolean sure; // the current cell is surely text
    int state = START;
    // per column: plain integers, plain decimals, surely text, not certain
    int[] counts = new int[0];

    /**
     * Consumes bytes[0, to); answers how many were used (an incomplete UTF-8 sequence at the end is
     * left for the next call unless eof), or -1 when the bytes are not surely valid UTF-8.
     */
    int feed(byte[] bytes, int to, boolean eof) {
      if (first && to >= 1 && (bytes[0] & 0xff) == 0xEF) {
        certain = false; // maybe a byte order mark: leave it to DuckDB
      }
      first = false;
      int st = state;
      int n = len;
      boolean sr = sure;
      int i = 0;
      while (i < to) {
        if (!certain) {
          return utf8Only(bytes, i, to, eof);
        }
        int b = bytes[i];
        int width = 1;
        if (b < 0) {
          width = utf8Length(bytes, i, to);
          if (width == 0) {
            state = st;
            len = n;
            sure = sr;
            return !eof && to - i < 4 ? i : -1;
          }
        }
        int cls = CLASS[b & 0xff];
        if (inQuotes) {
          if (cls == C_QUOTE) {
            inQuotes = false;
            afterQuote = true;
          } else if (cls >= C_TEXT) {
            sr = true;
          }
          i += width;
          continue;
        }
        if (afterQuote) {
          afterQuote = false;
          if (cls == C_QUOTE) { // an escaped quote
            inQuotes = true;
            sr = true;
            i++;
            continue;
          }
          if (cls != C_COMMA && cls != C_LF && cls != C_CR) {
            certain = false;
            continue;
          }
        }
        if (cr && cls != C_LF) {
          certain = false;
          continue;
        }
        if (cls < CELL_CLASSES) {
          st = NEXT[st * CELL_CLASSES + cls];
          sr |= cls >= C_TEXT;
          n++;
          i += width;
          continue;
        }
        switch (cls) {
          case C_COMMA -> {
            endCell(st, n, sr);
            col++;
            st = START;
            n = 0;
            sr = false;
          }
          case C_LF -> {
            if (cr) {
              crlf = true;
            } else {
              lf = true;
            }
            cr = false;
            endRecord(st, n, sr);
            st = START;
            n = 0;
            sr = false;
          }
          case C_CR -> cr = true;
          case C_QUOTE -> {
            if (n > 0 || quoted) {
              certain = false;
            } else {
              quoted = true;
              inQuotes = true;
            }
          }
          default -> certain = false; // '#'
        }
        i++;
      }
      state = st;
      len = n;
      sure = sr;
      return i;
    }

    private int utf8Only(byte[] bytes, int i, int to, boolean eof) {
      while (i < to) {
        if (bytes[i] >= 0) {
          i++;
          continue;
        }
        int width = utf8Length(bytes, i, to);
        if (width == 0) {
          return !eof && to - i < 4 ? i : -1;
        }
        i += width;
      }
      return i;
    }

    /**
     * The length of the valid multi-byte UTF-8 sequence at bytes[i], or 0 when it is invalid or
     * runs past {@code to}.
     */
    private static int utf8Length(byte[] bytes, int i, int to) {
      int b0 = bytes[i] & 0xff;
      int n;
      int lo = 0x80;
      int hi = 0xBF;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) {
          lo = 0xA0;
        } else if (b0 == 0xED) {
          hi = 0x9F;
        }
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) {
          lo = 0x90;
        } else if (b0 == 0xF4) {
          hi = 0x8F;
        }
      } else {
        return 0;
      }
      if (i + n > to) {
        return 0;
      }
      int b1 = bytes[i + 1] & 0xff;
      if (b1 < lo || b1 > hi) {
        return 0;
      }
      for (int k = 2; k < n; k++) {
        int bk = bytes[i + k] & 0xff;
        if (bk < 0x80 || bk > 0xBF) {
          return 0;
        }
      }
      return n;
    }

    private void endCell(int st, int n, boolean sr) {
      boolean wasQuoted = quoted;
      quoted = false;
      if (record == 0) {
        return;
      }
      if (col >= columns) {
        certain = false;
        return;
      }
      int k;
      if (wasQuoted) {
        k = sr ? 2 : 3;
      } else {
        k =
            switch (st) {
              case START -> -1;
              case ZERO -> 0;
              case INT -> n <= 18 ? 0 : 3;
              case FRAC -> 1;
              default -> sr ? 2 : 3;
            };
      }
      if (k >= 0) {
        counts[col * 4 + k]++;
      }
    }

    private void endRecord(int st, int n, boolean sr) {
      if (record == 0) {
        endCell(st, n, sr);
        columns = col + 1;
        if (columns < 2 || columns > CsvSplitter.MAX_COLUMNS) {
          certain = false;
        }
        counts = new int[columns * 4];
      } else {
        if (col != columns - 1) {
          certain = false; // ragged or empty line
          return;
        }
        endCell(st, n, sr);
      }
      col = 0;
      record++;
    }

    /** The types when certain, else null. */
    List<String> finish() {
      if (certain && (len > 0 || col > 0 || quoted)) {
        if (inQuotes || cr) {
          certain = false;
        } else {
          endRecord(state, len, sure); // a last record without a line break
        }
      }
      if (!certain || inQuotes || cr || record < 2 || (crlf && lf)) {
        return null;
      }
      List<String> types = new ArrayList<>(columns);
      for (int c = 0; c < columns; c++) {
        if (counts[c * 4 + 2] > 0) {
          types.add("VARCHAR");
        } else if (counts[c * 4 + 3] > 0) {
          return null; // a cell that is not certain, in a column that may be numeric
        } else if (counts[c * 4 + 1] > 0) {
          types.add("DOUBLE");
        } else if (counts[c * 4] > 0) {
          types.add("BIGINT");
        } else {
          return null; // no value: leave it to DuckDB
        }
      }
      return types;
    }
  }
}
