//! Share expiry as a dataset sets it, in data.all's terms: `enableExpiration`, `expirySetting`
//! (`Monthly` or `Quarterly`) and the shortest and longest period a request may ask for, counted
//! in that unit. A period ends on the last day of a month, as data.all computes it: the current
//! month counts as the first unless less than a week of it is left.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use crate::{Error, Result};

/// The longest period a dataset may allow, in its unit: ten years of months, or of quarters.
pub const MAX_PERIODS: i32 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpirySetting {
    Monthly,
    Quarterly,
}

impl ExpirySetting {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "Monthly",
            Self::Quarterly => "Quarterly",
        }
    }

    /// data.all's spellings, in any case.
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "monthly" => Ok(Self::Monthly),
            "quarterly" => Ok(Self::Quarterly),
            _ => Err(Error::validation("expirySetting", format!("{value:?} is not Monthly or Quarterly"))),
        }
    }

    const fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
        }
    }

    fn unit(self, count: i32) -> String {
        let unit = match self {
            Self::Monthly => "month",
            Self::Quarterly => "quarter",
        };
        if count == 1 { format!("1 {unit}") } else { format!("{count} {unit}s") }
    }
}

/// A dataset's rule for its shares' access: each request asks for between `min` and `max`
/// periods (or not to expire, which the approvers see before they approve).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareExpiry {
    pub setting: ExpirySetting,
    pub min: i32,
    pub max: i32,
}

impl ShareExpiry {
    /// The stored columns; `None` when the dataset's shares don't expire.
    pub(crate) fn from_columns(
        enabled: bool,
        setting: Option<&str>,
        min: Option<i32>,
        max: Option<i32>,
    ) -> Result<Option<Self>> {
        if !enabled {
            return Ok(None);
        }
        let broken = || Error::Internal("a dataset with expiration enabled lacks its settings".into());
        let setting = ExpirySetting::parse(setting.ok_or_else(broken)?)?;
        Ok(Some(Self { setting, min: min.ok_or_else(broken)?, max: max.ok_or_else(broken)? }))
    }

    /// A requested period, refused outside the dataset's bounds with what it allows.
    pub fn check(&self, field: &'static str, period: Option<i32>) -> Result<i32> {
        let allowed = || {
            format!(
                "this dataset's shares expire: ask for between {} and {}, or for access that doesn't expire (nonExpirable)",
                self.setting.unit(self.min),
                self.setting.unit(self.max)
            )
        };
        match period {
            Some(p) if (self.min..=self.max).contains(&p) => Ok(p),
            Some(p) => Err(Error::validation(field, format!("{p} is out of bounds; {}", allowed()))),
            None => Err(Error::validation(field, allowed())),
        }
    }

    /// When access granted on `today` for `period` periods ends: the last instant of the last day
    /// of the period's last month.
    pub fn ends(&self, period: i32, today: NaiveDate) -> DateTime<Utc> {
        let months = u32::try_from(period.max(1)).unwrap_or(1) * self.setting.months();
        // The current month counts as the first one, unless its last week has begun.
        let counted = if in_last_week(today) { months } else { months - 1 };
        let month_start = today.with_day(1).unwrap_or(today);
        let last_day = month_start
            .checked_add_months(Months::new(counted + 1))
            .and_then(|next| next.checked_sub_days(Days::new(1)))
            .unwrap_or(NaiveDate::MAX);
        last_day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc()
    }
}

/// data.all's "last week of the month": from the Monday of the week holding the month's last day.
fn in_last_week(day: NaiveDate) -> bool {
    let next_month = day.with_day(1).and_then(|d| d.checked_add_months(Months::new(1)));
    let Some(last) = next_month.and_then(|d| d.checked_sub_days(Days::new(1))) else { return true };
    let monday = last - chrono::Duration::days(i64::from(last.weekday().num_days_from_monday()));
    day >= monday
}

/// What a dataset input says about expiry (data.all's four fields); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ExpiryInput {
    pub enable: Option<bool>,
    pub setting: Option<String>,
    pub min: Option<i32>,
    pub max: Option<i32>,
}

impl ExpiryInput {
    /// The rule after this input, from the dataset's `current` one. Turning expiry off (or never
    /// turning it on) ignores the other fields, as data.all does; turning it on, or changing it,
    /// needs every field, given now or kept from before.
    pub(crate) fn resolve(&self, current: Option<ShareExpiry>) -> Result<Option<ShareExpiry>> {
        let enabled = self.enable.unwrap_or(current.is_some());
        if !enabled {
            return Ok(None);
        }
        let setting = match (&self.setting, current) {
            (Some(s), _) => ExpirySetting::parse(s)?,
            (None, Some(c)) => c.setting,
            (None, None) => {
                return Err(Error::validation(
                    "expirySetting",
                    "say how periods are counted: Monthly or Quarterly",
                ));
            }
        };
        let bound = |field: &'static str, given: Option<i32>, kept: Option<i32>| -> Result<i32> {
            let value = given.or(kept).ok_or_else(|| {
                Error::validation(field, "give the shortest and longest period a request may ask for")
            })?;
            if !(1..=MAX_PERIODS).contains(&value) {
                return Err(Error::validation(field, format!("{value} is not between 1 and {MAX_PERIODS}")));
            }
            Ok(value)
        };
        let min = bound("expiryMinDuration", self.min, current.map(|c| c.min))?;
        let max = bound("expiryMaxDuration", self.max, current.map(|c| c.max))?;
        if min > max {
            return Err(Error::validation(
                "expiryMinDuration",
                format!("the shortest period ({min}) is longer than the longest ({max})"),
            ));
        }
        Ok(Some(ShareExpiry { setting, min, max }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ends_on(expiry: ShareExpiry, period: i32, today: NaiveDate) -> String {
        expiry.ends(period, today).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    const MONTHLY: ShareExpiry = ShareExpiry { setting: ExpirySetting::Monthly, min: 1, max: 6 };
    const QUARTERLY: ShareExpiry = ShareExpiry { setting: ExpirySetting::Quarterly, min: 1, max: 4 };

    #[test]
    fn a_period_ends_on_a_month_s_last_day_counting_the_current_month_until_its_last_week() {
        // 2026-12-07 is a Monday; December's last week starts on Monday the 28th.
        assert_eq!(ends_on(MONTHLY, 1, day(2026, 12, 7)), "2026-12-31 23:59:59");
        assert_eq!(ends_on(MONTHLY, 3, day(2026, 12, 7)), "2027-02-28 23:59:59");
        assert_eq!(ends_on(MONTHLY, 1, day(2026, 12, 27)), "2026-12-31 23:59:59");
        assert_eq!(ends_on(MONTHLY, 1, day(2026, 12, 28)), "2027-01-31 23:59:59");
        assert_eq!(ends_on(QUARTERLY, 1, day(2026, 12, 7)), "2027-02-28 23:59:59");
        assert_eq!(ends_on(QUARTERLY, 2, day(2026, 12, 31)), "2027-06-30 23:59:59");
        // A leap year's February.
        assert_eq!(ends_on(MONTHLY, 3, day(2027, 12, 1)), "2028-02-29 23:59:59");
    }

    #[test]
    fn the_last_week_starts_on_the_monday_of_the_week_holding_the_last_day() {
        // February 2026 ends on a Saturday (the 28th): its last week starts on Monday the 23rd.
        assert!(!in_last_week(day(2026, 2, 22)));
        assert!(in_last_week(day(2026, 2, 23)));
        // May 2026 ends on a Sunday (the 31st): its last week starts on the 25th.
        assert!(!in_last_week(day(2026, 5, 24)));
        assert!(in_last_week(day(2026, 5, 25)));
    }

    #[test]
    fn periods_outside_the_dataset_s_bounds_are_refused_with_the_bounds() {
        assert_eq!(MONTHLY.check("shareExpirationPeriod", Some(6)).unwrap(), 6);
        let err = MONTHLY.check("shareExpirationPeriod", Some(7)).unwrap_err().to_string();
        assert!(err.contains("between 1 month and 6 months"), "{err}");
        let err = QUARTERLY.check("expiration", None).unwrap_err().to_string();
        assert!(err.contains("between 1 quarter and 4 quarters"), "{err}");
        assert!(err.contains("nonExpirable"), "{err}");
    }

    #[test]
    fn a_dataset_input_turns_expiry_on_with_every_field_and_off_with_none() {
        let on =
            ExpiryInput { enable: Some(true), setting: Some("quarterly".into()), min: Some(1), max: Some(4) };
        assert_eq!(on.resolve(None).unwrap(), Some(QUARTERLY));
        let off = ExpiryInput { enable: Some(false), setting: Some("nonsense".into()), ..Default::default() };
        assert_eq!(off.resolve(Some(MONTHLY)).unwrap(), None, "off ignores the rest, as data.all does");
        assert_eq!(ExpiryInput::default().resolve(Some(MONTHLY)).unwrap(), Some(MONTHLY), "kept");
        let longer = ExpiryInput { max: Some(12), ..Default::default() };
        assert_eq!(longer.resolve(Some(MONTHLY)).unwrap().map(|e| e.max), Some(12));
        let missing =
            ExpiryInput { enable: Some(true), setting: Some("Monthly".into()), ..Default::default() };
        assert!(missing.resolve(None).unwrap_err().to_string().contains("shortest and longest"));
        let no_unit = ExpiryInput { enable: Some(true), min: Some(1), max: Some(2), ..Default::default() };
        assert!(no_unit.resolve(None).unwrap_err().to_string().contains("Monthly or Quarterly"));
        let inverted = ExpiryInput { min: Some(5), max: Some(2), ..on.clone() };
        assert!(inverted.resolve(None).unwrap_err().to_string().contains("longer than the longest"));
        let zero = ExpiryInput { min: Some(0), ..on.clone() };
        assert!(zero.resolve(None).is_err());
        let huge = ExpiryInput { max: Some(MAX_PERIODS + 1), ..on };
        assert!(huge.resolve(None).is_err());
    }
}
