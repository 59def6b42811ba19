package io.trainyard.drift.monitor;

import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression, as {@code crontab(5)} reads it, in UTC: minute (0-59), hour (0-23),
 * day of month (1-31), month (1-12 or JAN-DEC), day of week (0-7 or SUN-SAT, 0 and 7 both Sunday).
 * A field is {@code *}, a value, a range {@code a-b}, any of those with a step ({@code *}{@code
 * /15}, {@code 0-30/10}), or a comma-separated list of them. When both day fields are restricted, a
 * day matches if either does (as cron does).
 */
record Cron(
    String expression,
    BitSet minutes,
    BitSet hours,
    BitSet days,
    BitSet months,
    BitSet weekdays,
    boolean anyDay,
    boolean anyWeekday) {

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> WEEKDAYS =
      List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming the field that is not valid
   */
  static Cron parse(String expression) {
    String[] fields = expression.trim().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "a cron expression has 5 fields (minute hour day-of-month month day-of-week), not "
              + fields.length
              + ": '"
              + expression
              + "'");
    }
    BitSet weekdays = field(fields[4], "day of week", 0, 7, WEEKDAYS);
    if (weekdays.get(7)) {
      weekdays.set(0);
      weekdays.clear(7);
    }
    return new Cron(
        expression,
        field(fields[0], "minute", 0, 59, List.of()),
        field(fields[1], "hour", 0, 23, List.of()),
        field(fields[2], "day of month", 1, 31, List.of()),
        field(fields[3], "month", 1, 12, MONTHS),
        weekdays,
        fields[2].equals("*"),
        fields[4].equals("*"));
  }

  /** Whether the minute that holds {@code time} (in UTC) is one the expression names. */
  boolean matches(ZonedDateTime time) {
    ZonedDateTime utc = time.withZoneSameInstant(ZoneOffset.UTC);
    if (!minutes.get(utc.getMinute())
        || !hours.get(utc.getHour())
        || !months.get(utc.getMonthValue())) {
      return false;
    }
    boolean day = days.get(utc.getDayOfMonth());
    boolean weekday =
        weekdays.get(utc.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : utc.getDayOfWeek().getValue());
    if (anyDay && anyWeekday) {
      return true;
    }
    if (anyDay) {
      return weekday;
    }
    if (anyWeekday) {
      return day;
    }
    return day || weekday;
  }

  private static BitSet field(String text, String name, int min, int max, List<String> names) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), name, 1, max, List.of(), part);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.indexOf('-') > 0) {
        int dash = range.indexOf('-');
        from = number(range.substring(0, dash), name, min, max, names, part);
        to = number(range.substring(dash + 1), name, min, max, names, part);
        if (to < from) {
          throw invalid(name, part, "the range runs backwards");
        }
      } else {
        from = number(range, name, min, max, names, part);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(
      String text, String name, int min, int max, List<String> names, String part) {
    int index = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (index >= 0) {
      return names.size() == 12 ? index + 1 : index;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(name, part, "'" + text + "' is not a number");
    }
    if (value < min || value > max) {
      throw invalid(name, part, value + " is outside " + min + "-" + max);
    }
    return value;
  }

  private static IllegalArgumentException invalid(String name, String part, String why) {
    return new IllegalArgumentException("cron " + name + " '" + part + "': " + why);
  }
}
