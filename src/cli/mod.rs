//! Subcommands of the `wasteroute` binary: each parses its arguments, calls the library, prints.

pub mod bench;
