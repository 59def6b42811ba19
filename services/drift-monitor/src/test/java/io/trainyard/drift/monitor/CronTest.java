package io.trainyard.drift.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Five-field cron as crontab(5) reads it, in UTC. 2026-12-06 is a Sunday. */
class CronTest {

  static ZonedDateTime at(String utc) {
    return ZonedDateTime.parse(utc);
  }

  @Test
  void weeklyAtThree() {
    Cron cron = Cron.parse("0 3 * * 0");
    assertThat(cron.matches(at("2026-12-06T03:00:00Z"))).isTrue();
    assertThat(cron.matches(at("2026-12-06T03:00:59Z"))).as("the whole minute").isTrue();
    assertThat(cron.matches(at("2026-12-06T03:01:00Z"))).isFalse();
    assertThat(cron.matches(at("2026-12-07T03:00:00Z"))).as("a Monday").isFalse();
    assertThat(Cron.parse("0 3 * * 7").matches(at("2026-12-06T03:00:00Z")))
        .as("7 is Sunday too")
        .isTrue();
    assertThat(cron.matches(at("2026-12-06T04:00:00+01:00"))).as("read in UTC").isTrue();
  }

  @Test
  void stepsRangesListsAndNames() {
    Cron quarter = Cron.parse("*/15 * * * *");
    assertThat(quarter.matches(at("2026-12-03T10:30:00Z"))).isTrue();
    assertThat(quarter.matches(at("2026-12-03T10:31:00Z"))).isFalse();
    Cron office = Cron.parse("5,35 9-17/4 * JAN,dec MON-FRI");
    assertThat(office.matches(at("2026-12-03T13:35:00Z"))).as("Thursday 13:35").isTrue();
    assertThat(office.matches(at("2026-12-03T11:35:00Z"))).as("11 is not 9 + 4k").isFalse();
    assertThat(office.matches(at("2026-12-06T13:35:00Z"))).as("Sunday").isFalse();
    assertThat(office.matches(at("2026-11-03T13:35:00Z"))).as("November").isFalse();
    assertThat(Cron.parse("0 0 10/5 * *").matches(at("2026-12-20T00:00:00Z"))).isTrue();
  }

  @Test
  void bothDayFieldsRestrictedMatchEither() {
    Cron cron = Cron.parse("0 0 1 * MON");
    assertThat(cron.matches(at("2026-12-01T00:00:00Z"))).as("the 1st, a Tuesday").isTrue();
    assertThat(cron.matches(at("2026-12-07T00:00:00Z"))).as("a Monday").isTrue();
    assertThat(cron.matches(at("2026-12-08T00:00:00Z"))).isFalse();
  }

  @Test
  void invalidExpressionsSayWhichField() {
    assertThatThrownBy(() -> Cron.parse("0 3 * *"))
        .hasMessageContaining("5 fields")
        .hasMessageContaining("not 4");
    assertThatThrownBy(() -> Cron.parse("61 * * * *"))
        .hasMessage("cron minute '61': 61 is outside 0-59");
    assertThatThrownBy(() -> Cron.parse("0 5-3 * * *"))
        .hasMessage("cron hour '5-3': the range runs backwards");
    assertThatThrownBy(() -> Cron.parse("0 0 * FOO *"))
        .hasMessage("cron month 'FOO': 'FOO' is not a number");
  }
}
