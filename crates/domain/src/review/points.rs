//! Scores as exact decimals with three places, so that a spreadsheet's ROUND agrees with the
//! engine to the last digit.

use crate::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A score in thousandths of a point: `8.5` is `Points(8500)`. Sums and means are computed on
/// these integers and rounded half away from zero, as a spreadsheet's `ROUND(x, 3)` does.
/// In JSON it is the exact decimal as a string (`"88.5"`), never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(pub i64);

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        let raw = String::deserialize(d)?;
        Points::parse("points", &raw).map_err(|e| serde::de::Error::custom(e.code))
    }
}

impl utoipa::PartialSchema for Points {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^-?[0-9]+(\.[0-9]{1,3})?$"))
            .description(Some(
                "A score as an exact decimal with at most three places, e.g. `88.5`.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Points {}

/// The most decimal places a typed score may have.
pub const PLACES: u32 = 3;
const SCALE: i64 = 1000;

impl Points {
    pub const ZERO: Points = Points(0);

    pub fn whole(points: i64) -> Points {
        Points(points * SCALE)
    }

    /// Reads a score typed by a judge: a non-negative decimal with at most three places.
    pub fn parse(field: &str, raw: &str) -> Result<Points, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || whole.len() > 9 {
            return Err(FieldError::new(field, "not_a_score"));
        }
        if fraction.len() > PLACES as usize {
            return Err(FieldError::new(field, "too_many_decimals").with("places", PLACES));
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| FieldError::new(field, "not_a_score"))?;
        let padded = format!("{fraction:0<3}");
        let fraction: i64 = padded.parse().unwrap_or(0);
        Ok(Points(whole * SCALE + fraction))
    }

    /// `numerator / denominator` thousandths, rounded half away from zero.
    pub fn ratio(numerator: i128, denominator: i128) -> Points {
        assert!(denominator > 0, "a ratio needs a positive denominator");
        let twice = 2 * numerator.abs() + denominator;
        let magnitude = twice / (2 * denominator);
        let signed = if numerator < 0 { -magnitude } else { magnitude };
        Points(i64::try_from(signed).unwrap_or(i64::MAX))
    }

    /// The nearest score to a floating value, for the one step that needs roots (normalising).
    pub fn nearest(value: f64) -> Points {
        Points((value * SCALE as f64).round() as i64)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// `self × percent / 100`, rounded.
    pub fn weighted(self, percent: u32) -> Points {
        Points::ratio(i128::from(self.0) * i128::from(percent), 100)
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, other: Points) -> Points {
        Points(self.0 - other.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl std::fmt::Display for Points {
    /// The shortest exact form: `8.5`, `10`, `-0.25`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, fraction) = (abs / SCALE as u64, abs % SCALE as u64);
        if fraction == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{fraction:03}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typed_scores_read_exactly() {
        assert_eq!(Points::parse("s", "8.5"), Ok(Points(8500)));
        assert_eq!(Points::parse("s", " 10 "), Ok(Points(10_000)));
        assert_eq!(Points::parse("s", "0.125"), Ok(Points(125)));
        assert_eq!(Points::parse("s", "7."), Ok(Points(7000)));
        for bad in ["", "-1", "1e3", ".5", "八", "1.2.3"] {
            assert!(Points::parse("s", bad).is_err(), "{bad}");
        }
        assert_eq!(
            Points::parse("s", "1.2345").unwrap_err().code,
            "too_many_decimals"
        );
    }

    #[test]
    fn ratios_round_half_away_from_zero() {
        assert_eq!(Points::ratio(53_333, 2), Points(26_667));
        assert_eq!(Points::ratio(-53_333, 2), Points(-26_667));
        assert_eq!(Points::ratio(80_000, 3), Points(26_667));
        assert_eq!(Points::ratio(10, 4), Points(3));
        assert_eq!(Points(8_555).weighted(30), Points(2_567));
    }

    proptest! {
        #[test]
        fn shown_scores_read_back(th in 0i64..1_000_000_000) {
            let p = Points(th);
            prop_assert_eq!(Points::parse("s", &p.to_string()), Ok(p));
        }

        #[test]
        fn a_ratio_is_the_nearest_thousandth(n in -10_000_000i128..10_000_000, d in 1i128..50) {
            let got = Points::ratio(n, d).0 as f64;
            let exact = n as f64 / d as f64;
            prop_assert!((got - exact).abs() <= 0.5 + 1e-9);
        }
    }
}
