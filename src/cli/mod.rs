//! Subcommands of the `wasteroute` binary: each parses its arguments, calls the library, prints.

pub mod demo_map;
pub mod render;
pub mod common;
pub mod inspect;
pub mod matrix;
