//! Ctrl-C, as one process-wide flag every layer can consult.
//!
//! The CLI's handler only sets the flag; long work polls it at safe points (the simulation loop,
//! between runs of a sweep, between files, before anything is published) and stops there, so an
//! interrupted command exits 130 having published nothing and left no scratch files behind.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the Ctrl-C handler.
pub static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C has been pressed.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Asks everything to stop at its next check (what the handler calls).
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// A seam for the fault-injection tests (`tests/faults.rs`): with `MARKETSIM_TEST_PAUSE=POINT:MS`
/// in the environment, the process announces `paused at POINT` on stderr when it reaches `POINT`
/// and sleeps `MS` milliseconds there, so a test can send a signal at exactly that moment (between
/// finishing the files and the rename, while charting, ...). Without the variable it costs one
/// environment look-up per call, and it is called only at a handful of phase boundaries.
pub fn pause_point(point: &str) {
    let Ok(spec) = std::env::var("MARKETSIM_TEST_PAUSE") else {
        return;
    };
    let Some((at, ms)) = spec.split_once(':') else {
        return;
    };
    if at == point {
        eprintln!("paused at {point}");
        let until =
            std::time::Instant::now() + std::time::Duration::from_millis(ms.parse().unwrap_or(0));
        // Ctrl-C ends the pause, as it would end the work it stands for.
        while std::time::Instant::now() < until && !requested() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
