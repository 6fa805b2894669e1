//! Subcommands of the `wasteroute` binary: each parses its arguments, calls the library, prints.

pub mod args;
pub mod bench;
pub mod common;
pub mod demo_map;
pub mod inspect;
pub mod matrix;
pub mod plan;
pub mod render;
