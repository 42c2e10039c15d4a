//! A practical round's panels through the review engine: their judges, entrants, scores and
//! conflicts read once for every panel asked for (a track's results read the whole round in a
//! handful of statements), then each panel scored with its trace.

use crate::ServiceResult;
use gongjiang_db::practical::{self, PanelEntrant, PanelJudge, Panels};
use gongjiang_db::{Conn, units};
use gongjiang_domain::review::Points;
use gongjiang_domain::review::conflict::{self, Affiliation, Conflict};
use gongjiang_domain::review::scoring::{self, RoundScores, Sheet};
use gongjiang_domain::unit::{UnitKind, UnitPath};
use std::collections::{BTreeMap, HashMap};

/// Where a unit stands for conflicts: its path and its enterprise, with the kinds read once.
pub(crate) struct Tree {
    kinds: HashMap<i64, UnitKind>,
}

impl Tree {
    pub async fn load(conn: &mut Conn) -> ServiceResult<Tree> {
        Ok(Tree {
            kinds: units::all(conn)
                .await?
                .into_iter()
                .map(|u| (u.id, u.kind))
                .collect(),
        })
    }

    /// Only the units on these paths: enough for their affiliations (a save checks one pair,
    /// not the whole panel), in one statement.
    pub async fn on_paths(conn: &mut Conn, paths: &[&UnitPath]) -> ServiceResult<Tree> {
        let mut ids: Vec<i64> = paths.iter().flat_map(|p| p.ids()).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(Tree {
            kinds: units::with_ids(conn, &ids)
                .await?
                .into_iter()
                .map(|u| (u.id, u.kind))
                .collect(),
        })
    }

    pub fn affiliation(&self, unit: UnitPath) -> Affiliation {
        let enterprise = conflict::enterprise_of(&unit, |id| {
            self.kinds.get(&id) == Some(&UnitKind::EnterpriseUnion)
        });
        Affiliation { unit, enterprise }
    }
}

/// Who sits on the panels, read once: their judges (each panel's chief first), their drawn
/// entrants (by number), and who stands aside for whom, found from the tree or declared.
pub(crate) struct Seating {
    pub judges: Vec<PanelJudge>,
    pub entrants: Vec<PanelEntrant>,
    /// (judge, entry) → why the judge stands aside.
    pub recused: HashMap<(i64, i64), Conflict>,
}

impl Seating {
    pub async fn load(conn: &mut Conn, panels: Panels) -> ServiceResult<Seating> {
        let judges = practical::judges_of(conn, panels).await?;
        let entrants = practical::entrants_of(conn, panels).await?;
        let tree = Tree::load(conn).await?;
        let mut by_panel: HashMap<i64, Vec<(i64, Affiliation)>> = HashMap::new();
        for e in &entrants {
            by_panel
                .entry(e.panel_id)
                .or_default()
                .push((e.entry_id, tree.affiliation(e.unit())));
        }
        let mut recused = HashMap::new();
        for j in &judges {
            let Some(path) = &j.unit_path else { continue };
            let own = tree.affiliation(UnitPath::from_stored(path.clone()));
            for (entry, theirs) in by_panel.get(&j.panel_id).into_iter().flatten() {
                if let Some(c) = conflict::found(&own, theirs) {
                    recused.insert((j.user_id, *entry), c);
                }
            }
        }
        for (judge, entry) in practical::declared(conn, panels).await? {
            recused.entry((judge, entry)).or_insert(Conflict::Declared);
        }
        Ok(Seating {
            judges,
            entrants,
            recused,
        })
    }
}

/// Each panel's final scores with their traces, by panel (a panel asked for by `Panels::One`
/// is there even with nobody on it).
pub(crate) async fn scores_of(
    conn: &mut Conn,
    round_id: i64,
    panels: Panels,
) -> ServiceResult<BTreeMap<i64, RoundScores>> {
    let criteria = practical::criteria(conn, round_id).await?;
    let (rule, _) = practical::rule(conn, round_id).await?;
    let seating = Seating::load(conn, panels).await?;
    let position: HashMap<i64, usize> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let panel_of: HashMap<i64, i64> = seating
        .entrants
        .iter()
        .map(|e| (e.entry_id, e.panel_id))
        .collect();
    let mut sheets: HashMap<(i64, i64), Vec<Option<Points>>> = HashMap::new();
    for s in practical::points_of(conn, panels).await? {
        if let Some(&i) = position.get(&s.criterion_id) {
            sheets
                .entry((s.user_id, s.entry_id))
                .or_insert_with(|| vec![None; criteria.len()])[i] = Some(Points(s.points));
        }
    }
    #[derive(Default)]
    struct Panel {
        judges: Vec<i64>,
        subjects: Vec<i64>,
        sheets: Vec<Sheet>,
        recused: Vec<(i64, i64)>,
    }
    let mut by_panel: BTreeMap<i64, Panel> = BTreeMap::new();
    if let Panels::One(id) = panels {
        by_panel.entry(id).or_default();
    }
    for j in &seating.judges {
        by_panel
            .entry(j.panel_id)
            .or_default()
            .judges
            .push(j.user_id);
    }
    for e in &seating.entrants {
        by_panel
            .entry(e.panel_id)
            .or_default()
            .subjects
            .push(e.entry_id);
    }
    for ((judge, subject), points) in sheets {
        if let Some(panel) = panel_of.get(&subject) {
            by_panel.entry(*panel).or_default().sheets.push(Sheet {
                judge,
                subject,
                points,
            });
        }
    }
    for &(judge, subject) in seating.recused.keys() {
        if let Some(panel) = panel_of.get(&subject) {
            by_panel
                .entry(*panel)
                .or_default()
                .recused
                .push((judge, subject));
        }
    }
    let engine_criteria: Vec<_> = criteria
        .iter()
        .map(|c| c.spec().criterion(c.id.to_string()))
        .collect();
    Ok(by_panel
        .into_iter()
        .map(|(id, p)| {
            let scores = scoring::score_round(
                &engine_criteria,
                rule,
                &p.judges,
                &p.subjects,
                &p.sheets,
                &p.recused,
            );
            (id, scores)
        })
        .collect())
}
