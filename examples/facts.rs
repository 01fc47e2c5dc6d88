//! Tries the facts module before the CLI has a subcommand for it.
//!
//! cargo run --release --example facts -- <run dir | LOBSTER message csv> [reference message csv …]
//! cargo run --release --example facts -- --export <run dir> <out dir>

use std::path::PathBuf;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let result = match args.as_slice() {
        [flag, run, out] if flag.as_os_str() == "--export" => {
            marketsim::facts::export_lobster(run, out)
                .map(|(m, b)| format!("wrote {}\n      {}", m.display(), b.display()))
        }
        [target, reference @ ..] => marketsim::facts::run_facts_command(target, reference),
        [] => {
            eprintln!("usage: facts <run dir | message csv> [reference message csv …]");
            std::process::exit(2);
        }
    };
    match result {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
