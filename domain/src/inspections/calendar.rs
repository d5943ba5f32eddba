//! Working days for the publication deadline: results are public within 20 working days
//! of being produced. Weekends are off unless listed as adjusted working days (调休上班);
//! public holidays are off. Both lists come from `content/calendar/holidays.toml`.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::date::Date;

/// Working days allowed between a result and its publication.
pub const PUBLICATION_WORKING_DAYS: u32 = 20;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Calendar {
    #[serde(default)]
    pub holidays: BTreeSet<Date>,
    #[serde(default)]
    pub workdays: BTreeSet<Date>,
}

impl Calendar {
    /// Reads the TOML calendar file.
    pub fn from_toml(text: &str) -> Result<Calendar, String> {
        let calendar: Calendar = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(both) = calendar.holidays.intersection(&calendar.workdays).next() {
            return Err(format!(
                "{both} is listed both as a holiday and as a working day"
            ));
        }
        Ok(calendar)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        date.weekday() <= 5 && !self.holidays.contains(&date)
    }

    /// The last day of a period of `days` working days that starts the day after `from`.
    pub fn add_working_days(&self, from: Date, days: u32) -> Date {
        let mut date = from;
        let mut left = days;
        while left > 0 {
            date = date.add_days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = date.add_days(1);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }

    /// The publication deadline of a result produced on `produced`.
    pub fn publication_deadline(&self, produced: Date) -> Date {
        self.add_working_days(produced, PUBLICATION_WORKING_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> Date {
        Date::parse(value).unwrap()
    }

    fn national_day_2025() -> Calendar {
        Calendar::from_toml(
            r#"
            holidays = ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
                        "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"]
            workdays = ["2025-09-28", "2025-10-11"]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn twenty_working_days_without_holidays_are_four_weeks() {
        let plain = Calendar::default();
        // Monday 2026-11-02 + 20 working days = Monday 2026-11-30.
        assert_eq!(
            plain.publication_deadline(date("2026-11-02")),
            date("2026-11-30")
        );
    }

    #[test]
    fn the_deadline_skips_a_holiday_and_counts_an_adjusted_saturday() {
        let calendar = national_day_2025();
        assert!(calendar.is_working_day(date("2025-09-28"))); // a Sunday worked
        assert!(!calendar.is_working_day(date("2025-10-06"))); // a Monday off
        assert!(calendar.is_working_day(date("2025-10-11"))); // a Saturday worked
        // From Friday 2025-09-26: Sun 9-28, Mon 9-29, Tue 9-30 (3), holiday 10-01..08,
        // Thu 10-09, Fri 10-10, Sat 10-11 (6), then 14 more weekdays to Thu 10-30.
        assert_eq!(
            calendar.publication_deadline(date("2025-09-26")),
            date("2025-10-30")
        );
        assert_eq!(
            calendar.working_days_between(date("2025-09-26"), date("2025-10-30")),
            20
        );
    }

    #[test]
    fn a_day_cannot_be_both() {
        assert!(
            Calendar::from_toml("holidays = [\"2025-01-01\"]\nworkdays = [\"2025-01-01\"]")
                .is_err()
        );
    }
}
