//! The clock of an attempt. The server owns it: when an attempt may start, when it ends, and
//! whether an answer arriving at a given moment still counts.

use serde::{Deserialize, Serialize};

/// When a session may be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub opens_ms: i64,
    pub closes_ms: i64,
}

/// What a late starter gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateStart {
    /// The full time limit, even past the window's close.
    FullTime,
    /// The time limit, but never past the close (plus any personal extra time).
    #[default]
    CutAtClose,
}

/// The timing rules of an exam session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClock {
    pub window: Window,
    pub limit_ms: i64,
    pub late_start: LateStart,
    /// Answers already in flight when time runs out still count for this long.
    pub grace_ms: i64,
}

/// A person's own arrangement: extra time, or another window (a make-up sitting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Arrangement {
    pub extra_ms: i64,
    pub window: Option<Window>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartRefused {
    NotYetOpen { opens_ms: i64 },
    Closed { closed_ms: i64 },
}

impl SessionClock {
    /// The moment an attempt started at `start_ms` ends, or why it may not start.
    pub fn deadline(&self, arrangement: Arrangement, start_ms: i64) -> Result<i64, StartRefused> {
        let window = arrangement.window.unwrap_or(self.window);
        if start_ms < window.opens_ms {
            return Err(StartRefused::NotYetOpen {
                opens_ms: window.opens_ms,
            });
        }
        if start_ms >= window.closes_ms {
            return Err(StartRefused::Closed {
                closed_ms: window.closes_ms,
            });
        }
        let extra = arrangement.extra_ms.max(0);
        let full = start_ms
            .saturating_add(self.limit_ms.max(0))
            .saturating_add(extra);
        Ok(match self.late_start {
            LateStart::FullTime => full,
            LateStart::CutAtClose => full.min(window.closes_ms.saturating_add(extra)),
        })
    }

    /// The last moment any entrant can still answer: the latest deadline of an attempt
    /// started just before its window closes, over the session's window and every personal
    /// arrangement, plus the grace. Answer keys stay hidden until then.
    pub fn last_answer_ms(&self, arrangements: &[Arrangement]) -> i64 {
        std::iter::once(Arrangement::default())
            .chain(arrangements.iter().copied())
            .map(|a| {
                let window = a.window.unwrap_or(self.window);
                let last_start = window.closes_ms.saturating_sub(1).max(window.opens_ms);
                self.deadline(a, last_start).unwrap_or(window.closes_ms)
            })
            .max()
            .unwrap_or(self.window.closes_ms)
            .saturating_add(self.grace_ms.max(0))
    }

    /// Whether an answer that reaches the server at `at_ms` counts for an attempt ending at
    /// `deadline_ms`.
    pub fn accepts(&self, deadline_ms: i64, at_ms: i64) -> bool {
        at_ms <= deadline_ms.saturating_add(self.grace_ms.max(0))
    }
}

/// Milliseconds left, as the countdown shows them (never negative).
pub fn remaining_ms(deadline_ms: i64, now_ms: i64) -> i64 {
    (deadline_ms - now_ms).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MIN: i64 = 60_000;

    fn clock(late_start: LateStart) -> SessionClock {
        SessionClock {
            window: Window {
                opens_ms: 0,
                closes_ms: 120 * MIN,
            },
            limit_ms: 90 * MIN,
            late_start,
            grace_ms: 5_000,
        }
    }

    #[test]
    fn late_starters_get_what_the_rule_says() {
        let late = 100 * MIN;
        assert_eq!(
            clock(LateStart::CutAtClose).deadline(Arrangement::default(), late),
            Ok(120 * MIN)
        );
        assert_eq!(
            clock(LateStart::FullTime).deadline(Arrangement::default(), late),
            Ok(190 * MIN)
        );
        let extra = Arrangement {
            extra_ms: 15 * MIN,
            window: None,
        };
        assert_eq!(
            clock(LateStart::CutAtClose).deadline(extra, late),
            Ok(135 * MIN)
        );
        assert_eq!(
            clock(LateStart::CutAtClose).deadline(Arrangement::default(), 120 * MIN),
            Err(StartRefused::Closed {
                closed_ms: 120 * MIN
            })
        );
        assert_eq!(
            clock(LateStart::CutAtClose).deadline(Arrangement::default(), -1),
            Err(StartRefused::NotYetOpen { opens_ms: 0 })
        );
        let makeup = Arrangement {
            extra_ms: 0,
            window: Some(Window {
                opens_ms: 1000 * MIN,
                closes_ms: 1200 * MIN,
            }),
        };
        assert_eq!(
            clock(LateStart::CutAtClose).deadline(makeup, 1000 * MIN),
            Ok(1090 * MIN)
        );
    }

    #[test]
    fn the_grace_covers_answers_in_flight_only() {
        let c = clock(LateStart::CutAtClose);
        assert!(c.accepts(1000, 1000 + 5_000));
        assert!(!c.accepts(1000, 1000 + 5_001));
        assert_eq!(remaining_ms(1000, 5000), 0);
    }

    proptest! {
        #[test]
        fn deadlines_respect_limit_window_and_extra_time(
            opens in -1_000_000i64..1_000_000,
            length in 1i64..10_000_000,
            limit in 0i64..10_000_000,
            extra in 0i64..1_000_000,
            offset in 0i64..10_000_000,
            full_time in any::<bool>(),
        ) {
            let late_start = if full_time { LateStart::FullTime } else { LateStart::CutAtClose };
            let c = SessionClock { window: Window { opens_ms: opens, closes_ms: opens + length }, limit_ms: limit, late_start, grace_ms: 0 };
            let start = opens + offset;
            let arrangement = Arrangement { extra_ms: extra, window: None };
            match c.deadline(arrangement, start) {
                Ok(deadline) => {
                    prop_assert!(start < opens + length);
                    prop_assert!(deadline >= start);
                    prop_assert!(deadline - start <= limit + extra);
                    if full_time {
                        prop_assert_eq!(deadline, start + limit + extra);
                    } else {
                        prop_assert!(deadline <= opens + length + extra);
                    }
                    prop_assert!(c.accepts(deadline, deadline));
                    prop_assert!(!c.accepts(deadline, deadline + 1));
                }
                Err(StartRefused::Closed { .. }) => prop_assert!(start >= opens + length),
                Err(StartRefused::NotYetOpen { .. }) => prop_assert!(start < opens),
            }
        }

        /// Keys shown at `last_answer_ms` come after every answer any entrant can still give,
        /// whatever their arrangement, and no later than needed.
        #[test]
        fn no_answer_counts_after_the_keys_show(
            length in 1i64..10_000_000,
            limit in 0i64..10_000_000,
            grace in 0i64..100_000,
            extra in 0i64..1_000_000,
            makeup_offset in 0i64..20_000_000,
            offset in 0i64..30_000_000,
            full_time in any::<bool>(),
        ) {
            let late_start = if full_time { LateStart::FullTime } else { LateStart::CutAtClose };
            let c = SessionClock { window: Window { opens_ms: 0, closes_ms: length }, limit_ms: limit, late_start, grace_ms: grace };
            let makeup = Arrangement { extra_ms: extra, window: Some(Window { opens_ms: makeup_offset, closes_ms: makeup_offset + length }) };
            let arrangements = [Arrangement { extra_ms: extra, window: None }, makeup];
            let keys = c.last_answer_ms(&arrangements);
            for a in std::iter::once(Arrangement::default()).chain(arrangements) {
                if let Ok(deadline) = c.deadline(a, offset) {
                    prop_assert!(deadline + grace <= keys);
                }
            }
            prop_assert!(keys <= makeup_offset + length + limit + extra + grace);
        }
    }
}
