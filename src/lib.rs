//! gongjiang (工匠): the platform for the innovation and skills work of trade unions.
//! This crate is the program: configuration, the command line, and starting the server.

pub mod bench;
pub mod bench_certificates;
pub mod bench_exam;
pub mod bench_http;
pub mod bench_judging;
pub mod bench_results;
pub mod bench_search;
pub mod cli;
mod cli_audit;
pub mod config;
pub mod fuzz;
pub mod server;
