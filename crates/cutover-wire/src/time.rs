//! Timestamp encodings: awsJson sends epoch seconds as a number; awsQuery XML sends ISO 8601 in
//! UTC with a `Z` (Smithy `date-time`, no offsets).

use std::fmt::Write;

/// Epoch milliseconds → `2026-11-26T17:30:31.123Z`.
pub fn iso8601(epoch_ms: i64) -> String {
    let mut s = String::with_capacity(24);
    write_iso8601(&mut s, epoch_ms);
    s
}

/// Appends the ISO 8601 form of `epoch_ms` to `out`.
pub fn write_iso8601(out: &mut String, epoch_ms: i64) {
    let secs = epoch_ms.div_euclid(1000);
    let ms = epoch_ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    );
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Epoch milliseconds → epoch seconds as a JSON number with millisecond precision.
pub fn epoch_seconds(epoch_ms: i64) -> f64 {
    epoch_ms as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_714_566_896_789), "2024-05-01T12:34:56.789Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_795_714_231_005), "2026-11-26T17:30:31.005Z");
    }

    #[test]
    fn epoch_numbers() {
        assert_eq!(epoch_seconds(1_700_000_000_123), 1_700_000_000.123);
    }
}
