//! The panel-scoring engine: criteria, a panel's sheets, an aggregation rule with its trace,
//! conflicts found from the union tree, and the ranking and prizes that follow. Practical
//! rounds, the studio star evaluation and the acceptance of challenge projects all score
//! through it; see docs/architecture.md.

pub mod conflict;
pub mod points;
pub mod ranking;
pub mod scoring;
pub mod stars;

pub use points::Points;
