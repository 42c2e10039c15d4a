//! Black-box tests over HTTP: the real server, a fresh database per test. Run once on SQLite
//! and once on PostgreSQL (`GONGJIANG_TEST_DB=postgres`) by `scripts/test`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot proceed should stop loudly

#[path = "../common/mod.rs"]
mod common;

mod achievements;
mod api;
mod api_achievements;
mod api_alliances;
mod api_public;
mod api_studios;
mod audit;
mod auth;
mod banks;
mod certificates;
mod cli;
mod competitions;
mod crash;
mod entries;
mod exam_pages;
mod exams;
mod exhibitions;
mod faults;
mod hardening;
mod imports;
mod instances;
mod light_pages;
mod notices;
mod people;
mod practical;
mod question_kinds;
mod registry;
mod registry_imports;
mod role_api;
mod role_competitions;
mod role_registry;
mod role_table;
mod roles;
mod schemathesis;
mod search_feed;
mod search_recall;
mod showcase_records;
mod star_cycles;
mod statistics;
mod telemetry;
mod units;
mod writes;
