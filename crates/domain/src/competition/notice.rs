//! A track's results after scoring: frozen, put on public notice (公示) for a set period in
//! which anyone signed in may object, then final. A change after the freeze reopens them,
//! with a reason that the notice shows. The moves allowed, and why one is refused.

use crate::registry::codes;

codes! {
    /// Where a track's results stand: open (computed live from the scores, organisers
    /// only), frozen (kept as they were, not yet public), on notice until its closing time
    /// (objections may be lodged), final.
    ResultStage {
        Open = "open",
        Frozen = "frozen",
        Notice = "notice",
        Final = "final",
    }
}

codes! {
    /// How staff resolved an objection.
    ObjectionOutcome {
        Upheld = "upheld",
        Dismissed = "dismissed",
    }
}

/// What an organiser asks of the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultMove {
    Freeze,
    /// Open the notice now (ms) until `closes_at` (ms).
    Publish {
        closes_at: i64,
    },
    Reopen,
    Finalise,
}

/// Why a move is refused; each is an error code of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    /// The move does not start from this stage.
    WrongStage,
    /// Entrants still lack a combined score.
    Unscored,
    /// A practical panel is not yet confirmed by its chief judge.
    PanelUnconfirmed,
    /// The notice must close later than now, and last at most 30 days.
    BadPeriod,
    /// The notice period has not ended.
    NoticeRunning,
    /// Objections are still waiting for a resolution.
    ObjectionsOpen,
    /// Reopening needs a reason.
    ReasonRequired,
}

impl MoveRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::WrongStage => "results_wrong_stage",
            Self::Unscored => "results_unscored",
            Self::PanelUnconfirmed => "panel_unconfirmed",
            Self::BadPeriod => "notice_period",
            Self::NoticeRunning => "notice_running",
            Self::ObjectionsOpen => "objections_open",
            Self::ReasonRequired => "reason_required",
        }
    }
}

/// What the results look like when a move is asked for.
#[derive(Debug, Clone, Copy)]
pub struct ResultFacts {
    pub stage: ResultStage,
    pub now: i64,
    pub notice_closes_at: Option<i64>,
    pub unscored: usize,
    pub unconfirmed_panels: usize,
    pub open_objections: usize,
    pub has_reason: bool,
}

/// The longest notice an organiser may set.
pub const MAX_NOTICE_MS: i64 = 30 * 24 * 3_600_000;

/// The stage a move leads to, or why it may not be made.
pub fn next_stage(facts: &ResultFacts, wanted: &ResultMove) -> Result<ResultStage, MoveRefusal> {
    use ResultStage::*;
    match (wanted, facts.stage) {
        (ResultMove::Freeze, Open) => {
            if facts.unscored > 0 {
                Err(MoveRefusal::Unscored)
            } else if facts.unconfirmed_panels > 0 {
                Err(MoveRefusal::PanelUnconfirmed)
            } else {
                Ok(Frozen)
            }
        }
        (ResultMove::Publish { closes_at }, Frozen) => {
            if *closes_at <= facts.now || *closes_at - facts.now > MAX_NOTICE_MS {
                Err(MoveRefusal::BadPeriod)
            } else {
                Ok(Notice)
            }
        }
        (ResultMove::Reopen, Frozen | Notice | Final) => {
            if facts.has_reason {
                Ok(Open)
            } else {
                Err(MoveRefusal::ReasonRequired)
            }
        }
        (ResultMove::Finalise, Notice) => {
            if facts.notice_closes_at.is_some_and(|c| facts.now < c) {
                Err(MoveRefusal::NoticeRunning)
            } else if facts.open_objections > 0 {
                Err(MoveRefusal::ObjectionsOpen)
            } else {
                Ok(Final)
            }
        }
        _ => Err(MoveRefusal::WrongStage),
    }
}

/// Whether an objection may be lodged now: only while the notice runs.
pub fn may_object(stage: ResultStage, now: i64, closes_at: Option<i64>) -> bool {
    stage == ResultStage::Notice && closes_at.is_some_and(|c| now < c)
}

/// Whether entrants see their own scores: once the results are on notice.
pub fn scores_public(stage: ResultStage) -> bool {
    matches!(stage, ResultStage::Notice | ResultStage::Final)
}

/// Whether scores may change: only while the results are open.
pub fn scores_changeable(stage: ResultStage) -> bool {
    stage == ResultStage::Open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(stage: ResultStage) -> ResultFacts {
        ResultFacts {
            stage,
            now: 1_000,
            notice_closes_at: None,
            unscored: 0,
            unconfirmed_panels: 0,
            open_objections: 0,
            has_reason: false,
        }
    }

    #[test]
    fn freezing_needs_every_score_and_every_panel_confirmed() {
        let mut f = facts(ResultStage::Open);
        assert_eq!(next_stage(&f, &ResultMove::Freeze), Ok(ResultStage::Frozen));
        f.unscored = 1;
        assert_eq!(
            next_stage(&f, &ResultMove::Freeze),
            Err(MoveRefusal::Unscored)
        );
        f.unscored = 0;
        f.unconfirmed_panels = 2;
        assert_eq!(
            next_stage(&f, &ResultMove::Freeze),
            Err(MoveRefusal::PanelUnconfirmed)
        );
        assert_eq!(
            next_stage(&facts(ResultStage::Notice), &ResultMove::Freeze),
            Err(MoveRefusal::WrongStage)
        );
    }

    #[test]
    fn a_notice_closes_in_the_future_and_within_thirty_days() {
        let f = facts(ResultStage::Frozen);
        let publish = |closes_at| next_stage(&f, &ResultMove::Publish { closes_at });
        assert_eq!(publish(1_000), Err(MoveRefusal::BadPeriod));
        assert_eq!(publish(1_001), Ok(ResultStage::Notice));
        assert_eq!(publish(1_000 + MAX_NOTICE_MS), Ok(ResultStage::Notice));
        assert_eq!(publish(1_001 + MAX_NOTICE_MS), Err(MoveRefusal::BadPeriod));
        assert_eq!(
            next_stage(
                &facts(ResultStage::Open),
                &ResultMove::Publish { closes_at: 5_000 }
            ),
            Err(MoveRefusal::WrongStage)
        );
    }

    #[test]
    fn final_only_after_the_period_and_with_every_objection_resolved() {
        let mut f = facts(ResultStage::Notice);
        f.notice_closes_at = Some(2_000);
        assert_eq!(
            next_stage(&f, &ResultMove::Finalise),
            Err(MoveRefusal::NoticeRunning)
        );
        f.now = 2_000;
        f.open_objections = 1;
        assert_eq!(
            next_stage(&f, &ResultMove::Finalise),
            Err(MoveRefusal::ObjectionsOpen)
        );
        f.open_objections = 0;
        assert_eq!(
            next_stage(&f, &ResultMove::Finalise),
            Ok(ResultStage::Final)
        );
    }

    #[test]
    fn reopening_from_any_frozen_stage_needs_a_reason() {
        for stage in [ResultStage::Frozen, ResultStage::Notice, ResultStage::Final] {
            let mut f = facts(stage);
            assert_eq!(
                next_stage(&f, &ResultMove::Reopen),
                Err(MoveRefusal::ReasonRequired)
            );
            f.has_reason = true;
            assert_eq!(next_stage(&f, &ResultMove::Reopen), Ok(ResultStage::Open));
        }
        let mut open = facts(ResultStage::Open);
        open.has_reason = true;
        assert_eq!(
            next_stage(&open, &ResultMove::Reopen),
            Err(MoveRefusal::WrongStage)
        );
    }

    #[test]
    fn objections_only_while_the_notice_runs_and_scores_public_from_the_notice() {
        assert!(may_object(ResultStage::Notice, 1_000, Some(1_001)));
        assert!(!may_object(ResultStage::Notice, 1_001, Some(1_001)));
        assert!(!may_object(ResultStage::Frozen, 0, Some(1_001)));
        assert!(!scores_public(ResultStage::Frozen));
        assert!(scores_public(ResultStage::Notice) && scores_public(ResultStage::Final));
        assert!(scores_changeable(ResultStage::Open) && !scores_changeable(ResultStage::Notice));
    }
}
