//! Time as the portal stores it (Unix seconds, UTC) and shows it (Beijing time, UTC+8).

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// `2026-11-27 20:15` in Beijing time.
pub fn format_beijing(unix_secs: i64) -> String {
    let local = unix_secs + 8 * 3600;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_eight_hours_ahead_of_utc() {
        assert_eq!(format_beijing(0), "1970-01-01 08:00");
        // 2021-09-01 00:00 Beijing, when the amended Work Safety Law took effect.
        assert_eq!(format_beijing(1_630_425_600), "2021-09-01 00:00");
        assert_eq!(format_beijing(1_709_222_400 - 8 * 3600), "2024-02-29 16:00");
    }
}

/// Unix seconds of a Beijing time written `YYYY-MM-DDTHH:MM` (as `<input type=datetime-local>`
/// sends it).
pub fn parse_beijing(value: &str) -> Option<i64> {
    let (date, time) = value.trim().split_once('T')?;
    let date = domain::article::Date::parse(date).ok()?;
    let (hours, minutes) = time.get(..5)?.split_once(':')?;
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if !(0..24).contains(&hours) || !(0..60).contains(&minutes) {
        return None;
    }
    Some(date.beijing_midnight_unix() + hours * 3600 + minutes * 60)
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn beijing_times_from_forms_round_trip() {
        let at = parse_beijing("2021-09-01T08:30").unwrap();
        assert_eq!(format_beijing(at), "2021-09-01 08:30");
        assert_eq!(parse_beijing("2021-09-01T24:00"), None);
        assert_eq!(parse_beijing("tomorrow"), None);
    }
}
