//! Item statistics of a sitting: how hard each question was (the facility index, the mean
//! share of its points scored) and how well it told strong entrants from weak ones (the
//! discrimination index: facility in the top 27 % by total score minus facility in the
//! bottom 27 %, the classical upper–lower method).

use std::collections::BTreeMap;

/// One submitted attempt: its total as a share of its maximum, and each question it held
/// with the share of that question's points scored (`None` while a person has to grade it).
#[derive(Debug, Clone)]
pub struct Sitting<K> {
    pub total: f64,
    pub items: Vec<(K, Option<f64>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats<K> {
    pub item: K,
    /// Attempts that held the question.
    pub seen: usize,
    /// Attempts that scored all its points.
    pub full_marks: usize,
    /// Mean share of points scored, 0 (nobody) to 1 (everybody); `None` if nothing is graded.
    pub facility: Option<f64>,
    /// From −1 to 1; `None` when either group is empty.
    pub discrimination: Option<f64>,
}

/// The share of sittings in each of the upper and lower groups.
pub const GROUP_SHARE: f64 = 0.27;

pub fn item_stats<K: Ord + Clone>(sittings: &[Sitting<K>]) -> Vec<ItemStats<K>> {
    let mut order: Vec<usize> = (0..sittings.len()).collect();
    order.sort_by(|&a, &b| sittings[b].total.total_cmp(&sittings[a].total));
    let group = ((sittings.len() as f64) * GROUP_SHARE).ceil() as usize;
    let group = group.min(sittings.len() / 2);
    let mut in_group = vec![0i8; sittings.len()];
    for &i in order.iter().take(group) {
        in_group[i] = 1;
    }
    for &i in order.iter().rev().take(group) {
        in_group[i] = -1;
    }
    #[derive(Default)]
    struct Acc {
        seen: usize,
        full: usize,
        graded: usize,
        sum: f64,
        upper: (usize, f64),
        lower: (usize, f64),
    }
    let mut acc: BTreeMap<K, Acc> = BTreeMap::new();
    for (i, sitting) in sittings.iter().enumerate() {
        for (item, share) in &sitting.items {
            let a = acc.entry(item.clone()).or_default();
            a.seen += 1;
            let Some(share) = share else { continue };
            let share = share.clamp(0.0, 1.0);
            a.graded += 1;
            a.sum += share;
            if share >= 1.0 {
                a.full += 1;
            }
            match in_group[i] {
                1 => a.upper = (a.upper.0 + 1, a.upper.1 + share),
                -1 => a.lower = (a.lower.0 + 1, a.lower.1 + share),
                _ => {}
            }
        }
    }
    acc.into_iter()
        .map(|(item, a)| ItemStats {
            item,
            seen: a.seen,
            full_marks: a.full,
            facility: (a.graded > 0).then(|| a.sum / a.graded as f64),
            discrimination: (a.upper.0 > 0 && a.lower.0 > 0)
                .then(|| a.upper.1 / a.upper.0 as f64 - a.lower.1 / a.lower.0 as f64),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sitting(total: f64, items: &[(u32, f64)]) -> Sitting<u32> {
        Sitting {
            total,
            items: items.iter().map(|&(k, s)| (k, Some(s))).collect(),
        }
    }

    #[test]
    fn a_question_only_the_strong_get_right_discriminates() {
        let sittings = vec![
            sitting(1.0, &[(1, 1.0), (2, 1.0)]),
            sitting(0.9, &[(1, 1.0), (2, 1.0)]),
            sitting(0.5, &[(1, 0.0), (2, 1.0)]),
            sitting(0.2, &[(1, 0.0), (2, 1.0)]),
        ];
        let stats = item_stats(&sittings);
        assert_eq!(stats[0].item, 1);
        assert_eq!(stats[0].facility, Some(0.5));
        assert_eq!(stats[0].discrimination, Some(1.0));
        assert_eq!(stats[0].full_marks, 2);
        assert_eq!(stats[1].facility, Some(1.0));
        assert_eq!(stats[1].discrimination, Some(0.0));
    }

    #[test]
    fn ungraded_answers_count_as_seen_only() {
        let s = Sitting {
            total: 0.0,
            items: vec![(7u32, None)],
        };
        let stats = item_stats(&[s]);
        assert_eq!(stats[0].seen, 1);
        assert_eq!(stats[0].facility, None);
        assert_eq!(stats[0].discrimination, None);
    }

    proptest! {
        #[test]
        fn indices_stay_in_bounds(rows in proptest::collection::vec((0.0f64..=1.0, proptest::collection::vec((0u32..5, 0.0f64..=1.0), 0..6)), 0..40)) {
            let sittings: Vec<Sitting<u32>> = rows.iter().map(|(t, items)| sitting(*t, items)).collect();
            for s in item_stats(&sittings) {
                if let Some(f) = s.facility { prop_assert!((0.0..=1.0).contains(&f)); }
                if let Some(d) = s.discrimination { prop_assert!((-1.0..=1.0).contains(&d)); }
                prop_assert!(s.full_marks <= s.seen);
            }
        }
    }
}
