//! The `idenfy` command line tool.
fn main() {}
