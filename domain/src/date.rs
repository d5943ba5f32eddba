//! Calendar dates (`YYYY-MM-DD`), with the day arithmetic the draws and deadlines need.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(value: &str) -> Result<Date, String> {
        let invalid = || format!("date `{value}` is not a real date written YYYY-MM-DD");
        let mut parts = value.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(invalid());
        }
        let (year, month, day): (i32, u8, u8) = (
            y.parse().map_err(|_| invalid())?,
            m.parse().map_err(|_| invalid())?,
            d.parse().map_err(|_| invalid())?,
        );
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(invalid()),
        };
        if !(1..=days).contains(&day) || !(1900..=9999).contains(&year) {
            return Err(invalid());
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date a number of days after 1970-01-01 (negative: before).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later (earlier when negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u8
    }

    /// The same day `months` calendar months earlier, clamped to the end of a shorter month.
    pub fn months_before(self, months: u32) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(months);
        let (year, month) = (
            index.div_euclid(12) as i32,
            (index.rem_euclid(12) + 1) as u8,
        );
        let mut day = self.day;
        loop {
            if let Ok(date) = Date::parse(&format!("{year:04}-{month:02}-{day:02}")) {
                return date;
            }
            day -= 1;
        }
    }

    /// The date a Unix time falls on in Beijing (UTC+8).
    pub fn beijing_of_unix(unix_secs: i64) -> Date {
        Date::from_days_since_epoch((unix_secs + 8 * 3600).div_euclid(86_400))
    }

    /// Midnight of this date in Beijing time, as Unix seconds.
    pub fn beijing_midnight_unix(self) -> i64 {
        self.days_since_epoch() * 86_400 - 8 * 3600
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Date::parse(&value)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> Date {
        Date::parse(value).unwrap()
    }

    #[test]
    fn days_round_trip_across_leap_years() {
        for value in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "2026-03-01",
            "1969-12-31",
        ] {
            let d = date(value);
            assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), d);
        }
        assert_eq!(date("2024-02-28").add_days(1), date("2024-02-29"));
        assert_eq!(date("2026-12-31").add_days(1), date("2027-01-01"));
    }

    #[test]
    fn weekdays_match_the_calendar() {
        assert_eq!(date("2026-11-27").weekday(), 5); // a Friday
        assert_eq!(date("2026-10-01").weekday(), 4);
        assert_eq!(date("2025-01-26").weekday(), 7);
    }

    #[test]
    fn months_before_clamps_to_the_month_end() {
        assert_eq!(date("2026-03-31").months_before(1), date("2026-02-28"));
        assert_eq!(date("2026-01-15").months_before(12), date("2025-01-15"));
        assert_eq!(date("2026-05-20").months_before(6), date("2025-11-20"));
    }

    #[test]
    fn beijing_date_of_a_unix_time() {
        // 2026-11-27T16:30:00Z is 00:30 on the 28th in Beijing.
        assert_eq!(Date::beijing_of_unix(1_795_797_000), date("2026-11-28"));
    }
}
