//! Draws the charts and the HTML report of existing run directories.
//!
//! cargo run --release --example plot -- output/quick/seed=7 [more run dirs...]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: plot RUN_DIR [RUN_DIR...]");
        return ExitCode::from(2);
    }
    for dir in dirs {
        let started = std::time::Instant::now();
        let result = marketsim::plot::render_run(&dir)
            .and_then(|plots| Ok((plots, marketsim::plot::write_report(&dir)?)));
        match result {
            Ok((plots, report)) => {
                for p in plots {
                    println!("{}", p.display());
                }
                println!(
                    "{}  ({:.2} s)",
                    report.display(),
                    started.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
