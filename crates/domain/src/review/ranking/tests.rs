use super::*;
use proptest::prelude::*;

fn c(id: i64, score: i64, breaks: &[i64]) -> Contender {
    Contender {
        id,
        score: Points(score),
        breaks: breaks.to_vec(),
    }
}

fn tiers_of(ranked: &[Ranked]) -> Vec<(i64, u32, Option<usize>)> {
    ranked.iter().map(|r| (r.id, r.rank, r.tier)).collect()
}

#[test]
fn the_combined_score_weighs_the_rounds() {
    let weights = [
        RoundWeight {
            round: 1,
            percent: 30,
        },
        RoundWeight {
            round: 2,
            percent: 70,
        },
    ];
    let scores = |round| match round {
        1 => Some(Points(88_500)),
        2 => Some(Points(91_333)),
        _ => None,
    };
    assert_eq!(combined(&weights, scores), Some(Points(90_483)));
    assert_eq!(combined(&weights, |r| (r == 1).then_some(Points(1))), None);
}

#[test]
fn ties_are_broken_by_the_written_rule_then_shared() {
    // Equal scores; the practical score (higher) decides, then the time (lower).
    let ranked = rank(
        vec![
            c(1, 90_000, &[80_000, 600]),
            c(2, 90_000, &[85_000, 700]),
            c(3, 90_000, &[80_000, 500]),
            c(4, 95_000, &[0, 0]),
            c(5, 90_000, &[80_000, 500]),
        ],
        &[Better::Higher, Better::Lower],
    );
    let got: Vec<(i64, u32)> = ranked.iter().map(|r| (r.id, r.rank)).collect();
    assert_eq!(got, [(4, 1), (2, 2), (3, 3), (5, 3), (1, 5)]);
}

#[test]
fn a_tie_across_a_boundary_takes_the_better_prize() {
    let ranked = rank(
        vec![
            c(1, 100, &[]),
            c(2, 90, &[]),
            c(3, 90, &[]),
            c(4, 80, &[]),
            c(5, 70, &[]),
        ],
        &[],
    );
    let rule = PrizeRule {
        tiers: vec![TierSize::Count(2), TierSize::Count(2)],
        min_score: None,
    };
    assert_eq!(
        tiers_of(&award(ranked, &rule)),
        [
            (1, 1, Some(0)),
            (2, 2, Some(0)),
            (3, 2, Some(0)),
            (4, 4, Some(1)),
            (5, 5, None)
        ]
    );
}

#[test]
fn shares_round_down_on_the_running_total() {
    let rule = PrizeRule {
        tiers: vec![
            TierSize::Share(100),
            TierSize::Share(200),
            TierSize::Share(300),
        ],
        min_score: None,
    };
    // 10 %, 30 %, 60 % of 183 are 18.3, 54.9 and 109.8.
    assert_eq!(rule.boundaries(183), [18, 54, 109]);
    let mixed = PrizeRule {
        tiers: vec![TierSize::Count(3), TierSize::Share(500)],
        min_score: None,
    };
    assert_eq!(mixed.boundaries(11), [3, 8]);
}

#[test]
fn below_the_minimum_there_is_no_prize() {
    let ranked = rank(vec![c(1, 70_000, &[]), c(2, 50_000, &[])], &[]);
    let rule = PrizeRule {
        tiers: vec![TierSize::Count(5)],
        min_score: Some(Points(60_000)),
    };
    assert_eq!(
        tiers_of(&award(ranked, &rule)),
        [(1, 1, Some(0)), (2, 2, None)]
    );
}

#[test]
fn a_team_counts_its_best_members() {
    let teams = team_scores(
        &[
            (7, Points(90)),
            (7, Points(70)),
            (7, Points(80)),
            (8, Points(100)),
        ],
        2,
    );
    assert_eq!(teams, [c(7, 170, &[2]), c(8, 100, &[1])]);
}

fn contenders() -> impl Strategy<Value = Vec<Contender>> {
    proptest::collection::vec((0i64..20, 0i64..3), 0..60).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (s, b))| c(i as i64, s, &[b]))
            .collect()
    })
}

fn counts() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(0u32..15, 1..4)
}

proptest! {
    #[test]
    fn ranks_are_standard_competition_ranks(list in contenders()) {
        let ranked = rank(list.clone(), &[Better::Higher]);
        prop_assert_eq!(ranked.len(), list.len());
        for r in &ranked {
            let me = list.iter().find(|x| x.id == r.id).unwrap();
            let ahead = list.iter().filter(|x| (x.score, x.breaks[0]) > (me.score, me.breaks[0])).count();
            prop_assert_eq!(r.rank as usize, ahead + 1);
        }
    }

    #[test]
    fn without_ties_each_tier_holds_exactly_its_count(n in 0usize..80, sizes in counts()) {
        let list: Vec<Contender> = (0..n as i64).map(|i| c(i, 1_000 - i, &[])).collect();
        let rule = PrizeRule { tiers: sizes.iter().map(|&s| TierSize::Count(s)).collect(), min_score: None };
        let won = award(rank(list, &[]), &rule);
        let mut before = 0usize;
        for (t, &size) in sizes.iter().enumerate() {
            let expected = (size as usize).min(n.saturating_sub(before));
            prop_assert_eq!(won.iter().filter(|r| r.tier == Some(t)).count(), expected);
            before += size as usize;
        }
    }

    #[test]
    fn ties_never_split_and_never_take_a_place_from_a_better_rank(list in contenders(), sizes in counts()) {
        let rule = PrizeRule { tiers: sizes.iter().map(|&s| TierSize::Count(s)).collect(), min_score: None };
        let won = award(rank(list, &[Better::Higher]), &rule);
        let bounds = rule.boundaries(won.len());
        for pair in won.windows(2) {
            let tier_or_last = |r: &Ranked| r.tier.unwrap_or(usize::MAX);
            prop_assert!(tier_or_last(&pair[0]) <= tier_or_last(&pair[1]), "a better rank never gets a worse prize");
            if pair[0].rank == pair[1].rank {
                prop_assert_eq!(pair[0].tier, pair[1].tier);
            }
        }
        for (t, &b) in bounds.iter().enumerate() {
            let at_most_t = won.iter().filter(|r| r.tier.is_some_and(|x| x <= t)).count();
            // Every place up to the boundary is given (when there are enough contenders), and
            // any extra is a tie at the boundary.
            prop_assert!(at_most_t >= b.min(won.len()));
            prop_assert!(won.iter().filter(|r| r.tier.is_some_and(|x| x <= t)).all(|r| r.rank as usize <= b));
        }
    }

    #[test]
    fn fewer_contenders_than_prizes_all_win(n in 0usize..10, extra in 0u32..10) {
        let list: Vec<Contender> = (0..n as i64).map(|i| c(i, i, &[])).collect();
        let rule = PrizeRule { tiers: vec![TierSize::Count(n as u32 + extra)], min_score: None };
        prop_assert!(award(rank(list, &[]), &rule).iter().all(|r| r.tier == Some(0)));
    }
}
